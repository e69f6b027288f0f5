"""Home panel for coordinators: this year's SC survey, until they have answered it."""

from django.utils.translation import gettext_lazy as _

from sasaeai.core.dashboard import Panel

from . import services
from .periods import fiscal_year_of, today


def panels(request, membership) -> list[Panel]:
    if membership.role not in services.SC_ROLES or membership.municipality_id is None:
        return []
    if services.has_answered(request.user, membership.municipality):
        return []
    return [Panel(_("This year's SC survey"), "kpis/panels/survey.html",
                  {"fiscal_year": fiscal_year_of(today())}, order=90)]
