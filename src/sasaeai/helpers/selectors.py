"""Reads about helpers, scoped by tenant and role inside the query."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils import timezone

from sasaeai.tenancy.models import Role
from sasaeai.tenancy.selectors import area_ids, municipality_ids

from .models import (
    AvailabilityException,
    AvailabilityRule,
    HelperProfile,
    HelperQualification,
    IdentityStatus,
    QualificationStatus,
)
from .qualifications import closure

TOKYO = ZoneInfo("Asia/Tokyo")

#: Roles that review helpers (qualifications, identity) and may suspend them.
REVIEWER_ROLES = frozenset({Role.COORDINATOR_L1, Role.COORDINATOR_L2, Role.MUNICIPAL_ADMIN})


def matchable_profiles(municipality_id: int) -> QuerySet[HelperProfile]:
    """Helpers who may be offered work now: active, not suspended, identity verified, with a
    location (`home_lat`/`home_lon` are set; the services fill them with the area's centre when
    the helper gives an area but no home point). A suspension takes effect on the next query."""
    return (
        HelperProfile.objects.filter(
            municipality_id=municipality_id, active=True, suspended_at__isnull=True,
            identity_status=IdentityStatus.VERIFIED, identity_verified_at__isnull=False, user__is_active=True,
            home_lat__isnull=False, home_lon__isnull=False,
        )
        .select_related("user", "area")
        .order_by("pk")
    )


def _today() -> dt.date:
    return timezone.localtime(timezone.now(), TOKYO).date()


def live_qualifications(profile: HelperProfile, on: dt.date | None = None) -> QuerySet[HelperQualification]:
    """Verified qualifications not past their expiry date."""
    on = on or _today()
    return profile.qualifications.filter(status=QualificationStatus.VERIFIED).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=on)
    )


def verified_qualifications(profile: HelperProfile, on: dt.date | None = None) -> frozenset[str]:
    """Codes the helper holds, with implied ones (介護福祉士 ⊃ 実務者研修 ⊃ …). Submitted,
    rejected, expired or past-expiry qualifications do not count."""
    return closure(live_qualifications(profile, on).values_list("code", flat=True))


def verified_qualifications_map(profile_ids, on: dt.date | None = None) -> dict[int, frozenset[str]]:
    """The same for many helpers in one query."""
    on = on or _today()
    raw: dict[int, set[str]] = {pk: set() for pk in profile_ids}
    rows = HelperQualification.objects.filter(
        profile_id__in=list(raw), status=QualificationStatus.VERIFIED,
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on)).values_list("profile_id", "code")
    for pk, code in rows:
        raw[pk].add(code)
    return {pk: closure(codes) for pk, codes in raw.items()}


# --- availability -----------------------------------------------------------------------

def _merge(intervals):
    out: list[list[dt.datetime]] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def _subtract(intervals, cut_start, cut_end):
    out = []
    for start, end in intervals:
        if cut_end <= start or cut_start >= end:
            out.append((start, end))
            continue
        if start < cut_start:
            out.append((start, cut_start))
        if cut_end < end:
            out.append((cut_end, end))
    return out


def compute_intervals(rules, exceptions, start: dt.datetime, end: dt.datetime):
    """Pure function behind `availability_intervals`.

    rules: iterable of (weekday, start_time, end_time); exceptions: iterable of
    (date, start_time|None, end_time|None, available). Wall-clock times are Asia/Tokyo
    (no daylight saving time, so every local day is 24 h). Returns merged, sorted,
    non-overlapping aware intervals clipped to [start, end).
    """
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be timezone-aware")
    if end <= start:
        return []
    by_day: dict[int, list] = {}
    for weekday, s, e in rules:
        by_day.setdefault(weekday, []).append((s, e))
    exc_by_date: dict[dt.date, list] = {}
    for date, s, e, available in exceptions:
        exc_by_date.setdefault(date, []).append((s, e, available))

    first = start.astimezone(TOKYO).date()
    last = end.astimezone(TOKYO).date()
    result = []
    day = first
    while day <= last:
        def at(t, _day=day):
            return dt.datetime.combine(_day, t, tzinfo=TOKYO)

        todays = [(at(s), at(e)) for s, e in by_day.get(day.weekday(), [])]
        for s, e, available in exc_by_date.get(day, []):
            if available:
                todays.append((at(s), at(e)))
        todays = _merge(todays)
        for s, e, available in exc_by_date.get(day, []):
            if available:
                continue
            if s is None:
                todays = []
            else:
                todays = _subtract(todays, at(s), at(e))
        result.extend(todays)
        day += dt.timedelta(days=1)
    clipped = [(max(s, start), min(e, end)) for s, e in _merge(result)]
    return [(s, e) for s, e in clipped if s < e]


def availability_intervals(profile: HelperProfile, start: dt.datetime, end: dt.datetime):
    """The helper's free windows between two aware datetimes, as aware datetimes in
    Asia/Tokyo, after applying the weekly rules and the exceptions."""
    first = start.astimezone(TOKYO).date()
    last = end.astimezone(TOKYO).date()
    rules = AvailabilityRule.objects.filter(profile=profile).values_list("weekday", "start_time", "end_time")
    exceptions = AvailabilityException.objects.filter(
        profile=profile, date__gte=first, date__lte=last,
    ).values_list("date", "start_time", "end_time", "available")
    return compute_intervals(list(rules), list(exceptions), start, end)


def availability_map(profile_ids, start: dt.datetime, end: dt.datetime) -> dict[int, list]:
    """availability_intervals for many helpers in two queries."""
    first = start.astimezone(TOKYO).date()
    last = end.astimezone(TOKYO).date()
    rules: dict[int, list] = {pk: [] for pk in profile_ids}
    exceptions: dict[int, list] = {pk: [] for pk in profile_ids}
    for pk, *rest in AvailabilityRule.objects.filter(profile_id__in=list(rules)).values_list(
        "profile_id", "weekday", "start_time", "end_time"
    ):
        rules[pk].append(tuple(rest))
    for pk, *rest in AvailabilityException.objects.filter(
        profile_id__in=list(rules), date__gte=first, date__lte=last,
    ).values_list("profile_id", "date", "start_time", "end_time", "available"):
        exceptions[pk].append(tuple(rest))
    return {pk: compute_intervals(rules[pk], exceptions[pk], start, end) for pk in rules}


# --- scoping for staff --------------------------------------------------------------------

def profiles_for_staff(user, roles=REVIEWER_ROLES) -> QuerySet[HelperProfile]:
    """Helper profiles a coordinator may review: their municipalities, and for a layer-2
    coordinator limited to areas, helpers in those areas (or without an area)."""
    ids = municipality_ids(user, roles)
    qs = HelperProfile.objects.select_related("user", "municipality", "area")
    if ids is None:
        return qs
    cond = Q(pk__in=[])
    for muni in ids:
        areas = area_ids(user, muni, roles)
        if areas is None:
            cond |= Q(municipality_id=muni)
        else:
            cond |= Q(municipality_id=muni) & (Q(area_id__in=areas) | Q(area__isnull=True))
    return qs.filter(cond)


def profile_for_staff(user, pk: int) -> HelperProfile | None:
    return profiles_for_staff(user).filter(pk=pk).first()


def pending_qualifications(user) -> QuerySet[HelperQualification]:
    return (
        HelperQualification.objects.filter(
            status=QualificationStatus.SUBMITTED, profile__in=profiles_for_staff(user),
        )
        .select_related("profile__user", "profile__area")
        .order_by("submitted_at", "pk")
    )


def pending_identity(user) -> QuerySet[HelperProfile]:
    return profiles_for_staff(user).filter(identity_status=IdentityStatus.SUBMITTED).order_by(
        "identity_submitted_at", "pk"
    )


def flagged_profiles(user) -> QuerySet[HelperProfile]:
    return profiles_for_staff(user).filter(flagged_at__isnull=False).order_by("-flagged_at", "pk")


def suspended_profiles(user) -> QuerySet[HelperProfile]:
    return profiles_for_staff(user).filter(suspended_at__isnull=False).order_by("-suspended_at", "pk")


def own_profile(user) -> HelperProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return HelperProfile.objects.filter(user=user).select_related("municipality", "area").first()
