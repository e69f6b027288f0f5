"""Home panels: open emergencies and visit alerts for staff; consent shortcuts for families."""

from django.utils.translation import gettext_lazy as _

from sasaeai.core.dashboard import Panel
from sasaeai.tenancy.models import Role

from . import selectors
from .models import AlertStatus

STAFF = {Role.COORDINATOR_L1, Role.COORDINATOR_L2, Role.SUPPORT_CENTER, Role.MUNICIPAL_ADMIN, Role.OPERATOR}


def panels(request, membership) -> list[Panel]:
    user = request.user
    if membership.role in STAFF:
        alerts = selectors.alerts_for(user).exclude(status=AlertStatus.RESOLVED)
        visits = selectors.visit_alerts_for(user).filter(resolved_at__isnull=True)
        if membership.municipality_id:
            alerts = alerts.filter(municipality_id=membership.municipality_id)
            visits = visits.filter(municipality_id=membership.municipality_id)
        return [Panel(_("Safety"), "safety/panels/staff.html",
                      {"alerts": alerts[:5], "alert_count": alerts.count(), "visit_count": visits.count()},
                      order=15)]
    if membership.role in (Role.RESIDENT, Role.PROXY):
        residents = selectors.residents_acted_for(user).order_by("pk")[:10]
        if residents:
            return [Panel(_("Your information"), "safety/panels/family.html", {"residents": residents}, order=40)]
    return []
