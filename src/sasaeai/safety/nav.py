from django.urls import reverse
from django.utils.translation import gettext as _

from . import selectors


def items(request) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    out = []
    visit = current_visit(user)
    if visit is not None and visit.request.recipient_id is not None:  # a facility's spot shift has no resident
        # Around and during a visit the helper always has the emergency button one tap away.
        out.append({"label": _("Emergency"), "url": reverse("safety:emergency", args=[visit.request.recipient_id]),
                    "order": 1})
    if selectors.residents_acted_for(user).exists():
        out.append({"label": _("My records and consent"), "url": reverse("safety:my_records"), "order": 60})
    if user.has_perm("safety.view_overview"):
        out.append({"label": _("Safety"), "url": reverse("safety:overview"), "order": 61})
    return out


def current_visit(user):
    """The helper's visit now: the booking in progress (checked in, not checked out), else a
    booked visit whose window is open (`sensitive.PHONE_BEFORE_START` before the start until
    `PHONE_AFTER_END` after the end), so 「緊急」 is one tap away from every page."""
    from django.utils import timezone

    from sasaeai.requests.models import Booking, BookingStatus

    from .sensitive import PHONE_AFTER_END, PHONE_BEFORE_START

    mine = Booking.objects.filter(helper__user=user, helper__suspended_at__isnull=True).select_related("request")
    visit = (mine.filter(status=BookingStatus.IN_PROGRESS, checked_in_at__isnull=False, checked_out_at__isnull=True)
             .order_by("-checked_in_at").first())
    if visit is None:
        now = timezone.now()
        visit = (mine.filter(status=BookingStatus.BOOKED, starts_at__lte=now + PHONE_BEFORE_START,
                             ends_at__gte=now - PHONE_AFTER_END).order_by("starts_at").first())
    return visit
