"""Reads of the activity log and handover notes. Tenancy is part of every query: a record is
seen by whoever covers its area now (memberships in force), whoever typed it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from sasaeai.tenancy.models import Area, Role
from sasaeai.tenancy.selectors import area_ids, is_operator, memberships_of

from .models import COORDINATION_FUNCTIONS, ActivityEntry, HandoverNote, NoteSection

#: Who reads an area's activity, briefing and handover notes (and writes the notes).
READ_ROLES = frozenset({Role.COORDINATOR_L1, Role.COORDINATOR_L2, Role.MUNICIPAL_ADMIN, Role.OPERATOR})
#: Who logs working time: the coordinators (生活支援コーディネーター).
LOG_ROLES = frozenset({Role.COORDINATOR_L1, Role.COORDINATOR_L2})
NOTHING = Q(pk__in=[])


def _authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def scope_q(user, roles=READ_ROLES, prefix: str = "") -> Q:
    """Records in the areas the user covers with one of `roles` (layer-1 areas included for
    municipality-wide roles)."""
    if not _authenticated(user):
        return NOTHING
    if is_operator(user) and Role.OPERATOR in roles:
        return Q()
    q = NOTHING
    for municipality_id in {m.municipality_id for m in memberships_of(user) if m.role in roles}:
        if municipality_id is None:
            continue
        ids = area_ids(user, municipality_id, roles)
        if ids is None:
            q |= Q(**{f"{prefix}municipality_id": municipality_id})
        elif ids:
            q |= Q(**{f"{prefix}municipality_id": municipality_id, f"{prefix}area_id__in": ids})
    return q


def may_log(user) -> bool:
    return _authenticated(user) and any(m.role in LOG_ROLES for m in memberships_of(user))


def may_read(user) -> bool:
    return _authenticated(user) and (is_operator(user) or any(m.role in READ_ROLES for m in memberships_of(user)))


def loggable_areas(user) -> QuerySet[Area]:
    """Areas the user may log time against: their layer-2 areas; a layer-1 coordinator also the
    whole municipality (its layer-1 area)."""
    if not may_log(user):
        return Area.objects.none()
    q = NOTHING
    for municipality_id in {m.municipality_id for m in memberships_of(user) if m.role in LOG_ROLES}:
        ids = area_ids(user, municipality_id, LOG_ROLES)
        q |= Q(municipality_id=municipality_id) if ids is None else Q(municipality_id=municipality_id, pk__in=ids)
    return Area.objects.filter(q).select_related("municipality").order_by("municipality__code", "layer", "name")


def briefing_areas(user) -> QuerySet[Area]:
    """Areas whose handover briefing the user may open."""
    qs = Area.objects.select_related("municipality").order_by("municipality__code", "layer", "name")
    if not _authenticated(user):
        return qs.none()
    if is_operator(user):
        return qs
    q = NOTHING
    for municipality_id in {m.municipality_id for m in memberships_of(user) if m.role in READ_ROLES}:
        ids = area_ids(user, municipality_id, READ_ROLES)
        q |= Q(municipality_id=municipality_id) if ids is None else Q(municipality_id=municipality_id, pk__in=ids)
    return qs.filter(q)


def can_read_area(user, area: Area) -> bool:
    return briefing_areas(user).filter(pk=area.pk).exists()


def visible_entries(user) -> QuerySet[ActivityEntry]:
    return ActivityEntry.objects.filter(scope_q(user)).select_related("area", "recorded_by", "link_type").prefetch_related("link")


def own_entries(user) -> QuerySet[ActivityEntry]:
    """The user's own entries (the timesheet), in the areas they still cover."""
    if not may_log(user):
        return ActivityEntry.objects.none()
    return ActivityEntry.objects.filter(scope_q(user, LOG_ROLES), recorded_by=user).select_related("area", "link_type")


def deletable_entries(user) -> QuerySet[ActivityEntry]:
    return own_entries(user)


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday … Sunday of the week holding `day`."""
    start = day - dt.timedelta(days=day.weekday())
    return start, start + dt.timedelta(days=6)


def month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    start = day.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    return start, following - dt.timedelta(days=1)


# --- Coordination share (seed 003 KSI: ≥ 70 % of working time on coordination) -----------


@dataclass(frozen=True)
class Share:
    """Coordination minutes over all logged minutes; `percent` is None without logged time."""

    coordination_minutes: int
    total_minutes: int

    @property
    def percent(self) -> float | None:
        if not self.total_minutes:
            return None
        return round(100 * self.coordination_minutes / self.total_minutes, 1)

    @property
    def meets_target(self) -> bool | None:
        return None if self.percent is None else self.percent >= COORDINATION_TARGET_PERCENT


COORDINATION_TARGET_PERCENT = 70


def entries_in(*, municipality=None, area=None, coordinator=None, start: dt.date, end: dt.date,
               queryset: QuerySet[ActivityEntry] | None = None) -> QuerySet[ActivityEntry]:
    """Entries dated start … end (inclusive), optionally of one municipality, area, coordinator."""
    qs = ActivityEntry.objects.all() if queryset is None else queryset
    qs = qs.filter(date__gte=start, date__lte=end)
    if municipality is not None:
        qs = qs.filter(municipality=municipality)
    if area is not None:
        qs = qs.filter(area=area)
    if coordinator is not None:
        qs = qs.filter(recorded_by=coordinator)
    return qs


def coordination_share(*, municipality=None, area=None, coordinator=None, start: dt.date, end: dt.date,
                       queryset: QuerySet[ActivityEntry] | None = None) -> Share:
    """The share of working time spent on coordination (the five programme functions: 資源開発,
    ネットワーク構築, マッチング, 普及啓発, 担い手養成) — not direct support, office work or
    training attended — over all logged time, dated start … end. One aggregate query.
    Pass `coordinator` for the KSI per SC, `start`/`end` a month for "per SC and month"."""
    qs = entries_in(municipality=municipality, area=area, coordinator=coordinator, start=start, end=end,
                    queryset=queryset)
    totals = qs.aggregate(total=Sum("minutes"),
                          coordination=Sum("minutes", filter=Q(function__in=COORDINATION_FUNCTIONS)))
    return Share(coordination_minutes=totals["coordination"] or 0, total_minutes=totals["total"] or 0)


def coordination_share_by_month(*, municipality=None, area=None, coordinator=None, start: dt.date, end: dt.date,
                                queryset: QuerySet[ActivityEntry] | None = None) -> list[dict]:
    """Per coordinator and month: {"coordinator_id", "month" (first day), "share": Share}.
    One grouped aggregate query, whatever the number of entries."""
    qs = entries_in(municipality=municipality, area=area, coordinator=coordinator, start=start, end=end,
                    queryset=queryset)
    rows = (qs.annotate(month=TruncMonth("date")).values("recorded_by_id", "month")
            .annotate(total=Sum("minutes"), coordination=Sum("minutes", filter=Q(function__in=COORDINATION_FUNCTIONS)))
            .order_by("recorded_by_id", "month"))
    out = []
    for row in rows:
        month = row["month"]
        if isinstance(month, dt.datetime):
            month = month.date()
        out.append({"coordinator_id": row["recorded_by_id"], "month": month,
                    "share": Share(row["coordination"] or 0, row["total"] or 0)})
    return out


def minutes_by_day_and_function(entries: QuerySet[ActivityEntry]) -> dict[tuple[dt.date, str], int]:
    rows = entries.values("date", "function").annotate(total=Sum("minutes")).order_by()
    return {(r["date"], r["function"]): r["total"] for r in rows}


def day_total(user, day: dt.date) -> int:
    return ActivityEntry.objects.filter(recorded_by=user, date=day).aggregate(t=Sum("minutes"))["t"] or 0


# --- Handover notes -------------------------------------------------------------------------


def visible_notes(user) -> QuerySet[HandoverNote]:
    return HandoverNote.objects.filter(scope_q(user)).select_related("written_by")


def current_notes(area: Area) -> dict[str, HandoverNote]:
    """The current (highest) version of each section of the area's notes."""
    out: dict[str, HandoverNote] = {}
    for note in HandoverNote.objects.filter(area=area).select_related("written_by").order_by("section", "-version"):
        out.setdefault(note.section, note)
    return out


def note_history(area: Area, section: str) -> QuerySet[HandoverNote]:
    return HandoverNote.objects.filter(area=area, section=section).select_related("written_by").order_by("-version")


def sections_in_order() -> list[tuple[str, str]]:
    return list(NoteSection.choices)
