from django.urls import reverse
from django.utils.translation import gettext as _

from . import selectors


def items(request) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    out = []
    visit = current_visit(user)
    if visit is not None:
        # During a visit the helper always has the emergency button one tap away.
        out.append({"label": _("Emergency"), "url": reverse("safety:emergency", args=[visit.request.recipient_id]),
                    "order": 1})
    if selectors.residents_acted_for(user).exists():
        out.append({"label": _("My records and consent"), "url": reverse("safety:my_records"), "order": 60})
    if user.has_perm("safety.view_overview"):
        out.append({"label": _("Safety"), "url": reverse("safety:overview"), "order": 61})
    return out


def current_visit(user):
    """The helper's booking in progress now (checked in, not checked out), if any."""
    from sasaeai.requests.models import Booking, BookingStatus

    return (Booking.objects.filter(helper__user=user, helper__suspended_at__isnull=True,
                                   status=BookingStatus.IN_PROGRESS, checked_in_at__isnull=False,
                                   checked_out_at__isnull=True)
            .select_related("request").order_by("-checked_in_at").first())
