"""Reads of the cases app. Tenancy and area scope are inside every query: a case of another
municipality or outside the viewer's areas is simply not in the queryset (404, not 403)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from sasaeai.residents.selectors import residents_for_staff
from sasaeai.tenancy.models import STAFF_ROLES, Role
from sasaeai.tenancy.selectors import area_ids, municipality_ids

from .models import ACTIVE_STATUSES, Case, CaseStatus, FollowUp

#: Who works cases (accepts referrals, records conversations and plans): the SCs of the area,
#: the layer-1 SC and the municipal administrator (and the operator).
CASE_ROLES = frozenset({Role.COORDINATOR_L1, Role.COORDINATOR_L2, Role.MUNICIPAL_ADMIN})
#: The operator works every tenant's cases (support, audits).
WORK_ROLES = CASE_ROLES | {Role.OPERATOR}
#: Who may refer a resident (地域包括支援センター and the coordinating staff).
REFERRER_ROLES = frozenset(STAFF_ROLES - {Role.OPERATOR})
#: A referral not answered for this many days goes to the area's layer-1 SC.
ESCALATE_AFTER_DAYS = 14


def _scope(user, roles) -> Q | None:
    """Q over Case for the municipalities/areas where the user holds `roles`; None = all."""
    ids = municipality_ids(user, roles)
    if ids is None:
        return None
    condition = Q(pk__in=[])
    for municipality_id in ids:
        scope = area_ids(user, municipality_id, roles)
        if scope is None:
            condition |= Q(municipality_id=municipality_id)
        elif scope:
            condition |= Q(municipality_id=municipality_id, area_id__in=scope)
    return condition


def cases_for(user) -> QuerySet[Case]:
    """Cases the user works on (coordination scope)."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    condition = _scope(user, WORK_ROLES)
    qs = Case.objects.all() if condition is None else Case.objects.filter(condition)
    return qs.select_related("resident", "area", "coordinator", "municipality")


def may_work_cases(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    ids = municipality_ids(user, WORK_ROLES)
    return ids is None or bool(ids)


def may_refer(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    ids = municipality_ids(user, REFERRER_ROLES)
    return ids is None or bool(ids)


def referable_residents(user):
    """Residents the user may refer: inside the areas of their staff memberships."""
    if not may_refer(user):
        return residents_for_staff(user).none()
    return residents_for_staff(user)


def referrals_by(user) -> QuerySet[Case]:
    """The referrals the user entered (any status), in municipalities where they still hold a
    referring role: a successor does not inherit the predecessor's account, and an ended
    membership ends the view."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    ids = municipality_ids(user, REFERRER_ROLES)
    qs = Case.objects.filter(referred_by=user)
    if ids is not None:
        qs = qs.filter(municipality_id__in=ids)
    return qs.select_related("resident", "area")


def unanswered_referrals(user) -> QuerySet[Case]:
    return cases_for(user).filter(status=CaseStatus.REFERRED).order_by("referred_at", "pk")


def follow_ups_due(user, day: date | None = None) -> QuerySet[FollowUp]:
    """Open follow-ups due today or earlier (overdue first) on the user's cases; a layer-2 SC
    sees their own cases and unassigned ones of their areas, wider roles the whole scope."""
    day = day or timezone.localdate()
    cases = cases_for(user).filter(status__in=ACTIVE_STATUSES)
    return (FollowUp.objects.filter(case__in=cases.values("pk"), due_on__lte=day, done_on__isnull=True,
                                    cancelled=False)
            .select_related("case__resident", "case__area").order_by("due_on", "pk"))


def caseload(user, municipality_id: int | None = None) -> dict:
    """Active cases per SC and cases per area and status, computed in the database."""
    cases = cases_for(user)
    if municipality_id is not None:
        cases = cases.filter(municipality_id=municipality_id)
    per_sc = list(cases.filter(status__in=ACTIVE_STATUSES).values("coordinator_id", "coordinator__display_name")
                  .annotate(active=Count("pk")).order_by("-active", "coordinator__display_name"))
    rows = cases.values("area_id", "area__name", "status").annotate(n=Count("pk")).order_by("area__name")
    per_area: dict[int, dict] = {}
    for row in rows:
        entry = per_area.setdefault(row["area_id"], {"area_id": row["area_id"], "area": row["area__name"],
                                                      "by_status": {s.value: 0 for s in CaseStatus}})
        entry["by_status"][row["status"]] = row["n"]
    for entry in per_area.values():
        entry["active"] = sum(entry["by_status"][s] for s in ACTIVE_STATUSES)
        entry["referred"] = entry["by_status"][CaseStatus.REFERRED]
    return {"per_coordinator": per_sc, "per_area": list(per_area.values())}
