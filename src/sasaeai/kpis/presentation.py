"""How a value is written on the pages, the report and the API: with its unit, never an
internal code; a missing value says why."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

UNIT_LABELS = {"percent": "%", "count": "", "score": "/ 5", "days": ""}


def number(value, unit: str) -> str:
    if value is None:
        return ""
    if unit == "percent":
        return f"{value:.1f} %"
    if unit == "score":
        return f"{value:.2f} / 5"
    if unit == "days":
        return _("%(n)s days") % {"n": int(round(value))}
    return f"{int(round(value)):,}" if float(value).is_integer() else f"{value:,.1f}"


def target_text(indicator, target) -> str:
    if target is None:
        return _("No target")
    text = number(target, indicator.unit)
    return (_("at least %(t)s") if indicator.direction == "at_least" else _("at most %(t)s")) % {"t": text}


def value_text(m) -> str:
    """The value of a Measure, or a plain reason why there is none."""
    if not m.indicator.available:
        return _("No data yet")
    if not m.applicable:
        return _("Municipality-wide only")
    if m.value is None:
        return _("Not enough data")
    return number(m.value, m.indicator.unit)


def met_text(m) -> str:
    if m.met is None:
        return "—"
    return pgettext("kpi", "Met") if m.met else pgettext("kpi", "Not met")


def unit_text(unit: str) -> str:
    return {"percent": _("percent"), "count": _("count"), "score": _("score (1–5)"), "days": _("days")}[unit]


def period_text(period: str) -> str:
    return {"fiscal_year": _("fiscal year (April–March)"), "month": _("month"),
            "six_months": _("last six months")}[period]
