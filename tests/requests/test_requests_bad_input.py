"""Bad input of issue 4: each refused with a clear error, nothing half-written."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from sasaeai.requests import services
from sasaeai.requests.models import (
    Booking,
    BookingSlot,
    BookingStatus,
    HelpRequest,
    Offer,
    OfferStatus,
    RequestStatus,
)

from .conftest import make_helper, soon, tomorrow_at

pytestmark = pytest.mark.django_db


def _code(exc_info):
    err = exc_info.value
    if hasattr(err, "error_dict"):
        return {e.code for errs in err.error_dict.values() for e in errs}
    return {err.code}


def test_request_in_the_past(town, new_request):
    with pytest.raises(ValidationError) as exc:
        new_request(starts_at=tomorrow_at(10, days=-2))
    assert "in_past" in _code(exc)
    assert HelpRequest.objects.count() == 0


def test_zero_duration_and_odd_duration(town, new_request):
    with pytest.raises(ValidationError) as exc:
        new_request(duration_minutes=0)
    assert "zero_duration" in _code(exc)
    with pytest.raises(ValidationError) as exc:
        new_request(duration_minutes=45)
    assert "bad_duration" in _code(exc)
    assert HelpRequest.objects.count() == 0


def test_professional_care_needs_the_qualification(town, new_request):
    req = new_request(category="personal_care")
    unqualified = town.helpers[0]
    with pytest.raises(ValidationError) as exc:
        services.offer_to(req, [unqualified], by=town.coordinator)
    assert exc.value.code == "missing_qualification"
    req.refresh_from_db()
    assert req.status == RequestStatus.OPEN and not Offer.objects.exists()
    # 介護福祉士 implies 初任者研修, so this helper qualifies; an unverified claim does not count.
    qualified = make_helper(town.municipality, quals=["kaigo_fukushishi"])
    assert services.offer_to(req, [qualified], by=town.coordinator)
    candidates, _ = services.rank_candidates(req)
    assert [c.profile.pk for c in candidates] == [qualified.pk]


def test_accepting_a_withdrawn_offer(town, new_request):
    req = new_request()
    offer = services.offer_to(req, [town.helpers[0]], by=town.coordinator)[0]
    services.withdraw_offer(offer, by=town.coordinator)
    req.refresh_from_db()
    assert req.status == RequestStatus.OPEN
    with pytest.raises(ValidationError) as exc:
        services.accept_offer(offer, user=town.helpers[0].user)
    assert exc.value.code == "offer_withdrawn"
    assert not Booking.objects.exists() and not BookingSlot.objects.exists()


def test_check_out_before_check_in(town, new_request):
    req = new_request(starts_at=soon())
    offer = services.offer_to(req, [town.helpers[0]], by=town.coordinator)[0]
    booking = services.accept_offer(offer, user=town.helpers[0].user)
    with pytest.raises(ValidationError) as exc:
        services.check_out(booking, user=town.helpers[0].user)
    assert exc.value.code == "illegal_transition"
    booking.refresh_from_db()
    req.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED and booking.checked_out_at is None
    assert req.status == RequestStatus.BOOKED


def test_helper_editing_someone_elses_booking(town, new_request):
    req = new_request(starts_at=soon())
    offer = services.offer_to(req, [town.helpers[0]], by=town.coordinator)[0]
    booking = services.accept_offer(offer, user=town.helpers[0].user)
    intruder = town.helpers[1].user
    for action in (lambda: services.check_in(booking, user=intruder),
                   lambda: services.helper_cancel(booking, user=intruder, reason="x")):
        with pytest.raises(PermissionDenied):
            action()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED and booking.checked_in_at is None
    assert BookingSlot.objects.filter(booking=booking).count() > 0


def test_illegal_transition_is_refused(town, new_request):
    req = new_request()
    services.cancel_request(req, user=town.proxy_user, reason="入院のため")
    with pytest.raises(ValidationError) as exc:
        services.publish(req, user=town.proxy_user)
    assert exc.value.code == "illegal_transition"
    with pytest.raises(ValidationError) as exc:
        services.offer_to(req, [town.helpers[0]], by=town.coordinator)
    assert exc.value.code == "not_open"


def test_cancellation_records_who_why_and_late(town, new_request):
    req = new_request(starts_at=soon())
    req = services.cancel_request(req, user=town.proxy_user, reason="体調不良")
    assert req.cancelled_by == town.proxy_user and req.cancel_reason == "体調不良" and req.cancelled_late
    other = new_request(starts_at=tomorrow_at(10, days=3))
    other = services.cancel_request(other, user=town.coordinator, reason="予定変更")
    assert not other.cancelled_late


def test_no_consent_no_matching(town, new_request):
    from .conftest import give_consent

    req = new_request()
    give_consent(town.resident, granted=False)
    with pytest.raises(ValidationError) as exc:
        services.offer_to(req, [town.helpers[0]], by=town.coordinator)
    assert exc.value.code == "no_consent"
    assert not Offer.objects.exists()


def test_suspended_helper_cannot_accept_or_see_private(town, new_request):
    from sasaeai.helpers.services import suspend
    from sasaeai.requests.selectors import helper_may_see_private

    req = new_request()
    offer = services.offer_to(req, [town.helpers[0]], by=town.coordinator)[0]
    services.accept_offer(offer, user=town.helpers[0].user)
    assert helper_may_see_private(town.helpers[0].user, req)
    suspend(town.helpers[0], town.coordinator, "調査中")
    user = town.helpers[0].user
    user.__dict__.pop("_sasaeai_helper_profile", None)
    assert not helper_may_see_private(user, req)


def test_database_refuses_second_live_booking_and_overlap(town, new_request):
    """The constraints themselves, without the services' checks."""
    req = new_request()
    h0, h1 = town.helpers[0], town.helpers[1]
    Booking.objects.create(request=req, helper=h0, municipality=town.municipality,
                           starts_at=req.starts_at, ends_at=req.ends_at)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(request=req, helper=h1, municipality=town.municipality,
                               starts_at=req.starts_at, ends_at=req.ends_at)
    b = Booking.objects.get(request=req)
    BookingSlot.objects.create(helper=h0, slot_start=services.slot_starts(req.starts_at, req.ends_at)[0], booking=b)
    other = new_request(starts_at=req.starts_at)
    b2 = Booking.objects.create(request=other, helper=h0, municipality=town.municipality,
                                starts_at=other.starts_at, ends_at=other.ends_at)
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingSlot.objects.create(helper=h0, slot_start=services.slot_starts(req.starts_at, req.ends_at)[0],
                                   booking=b2)


def test_one_helper_two_overlapping_offers(town, new_request):
    a = new_request(starts_at=tomorrow_at(10), duration_minutes=90)
    b = new_request(starts_at=tomorrow_at(11), duration_minutes=60)
    oa = services.offer_to(a, [town.helpers[0]], by=town.coordinator)[0]
    ob = services.offer_to(b, [town.helpers[0]], by=town.coordinator)[0]
    services.accept_offer(oa, user=town.helpers[0].user)
    with pytest.raises(ValidationError) as exc:
        services.accept_offer(ob, user=town.helpers[0].user)
    assert exc.value.code == "double_booked"
    b.refresh_from_db()
    ob.refresh_from_db()
    assert b.status == RequestStatus.OFFERED and ob.status == OfferStatus.PENDING
    assert Booking.objects.filter(request=b).count() == 0


def test_first_visit_needs_the_community_standards(town, new_request):
    """Issue 5 §5: before the first visit with a new recipient the helper agrees to the
    community standards; check-in without it is refused and changes nothing."""
    from sasaeai.safety.models import StandardsAgreement

    req = new_request(starts_at=soon())
    offer = services.offer_to(req, [town.helpers[0]], by=town.coordinator)[0]
    booking = services.accept_offer(offer, user=town.helpers[0].user)
    with pytest.raises(ValidationError) as exc:
        services.check_in(booking, user=town.helpers[0].user)
    assert exc.value.code == "standards_not_agreed"
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED and booking.checked_in_at is None
    assert not StandardsAgreement.objects.exists()

    booking = services.check_in(booking, user=town.helpers[0].user, agree_standards=True)
    assert booking.status == BookingStatus.IN_PROGRESS
    assert StandardsAgreement.objects.filter(helper=town.helpers[0], resident=req.recipient).count() == 1
