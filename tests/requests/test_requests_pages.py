"""The pages for every role, through the Django test client."""

import pytest

from sasaeai.requests.models import Booking, BookingStatus, HelpRequest, Offer, RequestStatus
from sasaeai.safety.models import AccessLog

from .conftest import tomorrow_at

pytestmark = pytest.mark.django_db


def _form(**kw):
    day = tomorrow_at(10)
    data = {"recipient": "", "category": "housework", "title": "掃除", "date": day.date().isoformat(),
            "time": "10:00", "duration_minutes": "60", "flexible_minutes": "0", "recurrence": "once",
            "place_kind": "home", "payment_kind": "free", "payment_amount": "0"}
    data.update(kw)
    return data


def test_proxy_creates_request_and_coordinator_offers_helper_accepts(town, client_for):
    proxy = client_for(town.proxy_user)
    assert proxy.get("/requests/new/").status_code == 200
    r = proxy.post("/requests/new/", _form(recipient=town.resident.pk, key_box="1234"))
    assert r.status_code == 302, r.content.decode()[:2000]
    req = HelpRequest.objects.get()
    assert req.entered_by == "proxy" and req.key_box == "1234"
    assert proxy.get(r["Location"]).status_code == 200

    coord = client_for(town.coordinator)
    page = coord.get(f"/requests/{req.pk}/").content.decode()
    assert "cand-" in page
    r = coord.post(f"/requests/{req.pk}/offer/", {"helpers": [town.helpers[0].pk, town.helpers[1].pk]})
    assert r.status_code == 302
    assert Offer.objects.filter(request=req).count() == 2

    helper = client_for(town.helpers[0].user)
    page = helper.get("/requests/helper/offers/").content.decode()
    assert "掃除" in page and "1234" not in page
    # Before booking the helper does not see the key box.
    assert "1234" not in helper.get(f"/requests/{req.pk}/").content.decode()
    offer = Offer.objects.get(request=req, helper=town.helpers[0])
    r = helper.post(f"/requests/helper/offers/{offer.pk}/accept/")
    booking = Booking.objects.get(request=req)
    assert r["Location"] == f"/requests/bookings/{booking.pk}/"
    before = AccessLog.objects.count()
    page = helper.get(r["Location"]).content.decode()
    assert "1234" in page and "090-****-5678" in page and "09012345678" not in page
    assert AccessLog.objects.count() == before + 1
    # The other helper's offer was withdrawn; accepting it is refused with a clear message.
    other = client_for(town.helpers[1].user)
    offer2 = Offer.objects.get(request=req, helper=town.helpers[1])
    r = other.post(f"/requests/helper/offers/{offer2.pk}/accept/", follow=True)
    assert "取り下げ" in r.content.decode() or "withdrawn" in r.content.decode()
    assert Booking.objects.filter(request=req).count() == 1
    # Another helper cannot open or change this booking.
    assert other.get(f"/requests/bookings/{booking.pk}/").status_code == 403
    assert other.post(f"/requests/bookings/{booking.pk}/check-in/").status_code == 403
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_intake_finds_by_kana_and_phone(town, client_for):
    coord = client_for(town.coordinator)
    page = coord.get("/requests/intake/", {"q": "ヤマダ"}).content.decode()
    assert town.resident.given_name in page
    page = coord.get("/requests/intake/", {"q": "090-1234"}).content.decode()
    assert town.resident.given_name in page
    r = coord.post(f"/requests/intake/?recipient={town.resident.pk}", _form(recipient=town.resident.pk))
    assert r.status_code == 302
    assert HelpRequest.objects.get().entered_by == "coordinator"


def test_request_in_past_is_refused_on_the_page(town, client_for):
    proxy = client_for(town.proxy_user)
    r = proxy.post("/requests/new/", _form(recipient=town.resident.pk, date="2020-01-01"))
    assert r.status_code == 200
    assert HelpRequest.objects.count() == 0


def test_stranger_and_other_tenant_get_404(town, client_for, make_municipality, make_user, new_request):
    from sasaeai.tenancy.models import Role

    req = new_request()
    assert client_for(town.stranger).get(f"/requests/{req.pk}/").status_code == 404
    other = make_user(Role.COORDINATOR_L1, make_municipality())
    assert client_for(other).get(f"/requests/{req.pk}/").status_code == 404
    assert client_for(other).post(f"/requests/{req.pk}/offer/", {"top": "3"}).status_code == 404


def test_board_batch_run_confirm(town, client_for, new_request):
    reqs = [new_request(starts_at=tomorrow_at(9 + i)) for i in range(3)]
    coord = client_for(town.coordinator)
    page = coord.get("/requests/board/").content.decode()
    assert all(r.title in page for r in reqs)
    r = coord.post("/requests/matching/", {"day": tomorrow_at(9).date().isoformat(), "area": ""})
    assert r.status_code == 302, r.content.decode()[:3000]
    page = coord.get(r["Location"]).content.decode()
    assert 'id="proposal"' in page and 'id="run-map"' in page and "run-points" in page
    r = coord.post(r["Location"] + "confirm/")
    assert r.status_code == 302
    for req in reqs:
        req.refresh_from_db()
        assert req.status == RequestStatus.OFFERED


def test_home_panels_per_role(town, client_for):
    for user in (town.proxy_user, town.helpers[0].user, town.coordinator):
        assert client_for(user).get("/").status_code == 200


def test_automatic_offer_rule(town, new_request):
    from sasaeai.requests.models import AutoOfferRule

    AutoOfferRule.objects.create(municipality=town.municipality, enabled=True, top_n=2)
    req = new_request()
    assert req.status == RequestStatus.OFFERED
    assert Offer.objects.filter(request=req, source="auto").count() == 2
    skipped = new_request(category="personal_care")  # nobody qualified: stays open
    assert skipped.status == RequestStatus.OPEN and not skipped.offers.exists()
