"""The activity API: entries, the coordination share and handover notes, with the
project's error shape."""

import pytest

from sasaeai.activity.models import ActivityEntry, HandoverNote
from tests.conftest import login_client

from .conftest import published_service, today

pytestmark = pytest.mark.django_db


def body(area, **kw):
    data = {"date": today().isoformat(), "minutes": 60, "function": "matching", "area_id": area.pk}
    data.update(kw)
    return data


def test_a_coordinator_logs_lists_and_removes_entries(town):
    client = login_client(town.sc_north)
    service = published_service(town.municipality, town.north)
    r = client.post("/api/v1/activity/entries", body(town.north, link_kind="directory.service", link_id=service.pk),
                    content_type="application/json")
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["coordination"] is True and out["link_kind"] == "directory.service"
    assert service.name in out["link_label"]
    listed = client.get("/api/v1/activity/entries?mine=true").json()
    assert listed["count"] == 1
    share = client.get("/api/v1/activity/share").json()
    assert share["percent"] == 100.0 and share["target_percent"] == 70
    assert client.delete(f"/api/v1/activity/entries/{out['id']}").status_code == 204
    assert not ActivityEntry.objects.exists()


@pytest.mark.parametrize(("extra", "status", "code"), [
    ({"minutes": 25 * 60}, 400, "minutes_over_day"),
    ({"minutes": 0}, 400, "minutes_not_positive"),
    ({"minutes": -5}, 400, "minutes_not_positive"),
    ({"date": "2999-01-01"}, 400, "date_in_future"),
    ({"function": "gardening"}, 422, "invalid_input"),
])
def test_bad_input_is_refused_with_a_code(town, extra, status, code):
    client = login_client(town.sc_north)
    r = client.post("/api/v1/activity/entries", body(town.north, **extra), content_type="application/json",
                    HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == status, r.content
    assert r.json()["code"] == code and r.json()["message"]
    assert not ActivityEntry.objects.exists()


def test_25_hours_in_a_day_is_refused(town):
    client = login_client(town.sc_north)
    for _n in range(2):
        assert client.post("/api/v1/activity/entries", body(town.north, minutes=720),
                           content_type="application/json").status_code == 201
    r = client.post("/api/v1/activity/entries", body(town.north, minutes=60), content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "day_over_24_hours"
    assert "24時間" in r.json()["message"]
    assert ActivityEntry.objects.count() == 2


def test_another_municipalitys_area_is_refused(town):
    client = login_client(town.sc_north)
    r = client.post("/api/v1/activity/entries", body(town.other_area), content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "area_not_covered"
    assert not ActivityEntry.objects.exists()


def test_notes_versions_and_a_stale_edit(town):
    client = login_client(town.sc_north)
    url = f"/api/v1/areas/{town.north.pk}/handover-notes"
    r = client.post(url, {"section": "people", "text": "町会長", "base_version": 0}, content_type="application/json")
    assert r.status_code == 201 and r.json()["version"] == 1
    r = client.post(url, {"section": "people", "text": "町会長と副会長", "base_version": 1},
                    content_type="application/json")
    assert r.json()["version"] == 2
    r = client.post(url, {"section": "people", "text": "上書き", "base_version": 1}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "note_changed_meanwhile"
    assert [n["text"] for n in client.get(url).json()] == ["町会長と副会長"]
    assert len(client.get(f"{url}/people/versions").json()) == 2
    assert HandoverNote.objects.count() == 2
    assert login_client(town.sc_south).get(url).status_code == 404
    assert login_client(town.sc_other).get(url).status_code == 404
