"""KPI indicators of the work-like activities app (plug-in of the KPI framework,
`project_modules("kpis")`): different people who took part in a work-like activity (就労的活動)
in the period, counted from the participation records (attended). `records` is the drill-down
and its count equals the figure."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from . import selectors


def _records(municipality, area, start, end):
    return selectors.participants(municipality.pk, start, end, area.pk if area is not None else None)


def _participants(municipality, area, start, end):
    return _records(municipality, area, start, end).count(), None


def indicators() -> list[dict]:
    return [
        {"key": "work_like_participants", "name": _("Work-like activity participants"),
         "definition": _("Different people recorded as attending a work-like activity (就労的活動) task in the "
                         "period. Source: the participation records of the work-like activities register."),
         "unit": "count", "period": "fiscal_year", "target": None, "direction": "at_least", "per_area": True,
         "available": True, "order": 82, "compute": _participants, "records": _records},
    ]
