"""Main navigation: the indicators for staff; the SC survey for coordinators."""

from django.urls import reverse
from django.utils.translation import gettext as _


def items(request) -> list[dict]:
    user = request.user
    if not user.is_authenticated:
        return []
    out = []
    if user.has_perm("kpis.view_indicators"):
        out.append({"label": _("Indicators (KPI)"), "url": reverse("kpis:dashboard"), "order": 80})
    return out
