"""Home panels of the requests app for each role."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasaeai.core.dashboard import Panel
from sasaeai.tenancy.models import Role

from . import selectors
from .models import BookingStatus, RequestStatus
from .presentation import standing


def panels(request, membership) -> list[Panel]:
    user = request.user
    role = membership.role
    out = []
    if role in (Role.RESIDENT, Role.PROXY):
        reqs = selectors.own_requests(user).filter(
            status__in=[RequestStatus.OPEN, RequestStatus.OFFERED, RequestStatus.BOOKED,
                        RequestStatus.IN_PROGRESS, RequestStatus.COMPLETED]
        ).select_related("recipient").prefetch_related("offers__helper__user", "bookings__helper__user")
        reqs = list(reqs.order_by("starts_at")[:5])
        for r in reqs:
            r.standing = standing(r)
        out.append(Panel(_("Your requests"), "requests/panels/own.html", {"reqs": reqs}, order=20))
    elif role == Role.HELPER:
        today = timezone.localdate()
        todays = selectors.helper_bookings(user, day=today).filter(
            status__in=[BookingStatus.BOOKED, BookingStatus.IN_PROGRESS])
        out.append(Panel(_("Today's visits"), "requests/panels/helper.html", {
            "todays": todays, "pending": selectors.pending_offers_for(user).count()}, order=20))
    elif role in selectors.COORDINATING_ROLES and membership.municipality_id:
        board = selectors.open_requests_board(user, membership.municipality_id)
        out.append(Panel(_("Open requests"), "requests/panels/coordinator.html", {
            "open": board.filter(status=RequestStatus.OPEN).count(),
            "offered": board.filter(status=RequestStatus.OFFERED).count(),
            "municipality_id": membership.municipality_id}, order=20))
    return out
