"""Home page panel: the events work of today — for organisers the open follow-ups after trial
volunteering and the next events they run; for everyone their own next sign-ups."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasaeai.core.dashboard import Panel

from . import selectors
from .models import LIVE


def panels(request, membership) -> list[Panel]:
    user = request.user
    if membership.role in selectors.MANAGE_ROLES:
        events = list(selectors.managed_events(user).filter(municipality_id=membership.municipality_id,
                                                            starts_at__gte=timezone.now(),
                                                            cancelled_at__isnull=True).order_by("starts_at")[:5])
        followups = selectors.open_followups(user).filter(event__municipality_id=membership.municipality_id)
        return [Panel(_("Events: next events and follow-ups"), "events/panels/organiser.html",
                      {"events": events, "followup_count": followups.count()}, order=62)]
    signups = list(selectors.signups_of(user).filter(status__in=LIVE, event__starts_at__gte=timezone.now())[:5])
    if not signups:
        return []
    return [Panel(_("My next events"), "events/panels/mine.html", {"signups": signups}, order=62)]
