"""Editing rights, suggestions with moderation (diff, approve, reject), history, freshness
and the coordinator dashboard panel, the spreadsheet template round trip."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from sasaeai.directory import selectors, services, template
from sasaeai.directory.models import ChangeRecord, Organization, Service, Status, Suggestion
from sasaeai.tenancy.models import Role


def test_coordinator_edits_own_area_only(small_dir, make_user, client_for):
    coordinator, a2 = small_dir["coordinator"], small_dir["a2"]
    service = services.save_service(by=coordinator, municipality=small_dir["m"], service=small_dir["public"],
                                    values={"description": "新しい説明"})
    record = service.history.first()
    assert record.user == coordinator and record.changes["description"][1] == "新しい説明"
    other = small_dir["make"]("地区2の体操", area=a2)
    with pytest.raises(PermissionDenied):
        services.save_service(by=coordinator, municipality=small_dir["m"], service=other, values={"name": "x"})
    with pytest.raises(PermissionDenied):  # moving a resource into an area they do not cover
        services.save_service(by=coordinator, municipality=small_dir["m"], service=small_dir["public"],
                              values={"area": a2})
    client = client_for(coordinator)
    assert client.get(f"/directory/r/{small_dir['public'].pk}/edit/").status_code == 200
    assert client.get(f"/directory/r/{other.pk}/edit/").status_code == 403


def test_edit_form_over_http_records_history(small_dir, client_for):
    service = small_dir["public"]
    client = client_for(small_dir["coordinator"])
    form = {"name": "いきいき体操（火曜）", "name_kana": "", "category": "exercise", "area": small_dir["a1"].pk,
            "description": "", "targets": ["frail"], "tags": "外出のきっかけ、体力づくり", "cost": "yen",
            "cost_amount": "100", "cost_note": "", "capacity": "20", "contact_name": "", "contact_phone": "",
            "contact_email": "", "url": "", "visibility": "public", "status": "published", "place_name": "公民館",
            "address": "テスト市1-2-3", "postal_code": "", "lat": "35.661", "lon": "139.331",
            "accessibility": "", "transportation": "", "schedule-TOTAL_FORMS": "2", "schedule-INITIAL_FORMS": "0",
            "schedule-MIN_NUM_FORMS": "0", "schedule-MAX_NUM_FORMS": "14",
            "schedule-0-kind": "weekly", "schedule-0-weekday": "1", "schedule-0-opens_at": "10:00",
            "schedule-0-closes_at": "11:30", "schedule-0-closed_on_holidays": "on",
            "schedule-1-kind": "weekly", "schedule-1-opens_at": "", "schedule-1-closes_at": ""}
    response = client.post(f"/directory/r/{service.pk}/edit/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    service.refresh_from_db()
    assert service.name == "いきいき体操（火曜）" and service.cost_amount == 100 and service.tag_list == ["外出のきっかけ", "体力づくり"]
    assert service.location.h3_cell
    history = client.get(f"/directory/r/{service.pk}/history/")
    assert "いきいき体操（火曜）" in history.content.decode()


def test_provider_staff_edit_their_organisation_only(small_dir, make_user):
    m = small_dir["m"]
    org = services.save_organization(municipality=m, values={"name": "NPO法人テスト"})
    mine = small_dir["make"]("NPOの体操", organization=org, area=small_dir["a2"])
    staff = make_user(Role.PARTNER, m)
    org.members.add(staff)
    services.save_service(by=staff, municipality=m, service=mine, values={"capacity": 12})
    assert Service.objects.get(pk=mine.pk).capacity == 12
    with pytest.raises(PermissionDenied):
        services.save_service(by=staff, municipality=m, service=small_dir["public"], values={"capacity": 1})
    # Listed as staff but without a partner role there: no rights.
    outsider = make_user(Role.RESIDENT, m)
    org.members.add(outsider)
    with pytest.raises(PermissionDenied):
        services.save_service(by=outsider, municipality=m, service=mine, values={"capacity": 3})
    assert Organization.objects.filter(pk=org.pk).exists()


def test_another_towns_provider_staff_cannot_add_resources_here(small_dir, make_municipality, make_user,
                                                                client_for):
    """Staff of a provider in town B may add resources to B's directory, not to town A's
    (the add-resource right used to ask only "staff of some organisation")."""
    m = small_dir["m"]
    other = make_municipality(n_areas=1)
    org = services.save_organization(municipality=other, values={"name": "NPO法人よその町"})
    staff = make_user(Role.PARTNER, other)
    org.members.add(staff)
    assert not staff.has_perm("directory.add_service", m)
    assert staff.has_perm("directory.add_service", other)
    client = client_for(staff)
    assert client.get(f"/directory/new/?m={m.pk}").status_code == 403
    assert client.get(f"/directory/new/?m={other.pk}").status_code == 200
    assert f'href="/directory/new/?m={m.pk}"' not in client.get(f"/directory/?m={m.pk}").content.decode()
    assert f'href="/directory/new/?m={other.pk}"' in client.get(f"/directory/?m={other.pk}").content.decode()


def test_suggested_edit_shows_a_diff_and_is_applied_on_approval(small_dir, make_user, client_for):
    m, service = small_dir["m"], small_dir["public"]
    resident = make_user(Role.RESIDENT, m)
    suggestion = services.submit_suggestion(by=resident, municipality=m, service=service,
                                            proposed={"description": "毎週火曜の10時からです", "contact_phone": "042-111-2222"})
    rows = {r["field"]: r for r in services.suggestion_diff(suggestion)}
    assert rows["description"]["current"] == "椅子に座ってできる体操です"
    assert rows["description"]["proposed"] == "毎週火曜の10時からです" and rows["description"]["changed"]
    client = client_for(small_dir["coordinator"])
    page = client.get(f"/directory/moderation/{suggestion.pk}/").content.decode()
    assert "椅子に座ってできる体操です" in page and "毎週火曜の10時からです" in page
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', page).group(1)
    response = client.post(f"/directory/moderation/{suggestion.pk}/",
                           {"decision": "approve", "note": "確認済み", "digest": digest})
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.description == "毎週火曜の10時からです" and service.contact_phone == "042-111-2222"
    record = service.history.filter(action=ChangeRecord.Action.SUGGESTION).get()
    assert record.suggestion_id == suggestion.pk and record.user == small_dir["coordinator"]
    assert service.last_verified_at is not None
    with pytest.raises(Exception):  # noqa: B017 - reviewing twice is refused
        services.approve_suggestion(suggestion, by=small_dir["coordinator"])


def test_new_place_rejected_changes_nothing(small_dir, make_user):
    m = small_dir["m"]
    resident = make_user(Role.RESIDENT, m)
    suggestion = services.submit_suggestion(by=resident, municipality=m, proposed={
        "name": "公園のベンチ", "category": "rest", "area": small_dir["a2"].pk})
    before = Service.objects.count()
    # The coordinator of area 1 may not review area 2's queue.
    assert not selectors.suggestion_queue(small_dir["coordinator"]).filter(pk=suggestion.pk).exists()
    with pytest.raises(PermissionDenied):
        services.reject_suggestion(suggestion, by=small_dir["coordinator"])
    l1 = make_user(Role.COORDINATOR_L1, m)
    services.reject_suggestion(suggestion, by=l1, note="重複")
    assert Suggestion.objects.get(pk=suggestion.pk).state == Suggestion.State.REJECTED
    assert Service.objects.count() == before


def test_anonymous_cannot_suggest(small_dir):
    assert Client().get("/directory/suggest/").status_code == 302
    r = Client().post("/api/v1/resource-suggestions", {"municipality": small_dir["m"].code, "proposed": {"name": "x"}},
                      content_type="application/json")
    assert r.status_code == 401


def test_freshness_and_dashboard(small_dir, make_user, client_for):
    a1 = small_dir["a1"]
    now = timezone.now()
    Service.objects.filter(pk=small_dir["public"].pk).update(last_verified_at=now - timedelta(days=181))
    fresh = small_dir["make"]("最近確認した体操")
    Service.objects.filter(pk=fresh.pk).update(last_verified_at=now - timedelta(days=10))
    Service.objects.filter(pk__in=[small_dir["pro"].pk, small_dir["private"].pk]).update(last_verified_at=now)
    assert small_dir["public"].pk in set(Service.objects.stale().values_list("pk", flat=True))
    assert fresh.pk not in set(Service.objects.stale().values_list("pk", flat=True))
    # Published in area 1: public (stale), pro, private (fresh), fresh → 3 of 4 verified.
    assert selectors.verified_share(a1) == pytest.approx(0.75)
    entries = selectors.stale_by_area(small_dir["coordinator"])
    assert [e["area"] for e in entries] == [a1]
    assert [s.pk for s in entries[0]["services"]] == [small_dir["public"].pk]
    home = client_for(small_dir["coordinator"]).get("/").content.decode()
    assert "いきいき体操" in home and "75%" in home
    # Verifying removes it from the list.
    services.verify(small_dir["public"], by=small_dir["coordinator"])
    assert not selectors.stale_by_area(small_dir["coordinator"])[0]["services"]


def test_template_round_trip_utf8_shift_jis_and_xlsx(seeded_town, make_municipality, make_user, client_for):
    a = seeded_town.municipality
    coordinator = make_user(Role.COORDINATOR_L1, a)
    client = client_for(coordinator)
    b = make_municipality(n_areas=4, name=a.name)
    b_coordinator = make_user(Role.COORDINATOR_L1, b)
    for what, encoding in (("template-sjis.csv", "shift_jis"), ("template.csv", "auto"), ("template.xlsx", "auto")):
        data = client.get(f"/directory/exchange/{what}", {"m": a.pk}).content
        rows = [r for r in template.read_rows(data, what, encoding)[0]]
        for row in rows:
            row["ID"] = ""  # new entries in the other municipality
        result = template.import_rows(b, rows, by=b_coordinator)
        assert result.written, result.errors[:5]
        assert result.created == Service.objects.filter(municipality=a).count()
        Service.objects.filter(municipality=b).delete()
    page = client.get("/directory/exchange/", {"m": a.pk})
    assert page.status_code == 200
    assert client_for(make_user(Role.RESIDENT, a)).get("/directory/exchange/", {"m": a.pk}).status_code == 403


def test_template_upload_page_reports_row_errors(small_dir, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(small_dir["coordinator"])
    csv_text = ("名称,分類,地区,緯度,経度,曜日,開始,終了\n"
                "新サロン,通いの場・サロン,地区1,35.66,139.33,火,10:00,11:00\n"
                "パリ,通いの場・サロン,地区1,48.85,2.35,,,\n"
                "逆さま,体操・運動,地区1,,,水,15:00,10:00\n")
    before = Service.objects.count()
    response = client.post("/directory/exchange/", {
        "m": small_dir["m"].pk, "kind": "template", "encoding": "shift_jis",
        "file": SimpleUploadedFile("r.csv", csv_text.encode("cp932"))})
    html = response.content.decode()
    assert 'id="import-errors"' in html and "<td>3</td>" in html and "<td>4</td>" in html
    assert Service.objects.count() == before
    response = client.post("/directory/exchange/", {
        "m": small_dir["m"].pk, "kind": "template", "encoding": "auto", "skip_invalid": "on",
        "file": SimpleUploadedFile("r.csv", csv_text.encode("cp932"))})
    assert Service.objects.count() == before + 1
    created = Service.objects.get(name="新サロン")
    assert created.status == Status.PUBLISHED and created.schedules.get().weekday == 1


def test_manage_page_lists_what_the_user_edits(small_dir, make_user, client_for):
    m = small_dir["m"]
    org = services.save_organization(municipality=m, values={"name": "NPO法人リスト"})
    theirs = small_dir["make"]("NPOの教室", organization=org, area=small_dir["a2"], status=Status.DRAFT)
    staff = make_user(Role.PARTNER, m)
    org.members.add(staff)
    page = client_for(staff).get("/directory/manage/").content.decode()
    assert "NPOの教室" in page and "いきいき体操" not in page
    coordinator_page = client_for(small_dir["coordinator"]).get("/directory/manage/").content.decode()
    assert "いきいき体操" in coordinator_page and "ひそかな協力店" in coordinator_page and "NPOの教室" not in coordinator_page
    assert client_for(make_user(Role.RESIDENT, m)).get("/directory/manage/").status_code == 403
    assert theirs.pk


def test_correction_form_proposes_only_filled_fields(small_dir, make_user, client_for):
    m, service = small_dir["m"], small_dir["public"]
    resident = make_user(Role.RESIDENT, m)
    client = client_for(resident)
    form = client.get(f"/directory/r/{service.pk}/suggest/").content.decode()
    assert 'value="" selected' in form or '<option value="">' in form
    response = client.post(f"/directory/r/{service.pk}/suggest/", {"category": "", "area": "",
                                                                    "contact_phone": "042-000-1111"})
    assert response.status_code == 302
    suggestion = Suggestion.objects.get(service=service)
    assert suggestion.proposed == {"contact_phone": "042-000-1111"}
