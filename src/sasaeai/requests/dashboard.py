"""Home panels of the requests app for each role."""

import datetime as dt

from django.db.models import Count, Q
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
    elif role == Role.PARTNER and selectors.facility_branches(user).exists():
        out.append(_facility_panel(user))
    elif role in selectors.COORDINATING_ROLES and membership.municipality_id:
        board = selectors.open_requests_board(user, membership.municipality_id)
        out.append(Panel(_("Open requests"), "requests/panels/coordinator.html", {
            "open": board.filter(status=RequestStatus.OPEN).count(),
            "offered": board.filter(status=RequestStatus.OFFERED).count(),
            "municipality_id": membership.municipality_id}, order=20))
    return out


#: How far ahead the facility's home panel lists its spot shifts.
FACILITY_PANEL_DAYS = 7


def _facility_panel(user) -> Panel:
    """施設スポット支援: today's and the coming week's shifts of the user's facilities, each with
    the helpers booked against the places asked for — the facility staff's work for today."""
    today = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time()))
    shifts = list(selectors.facility_requests(user)
                  .filter(starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=FACILITY_PANEL_DAYS))
                  .exclude(status=RequestStatus.CANCELLED).select_related("facility")
                  .annotate(n_booked=Count("bookings", filter=~Q(bookings__status=BookingStatus.CANCELLED)))
                  .order_by("starts_at", "pk")[:10])
    for shift in shifts:
        shift.is_today = timezone.localdate(shift.starts_at) == today
        shift.short = max(0, shift.slots - shift.n_booked)
    return Panel(_("Spot shifts this week"), "requests/panels/facility.html", {"shifts": shifts}, order=20)
