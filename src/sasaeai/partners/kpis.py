"""KPI indicators of the partners app (plug-in of the KPI framework, `project_modules("kpis")`).

`partner_agreements` replaces the kpis app's "no data yet" placeholder of the same key:
agreements (協定) with companies and universities counted by signing date (seed 003: ≥ 5 a
year). One aggregate query; `records` is the drill-down and its count equals the figure."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .models import KPI_KINDS, Agreement


def _agreements(municipality, area, start, end):
    return (Agreement.objects.filter(municipality=municipality, signed_on__gte=start, signed_on__lte=end,
                                     parties__kind__in=KPI_KINDS)
            .distinct().order_by("signed_on", "pk"))


def _count(municipality, area, start, end):
    return _agreements(municipality, area, start, end).count(), None


def indicators() -> list[dict]:
    return [
        {"key": "partner_agreements", "name": _("Agreements with companies and universities"),
         "definition": _("Agreements (協定) signed in the period with at least one company, shop, co-operative "
                         "or university as a party, counted by signing date. Source: the partners register "
                         "of agreements."),
         "unit": "count", "period": "fiscal_year", "target": 5, "direction": "at_least", "per_area": False,
         "available": True, "order": 80, "compute": _count, "records": _agreements,
         "headers": (_("Signed on"), _("Agreement")),
         "describe": lambda a: [a.signed_on.isoformat(), a.title]},
    ]
