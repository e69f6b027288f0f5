"""The "active cases" section of the area handover briefing (引き継ぎ, activity app's page).
Contract: `sections(request, area) -> list[dict]` (see docs/cases.md). Only cases the viewer
works on appear (selectors), each row is access-logged, at most 20 rows."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from . import selectors
from .models import ACTIVE_STATUSES, FollowUp
from .presentation import log_reads

ROWS = 20


def sections(request, area) -> list[dict]:
    user = request.user
    if not selectors.may_work_cases(user):
        return []
    cases = selectors.cases_for(user).filter(area_id=area.pk, status__in=["referred", *ACTIVE_STATUSES])
    rows_cases = list(cases.order_by("status", "referred_at", "pk")[:ROWS])
    log_reads(request, rows_cases, ("case_status",))
    next_due = {}
    for case_id, due_on in (FollowUp.objects.filter(case__in=[c.pk for c in rows_cases], done_on__isnull=True,
                                                    cancelled=False)
                            .order_by("-due_on").values_list("case_id", "due_on")):
        next_due[case_id] = due_on  # ordered latest first, so the earliest wins
    rows = [[(f"{c.resident.family_name} {c.resident.given_name}", reverse("cases:detail", args=[c.pk])),
             c.get_status_display(), c.coordinator.display_name if c.coordinator else "—",
             next_due[c.pk].isoformat() if c.pk in next_due else "—"] for c in rows_cases]
    return [{
        "key": "cases", "title": _("Active cases"), "order": 30,
        "columns": [_("Resident"), pgettext("case", "Status"), _("Coordinator"), _("Next follow-up")],
        "rows": rows, "empty": _("No active cases in this area."),
        "more_url": reverse("cases:list"),
    }]
