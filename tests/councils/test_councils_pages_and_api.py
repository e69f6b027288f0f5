"""Pages and API of the councils app over HTTP: who reads the internal minutes and who only
the public summary, the bad input of the issue answered with clear errors (nothing written),
the iCal feed, the minutes PDF and the handover briefing sections."""

import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from sasaeai.councils import services
from sasaeai.councils.models import Action, Attendance, CouncilMember, LocalIssue
from tests.conftest import login_client
from tests.councils.conftest import on_agenda

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(town):
    meeting = services.meeting_create(by=town["sc2"], council=town["c1"], title="第2回 地区1協議体",
                                      starts_at=timezone.now() - dt.timedelta(days=2), place="地区センター",
                                      online_url="https://meet.example.test/secret-room", format="hybrid")
    services.minutes_save(by=town["sc2"], meeting=meeting, internal_minutes="内部メモ：Aさん宅の件を共有",
                          public_summary="買い物支援について話し合いました。", decisions="移動販売を誘致する")
    return meeting


def test_a_resident_reads_the_public_summary_but_not_the_internal_minutes(town, held):
    client = login_client(town["resident"])
    page = client.get(reverse("councils:meeting_public", args=[held.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "買い物支援について話し合いました。" in text
    assert "内部メモ" not in text and "移動販売を誘致する" not in text and "secret-room" not in text
    assert client.get(reverse("councils:meeting", args=[held.pk])).status_code == 404
    assert client.get(reverse("councils:meeting_pdf", args=[held.pk])).status_code == 404
    api = client.get(f"/api/v1/council-meetings/{held.pk}/summary")
    assert api.status_code == 200 and "内部メモ" not in api.content.decode()
    assert client.get(f"/api/v1/council-meetings/{held.pk}").status_code == 404


def test_a_seated_council_member_reads_the_internal_minutes_of_their_council_only(town, held, make_user):
    from sasaeai.tenancy.models import Role

    seated = login_client(town["member_user"])
    page = seated.get(reverse("councils:meeting", args=[held.pk]))
    assert page.status_code == 200 and "内部メモ" in page.content.decode()
    unseated = login_client(make_user(Role.COUNCIL_MEMBER, town["m"], areas=[town["a1"]]))
    assert unseated.get(reverse("councils:meeting", args=[held.pk])).status_code == 404
    # Members read, they do not write.
    assert seated.post(reverse("councils:meeting_minutes", args=[held.pk]), {"public_summary": "x"}).status_code == 403


def test_an_sc_plans_a_meeting_from_the_register_through_the_page(town):
    issue = services.issue_raise(by=town["sc2"], council=town["c1"], title="ゴミ出し支援", source="needs")
    client = login_client(town["sc2"])
    form = client.get(reverse("councils:meeting_new", args=[town["c1"].pk]) + f"?issue={issue.pk}")
    assert "ゴミ出し支援" in form.content.decode()
    day = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    r = client.post(reverse("councils:meeting_new", args=[town["c1"].pk]), {
        "kind": "council", "title": "第5回", "date": day, "start": "14:00", "format": "in_person",
        "place": "公民館", "issues": [issue.pk]})
    assert r.status_code == 302
    issue.refresh_from_db()
    assert issue.state == "on_agenda" and issue.agenda_items.count() == 1


def _api(client, method, url, body):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_bad_input_answers_clear_errors_and_writes_nothing(town, held):
    client = login_client(town["sc2"])
    before = CouncilMember.objects.count()
    r = _api(client, "post", f"/api/v1/councils/{town['c1'].pk}/members",
             {"name": "x", "affiliation": 18, "term_start": "2025-04-01"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_affiliation" and r.json()["fields"]["affiliation"]
    assert CouncilMember.objects.count() == before
    outsider = services.member_add(by=town["sc1"], council=town["c2"], name="他地区", affiliation=5,
                                   term_start=dt.date(2025, 4, 1))
    r = _api(client, "put", f"/api/v1/council-meetings/{held.pk}/attendance",
             {"members": {str(town["seat"].pk): True, str(outsider.pk): True}})
    assert r.status_code == 400 and r.json()["code"] == "not_a_member"
    assert not Attendance.objects.filter(meeting=held).exists()
    issue = on_agenda(town, services.issue_raise(by=town["sc2"], council=town["c1"], title="x", source="member"))
    r = _api(client, "post", f"/api/v1/local-issues/{issue.pk}/resolve", {"resolution_kind": ""})
    assert r.status_code == 400 and r.json()["code"] == "resolution_required"
    assert LocalIssue.objects.get(pk=issue.pk).state == "on_agenda"
    action = services.action_add(by=town["sc2"], issue=issue, title="調査")
    r = _api(client, "post", f"/api/v1/council-actions/{action.pk}/updates", {"note": "x", "progress": 120})
    assert r.status_code == 400 and r.json()["code"] == "invalid_progress"
    assert Action.objects.get(pk=action.pk).progress == 0 and not action.timeline.exists()
    # The same through the pages: a message, no stack trace, nothing written.
    page = client.post(reverse("councils:action_update", args=[action.pk]), {"note": "x", "progress": "120"},
                       follow=True)
    assert page.status_code == 200 and "0" in page.content.decode() and not action.timeline.exists()
    page = client.post(reverse("councils:member_add", args=[town["c1"].pk]), {
        "name": "x", "affiliation": "18", "role": "member", "resident_private": "auto", "term_start": "2025-04-01"},
        follow=True)
    assert page.status_code == 200 and CouncilMember.objects.count() == before + 1  # only the outsider above


def test_messages_follow_the_language(town):
    client = login_client(town["sc2"])
    r = client.post(f"/api/v1/councils/{town['c1'].pk}/members", data=json.dumps(
        {"name": "x", "affiliation": 0, "term_start": "2025-04-01"}), content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en")
    assert "17" in r.json()["message"] and "survey" in r.json()["message"]
    r = client.post(f"/api/v1/councils/{town['c1'].pk}/members", data=json.dumps(
        {"name": "x", "affiliation": 0, "term_start": "2025-04-01"}), content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="ja")
    assert "17" in r.json()["message"] and "survey" not in r.json()["message"]


def test_ical_feed_lists_meetings_without_minutes_or_link(town, held):
    from icalendar import Calendar

    r = login_client(town["resident"]).get(reverse("councils:ical", args=[town["c1"].pk]))
    assert r.status_code == 200 and r["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(r.content)
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == 1 and str(events[0]["location"]) == "地区センター"
    body = r.content.decode()
    assert "secret-room" not in body and "内部メモ" not in body


def test_minutes_pdf_is_japanese_text(town, held):
    from pypdf import PdfReader

    services.attendance_record(by=town["sc2"], meeting=held, members={town["seat"].pk: True},
                               guests=[("商店会 田中", "")])
    r = login_client(town["sc2"]).get(reverse("councils:meeting_pdf", args=[held.pk]))
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert "議事録" in text and "移動販売を誘致する" in text and "自治会長 山田" in text


def test_briefing_sections_follow_the_contract(town, held, rf):
    from sasaeai.councils.briefing import sections

    services.meeting_create(by=town["sc2"], council=town["c1"], title="次回", starts_at=timezone.now()
                            + dt.timedelta(days=3), place="公民館")
    services.issue_raise(by=town["sc2"], council=town["c1"], title="ゴミ出し", source="needs")
    request = rf.get("/")
    request.user = town["sc2"]
    out = sections(request, town["a1"])
    assert [s["key"] for s in out] == ["councils", "council_issues"] and out[0]["order"] == 60
    for s in out:
        assert {"key", "title", "order", "columns", "rows", "empty", "more_url"} <= set(s)
        assert all(len(row) == len(s["columns"]) for row in s["rows"]) and len(s["rows"]) <= 20
    names = [row[0][0] for row in out[0]["rows"]]
    assert names == ["第1層協議体", "地区1協議体"]
    assert out[1]["rows"][0][0][0] == "ゴミ出し"
    request.user = town["resident"]
    assert all(not s["rows"] for s in sections(request, town["a1"]))


def test_the_file_attached_is_downloaded_only_by_readers(town, held):
    f = services.file_attach(by=town["sc2"], meeting=held, filename="資料.pdf", content_type="application/pdf",
                             data=b"%PDF-1.4 x")
    url = reverse("councils:meeting_file", args=[held.pk, f.pk])
    r = login_client(town["member_user"]).get(url)
    assert r.status_code == 200 and r.content == b"%PDF-1.4 x" and "attachment" in r["Content-Disposition"]
    assert login_client(town["resident"]).get(url).status_code == 404


def test_the_home_page_shows_the_council_panel(town, held):
    services.issue_raise(by=town["sc2"], council=town["c1"], title="ゴミ出し", source="needs")
    page = login_client(town["sc2"]).get("/")
    assert page.status_code == 200 and "ゴミ出し" in page.content.decode()
