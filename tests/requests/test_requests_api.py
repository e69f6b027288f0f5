"""The same operations through /api/v1/."""

import pytest

from sasaeai.requests.models import Booking, RequestStatus
from sasaeai.safety.models import AccessLog

from .conftest import soon, tomorrow_at

pytestmark = pytest.mark.django_db


def _post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_api_journey(town, client_for):
    proxy, coord = client_for(town.proxy_user), client_for(town.coordinator)
    helper = client_for(town.helpers[0].user)
    r = _post(proxy, "/api/v1/requests", {"recipient_id": town.resident.pk, "category": "watch_talk",
                                          "starts_at": soon().isoformat(), "duration_minutes": 90,
                                          "pets": "猫"})
    assert r.status_code == 201, r.content
    req_id = r.json()["id"]
    assert r.json()["private"]["pets"] == "猫"
    r = coord.get(f"/api/v1/requests/{req_id}/candidates")
    assert r.status_code == 200 and r.json()["candidates"]
    assert r.json()["candidates"][0]["explanation"]
    r = _post(coord, f"/api/v1/requests/{req_id}/offers", {"top": 2})
    assert r.status_code == 201 and len(r.json()) == 2
    offers = helper.get("/api/v1/offers").json()
    assert len(offers) == 1
    # The helper sees no private data before booking.
    assert helper.get(f"/api/v1/requests/{req_id}").json()["private"] is None
    r = _post(helper, f"/api/v1/offers/{offers[0]['id']}/accept")
    assert r.status_code == 201, r.content
    booking_id = r.json()["id"]
    before = AccessLog.objects.count()
    body = helper.get(f"/api/v1/requests/{req_id}").json()
    # The visit starts within the hour: the booked helper sees the whole number (issue 9 §8), logged.
    assert body["private"]["pets"] == "猫" and body["private"]["phone"] == "09012345678"
    assert AccessLog.objects.count() == before + 1
    assert "phone" in AccessLog.objects.latest("pk").fields
    r = _post(helper, f"/api/v1/bookings/{booking_id}/check-out", {})
    assert r.status_code == 400 and r.json()["code"] == "illegal_transition"
    r = _post(helper, f"/api/v1/bookings/{booking_id}/check-in", {"share_location": True, "lat": 35.66, "lon": 139.33, "agree_standards": True})
    assert r.status_code == 200 and r.json()["location_consent"] is True
    r = _post(helper, f"/api/v1/bookings/{booking_id}/check-out", {})
    assert r.status_code == 200 and r.json()["status"] == "completed"
    assert _post(proxy, f"/api/v1/bookings/{booking_id}/reviews", {"stars": 5, "tags": ["kind"]}).status_code == 201
    assert _post(helper, f"/api/v1/bookings/{booking_id}/reviews", {"stars": 5}).status_code == 201
    assert proxy.get(f"/api/v1/requests/{req_id}").json()["status"] == RequestStatus.REVIEWED


def test_api_refusals(town, client_for, new_request):
    proxy, coord = client_for(town.proxy_user), client_for(town.coordinator)
    r = _post(proxy, "/api/v1/requests", {"recipient_id": town.resident.pk, "category": "housework",
                                          "starts_at": "2020-01-01T10:00:00+09:00", "duration_minutes": 60})
    assert r.status_code == 400 and r.json()["code"] == "in_past"
    r = _post(proxy, "/api/v1/requests", {"recipient_id": town.resident.pk, "category": "housework",
                                          "starts_at": tomorrow_at(10).isoformat(), "duration_minutes": 0})
    assert r.status_code == 400 and r.json()["code"] == "zero_duration"
    req = new_request()
    # A proxy cannot offer; another helper cannot act on a booking.
    assert _post(proxy, f"/api/v1/requests/{req.pk}/offers", {"top": 1}).status_code == 404
    offers = _post(coord, f"/api/v1/requests/{req.pk}/offers", {"helper_ids": [town.helpers[0].pk]}).json()
    booking = _post(client_for(town.helpers[0].user), f"/api/v1/offers/{offers[0]['id']}/accept").json()
    r = _post(client_for(town.helpers[1].user), f"/api/v1/bookings/{booking['id']}/check-in", {})
    assert r.status_code in (403, 404)
    assert Booking.objects.get(pk=booking["id"]).checked_in_at is None


def test_api_batch(town, client_for, new_request):
    for i in range(2):
        new_request(starts_at=tomorrow_at(9 + 2 * i))
    coord = client_for(town.coordinator)
    r = _post(coord, "/api/v1/matching/runs", {"municipality_id": town.municipality.pk,
                                              "day": tomorrow_at(9).date().isoformat()})
    assert r.status_code == 201, r.content
    run = r.json()
    assert len(run["lines"]) == 2 and all(line["helper_id"] for line in run["lines"])
    r = coord.patch(f"/api/v1/matching/runs/{run['id']}/lines/{run['lines'][0]['id']}",
                    {"helper_id": None}, content_type="application/json")
    assert r.status_code == 200 and r.json()["helper_id"] is None
    r = _post(coord, f"/api/v1/matching/runs/{run['id']}/confirm")
    assert r.status_code == 200 and r.json()["offered"] == 1
