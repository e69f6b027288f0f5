"""Turn database rows into the matching engine's dataclasses (`sasaeai.matching.model`).

`task_for(request)` builds a Task; `helpers_for(municipality_id, tasks)` builds one
HelperCandidate per matchable helper, with their availability, verified qualifications,
existing bookings (commitments: every booking holding `BookingSlot` rows, with those slots), hours already booked in the week, recent load and blocks.
Queries are batched: a handful per call, whatever the number of helpers.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from sasaeai.helpers.categories import required_qualifications
from sasaeai.matching.model import Commitment, HelperCandidate, Interval, Point, Task
from sasaeai.matching.slots import slot_of

from .models import SLOT_MINUTES, Block, Booking, BookingSlot, BookingStatus, HelpRequest

TOKYO = ZoneInfo("Asia/Tokyo")
#: Bookings in this past window count as "recent assignments" (fairness).
RECENT = timedelta(days=30)
_HOLDING = (BookingStatus.BOOKED, BookingStatus.IN_PROGRESS)


def _party(recipient_id, facility_id) -> int:
    """The engine's `recipient_id`: a resident's id, or minus a care facility's id (spot shifts;
    `HelpRequest.party_id`), so blocks and continuity work the same for both."""
    return recipient_id if recipient_id is not None else -facility_id


def _previous_helpers(requests) -> dict[int, tuple[int, ...]]:
    out: dict[int, list[int]] = defaultdict(list)
    recipients = {r.recipient_id for r in requests if r.recipient_id is not None}
    facilities = {r.facility_id for r in requests if r.facility_id is not None}
    rows = (Booking.objects.filter(Q(request__recipient_id__in=list(recipients))
                                   | Q(request__facility_id__in=list(facilities)),
                                   status=BookingStatus.COMPLETED)
            .order_by("-starts_at").values_list("request__recipient_id", "request__facility_id", "helper_id"))
    for recipient_id, facility_id, helper_id in rows:
        party = _party(recipient_id, facility_id)
        if helper_id not in out[party]:
            out[party].append(helper_id)
    return {k: tuple(v) for k, v in out.items()}


def _blocks_by_party(requests) -> dict[int, frozenset[int]]:
    out: dict[int, set[int]] = defaultdict(set)
    recipients = {r.recipient_id for r in requests if r.recipient_id is not None}
    facilities = {r.facility_id for r in requests if r.facility_id is not None}
    for recipient_id, facility_id, helper_id in Block.objects.filter(
            Q(recipient_id__in=list(recipients)) | Q(facility_id__in=list(facilities))).values_list(
            "recipient_id", "facility_id", "helper_id"):
        out[_party(recipient_id, facility_id)].add(helper_id)
    return {k: frozenset(v) for k, v in out.items()}


def tasks_for(requests) -> list[Task]:
    requests = list(requests)
    previous = _previous_helpers(requests)
    blocks = _blocks_by_party(requests)
    out = []
    for req in requests:
        lat, lon = req.place_point
        party = req.party_id
        out.append(Task(
            id=req.pk, recipient_id=party, category=req.category,
            start=req.starts_at, end=req.ends_at, place=Point(lat, lon),
            required_qualifications=frozenset(req.required_qualifications or ())
            | required_qualifications(req.category),
            preferred_gender=req.preferred_gender or None,
            preferred_languages=frozenset({req.preferred_language}) if req.preferred_language else frozenset(),
            blocked_helper_ids=blocks.get(party, frozenset()),
            previous_helper_ids=previous.get(party, ()),
            created_at=req.created_at,
        ))
    return out


def task_for(req: HelpRequest) -> Task:
    return tasks_for([req])[0]


def _week_bounds(moment):
    local = timezone.localtime(moment, TOKYO)
    monday = (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    return monday, monday + timedelta(days=7)


def commitments_for(helper_ids, start, end) -> dict[int, list[Commitment]]:
    """Every booking that holds `BookingSlot` rows of these helpers in [start, end), as engine
    commitments carrying exactly those slots — whatever the booking's status (booked, in
    progress, completed, disputed). The engine's "overlap" is a shared slot, so it refuses
    precisely the helpers whose booking the database's unique constraint would refuse."""
    slots: dict[int, set[int]] = defaultdict(set)
    for booking_id, slot_start in BookingSlot.objects.filter(
            helper_id__in=list(helper_ids), slot_start__gt=start - timedelta(minutes=SLOT_MINUTES),
            slot_start__lt=end).values_list("booking_id", "slot_start"):
        slots[booking_id].add(slot_of(slot_start))
    out: dict[int, list[Commitment]] = defaultdict(list)
    for b in Booking.objects.filter(pk__in=list(slots)).select_related(
            "request", "request__recipient", "request__facility__location"):
        lat, lon = b.request.place_point
        out[b.helper_id].append(Commitment(b.starts_at, b.ends_at, Point(lat, lon),
                                           slots=frozenset(slots[b.pk])))
    return out


def helpers_for(municipality_id: int, tasks: list[Task], *, profiles=None):
    """(HelperCandidates, {helper_id: HelperProfile}) for the matchable helpers of a municipality."""
    from sasaeai.helpers.selectors import (
        availability_map,
        matchable_profiles,
        verified_qualifications_map,
    )

    profiles = list(profiles if profiles is not None else matchable_profiles(municipality_id))
    if not profiles or not tasks:
        return [], {p.pk: p for p in profiles}
    ids = [p.pk for p in profiles]
    first = min(t.start for t in tasks)
    last = max(t.end for t in tasks)

    quals = verified_qualifications_map(ids)
    avail = availability_map(ids, first - timedelta(hours=12), last + timedelta(hours=12))
    commitments = commitments_for(ids, first - timedelta(days=1), last + timedelta(days=1))
    hours: dict[int, float] = defaultdict(float)
    task_week = _week_bounds(first)
    for helper_id, starts_at, ends_at in Booking.objects.filter(
            helper_id__in=ids, status__in=_HOLDING + (BookingStatus.COMPLETED,),
            starts_at__gte=task_week[0], starts_at__lt=task_week[1]).values_list(
            "helper_id", "starts_at", "ends_at"):
        hours[helper_id] += (ends_at - starts_at).total_seconds() / 3600
    recent: dict[int, int] = defaultdict(int)
    since = timezone.now() - RECENT
    for helper_id in Booking.objects.filter(helper_id__in=ids, starts_at__gte=since).exclude(
            status=BookingStatus.CANCELLED).values_list("helper_id", flat=True):
        recent[helper_id] += 1
    blocked: dict[int, set[int]] = defaultdict(set)
    for recipient_id, facility_id, helper_id in Block.objects.filter(helper_id__in=ids).values_list(
            "recipient_id", "facility_id", "helper_id"):
        blocked[helper_id].add(_party(recipient_id, facility_id))

    out = []
    for p in profiles:
        out.append(HelperCandidate(
            id=p.pk, home=Point(p.home_lat, p.home_lon), radius_km=float(p.radius_km),
            travel_mode=p.travel_mode, skills=frozenset(p.skills or ()),
            qualifications=quals.get(p.pk, frozenset()), verified=p.is_identity_verified,
            availability=tuple(Interval(s, e) for s, e in avail.get(p.pk, ())),
            weekly_hours_cap=float(p.max_hours_per_week), hours_booked_in_week=round(hours[p.pk], 3),
            commitments=tuple(sorted(commitments[p.pk], key=lambda c: c.start)),
            rating=p.rating_avg, rating_count=p.rating_count, recent_assignments=recent[p.pk],
            gender=p.gender or None, languages=frozenset(p.languages or ()),
            blocked_recipient_ids=frozenset(blocked[p.pk]), active=bool(p.active and p.suspended_at is None),
        ))
    return out, {p.pk: p for p in profiles}
