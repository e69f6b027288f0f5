"""KPI indicators of the activity app (the KPI framework finds this module by name).

`sc_coordination_share` is the seed-003 KSI: the share of the coordinators' working time spent
on coordination (the five programme functions) rather than direct support, office work or
training attended; target ≥ 70 %. Numerator and denominator are minutes (one aggregate query);
the drill-down lists the coordination entries, whose minutes add up to the numerator."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import selectors
from .models import COORDINATION_FUNCTIONS


def _scoped(municipality, area, start, end):
    return selectors.entries_in(municipality=municipality, area=area, start=start, end=end)


def _compute(municipality, area, start, end):
    share = selectors.coordination_share(municipality=municipality, area=area, start=start, end=end)
    return share.coordination_minutes, share.total_minutes or None


def _records(municipality, area, start, end):
    return _scoped(municipality, area, start, end).filter(function__in=COORDINATION_FUNCTIONS).order_by("-date", "pk")


def indicators() -> list[dict]:
    return [
        {
            "key": "sc_coordination_share",
            "name": _("Coordination share of coordinators' working time"),
            "definition": _("Numerator: minutes logged in the activity log (活動記録) on the five coordination "
                            "functions (resource development, network building, matching, awareness, training "
                            "of helpers). Denominator: all minutes logged (also direct support, office work and "
                            "training attended). Source: activity entries dated in the period. The drill-down "
                            "lists the coordination entries; their minutes add up to the numerator."),
            "unit": "percent", "period": "month", "target": selectors.COORDINATION_TARGET_PERCENT,
            "direction": "at_least", "per_area": True, "available": True,
            "compute": _compute, "records": _records, "records_measure": "minutes",
        },
    ]


def report_sections(municipality, fiscal_year: int) -> list[dict]:
    """The annual programme report's activity section (実施報告): hours logged per SC function
    in the fiscal year, for the whole municipality, with each function's share (one grouped
    query; no coordinator is named)."""
    from django.db.models import Sum

    from sasaeai.kpis.periods import fiscal_year_bounds

    from .models import Function

    start, end = fiscal_year_bounds(fiscal_year)
    minutes = dict(selectors.entries_in(municipality=municipality, start=start, end=end)
                   .values_list("function").annotate(m=Sum("minutes")).values_list("function", "m"))
    total = sum(minutes.values())
    rows = []
    for code, label in Function.choices:
        m = minutes.get(code, 0)
        rows.append([str(label), _("Yes") if code in COORDINATION_FUNCTIONS else _("No"), f"{m / 60:.1f}",
                     f"{100 * m / total:.1f} %" if total else "—"])
    rows.append([_("Total"), "", f"{total / 60:.1f}", "100.0 %" if total else "—"])
    return [{"title": _("Activity of the coordinators by function"),
             "columns": [pgettext_lazy("activity", "Function"), pgettext_lazy("activity", "Coordination"), _("Hours"), _("Share")], "rows": rows}]
