"""The booking lifecycle through the services: request → offer → accept → check-in →
check-out → reviews, with the first accept winning."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sasaeai.requests import services
from sasaeai.requests.models import (
    Booking,
    BookingSlot,
    BookingStatus,
    EnteredBy,
    OfferStatus,
    RequestStatus,
)

pytestmark = pytest.mark.django_db


def test_proxy_request_is_recorded_as_proxy_and_gets_category_minimum(town, new_request):
    req = new_request(category="personal_care")
    assert req.entered_by == EnteredBy.PROXY
    assert req.status == RequestStatus.OPEN
    assert "shoninsha_kenshu" in req.required_qualifications


def test_full_lifecycle_first_accept_wins(town, new_request):
    req = new_request()
    offers = services.offer_to(req, town.helpers, by=town.coordinator)
    assert len(offers) == 3
    req.refresh_from_db()
    assert req.status == RequestStatus.OFFERED
    booking = services.accept_offer(offers[1], user=town.helpers[1].user)
    req.refresh_from_db()
    assert req.status == RequestStatus.BOOKED
    statuses = {o.helper_id: o.status for o in req.offers.all()}
    assert statuses[town.helpers[1].pk] == OfferStatus.ACCEPTED
    assert statuses[town.helpers[0].pk] == OfferStatus.WITHDRAWN
    assert BookingSlot.objects.filter(booking=booking).count() == 2
    with pytest.raises(ValidationError) as exc:
        services.accept_offer(offers[0], user=town.helpers[0].user)
    assert exc.value.code == "offer_withdrawn"
    assert Booking.objects.filter(request=req).count() == 1


def test_check_in_out_and_reviews(town, new_request, time_machine):
    req = new_request()
    offer = services.offer_to(req, [town.helpers[0]], by=town.coordinator)[0]
    booking = services.accept_offer(offer, user=town.helpers[0].user)
    time_machine.move_to(req.starts_at)
    with pytest.raises(ValidationError) as exc:
        services.check_out(booking, user=town.helpers[0].user)
    assert exc.value.code == "illegal_transition"
    booking = services.check_in(booking, user=town.helpers[0].user, lat=35.66, lon=139.33, share_location=True, agree_standards=True)
    assert booking.status == BookingStatus.IN_PROGRESS and booking.checked_in_lat == 35.66
    booking = services.check_out(booking, user=town.helpers[0].user)
    assert booking.status == BookingStatus.COMPLETED and booking.checked_out_lat is None
    services.review(booking, user=town.proxy_user, stars=5, tags=["kind", "punctual"])
    req.refresh_from_db()
    assert req.status == RequestStatus.COMPLETED
    services.review(booking, user=town.helpers[0].user, stars=4, comment="ありがとうございました")
    req.refresh_from_db()
    assert req.status == RequestStatus.REVIEWED
    town.helpers[0].refresh_from_db()
    assert town.helpers[0].rating_count == 1 and town.helpers[0].rating_avg == 5


def test_other_helper_cannot_touch_booking(town, new_request, time_machine):
    req = new_request()
    offer = services.offer_to(req, [town.helpers[0]], by=town.coordinator)[0]
    booking = services.accept_offer(offer, user=town.helpers[0].user)
    time_machine.move_to(req.starts_at)
    with pytest.raises(PermissionDenied):
        services.check_in(booking, user=town.helpers[1].user, agree_standards=True)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED and booking.checked_in_at is None


def test_rank_candidates_explains(town, new_request):
    req = new_request()
    candidates, _rejections = services.rank_candidates(req, limit=5)
    assert [c.profile.pk for c in candidates]
    assert candidates[0].reasons
