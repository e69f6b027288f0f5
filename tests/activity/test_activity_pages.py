"""HTTP: the timesheet, logging through the page (and its refusals), the area's activity,
the handover briefing with every app's sections, and the versioned handover notes."""

import pytest
from django.urls import reverse

from sasaeai.activity import services
from sasaeai.activity.models import ActivityEntry, Function, HandoverNote, NoteSection
from tests.conftest import login_client

from .conftest import days_ago, published_service, today

pytestmark = pytest.mark.django_db


def post_entry(client, **kw):
    data = {"date": today().isoformat(), "duration": "60", "function": Function.MATCHING}
    data.update(kw)
    return client.post(reverse("activity:log"), data)


def test_a_coordinator_logs_time_on_the_timesheet(town):
    client = login_client(town.sc_north)
    page = client.get(reverse("activity:timesheet"))
    assert page.status_code == 200 and "活動記録" in page.content.decode()
    response = post_entry(client, area=town.north.pk, note="買い物支援の調整")
    assert response.status_code == 302
    entry = ActivityEntry.objects.get()
    assert (entry.minutes, entry.area, entry.recorded_by) == (60, town.north, town.sc_north)
    week = client.get(response["Location"]).content.decode()
    assert "1時間" in week and "100.0%" in week


def test_other_minutes_override_the_buttons(town):
    client = login_client(town.sc_north)
    assert post_entry(client, area=town.north.pk, other_minutes="25").status_code == 302
    assert ActivityEntry.objects.get().minutes == 25


@pytest.mark.parametrize(("fields", "needle"), [
    ({"duration": "", "other_minutes": "0"}, "1分"),
    ({"duration": "", "other_minutes": "-20"}, "1分"),
    ({"duration": "", "other_minutes": "1500"}, "24時間"),
    ({"date": "2999-01-01"}, "未来"),
])
def test_the_page_refuses_bad_input_with_a_message(town, fields, needle):
    client = login_client(town.sc_north)
    response = post_entry(client, area=town.north.pk, **fields)
    assert response.status_code == 400
    assert needle in response.content.decode()
    assert not ActivityEntry.objects.exists()


def test_the_page_refuses_25_hours_in_a_day(town):
    client = login_client(town.sc_north)
    assert post_entry(client, area=town.north.pk, duration="480").status_code == 302
    assert post_entry(client, area=town.north.pk, duration="480").status_code == 302
    response = post_entry(client, area=town.north.pk, duration="480", other_minutes="540")
    assert response.status_code == 400 and "24時間" in response.content.decode()
    assert ActivityEntry.objects.count() == 2


def test_the_page_refuses_another_municipalitys_area(town):
    client = login_client(town.sc_north)
    response = post_entry(client, area=town.other_area.pk)
    assert response.status_code == 400
    assert not ActivityEntry.objects.exists()


def test_in_english_the_refusal_is_english(town):
    client = login_client(town.sc_north)
    response = client.post(reverse("activity:log"), {"date": "2999-01-01", "duration": "60",
                                                     "function": Function.MATCHING, "area": town.north.pk},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert "future" in response.content.decode()


def test_residents_helpers_and_support_centres_get_no_timesheet(town):
    for user in (town.helper, town.center, town.admin):
        assert login_client(user).get(reverse("activity:timesheet")).status_code == 403


def test_the_briefing_shows_every_section_in_order(town):
    service = published_service(town.municipality, town.north, name="北のサロン")
    services.entry_create(by=town.sc_north, area=town.north, date=days_ago(1), minutes=90,
                          function=Function.RESOURCE_DEVELOPMENT, link_kind="directory.service", link_id=service.pk)
    services.note_save(by=town.sc_north, area=town.north, section=NoteSection.ISSUES, text="坂の上の団地で買い物難",
                       base_version=0)
    page = login_client(town.sc_north).get(reverse("activity:handover", args=[town.north.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    for heading in ("この地区で働く人", "主な団体", "再確認が必要な資源", "最近の活動", "引き継ぎメモ"):
        assert heading in text, heading
    assert text.index("主な団体") < text.index("最近の活動") < text.index("引き継ぎメモ")
    assert "北のサロン" in text and "坂の上の団地で買い物難" in text and "北 SC" in text


def test_the_briefing_of_another_area_or_municipality_is_not_found(town):
    client = login_client(town.sc_north)
    assert client.get(reverse("activity:handover", args=[town.south.pk])).status_code == 404
    assert client.get(reverse("activity:handover", args=[town.other_area.pk])).status_code == 404
    assert login_client(town.sc1).get(reverse("activity:handover", args=[town.layer1.pk])).status_code == 200
    assert login_client(town.helper).get(reverse("activity:handover", args=[town.north.pk])).status_code == 403


def test_notes_are_versioned_with_who_and_when(town):
    client = login_client(town.sc_north)
    url = reverse("activity:notes_edit", args=[town.north.pk])
    assert client.get(url).status_code == 200
    r = client.post(url, {"section": "people", "base_version": "0", "text": "町会長：佐藤さん"})
    assert r.status_code == 302
    r = client.post(url, {"section": "people", "base_version": "1", "text": "町会長：佐藤さん（火曜）"})
    assert r.status_code == 302
    versions = list(HandoverNote.objects.filter(area=town.north, section="people").order_by("version"))
    assert [v.version for v in versions] == [1, 2] and versions[0].text == "町会長：佐藤さん"
    assert all(v.written_by == town.sc_north for v in versions)
    history = client.get(reverse("activity:note_history", args=[town.north.pk, "people"])).content.decode()
    assert "佐藤さん（火曜）" in history and "バージョン 1" in history


def test_a_stale_note_edit_is_refused_and_nothing_written(town):
    client = login_client(town.sc_north)
    url = reverse("activity:notes_edit", args=[town.north.pk])
    client.post(url, {"section": "people", "base_version": "0", "text": "一"})
    r = client.post(url, {"section": "people", "base_version": "0", "text": "二"})
    assert r.status_code == 400 and "再読み込み" in r.content.decode()
    assert HandoverNote.objects.count() == 1


def test_the_coordinators_home_shows_this_weeks_time_and_share(town):
    services.entry_create(by=town.sc_north, area=town.north, date=today(), minutes=120, function=Function.MATCHING)
    services.entry_create(by=town.sc_north, area=town.north, date=today(), minutes=60,
                          function=Function.DIRECT_SUPPORT)
    home = login_client(town.sc_north).get("/").content.decode()
    assert "今週の活動" in home and "66.7%" in home and "3時間" in home
    # Today's work comes before the area's reference figures.
    assert home.index("今週の活動") < home.index("担当の地区")
