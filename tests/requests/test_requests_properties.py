"""Hypothesis: random sequences of operations by random people on two overlapping requests
never break the invariants, and every refused operation changes nothing."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sasaeai.requests import services
from sasaeai.requests.models import (
    LIVE_BOOKING_STATUSES,
    TRANSITIONS,
    Booking,
    BookingSlot,
    BookingStatus,
    HelpRequest,
    Offer,
    RequestStatus,
)

from .conftest import soon

pytestmark = pytest.mark.django_db

# Weighted so that long, meaningful runs (offer → accept → check-in → check-out → reviews) are
# common; the rare actions (cancel, give back, dispute …) interleave.
ACTIONS = (["offer"] * 4 + ["accept"] * 5 + ["check_in"] * 3 + ["check_out"] * 3 + ["review"] * 3
           + ["decline", "withdraw", "cancel", "give_back", "no_show", "dispute", "publish"])
#: Optional starts that reach booked / in-progress / completed, so later steps explore there.
HAPPY = (("offer", 0, 0), ("accept", 0, 0), ("check_in", 0, 0), ("check_out", 0, 0))
step = st.tuples(st.sampled_from(ACTIONS), st.integers(0, 1), st.integers(0, 1))


class _Rollback(Exception):
    pass


def _snapshot():
    return (
        sorted(HelpRequest.objects.values_list("pk", "status")),
        sorted(Offer.objects.values_list("pk", "status")),
        sorted(Booking.objects.values_list("pk", "status", "checked_in_at", "checked_out_at")),
        BookingSlot.objects.count(),
    )


def _check_invariants(reqs, helpers):
    for req in reqs:
        req.refresh_from_db()
        live = list(Booking.objects.filter(request=req, status__in=LIVE_BOOKING_STATUSES))
        assert len(live) <= 1
        if req.status in (RequestStatus.BOOKED, RequestStatus.IN_PROGRESS):
            assert live and live[0].status == req.status
        if req.status in (RequestStatus.OPEN, RequestStatus.OFFERED, RequestStatus.CANCELLED):
            assert not live
    for h in helpers:
        holding = list(Booking.objects.filter(helper=h, status__in=[BookingStatus.BOOKED,
                                                                    BookingStatus.IN_PROGRESS]))
        for a, b in itertools.combinations(holding, 2):
            assert not (a.starts_at < b.ends_at and b.starts_at < a.ends_at)
    assert not BookingSlot.objects.exclude(booking__status__in=LIVE_BOOKING_STATUSES).exists()


def _do(action, req, helper, town):  # noqa: C901 - one branch per action
    hu = helper.user
    booking = Booking.objects.filter(request=req, status__in=LIVE_BOOKING_STATUSES).first()
    offer = Offer.objects.filter(request=req, helper=helper).first()
    if action == "offer":
        return services.offer_to(req, [helper], by=town.coordinator)
    if action in ("accept", "decline", "withdraw"):
        if action == "accept":  # any offer of this request (pending first), by its own helper
            offers = list(Offer.objects.filter(request=req).order_by("status", "pk"))
            if not offers:
                raise ValidationError("no offer", code="none")
            chosen = offers[0] if helper is town.helpers[0] else offers[-1]
            return services.accept_offer(chosen, user=chosen.helper.user)
        if offer is None:
            raise ValidationError("no offer", code="none")
        if action == "decline":
            return services.decline_offer(offer, user=hu)
        return services.withdraw_offer(offer, by=town.coordinator)
    if action == "cancel":
        return services.cancel_request(req, user=town.proxy_user, reason="r")
    if action == "dispute":
        return services.dispute(req, user=town.proxy_user, reason="r")
    if action == "publish":
        return services.publish(req, user=town.proxy_user)
    if booking is None:
        raise ValidationError("no booking", code="none")
    # Helper index 0 acts as the booked helper; index 1 as another helper (an intruder).
    booked_user = booking.helper.user
    intruder = next(h.user for h in town.helpers if h.pk != booking.helper_id)
    actor = booked_user if helper is town.helpers[0] else intruder
    if action == "check_in":
        return services.check_in(booking, user=actor, agree_standards=True)
    if action == "check_out":
        return services.check_out(booking, user=actor)
    if action == "give_back":
        return services.helper_cancel(booking, user=actor, reason="r")
    if action == "no_show":
        return services.mark_no_show(booking, by=town.coordinator)
    return services.review(booking, user=booked_user if helper is town.helpers[0] else town.proxy_user, stars=4)


@settings(max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prefix=st.sampled_from([(), HAPPY[:2], HAPPY[:3], HAPPY]), tail=st.lists(step, min_size=5, max_size=25))
def test_random_operations_keep_invariants(town, prefix, tail):
    steps = list(prefix) + tail
    try:
        with transaction.atomic():
            start = soon()
            reqs = [services.create_request(user=town.proxy_user, recipient=town.resident, category="housework",
                                            starts_at=start, duration_minutes=60),
                    services.create_request(user=town.proxy_user, recipient=town.resident, category="watch_talk",
                                            starts_at=start, duration_minutes=90)]
            for action, r_i, h_i in steps:
                before = _snapshot()
                try:
                    with transaction.atomic():
                        _do(action, reqs[r_i], town.helpers[h_i], town)
                    event(f"done: {action}")
                except (ValidationError, PermissionDenied):
                    assert _snapshot() == before, f"refused {action} changed data"
                _check_invariants(reqs, town.helpers)
            raise _Rollback
    except _Rollback:
        pass


@given(current=st.sampled_from(RequestStatus.values), target=st.sampled_from(RequestStatus.values))
def test_transition_table_is_the_only_way(current, target):
    if target in TRANSITIONS[current]:
        services.check_transition(current, target)
    else:
        with pytest.raises(ValidationError) as exc:
            services.check_transition(current, target)
        assert exc.value.code == "illegal_transition"


def test_slots_cover_the_booking():
    from datetime import UTC, datetime

    start = datetime(2030, 1, 1, 1, 10, tzinfo=UTC)
    slots = services.slot_starts(start, datetime(2030, 1, 1, 2, 0, tzinfo=UTC))
    assert slots == [datetime(2030, 1, 1, 1, 0, tzinfo=UTC), datetime(2030, 1, 1, 1, 30, tzinfo=UTC)]
