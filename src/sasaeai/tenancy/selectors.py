"""Reads that scope every query to the user's tenants and areas."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import (
    ADMIN_ROLES,
    MUNICIPALITY_WIDE_ROLES,
    TWO_FACTOR_ROLES,
    Area,
    Invitation,
    Membership,
    Municipality,
    Role,
)

_CACHE = "_sasaeai_memberships"


def memberships_of(user) -> list[Membership]:
    """The user's memberships with their area ids, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _CACHE, None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).prefetch_related("areas"))
        setattr(user, _CACHE, cached)
    return cached


def forget_memberships(user) -> None:
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


def is_operator(user) -> bool:
    return any(m.role == Role.OPERATOR and m.municipality_id is None for m in memberships_of(user))


def is_staff_member(user) -> bool:
    """Holds a role that opens personal data (and so must pass two-factor log-in)."""
    return any(m.role in TWO_FACTOR_ROLES for m in memberships_of(user))


def roles_in(user, municipality_id: int) -> set[str]:
    roles = {m.role for m in memberships_of(user) if m.municipality_id == municipality_id}
    if is_operator(user):
        roles.add(Role.OPERATOR)
    return roles


def municipality_ids(user, roles: set[str] | frozenset[str] | None = None) -> set[int] | None:
    """Ids of municipalities where the user holds one of `roles` (any role when None).
    None means every municipality (an operator)."""
    if is_operator(user) and (roles is None or Role.OPERATOR in roles):
        return None
    return {
        m.municipality_id
        for m in memberships_of(user)
        if m.municipality_id is not None and (roles is None or m.role in roles)
    }


def in_tenant(user, municipality_id: int | None, roles=None) -> bool:
    ids = municipality_ids(user, roles)
    return ids is None or municipality_id in ids


def area_ids(user, municipality_id: int, roles=None) -> set[int] | None:
    """Layer-2 area ids the user covers in one municipality for `roles`.
    None means the whole municipality; an empty set means no access."""
    if is_operator(user):
        return None
    covered: set[int] = set()
    found = False
    for m in memberships_of(user):
        if m.municipality_id != municipality_id or (roles is not None and m.role not in roles):
            continue
        found = True
        ids = {a.pk for a in m.areas.all()}
        if m.role in MUNICIPALITY_WIDE_ROLES or not ids:
            return None
        covered |= ids
    return covered if found else set()


def covers_area(user, municipality_id: int, area_id: int | None, roles=None) -> bool:
    if not in_tenant(user, municipality_id, roles):
        return False
    ids = area_ids(user, municipality_id, roles)
    return ids is None or area_id in ids


def municipalities_for(user) -> QuerySet[Municipality]:
    ids = municipality_ids(user)
    qs = Municipality.objects.all()
    return qs if ids is None else qs.filter(pk__in=ids)


def areas_for(user) -> QuerySet[Area]:
    ids = municipality_ids(user)
    qs = Area.objects.select_related("municipality")
    return qs if ids is None else qs.filter(municipality_id__in=ids)


def primary_municipality(user) -> Municipality | None:
    """The municipality whose context the home page shows first."""
    for m in memberships_of(user):
        if m.municipality_id is not None:
            return m.municipality
    return None


# --- Staff administration ------------------------------------------------------------------


def managed_municipalities(user) -> QuerySet[Municipality]:
    """Municipalities whose staff and areas the user administers (an operator: all)."""
    ids = municipality_ids(user, ADMIN_ROLES)
    qs = Municipality.objects.order_by("code")
    return qs if ids is None else qs.filter(pk__in=ids)


def managed_memberships(user) -> QuerySet[Membership]:
    """Memberships (ended ones included) the user administers; operators' own memberships
    (without a municipality) never appear."""
    return (Membership.history.filter(municipality__in=managed_municipalities(user))
            .select_related("user", "municipality"))


def managed_areas(user) -> QuerySet[Area]:
    return Area.objects.filter(municipality__in=managed_municipalities(user)).select_related("municipality")


def staff_of(municipality: Municipality) -> QuerySet[Membership]:
    """The municipality's staff memberships (not residents, proxies or helpers), ended ones
    included, with `second_factor` (a confirmed TOTP device) and `invitation_pending`."""
    from django.db.models import Exists, OuterRef
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return (
        Membership.history.filter(municipality=municipality)
        .exclude(role__in=[Role.RESIDENT, Role.PROXY, Role.HELPER])
        .select_related("user").prefetch_related("areas")
        .annotate(
            second_factor=Exists(TOTPDevice.objects.filter(user_id=OuterRef("user_id"), confirmed=True)),
            invitation_pending=Exists(Invitation.objects.filter(membership_id=OuterRef("pk"), used_at__isnull=True)),
        )
        .order_by("ended_at", "user__display_name", "role", "pk")
    )


#: Audit actions shown on a municipality's staff and area record.
AUDIT_ACTIONS = (
    "staff.invited", "staff.invitation_resent", "staff.invitation_accepted", "staff.areas_changed",
    "staff.role_changed", "staff.deactivated", "staff.reactivated", "staff.second_factor_reset",
    "area.created", "area.changed",
)


def audit_trail(municipality: Municipality):
    from sasaeai.safety.models import AuditEvent

    return (AuditEvent.objects.filter(municipality_id=municipality.pk, action__in=AUDIT_ACTIONS)
            .select_related("actor").order_by("-at", "-pk"))
