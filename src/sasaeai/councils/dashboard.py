"""Home page panel: the council work of today — the next meetings and the open issues of the
councils the viewer reads (coordinators, support centres, administrators, council members)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasaeai.core.dashboard import Panel
from sasaeai.tenancy.models import Role

from . import selectors
from .models import OPEN_STATES, LocalIssue, Meeting

PANEL_ROLES = {Role.COORDINATOR_L1, Role.COORDINATOR_L2, Role.SUPPORT_CENTER, Role.MUNICIPAL_ADMIN,
               Role.COUNCIL_MEMBER}


def panels(request, membership) -> list[Panel]:
    if membership.role not in PANEL_ROLES:
        return []
    councils = selectors.readable_councils(request.user).filter(municipality_id=membership.municipality_id)
    meetings = list(Meeting.objects.filter(council__in=councils, starts_at__gte=timezone.now())
                    .select_related("council").order_by("starts_at")[:5])
    open_issues = LocalIssue.objects.filter(council__in=councils, state__in=OPEN_STATES)
    return [Panel(_("Councils: next meetings and open issues"), "councils/panels/today.html",
                  {"meetings": meetings, "open_count": open_issues.count(),
                   "issues": list(open_issues.select_related("council").order_by("-updated_at")[:5])}, order=60)]
