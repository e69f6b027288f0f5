"""Reads of the partners app, scoped inside the query: partner staff see only their own
organisation's records; municipal staff see their municipality's."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from sasaeai.directory.selectors import organization_ids
from sasaeai.tenancy.models import Role
from sasaeai.tenancy.selectors import is_operator, municipality_ids

from .models import (
    Agreement,
    Challenge,
    ChallengeStatus,
    PartnerProfile,
    Proposal,
    Registration,
    RegistrationStatus,
    WatchAlert,
)

#: Municipal roles that manage partners, registrations, agreements and review proposals.
MANAGING_ROLES = frozenset({Role.COORDINATOR_L1, Role.MUNICIPAL_ADMIN, Role.OPERATOR})
#: Roles that write challenges from the gap map (an SC of either layer, or the municipality).
CHALLENGE_ROLES = frozenset({Role.COORDINATOR_L1, Role.COORDINATOR_L2, Role.MUNICIPAL_ADMIN, Role.OPERATOR})


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def managed_municipality_ids(user, roles=MANAGING_ROLES) -> set[int] | None:
    """None = every municipality (operator); otherwise the ids where the user holds `roles`."""
    if not _authenticated(user):
        return set()
    if is_operator(user):
        return None
    return municipality_ids(user, roles) or set()


def organization_ids_of(user) -> list[int]:
    return organization_ids(user)


def own_partner_ids(user) -> list[int]:
    """Partner profiles the user works for (listed staff with a partner membership there)."""
    if not _authenticated(user):
        return []
    return list(PartnerProfile.objects.filter(organization_id__in=organization_ids(user)).values_list("pk", flat=True))


def _in(qs: QuerySet, ids: set[int] | None, field: str = "municipality_id") -> QuerySet:
    return qs if ids is None else qs.filter(**{f"{field}__in": ids})


def partners_for(user) -> QuerySet[PartnerProfile]:
    managed = managed_municipality_ids(user, CHALLENGE_ROLES)
    qs = PartnerProfile.objects.select_related("organization", "municipality")
    if managed is None:
        return qs
    return qs.filter(Q(municipality_id__in=managed) | Q(pk__in=own_partner_ids(user)))


def registrations_for(user) -> QuerySet[Registration]:
    managed = managed_municipality_ids(user)
    qs = Registration.objects.select_related("scheme", "partner__organization")
    if managed is None:
        return qs
    return qs.filter(Q(scheme__municipality_id__in=managed) | Q(partner_id__in=own_partner_ids(user)))


def agreements_for(user) -> QuerySet[Agreement]:
    managed = managed_municipality_ids(user, CHALLENGE_ROLES)
    qs = Agreement.objects.select_related("contact_person").prefetch_related("items", "parties__organization")
    if managed is None:
        return qs
    return qs.filter(Q(municipality_id__in=managed) | Q(parties__in=own_partner_ids(user))).distinct()


def alert_receipts_for(user) -> QuerySet[WatchAlert]:
    """The reporter's receipts: only the alerts of the user's own organisation, as (id, when,
    status). The need they became (the household) is never joined in."""
    return WatchAlert.objects.filter(partner_id__in=own_partner_ids(user)).only("pk", "created_at", "status",
                                                                                "emergency", "partner_id")


def is_registered(partner_id: int, municipality_id: int | None = None) -> bool:
    qs = Registration.objects.filter(partner_id=partner_id, status=RegistrationStatus.REGISTERED)
    if municipality_id is not None:
        qs = qs.filter(scheme__municipality_id=municipality_id)
    return qs.exists()


def registered_organization_ids(municipality_id: int) -> set[int]:
    """Organisations with a registration in force (the directory's and booklet's badge)."""
    return set(Registration.objects.filter(scheme__municipality_id=municipality_id,
                                           status=RegistrationStatus.REGISTERED)
               .values_list("partner__organization_id", flat=True))


def challenges_for(user) -> QuerySet[Challenge]:
    """Municipal staff: their municipality's challenges. Registered partner staff: open
    challenges of municipalities where their partner is registered."""
    managed = managed_municipality_ids(user, CHALLENGE_ROLES)
    qs = Challenge.objects.select_related("municipality", "area").annotate(n_proposals=Count("proposals"))
    if managed is None:
        return qs
    registered_in = set(Registration.objects.filter(partner_id__in=own_partner_ids(user),
                                                    status=RegistrationStatus.REGISTERED)
                        .values_list("scheme__municipality_id", flat=True))
    return qs.filter(Q(municipality_id__in=managed)
                     | Q(municipality_id__in=registered_in, status=ChallengeStatus.OPEN))


def challenges_answerable_by(user) -> QuerySet[Challenge]:
    """Challenges (open or closed) of municipalities where the user's partner is registered:
    a closed one is refused by the service with a clear reason rather than a 404."""
    registered_in = set(Registration.objects.filter(partner_id__in=own_partner_ids(user),
                                                    status=RegistrationStatus.REGISTERED)
                        .values_list("scheme__municipality_id", flat=True))
    return Challenge.objects.select_related("municipality", "area").filter(municipality_id__in=registered_in)


def proposals_for(user) -> QuerySet[Proposal]:
    """Reviewers see their municipality's proposals; partner staff ONLY their own partner's."""
    managed = managed_municipality_ids(user, CHALLENGE_ROLES)
    qs = Proposal.objects.select_related("challenge", "partner__organization", "resource")
    if managed is None:
        return qs
    return qs.filter(Q(challenge__municipality_id__in=managed) | Q(partner_id__in=own_partner_ids(user)))


# --- Staff pages ---------------------------------------------------------------------------

def sees_partner_pages(user) -> bool:
    """The registry, agreements and proposals lists: municipal staff who write challenges (or
    manage), the operator, and partner staff (who see only their own organisation)."""
    managed = managed_municipality_ids(user, CHALLENGE_ROLES)
    return managed is None or bool(managed) or bool(own_partner_ids(user))


def registry_for(user, *, kind: str = "", status: str = "", q: str = "") -> list[dict]:
    """The partner registry: each partner with its latest registration (status, expiry)."""
    qs = partners_for(user).prefetch_related("registrations__scheme")
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(organization__name__icontains=q[:100])
    rows = []
    for profile in qs[:500]:
        registrations = sorted(profile.registrations.all(), key=lambda r: (r.applied_at, r.pk), reverse=True)
        latest = registrations[0] if registrations else None
        if status == "none" and latest is not None:
            continue
        if status and status != "none" and (latest is None or latest.status != status):
            continue
        rows.append({"partner": profile, "registration": latest})
    return rows


def own_organizations(user):
    """Directory organisations the user works for (partner role and listed as staff)."""
    from sasaeai.directory.models import Organization

    return Organization.objects.filter(pk__in=organization_ids(user)).select_related("municipality")


def fiscal_years_of_agreements(qs: QuerySet[Agreement]) -> list[int]:
    years = {d.year if d.month >= 4 else d.year - 1 for d in qs.values_list("signed_on", flat=True)}
    return sorted(years, reverse=True)


def agreements_in_fiscal_year(qs: QuerySet[Agreement], fiscal_year: int) -> QuerySet[Agreement]:
    """年度 (1 April – 31 March) by signing date, as the agreements KPI counts."""
    from datetime import date

    return qs.filter(signed_on__gte=date(fiscal_year, 4, 1), signed_on__lte=date(fiscal_year + 1, 3, 31))
