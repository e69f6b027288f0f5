"""Reads for help requests, scoped by tenant and role inside the query."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from sasaeai.residents.models import Proxy, Resident
from sasaeai.tenancy.models import STAFF_ROLES, Role
from sasaeai.tenancy.selectors import (
    area_ids,
    covers_area,
    is_operator,
    memberships_of,
    municipality_ids,
)

from .models import (
    LIVE_BOOKING_STATUSES,
    Booking,
    BookingStatus,
    EnteredBy,
    HelpRequest,
    Offer,
    OfferStatus,
)

#: Roles that run matching and manage requests of residents in their areas.
COORDINATING_ROLES = frozenset({Role.COORDINATOR_L1, Role.COORDINATOR_L2, Role.MUNICIPAL_ADMIN,
                                Role.OPERATOR})
#: How long after completion a helper may still read the address and sensitive notes.
PRIVATE_GRACE = timedelta(days=7)


def helper_profile_of(user):
    """The user's HelperProfile or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    from sasaeai.helpers.models import HelperProfile

    cached = getattr(user, "_sasaeai_helper_profile", False)
    if cached is False:
        cached = HelperProfile.objects.filter(user=user).first()
        user._sasaeai_helper_profile = cached
    return cached


def _scope_condition(user, roles, prefix: str = "") -> Q:
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


def managed_requests(user) -> QuerySet[HelpRequest]:
    """Requests a coordinator manages (their municipality / areas)."""
    if is_operator(user):
        return HelpRequest.objects.all()
    return HelpRequest.objects.filter(_scope_condition(user, COORDINATING_ROLES))


def staff_requests(user) -> QuerySet[HelpRequest]:
    """Requests any staff member (incl. the support centre) may read."""
    if is_operator(user):
        return HelpRequest.objects.all()
    return HelpRequest.objects.filter(_scope_condition(user, STAFF_ROLES))


def own_requests(user) -> QuerySet[HelpRequest]:
    """Requests for the user's own record or for residents they are a proxy of."""
    if not getattr(user, "is_authenticated", False):
        return HelpRequest.objects.none()
    return HelpRequest.objects.filter(Q(recipient__user=user) | Q(recipient__proxies__user=user)).distinct()


def helper_requests(user) -> QuerySet[HelpRequest]:
    """Requests offered to or booked by the user as a helper."""
    profile = helper_profile_of(user)
    if profile is None:
        return HelpRequest.objects.none()
    return HelpRequest.objects.filter(Q(offers__helper=profile) | Q(bookings__helper=profile)).distinct()


def facility_branches(user):
    """The care-facility branches whose staff the user is: a member of the partner's
    organisation holding the partner role in the partner's municipality, the partner being
    of kind care provider."""
    from sasaeai.partners.models import PartnerBranch, PartnerKind

    if not getattr(user, "is_authenticated", False):
        return PartnerBranch.objects.none()
    municipalities = {m.municipality_id for m in memberships_of(user) if m.role == Role.PARTNER}
    municipalities.discard(None)
    if not municipalities:
        return PartnerBranch.objects.none()
    return (PartnerBranch.objects.filter(partner__kind=PartnerKind.CARE_PROVIDER,
                                         partner__municipality_id__in=municipalities,
                                         partner__organization__members=user)
            .select_related("partner__organization", "location").distinct())


def facility_requests(user) -> QuerySet[HelpRequest]:
    """Spot shifts of the care facilities the user works for — only their own postings."""
    if not getattr(user, "is_authenticated", False):
        return HelpRequest.objects.none()
    return HelpRequest.objects.filter(facility__in=facility_branches(user).values("pk"))


def is_facility_staff(user, req: HelpRequest) -> bool:
    return req.facility_id is not None and facility_branches(user).filter(pk=req.facility_id).exists()


def requests_visible_to(user) -> QuerySet[HelpRequest]:
    if not getattr(user, "is_authenticated", False):
        return HelpRequest.objects.none()
    return HelpRequest.objects.filter(
        Q(pk__in=staff_requests(user).values("pk")) | Q(pk__in=own_requests(user).values("pk"))
        | Q(pk__in=helper_requests(user).values("pk")) | Q(pk__in=facility_requests(user).values("pk"))
    )


def bookings_visible_to(user) -> QuerySet[Booking]:
    """Bookings the user may read: staff in scope, the recipient's side, and the booked helper —
    not a helper who was only offered the request (their offer was withdrawn when it was booked)."""
    if not getattr(user, "is_authenticated", False):
        return Booking.objects.none()
    profile = helper_profile_of(user)
    condition = (Q(request__in=staff_requests(user).values("pk")) | Q(request__in=own_requests(user).values("pk"))
                 | Q(request__in=facility_requests(user).values("pk")))
    if profile is not None:
        condition |= Q(helper=profile)
    return Booking.objects.filter(condition)


def can_manage(user, req: HelpRequest) -> bool:
    return covers_area(user, req.municipality_id, req.area_id, COORDINATING_ROLES)


def is_staff_for(user, req: HelpRequest) -> bool:
    return covers_area(user, req.municipality_id, req.area_id, STAFF_ROLES)


def acts_for(user, resident: Resident) -> str | None:
    """How the user may enter things for this resident: self, proxy, coordinator or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    if resident.user_id == user.pk:
        return EnteredBy.SELF
    if Proxy.objects.filter(resident=resident, user=user).exists():
        return EnteredBy.PROXY
    if covers_area(user, resident.municipality_id, resident.area_id, STAFF_ROLES):
        return EnteredBy.COORDINATOR
    return None


def is_recipient_side(user, req: HelpRequest) -> bool:
    """The resident themself or one of their proxies."""
    if not getattr(user, "is_authenticated", False) or req.recipient_id is None:
        return False
    resident = req.recipient
    return resident.user_id == user.pk or Proxy.objects.filter(resident=resident, user=user).exists()


def recipient_side_users(req: HelpRequest) -> list:
    """Who hears about a request on the recipient's side: the resident (if they log in),
    their proxies, and the coordinator who entered it by phone. For a care facility's spot
    shift: the facility's staff (and whoever posted it)."""
    users = []
    if req.recipient_id is None:
        users.extend(facility_staff_users(req.facility))
        if req.created_by_id:
            users.append(req.created_by)
        return users
    if req.recipient.user_id:
        users.append(req.recipient.user)
    users.extend(p.user for p in Proxy.objects.filter(resident=req.recipient).select_related("user"))
    if req.entered_by == EnteredBy.COORDINATOR and req.created_by_id:
        users.append(req.created_by)
    return users


def facility_staff_users(branch) -> list:
    """Active staff of a care facility: organisation members holding the partner role."""
    from sasaeai.accounts.models import User
    from sasaeai.tenancy.models import Membership

    org = branch.partner.organization
    partner_users = Membership.objects.filter(municipality_id=branch.partner.municipality_id,
                                              role=Role.PARTNER).values("user_id")
    return list(User.objects.filter(directory_organizations=org, is_active=True, pk__in=partner_users)
                .order_by("pk"))


def coordinators_for(req: HelpRequest, *, offered_by=None) -> list:
    """Who to tell about a request's matching trouble: the coordinator who made the offer,
    or else every active coordinator whose scope holds the request's area."""
    if offered_by is not None and getattr(offered_by, "is_active", False):
        return [offered_by]
    from sasaeai.tenancy.models import MUNICIPALITY_WIDE_ROLES, Membership

    out, seen = [], set()
    for m in (Membership.objects.filter(municipality_id=req.municipality_id, role__in=COORDINATING_ROLES,
                                        user__is_active=True)
              .select_related("user").prefetch_related("areas").order_by("pk")):
        areas = {a.pk for a in m.areas.all()}
        if areas and m.role not in MUNICIPALITY_WIDE_ROLES and req.area_id not in areas:
            continue
        if m.user_id not in seen:
            seen.add(m.user_id)
            out.append(m.user)
    return out


def live_booking(req: HelpRequest) -> Booking | None:
    return (Booking.objects.filter(request=req, status__in=LIVE_BOOKING_STATUSES)
            .select_related("helper", "helper__user").order_by("seat", "pk").first())


def live_bookings(req: HelpRequest) -> list[Booking]:
    """Every live booking of the request (one for a home visit, up to `slots` for a spot shift)."""
    return list(Booking.objects.filter(request=req, status__in=LIVE_BOOKING_STATUSES)
                .select_related("helper", "helper__user").order_by("seat", "pk"))


def helper_may_see_private(user, request_or_resident) -> bool:
    """A helper may read the address and sensitive notes of a recipient while booked for
    them, and until 7 days after completing the visit. Suspended helpers never may."""
    profile = helper_profile_of(user)
    if profile is None or getattr(profile, "suspended_at", None) is not None:
        return False
    if isinstance(request_or_resident, HelpRequest) and request_or_resident.recipient_id is None:
        return False  # a care facility's spot shift: no resident, nothing private
    if isinstance(request_or_resident, HelpRequest):
        bookings = Booking.objects.filter(request=request_or_resident, helper=profile)
    else:
        bookings = Booking.objects.filter(request__recipient=request_or_resident, helper=profile)
    since = timezone.now() - PRIVATE_GRACE
    return bookings.filter(
        Q(status__in=[BookingStatus.BOOKED, BookingStatus.IN_PROGRESS])
        | Q(status=BookingStatus.COMPLETED, completed_at__gte=since)
    ).exists()


def may_see_private(user, req: HelpRequest) -> bool:
    """Recipient side, staff of the area, or the booked helper (see above). A spot shift has
    no resident, hence no private part."""
    if req.recipient_id is None:
        return False
    return is_recipient_side(user, req) or is_staff_for(user, req) or helper_may_see_private(user, req)


def pending_offers_for(user) -> QuerySet[Offer]:
    profile = helper_profile_of(user)
    if profile is None:
        return Offer.objects.none()
    return (Offer.objects.filter(helper=profile, status=OfferStatus.PENDING)
            .select_related("request", "request__area").order_by("request__starts_at"))


def helper_bookings(user, *, day=None) -> QuerySet[Booking]:
    profile = helper_profile_of(user)
    if profile is None:
        return Booking.objects.none()
    qs = Booking.objects.filter(helper=profile).select_related("request", "request__area", "request__recipient",
                                                               "request__facility")
    if day is not None:
        qs = qs.filter(starts_at__date=day)
    return qs.order_by("starts_at")


def open_requests_board(user, municipality_id: int, area_id: int | None = None):
    from .models import RequestStatus

    qs = managed_requests(user).filter(
        municipality_id=municipality_id,
        status__in=[RequestStatus.OPEN, RequestStatus.OFFERED],
    ).select_related("area", "recipient", "facility")
    if area_id:
        qs = qs.filter(area_id=area_id)
    return qs.order_by("area__name", "starts_at")


def visible_run(user, run_id: int):
    """A batch run of a municipality/area the user coordinates, else 404."""
    from django.http import Http404

    from .models import MatchingRun

    ids = municipality_ids(user, COORDINATING_ROLES)
    qs = MatchingRun.objects.all() if ids is None else MatchingRun.objects.filter(municipality_id__in=ids)
    run = qs.filter(pk=run_id).first()
    if run is None or not covers_area(user, run.municipality_id, run.area_id, COORDINATING_ROLES):
        raise Http404
    return run
