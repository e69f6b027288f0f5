"""Handover briefing sections (shared contract, see docs/councils.md): the councils of the area
with their next meeting, and the area's open local issues. Only what the viewer may read."""

from __future__ import annotations

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors
from .models import OPEN_STATES, IssueState, LocalIssue

LIMIT = 20


def sections(request, area) -> list[dict]:
    councils = selectors.readable_councils(request.user)
    if area is not None:
        councils = councils.filter(Q(area=area) | Q(municipality_id=area.municipality_id, area__layer=1))
    now = timezone.now()
    councils = councils.annotate(
        next_at=Min("meetings__starts_at", filter=Q(meetings__starts_at__gte=now)),
        open_n=Count("issues", filter=Q(issues__state__in=OPEN_STATES), distinct=True),
    ).order_by("area__layer", "area__name")[:LIMIT]
    council_rows = [[(c.name, reverse("councils:council", args=[c.pk])),
                     timezone.localtime(c.next_at).strftime("%Y-%m-%d %H:%M") if c.next_at else "—",
                     str(c.open_n)] for c in councils]
    issues = LocalIssue.objects.filter(council__in=[c.pk for c in councils], state__in=OPEN_STATES).select_related(
        "council").order_by("-updated_at")[:LIMIT]
    issue_rows = [[(i.title, reverse("councils:issue", args=[i.pk])), i.council.name, IssueState(i.state).label]
                  for i in issues]
    return [
        {"key": "councils", "title": _("Councils"), "order": 60,
         "columns": [_("Council"), _("Next meeting"), _("Open issues")], "rows": council_rows,
         "empty": _("No council in this area yet."), "more_url": reverse("councils:list")},
        {"key": "council_issues", "title": _("Open local issues"), "order": 61,
         "columns": [_("Issue"), _("Council"), _("State")], "rows": issue_rows,
         "empty": _("No open local issue."), "more_url": reverse("councils:issues")},
    ]
