"""Pages and API of the register: one-page entry, detail with connection, the access log for
needs naming a resident, scope by area and tenant, and the spreadsheet import."""

import io

import pytest

from sasaeai.directory.models import Service
from sasaeai.needs import services
from sasaeai.needs.models import Need, NeedStatus
from sasaeai.safety.models import AccessLog
from tests.conftest import login_client

from .conftest import make_resident

pytestmark = pytest.mark.django_db


def test_a_coordinator_records_a_phone_need_on_one_page(town):
    c = login_client(town["sc"])
    assert c.get("/needs/new/").status_code == 200
    response = c.post("/needs/new/", {"category": "shopping", "area": town["north"].pk, "source": "phone",
                                      "urgency": "normal", "description": "重い物が買えない"})
    need = Need.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/needs/{need.pk}/"
    assert need.recorded_by == town["sc"] and need.resident_id is None and need.h3_cell


def test_the_entry_page_refuses_a_resident_without_consent_with_a_message(town):
    c = login_client(town["sc"])
    response = c.post("/needs/new/", {"category": "shopping", "source": "phone", "urgency": "normal",
                                      "description": "x", "resident": town["no_consent"].pk}, follow=True)
    assert Need.objects.count() == 0
    assert "同意" in response.content.decode()


def test_a_need_naming_a_resident_is_access_logged_on_every_read(town):
    need = services.need_create(by=town["sc"], municipality=town["m"], category="shopping", description="秘密の困りごと",
                                source="phone", resident=town["resident"])
    c = login_client(town["sc"])
    before = AccessLog.objects.count()
    assert "秘密の困りごと" in c.get(f"/needs/{need.pk}/").content.decode()
    assert c.get(f"/api/v1/needs/{need.pk}").json()["resident_id"] == town["resident"].pk
    c.get("/needs/")
    entries = list(AccessLog.objects.order_by("pk")[before:])
    assert len(entries) == 3 and {e.resident_id for e in entries} == {town["resident"].pk}
    assert all(e.fields == ["need"] and e.purpose == "care_coordination" for e in entries)
    anonymous = services.need_create(by=town["sc"], municipality=town["m"], category="garbage", description="匿名",
                                     source="survey", area=town["north"])
    before = AccessLog.objects.count()
    c.get(f"/needs/{anonymous.pk}/")
    assert AccessLog.objects.count() == before


def test_other_areas_and_other_municipalities_answer_404(town, make_municipality, make_user):
    need = services.need_create(by=town["sc"], municipality=town["m"], category="shopping", description="x",
                                source="phone", area=town["north"])
    assert login_client(town["sc_south"]).get(f"/needs/{need.pk}/").status_code == 404
    other = make_municipality(n_areas=1)
    stranger = make_user("coordinator_l1", other)
    assert login_client(stranger).get(f"/needs/{need.pk}/").status_code == 404
    assert login_client(stranger).get(f"/api/v1/needs/{need.pk}").status_code == 404
    assert login_client(town["partner"]).get("/needs/").status_code == 403


def test_the_api_refuses_another_municipalitys_resident_with_a_clear_message(town, make_municipality):
    other = make_municipality(n_areas=1)
    stranger = make_resident(other, other.areas.get(layer=2))
    c = login_client(town["l1"])
    response = c.post("/api/v1/needs", {"municipality_id": town["m"].pk, "category": "shopping", "description": "x",
                                        "source": "phone", "resident_id": stranger.pk},
                      content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "resident_other_municipality" and "another municipality" in body["message"]
    assert Need.objects.count() == 0


def test_the_api_records_changes_and_connects(town):
    c = login_client(town["sc"])
    created = c.post("/api/v1/needs", {"municipality_id": town["m"].pk, "category": "shopping", "description": "x",
                                       "source": "phone", "area_id": town["north"].pk}, content_type="application/json")
    assert created.status_code == 201
    need_id = created.json()["id"]
    bad = c.post(f"/api/v1/needs/{need_id}/status", {"status": "resolved"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "illegal_transition"
    resource = Service.objects.create(municipality=town["m"], area=town["north"], name="買い物支援", category="shopping",
                                      status="published")
    linked = c.post(f"/api/v1/needs/{need_id}/connections", {"resource_id": resource.pk},
                    content_type="application/json")
    assert linked.status_code == 201
    assert linked.json()["status"] == NeedStatus.CONNECTED
    assert linked.json()["connections"] == [{"kind": "service", "id": resource.pk}]


CSV = "分類,地区,内容,把握の経路,緊急度,把握日\r\n買い物,地区1,店が遠い,ニーズ調査,通常,2026-04-01\r\nゴミ出し,地区2,運べない,,,\r\n"


def _upload(c, data: bytes, name="needs.csv", encoding="auto"):
    f = io.BytesIO(data)
    f.name = name
    return c.post("/needs/import/", {"file": f, "encoding": encoding}, follow=True)


def test_a_survey_sheet_imports_in_utf8_and_shift_jis(town):
    c = login_client(town["l1"])
    response = _upload(c, CSV.encode("utf-8-sig"))
    assert Need.objects.count() == 2, response.content.decode()[:2000]
    assert set(Need.objects.values_list("category", flat=True)) == {"shopping", "garbage"}
    _upload(c, CSV.encode("cp932"))
    assert Need.objects.count() == 4
    assert Need.objects.filter(source="survey").count() == 4


def test_an_import_with_one_bad_row_writes_nothing_and_lists_the_row(town):
    c = login_client(town["l1"])
    body = _upload(c, (CSV + "宇宙旅行,地区1,行きたい,,,\r\n買い物,どこか,x,,,\r\n").encode()).content.decode()
    assert Need.objects.count() == 0
    assert 'id="import-errors"' in body and "<td>4</td>" in body and "<td>5</td>" in body


def test_an_import_with_a_missing_column_or_a_wrong_encoding_is_refused(town):
    c = login_client(town["l1"])
    body = _upload(c, "分類,内容\r\n買い物,x\r\n".encode()).content.decode()
    assert Need.objects.count() == 0 and "地区" in body
    body = _upload(c, CSV.encode("cp932"), encoding="utf-8").content.decode()
    assert Need.objects.count() == 0 and "UTF-8" in body


def test_the_coordinators_home_shows_new_needs_and_the_top_gaps(town):
    services.need_create(by=town["sc"], municipality=town["m"], category="shopping", description="新しい困りごと",
                         source="phone", area=town["north"])
    body = login_client(town["sc"]).get("/").content.decode()
    assert 'id="home-new-needs"' in body and 'id="home-top-gaps"' in body
