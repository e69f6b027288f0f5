"""Main navigation links of the activity app (the same permissions the views check)."""

from django.urls import reverse
from django.utils.translation import gettext as _


def items(request) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    out = []
    if user.has_perm("activity.log_time"):
        out.append({"label": _("Activity log"), "url": reverse("activity:timesheet"), "order": 40})
    if user.has_perm("activity.view_briefings"):
        out.append({"label": _("Handover"), "url": reverse("activity:handover_home"), "order": 41})
    return out
