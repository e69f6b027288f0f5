"""Home page panel: for course managers the sessions of the last weeks whose completions are
still to be ticked and the next sessions; for everyone else their certificates, if any."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasaeai.core.dashboard import Panel

from . import selectors
from .models import CourseSession


def panels(request, membership) -> list[Panel]:
    user = request.user
    if membership.role in selectors.MANAGE_ROLES:
        now = timezone.now()
        mine = CourseSession.objects.filter(course__municipality_id=membership.municipality_id,
                                            event__cancelled_at__isnull=True).select_related("event", "course")
        recent = [s for s in mine.filter(event__starts_at__lte=now, event__starts_at__gte=now - dt.timedelta(days=30),
                                         completions__isnull=True).order_by("-event__starts_at")[:5]
                  if selectors.can_record(user, s)]
        upcoming = list(mine.filter(event__starts_at__gt=now).order_by("event__starts_at")[:5])
        return [Panel(_("Training: completions to record and next sessions"), "training/panels/organiser.html",
                      {"recent": recent, "upcoming": upcoming}, order=63)]
    completions = list(selectors.completions_of_person(user).filter(revoked_at__isnull=True)[:5])
    if not completions:
        return []
    return [Panel(_("My training"), "training/panels/mine.html", {"completions": completions}, order=63)]
