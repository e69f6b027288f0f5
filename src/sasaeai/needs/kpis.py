"""KPI indicators of the needs register (plug-in of the KPI framework, `project_modules("kpis")`).
Each compute runs one aggregate query; `records` is the drill-down."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from .models import UNMET_STATES, Need, NeedStatus

ANSWERED = (NeedStatus.CONNECTED, NeedStatus.RESOLVED)


def _recorded(municipality, area, start, end):
    qs = Need.objects.filter(municipality=municipality, created_at__date__gte=start, created_at__date__lte=end)
    return qs if area is None else qs.filter(area=area)


def _count(municipality, area, start, end):
    return _recorded(municipality, area, start, end).count(), None


def _connected_share(municipality, area, start, end):
    row = _recorded(municipality, area, start, end).aggregate(
        n=Count("pk", filter=Q(status__in=ANSWERED)), d=Count("pk"))
    return row["n"], row["d"]


def _connected_records(municipality, area, start, end):
    return _recorded(municipality, area, start, end).filter(status__in=ANSWERED)


def _unmet(municipality, area, start, end):
    return _unmet_records(municipality, area, start, end).count(), None


def _unmet_records(municipality, area, start, end):
    return _recorded(municipality, area, start, end).filter(status__in=UNMET_STATES)


def indicators() -> list[dict]:
    return [
        {"key": "needs_recorded", "name": _("Needs recorded"),
         "definition": _("Needs (困りごと) recorded in the period, from the needs register."),
         "unit": "count", "period": "fiscal_year", "target": None, "direction": "at_least", "per_area": True,
         "available": True, "compute": _count, "records": _recorded},
        {"key": "needs_connected_share", "name": _("Needs connected"),
         "definition": _("Needs recorded in the period that are now connected to a resource, a request or a "
                         "case, or resolved, out of all needs recorded in the period (needs register)."),
         "unit": "percent", "period": "fiscal_year", "target": None, "direction": "at_least", "per_area": True,
         "available": True, "compute": _connected_share, "records": _connected_records},
        {"key": "needs_unmet", "name": _("Needs with nothing to connect to"),
         "definition": _("Needs recorded in the period that are unmet or escalated to the council: where "
                         "no resource exists yet (needs register)."),
         "unit": "count", "period": "fiscal_year", "target": None, "direction": "at_most", "per_area": True,
         "available": True, "compute": _unmet, "records": _unmet_records},
    ]
