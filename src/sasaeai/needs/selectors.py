"""Reads of the needs register, scoped to the viewer's tenants and areas inside the query."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sasaeai.residents.models import Resident
from sasaeai.tenancy.models import Role
from sasaeai.tenancy.selectors import area_ids, is_operator, memberships_of

from .models import ACTIVE_STATES, Need, NeedStatus

#: Roles that keep the register (see and record needs).
REGISTER_ROLES = frozenset({Role.COORDINATOR_L1, Role.COORDINATOR_L2, Role.SUPPORT_CENTER, Role.MUNICIPAL_ADMIN,
                            Role.OPERATOR})
#: Roles that triage, connect and import.
COORDINATING_ROLES = frozenset({Role.COORDINATOR_L1, Role.COORDINATOR_L2, Role.MUNICIPAL_ADMIN, Role.OPERATOR})


def _scope(user, roles) -> tuple[bool, Q]:
    """(everything, condition) over the municipalities and areas the user holds `roles` in."""
    if is_operator(user):
        return True, Q()
    condition = Q(pk__in=[])
    for municipality_id in {m.municipality_id for m in memberships_of(user)
                            if m.role in roles and m.municipality_id is not None}:
        scope = area_ids(user, municipality_id, roles)
        if scope is None:
            condition |= Q(municipality_id=municipality_id)
        elif scope:
            condition |= Q(municipality_id=municipality_id, area_id__in=scope)
    return False, condition


def needs_for(user) -> QuerySet[Need]:
    """Needs the user may see: coordinators and municipal staff in their areas; a 地域包括支援センター
    in its areas, but a named resident's need only with the resident's consent to sharing
    with the support centre."""
    from sasaeai.safety.consent import Purpose, with_consent

    if not getattr(user, "is_authenticated", False):
        return Need.objects.none()
    everything, coordinating = _scope(user, COORDINATING_ROLES)
    if everything:
        return Need.objects.all()
    _all, support = _scope(user, {Role.SUPPORT_CENTER})
    shared = with_consent(Resident.objects.all(), Purpose.SHARE_SUPPORT_CENTER).values("pk")
    return Need.objects.filter(coordinating | (support & (Q(resident__isnull=True) | Q(resident_id__in=shared))))


def manageable_needs(user) -> QuerySet[Need]:
    if not getattr(user, "is_authenticated", False):
        return Need.objects.none()
    everything, coordinating = _scope(user, COORDINATING_ROLES)
    return Need.objects.all() if everything else Need.objects.filter(coordinating)


def register(user, *, municipality=None, area=None, category=None, status=None, query: str = "") -> QuerySet[Need]:
    qs = needs_for(user).select_related("area", "resident", "recorded_by")
    if municipality is not None:
        qs = qs.filter(municipality=municipality)
    if area:
        qs = qs.filter(area_id=area)
    if category:
        qs = qs.filter(category=category)
    if status == "active":
        qs = qs.filter(status__in=ACTIVE_STATES)
    elif status:
        qs = qs.filter(status=status)
    if query:
        qs = qs.filter(description__icontains=query)
    return qs


def new_needs(user, municipality_id: int, limit: int = 10) -> list[Need]:
    return list(needs_for(user).filter(municipality_id=municipality_id, status=NeedStatus.NEW)
                .select_related("area").order_by("-created_at", "-pk")[:limit])


def open_duplicate(resident_id: int, category: str, exclude_pk: int | None = None) -> Need | None:
    """The earliest unfinished need of this resident and category."""
    qs = Need.objects.filter(resident_id=resident_id, category=category, status__in=ACTIVE_STATES)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("created_at", "pk").first()
