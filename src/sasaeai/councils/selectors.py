"""Reads of the councils app, scoped to the viewer inside the query.

Who reads what:
* staff of the municipality (coordinators, support centres, municipal administrators) read the
  councils of the areas they cover, and every staff member of the municipality reads its
  layer-1 council; an operator reads all;
* a council member with an account (a `council_member` membership in the municipality and a
  seat on the council, in term) reads that council's pages, internal minutes included;
* everybody, anonymous visitors too, reads the public summary of a meeting.
Coordinators of the area and municipal administrators manage (write)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from sasaeai.tenancy.models import Area, Role
from sasaeai.tenancy.selectors import area_ids, is_operator, municipality_ids

from .models import (
    Action,
    Council,
    CouncilMember,
    IssueState,
    LocalIssue,
    Meeting,
    MeetingKind,
    PolicyProposal,
)

READ_ROLES = frozenset({Role.COORDINATOR_L1, Role.COORDINATOR_L2, Role.SUPPORT_CENTER, Role.MUNICIPAL_ADMIN})
MANAGE_ROLES = frozenset({Role.COORDINATOR_L1, Role.COORDINATOR_L2, Role.MUNICIPAL_ADMIN})
NOTHING = Q(pk__in=[])


def _authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def _staff_q(user, roles, *, layer1_for_all: bool) -> Q:
    ids = municipality_ids(user, roles)
    if ids is None:
        return Q()
    q = NOTHING
    for mid in ids:
        covered = area_ids(user, mid, roles)
        if covered is None:
            q |= Q(municipality_id=mid)
        else:
            if covered:
                q |= Q(municipality_id=mid, area_id__in=covered)
            if layer1_for_all:
                q |= Q(municipality_id=mid, area__layer=Area.Layer.MUNICIPALITY)
    return q


def seat_q(user, prefix: str = "") -> Q:
    """Councils on which the user holds a seat in term today, with a council-member membership."""
    if not _authenticated(user):
        return NOTHING
    ids = municipality_ids(user, {Role.COUNCIL_MEMBER})
    if not ids:
        return NOTHING
    today = timezone.localdate()
    seats = CouncilMember.objects.filter(user=user, term_start__lte=today).filter(
        Q(term_end__isnull=True) | Q(term_end__gte=today))
    if ids is not None:
        seats = seats.filter(council__municipality_id__in=ids)
    return Q(**{f"{prefix}pk__in": seats.values("council_id")})


def readable_councils_q(user) -> Q:
    if not _authenticated(user):
        return NOTHING
    if is_operator(user):
        return Q()
    return _staff_q(user, READ_ROLES, layer1_for_all=True) | seat_q(user)


def readable_councils(user) -> QuerySet[Council]:
    return Council.objects.filter(readable_councils_q(user)).select_related("area", "municipality")


def managed_councils(user) -> QuerySet[Council]:
    if not _authenticated(user):
        return Council.objects.none()
    if is_operator(user):
        return Council.objects.select_related("area", "municipality")
    return Council.objects.filter(_staff_q(user, MANAGE_ROLES, layer1_for_all=False)).select_related(
        "area", "municipality")


def can_read(user, council: Council) -> bool:
    return council is not None and readable_councils(user).filter(pk=council.pk).exists()


def can_manage(user, council: Council) -> bool:
    return council is not None and managed_councils(user).filter(pk=council.pk).exists()


def holds_seat(user, council: Council) -> bool:
    return council is not None and Council.objects.filter(seat_q(user), pk=council.pk).exists()


def seat_of(user, council: Council) -> CouncilMember | None:
    if not holds_seat(user, council):
        return None
    return council.members.filter(user=user).order_by("-term_start").first()


def readable_meetings(user) -> QuerySet[Meeting]:
    return Meeting.objects.filter(council__in=readable_councils(user)).select_related("council", "council__area")


def managed_meetings(user) -> QuerySet[Meeting]:
    return Meeting.objects.filter(council__in=managed_councils(user)).select_related("council", "council__area")


def public_meetings(municipality_id: int | None = None) -> QuerySet[Meeting]:
    """Meetings whose public summary has been written: anyone may read the summary."""
    qs = Meeting.objects.exclude(public_summary="").select_related("council", "council__area")
    if municipality_id is not None:
        qs = qs.filter(municipality_id=municipality_id)
    return qs


def readable_issues(user) -> QuerySet[LocalIssue]:
    return LocalIssue.objects.filter(council__in=readable_councils(user)).select_related("council", "council__area")


def managed_issues(user) -> QuerySet[LocalIssue]:
    return LocalIssue.objects.filter(council__in=managed_councils(user)).select_related("council", "council__area")


def readable_proposals(user) -> QuerySet[PolicyProposal]:
    return PolicyProposal.objects.filter(council__in=readable_councils(user)).select_related("council")


def open_issues(council: Council) -> QuerySet[LocalIssue]:
    return council.issues.filter(state__in=[IssueState.RAISED, IssueState.ON_AGENDA, IssueState.ACTION_PLAN])


def next_meeting(council: Council, now=None) -> Meeting | None:
    return council.meetings.filter(starts_at__gte=now or timezone.now()).order_by("starts_at").first()


# --- Action plans: progress rolls up ---------------------------------------------------------


@dataclass
class ActionNode:
    action: Action
    progress: int
    children: list


def action_tree(issue: LocalIssue) -> list[ActionNode]:
    """The issue's actions as a tree (one query), each with its derived progress: a leaf's own
    progress, a parent's the mean of its children's (dropped children left out), rounded down."""
    actions = list(issue.actions.prefetch_related("timeline").order_by("position", "pk"))
    by_parent: dict[int | None, list[Action]] = {}
    for a in actions:
        by_parent.setdefault(a.parent_id, []).append(a)

    def build(parent_id, depth=0) -> list[ActionNode]:
        nodes = []
        for a in by_parent.get(parent_id, []):
            children = build(a.pk, depth + 1) if depth < 10 else []
            counted = [c for c in children if c.action.status != "dropped"]
            progress = (sum(c.progress for c in counted) // len(counted)) if counted else a.progress
            nodes.append(ActionNode(a, progress, children))
        return nodes

    return build(None)


def plan_progress(issue: LocalIssue) -> int | None:
    roots = [n for n in action_tree(issue) if n.action.status != "dropped"]
    return (sum(n.progress for n in roots) // len(roots)) if roots else None


# --- Figures the KPI framework reads (bounded aggregate queries) -------------------------------


def _councils(municipality, area=None) -> QuerySet[Council]:
    qs = Council.objects.filter(municipality=municipality)
    return qs.filter(area=area) if area is not None else qs


def issues_resolved(municipality, area, start: date, end: date) -> QuerySet[LocalIssue]:
    """Issues resolved through a council between start and end (inclusive)."""
    return LocalIssue.objects.filter(council__in=_councils(municipality, area), state=IssueState.RESOLVED,
                                     resolved_on__gte=start, resolved_on__lte=end)


def layer2_councils_resolving(municipality, area, start: date, end: date) -> tuple[int, int]:
    """(layer-2 councils with at least one issue resolved in the period, layer-2 councils)."""
    qs = _councils(municipality, area).filter(area__layer=Area.Layer.DAILY_LIFE)
    total = qs.count()
    with_one = qs.filter(issues__state=IssueState.RESOLVED, issues__resolved_on__gte=start,
                         issues__resolved_on__lte=end).distinct().count()
    return with_one, total


def layer2_councils_with_resolution(municipality, area, start: date, end: date) -> QuerySet[Council]:
    return _councils(municipality, area).filter(
        area__layer=Area.Layer.DAILY_LIFE, pk__in=LocalIssue.objects.filter(
            state=IssueState.RESOLVED, resolved_on__gte=start, resolved_on__lte=end).values("council_id"))


def members_in_term(municipality, area, start: date, end: date) -> QuerySet[CouncilMember]:
    """Voting members (observers left out) whose term overlaps the period."""
    return CouncilMember.objects.filter(council__in=_councils(municipality, area), term_start__lte=end).filter(
        Q(term_end__isnull=True) | Q(term_end__gte=start)).exclude(role=CouncilMember.Role.OBSERVER)


def resident_private_share(municipality, area, start: date, end: date) -> tuple[int, int]:
    """(members counting as resident/private, members) among members in term in the period."""
    agg = members_in_term(municipality, area, start, end).aggregate(
        total=Count("pk"), resident=Count("pk", filter=Q(counts_as_resident_private=True)))
    return agg["resident"], agg["total"]


def resident_private_members(municipality, area, start: date, end: date) -> QuerySet[CouncilMember]:
    return members_in_term(municipality, area, start, end).filter(counts_as_resident_private=True)


def proposals_submitted(municipality, area, start: date, end: date) -> QuerySet[PolicyProposal]:
    return PolicyProposal.objects.filter(council__in=_councils(municipality, area),
                                         submitted_on__gte=start, submitted_on__lte=end)


def meetings_of_kind(municipality, area, start: date, end: date, kind: str) -> QuerySet[Meeting]:
    """Meetings of one type held between start and end (by the meeting's local date)."""
    qs = Meeting.objects.filter(municipality=municipality, kind=kind,
                                starts_at__date__gte=start, starts_at__date__lte=end)
    return qs.filter(council__area=area) if area is not None else qs


def meeting_counts_by_kind(municipality, start: date, end: date) -> dict[str, int]:
    rows = (Meeting.objects.filter(municipality=municipality, starts_at__date__gte=start, starts_at__date__lte=end)
            .values("kind").annotate(n=Count("pk")))
    out = {k: 0 for k in MeetingKind.values}
    out.update({r["kind"]: r["n"] for r in rows})
    return out


def in_tenant_manager(user, area: Area) -> bool:
    """May register the council of `area`: a coordinator covering it (layer-1: a layer-1
    coordinator or the municipal administrator), or an operator."""
    from sasaeai.tenancy.selectors import covers_area

    if not _authenticated(user):
        return False
    if is_operator(user):
        return True
    if area.layer == Area.Layer.MUNICIPALITY:
        return covers_area(user, area.municipality_id, None, MANAGE_ROLES) and area_ids(
            user, area.municipality_id, MANAGE_ROLES) is None
    return covers_area(user, area.municipality_id, area.pk, MANAGE_ROLES)


def unmet_needs_for_council(user, council, limit: int = 100) -> list:
    """Unmet needs (資源なし) of the council's area — the whole municipality for a layer-1
    council — that the user may see, oldest first: what an issue can be raised from."""
    from django.apps import apps

    if not apps.is_installed("sasaeai.needs"):
        return []
    from sasaeai.needs.models import NeedStatus
    from sasaeai.needs.selectors import needs_for
    from sasaeai.tenancy.models import Area

    qs = needs_for(user).filter(municipality_id=council.municipality_id, status=NeedStatus.UNMET)
    if council.area.layer != Area.Layer.MUNICIPALITY:
        qs = qs.filter(area_id=council.area_id)
    return list(qs.select_related("area").order_by("noticed_on", "pk")[:limit])
