"""Reads of the safety app, scoped by tenant and role inside the query."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from sasaeai.residents.models import Resident
from sasaeai.residents.selectors import residents_acted_for, residents_for_staff  # noqa: F401 (re-export)
from sasaeai.tenancy.models import MUNICIPALITY_WIDE_ROLES, STAFF_ROLES, Membership, Role
from sasaeai.tenancy.selectors import area_ids, is_operator, memberships_of, municipality_ids

from .models import AccessLog, EmergencyAlert, Incident, VisitAlert

#: Roles that manage consent, emergency plans, incidents and alerts for residents in their scope.
CARE_STAFF_ROLES = frozenset({Role.COORDINATOR_L1, Role.COORDINATOR_L2, Role.SUPPORT_CENTER,
                              Role.MUNICIPAL_ADMIN, Role.OPERATOR})
#: Roles that may export the access log of their tenant (operators: all tenants).
AUDIT_ROLES = frozenset({Role.MUNICIPAL_ADMIN, Role.OPERATOR})
#: Roles that review helpers and issue recovery codes.
COORDINATOR_ROLES = frozenset({Role.COORDINATOR_L1, Role.COORDINATOR_L2, Role.MUNICIPAL_ADMIN})


def staff_covering(municipality_id: int, area_id: int | None, roles) -> QuerySet:
    """Active users holding one of `roles` in the municipality whose scope includes the area."""
    roles = list(roles)
    memberships = Membership.objects.filter(municipality_id=municipality_id, role__in=roles)
    wide = memberships.filter(Q(role__in=MUNICIPALITY_WIDE_ROLES) | Q(areas__isnull=True))
    condition = Q(pk__in=wide.values("user_id"))
    if area_id is not None:
        condition |= Q(pk__in=memberships.filter(areas__id=area_id).values("user_id"))
    return get_user_model().objects.filter(condition, is_active=True).distinct().order_by("pk")


def _scope_q(user, roles, prefix: str = "") -> Q | None:
    """Q over `municipality_id`/`area_id` for the user's scope in `roles`; None = everything."""
    if is_operator(user):
        return None
    condition = Q(pk__in=[])
    for municipality_id in {m.municipality_id for m in memberships_of(user) if m.role in roles}:
        if municipality_id is None:
            continue
        scope = area_ids(user, municipality_id, roles)
        if scope is None:
            condition |= Q(**{f"{prefix}municipality_id": municipality_id})
        elif scope:
            condition |= Q(**{f"{prefix}municipality_id": municipality_id, f"{prefix}area_id__in": scope})
    return condition


def care_residents(user) -> QuerySet[Resident]:
    """Residents whose records a care-staff member manages (consent, plans)."""
    q = _scope_q(user, CARE_STAFF_ROLES)
    return Resident.objects.all() if q is None else Resident.objects.filter(q)


def is_care_staff_for(user, resident: Resident) -> bool:
    return care_residents(user).filter(pk=resident.pk).exists()


def is_recipient_side(user, resident: Resident) -> bool:
    return residents_acted_for(user).filter(pk=resident.pk).exists()


def manageable_residents(user) -> QuerySet[Resident]:
    """Own record, proxied records and care-staff scope."""
    return Resident.objects.filter(
        Q(pk__in=care_residents(user).values("pk")) | Q(pk__in=residents_acted_for(user).values("pk")))


def staff_residents(user) -> QuerySet[Resident]:
    return residents_for_staff(user)


def scoped(queryset: QuerySet, user, roles=CARE_STAFF_ROLES) -> QuerySet:
    """Rows with municipality_id/area_id in the user's scope for `roles`."""
    q = _scope_q(user, roles)
    return queryset if q is None else queryset.filter(q)


def alerts_for(user) -> QuerySet[EmergencyAlert]:
    """Emergency alerts the user may open: staff scope, the raiser, and notified contacts."""
    staff = _scope_q(user, CARE_STAFF_ROLES)
    if staff is None:
        return EmergencyAlert.objects.all()
    if not getattr(user, "is_authenticated", False):
        return EmergencyAlert.objects.none()
    return EmergencyAlert.objects.filter(
        staff | Q(raised_by=user) | Q(steps__user=user) | Q(resident__in=residents_acted_for(user).values("pk"))
    ).distinct()


def incidents_for(user) -> QuerySet[Incident]:
    staff = _scope_q(user, CARE_STAFF_ROLES)
    if staff is None:
        return Incident.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Incident.objects.none()
    return Incident.objects.filter(staff | Q(reported_by=user)).distinct()


def visit_alerts_for(user) -> QuerySet[VisitAlert]:
    return scoped(VisitAlert.objects.all(), user, COORDINATOR_ROLES | {Role.OPERATOR})


def access_log_for_resident(user, resident: Resident, *, side: str = "") -> QuerySet[AccessLog]:
    """The record's log, newest first. `side`: "own" (the resident's own account and their
    proxies), "others" (staff, helpers and the system) or "" (everything)."""
    qs = AccessLog.objects.filter(resident_id=resident.pk).order_by("-at", "-pk")
    if side == "own":
        return qs.filter(actor_id__in=own_side_user_ids(resident))
    if side == "others":
        return qs.exclude(actor_id__in=own_side_user_ids(resident))
    return qs


def own_side_user_ids(resident: Resident) -> set[int]:
    """The accounts that read the record as the resident's side: their own account and every
    current proxy."""
    ids = set(resident.proxies.values_list("user_id", flat=True))
    if resident.user_id:
        ids.add(resident.user_id)
    return ids


def access_log_for_export(user) -> QuerySet[AccessLog]:
    ids = municipality_ids(user, AUDIT_ROLES)
    if ids is None:
        return AccessLog.objects.all().order_by("-at", "-pk")
    return AccessLog.objects.filter(municipality_id__in=ids).order_by("-at", "-pk")


def may_export_log(user) -> bool:
    ids = municipality_ids(user, AUDIT_ROLES)
    return ids is None or bool(ids)


def is_staff_of(user, municipality_id) -> bool:
    return any(m.role in STAFF_ROLES and m.municipality_id in (None, municipality_id) for m in memberships_of(user))


def is_coordinator(user) -> bool:
    ids = municipality_ids(user, COORDINATOR_ROLES | {Role.OPERATOR})
    return ids is None or bool(ids)


def is_care_staff(user) -> bool:
    ids = municipality_ids(user, CARE_STAFF_ROLES)
    return ids is None or bool(ids)
