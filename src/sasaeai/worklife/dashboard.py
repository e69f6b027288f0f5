"""Home panels of the worklife app: the care manager's follow-ups due today (overdue first) and
the employers' overdue checklist duties."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasaeai.core.dashboard import Panel

from . import selectors

ROWS = 10


def panels(request, membership) -> list[Panel]:
    if membership.role != "work_support_cm" or not selectors.is_care_manager(request.user):
        return []
    today = timezone.localdate()
    due = selectors.follow_ups_due(request.user, today)
    overdue = selectors.overdue_items_for_care_manager(request.user, today)
    return [
        Panel(_("Today's work-care follow-ups"), "worklife/panels/today.html",
              {"rows": list(due[:ROWS]), "today": today}, order=14),
        Panel(_("Overdue checklist duties"), "worklife/panels/overdue.html", {"rows": list(overdue[:ROWS])},
              order=15),
    ]
