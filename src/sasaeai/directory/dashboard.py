"""Coordinator dashboard panel: what to re-verify per area, verified share, pending suggestions."""

from django.utils.translation import gettext_lazy as _

from sasaeai.core.dashboard import Panel
from sasaeai.tenancy.models import Role

from . import selectors
from .models import Suggestion

PANEL_ROLES = {Role.COORDINATOR_L1, Role.COORDINATOR_L2, Role.MUNICIPAL_ADMIN}


def panels(request, membership) -> list[Panel]:
    if membership.role not in PANEL_ROLES:
        return []
    areas = [e for e in selectors.stale_by_area(request.user)
             if e["area"].municipality_id == membership.municipality_id]
    pending = selectors.suggestion_queue(request.user).filter(
        municipality_id=membership.municipality_id, state=Suggestion.State.PENDING).count()
    to_review = selectors.needing_review(selectors.editable_services(request.user).filter(
        municipality_id=membership.municipality_id)).count()
    for entry in areas:
        total = len(entry["services"])
        entry["stale_count"] = total
        entry["services"] = entry["services"][:10]
        entry["more"] = max(0, total - 10)
        entry["percent"] = None if entry["share"] is None else round(entry["share"] * 100)
    return [Panel(_("Resource directory: to re-verify"), "directory/panels/freshness.html",
                  {"areas": areas, "pending": pending, "to_review": to_review, "municipality_id": membership.municipality_id}, order=30)]
