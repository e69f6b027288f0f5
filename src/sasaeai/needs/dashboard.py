"""Home page panel of coordinators: new needs of their areas and the areas' top gaps."""

from django.utils.translation import gettext_lazy as _

from sasaeai.core.dashboard import Panel
from sasaeai.tenancy.models import Role
from sasaeai.tenancy.selectors import area_ids

from . import gaps, selectors

PANEL_ROLES = {Role.COORDINATOR_L1, Role.COORDINATOR_L2, Role.MUNICIPAL_ADMIN, Role.SUPPORT_CENTER}


def panels(request, membership) -> list[Panel]:
    if membership.role not in PANEL_ROLES or membership.municipality_id is None:
        return []
    municipality = membership.municipality
    new = selectors.new_needs(request.user, municipality.pk, limit=10)
    top = []
    if membership.role != Role.SUPPORT_CENTER:
        table = gaps.build(municipality, gaps.viewer_for(request.user, municipality))
        scope = area_ids(request.user, municipality.pk, {membership.role})
        names = table.areas_by_id
        top = [{"area": names[c.area_id], "cell": c} for c in table.ranked(scope, limit=5)]
    return [Panel(_("Needs: new and the largest gaps"), "needs/panels/home.html",
                  {"new": new, "top": top, "municipality": municipality}, order=25)]
