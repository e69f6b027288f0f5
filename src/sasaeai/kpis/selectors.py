"""Reads of the kpis app: who sees the KPI pages, the measured values, trends and drill-downs.

In this round the KPI pages are for staff only (coordinators, support centres, municipal
administrators, operators); counts for partner or public viewers would follow the k-suppression
of `sasaeai.core.suppression`, which lands in parallel. A drill-down lists records, so it needs
the whole municipality in scope (layer-1 coordinator, administrator, operator) or the area."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sasaeai.tenancy.models import ADMIN_ROLES, STAFF_ROLES, Area, Municipality
from sasaeai.tenancy.selectors import covers_area, in_tenant, municipality_ids

from . import registry
from .models import KpiTarget
from .periods import fiscal_year_of, months_of, today, trend_window, window
from .registry import Indicator

KPI_VIEWER_ROLES = STAFF_ROLES
#: Rows a drill-down page lists (the total is always the full count).
DRILL_LIMIT = 500


def viewable_municipalities(user):
    ids = municipality_ids(user, KPI_VIEWER_ROLES)
    qs = Municipality.objects.order_by("code")
    return qs if ids is None else qs.filter(pk__in=ids)


def can_view(user, municipality: Municipality) -> bool:
    return in_tenant(user, municipality.pk, KPI_VIEWER_ROLES)


def can_set_targets(user, municipality: Municipality) -> bool:
    return in_tenant(user, municipality.pk, ADMIN_ROLES)


def can_drill(user, municipality: Municipality, area: Area | None) -> bool:
    return covers_area(user, municipality.pk, area.pk if area is not None else None, KPI_VIEWER_ROLES)


def targets_for(municipality: Municipality, fiscal_year: int) -> dict[str, float]:
    """The municipality's own targets of the year (one query)."""
    return {t.key: float(t.target) for t in KpiTarget.objects.filter(municipality=municipality, fiscal_year=fiscal_year)}


def target_of(indicator: Indicator, targets: dict[str, float]):
    return targets.get(indicator.key, indicator.target)


@dataclass
class Measure:
    indicator: Indicator
    start: dt.date
    end: dt.date
    numerator: float | None = None
    denominator: float | None = None
    value: float | None = None
    target: float | None = None
    met: bool | None = None
    applicable: bool = True  # False: an area view of a municipality-wide indicator
    trend: list = field(default_factory=list)  # [(month first day, value)]

    @property
    def available(self) -> bool:
        return self.indicator.available

    @property
    def drill_count(self):
        return self.indicator.drill_count(self.numerator, self.denominator)


def measure(indicator: Indicator, municipality: Municipality, area: Area | None, fiscal_year: int,
            targets: dict | None = None, *, as_of: dt.date | None = None, with_trend: bool = False) -> Measure:
    start, end = window(indicator.period, fiscal_year, as_of)
    target = target_of(indicator, targets or {})
    m = Measure(indicator, start, end, target=target)
    if not indicator.available or (area is not None and not indicator.per_area):
        m.applicable = area is None or indicator.per_area
        return m
    m.numerator, m.denominator = indicator.compute(municipality, area, start, end)
    m.value = indicator.value(m.numerator, m.denominator)
    m.met = indicator.met(m.value, target)
    if with_trend:
        m.trend = trend(indicator, municipality, area, fiscal_year, as_of=as_of)
    return m


def trend(indicator: Indicator, municipality, area, fiscal_year: int, *, as_of=None) -> list:
    """Month by month through the fiscal year (up to today): the value over each month (or the
    six months ending with it, for a six-month indicator)."""
    points = []
    for first, last in months_of(fiscal_year, as_of or today()):
        start, end = trend_window(indicator.period, first, last)
        num, den = indicator.compute(municipality, area, start, end)
        points.append((first, indicator.value(num, den)))
    return points


def dashboard(municipality: Municipality, area: Area | None, fiscal_year: int, *, as_of=None,
              with_trend: bool = True) -> list[Measure]:
    targets = targets_for(municipality, fiscal_year)
    return [measure(i, municipality, area, fiscal_year, targets, as_of=as_of, with_trend=with_trend)
            for i in registry.indicators()]


def compare(municipalities, fiscal_year: int, *, as_of=None) -> list[tuple[Indicator, list[Measure]]]:
    """Every indicator, one Measure per municipality (the operator's side-by-side view)."""
    municipalities = list(municipalities)
    targets = {}
    for t in KpiTarget.objects.filter(municipality__in=municipalities, fiscal_year=fiscal_year):
        targets.setdefault(t.municipality_id, {})[t.key] = float(t.target)
    return [(i, [measure(i, m, None, fiscal_year, targets.get(m.pk, {}), as_of=as_of) for m in municipalities])
            for i in registry.indicators()]


def records(indicator: Indicator, municipality, area, fiscal_year: int, *, as_of=None):
    start, end = window(indicator.period, fiscal_year, as_of)
    return indicator.records(municipality, area, start, end), start, end


def describe(indicator: Indicator, record) -> list[str]:
    if indicator.describe is not None:
        return [str(c) for c in indicator.describe(record)]
    return [str(record)]


def current_fiscal_year() -> int:
    return fiscal_year_of(today())
