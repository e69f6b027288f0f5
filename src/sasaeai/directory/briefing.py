"""Briefing sections of the directory (written for the handover page): the area's key
organisations (10) and its stale resources to re-verify (40). Only what the viewer may see."""

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from sasaeai.core.briefing import MAX_ROWS, area_q

from . import selectors
from .models import Organization, Service


def sections(request, area) -> list[dict]:
    user = request.user
    visible = selectors.visible_services(user).filter(area_q(area))
    organisations = (Organization.objects.filter(services__in=visible.values("pk"))
                     .annotate(n=Count("services", filter=Q(services__in=visible.values("pk")), distinct=True))
                     .order_by("-n", "name")[:MAX_ROWS])
    org_rows = [[o.name, str(o.n), o.phone or "—"] for o in organisations]
    stale = (Service.objects.stale().filter(selectors.coordinator_q(user)).filter(area_q(area))
             .order_by(F("last_verified_at").asc(nulls_first=True), "name")[:MAX_ROWS])
    stale_rows = [[(s.name, reverse("directory:detail", args=[s.pk])), s.get_category_display() or "—",
                   s.last_verified_at.date().isoformat() if s.last_verified_at else _("never")] for s in stale]
    return [
        {"key": "organisations", "title": _("Key organisations"), "order": 10,
         "columns": [_("Organisation"), _("Resources in this area"), _("Phone")], "rows": org_rows,
         "empty": _("No organisation has a published resource in this area yet."), "more_url": None},
        {"key": "stale", "title": _("Resources to re-verify"), "order": 40,
         "columns": [_("Resource"), _("Category"), _("Last verified")], "rows": stale_rows,
         "empty": _("Every published resource of this area was verified recently."), "more_url": None},
    ]
