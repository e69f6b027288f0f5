"""The indicator registry: every `<app>/kpis.py` declares `indicators() -> list[dict]` (the
shared contract in docs/kpis.md); this module finds them with `project_modules("kpis")`,
validates each declaration once and turns it into an `Indicator`.

A bad declaration is a programming error of the declaring app and fails loudly at discovery
(`ImproperlyConfigured`, naming the app and the key), never on a user's page."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.exceptions import ImproperlyConfigured

from sasaeai.core.plugins import project_modules

from .periods import PERIODS

UNITS = ("percent", "count", "score", "days")
DIRECTIONS = ("at_least", "at_most")
KEY = re.compile(r"^[a-z][a-z0-9_]{2,63}$")
REQUIRED = ("key", "name", "definition", "unit", "direction", "compute", "records")


@dataclass(frozen=True)
class Indicator:
    """指標: one KPI as declared by the app that owns its data."""

    key: str
    app: str
    name: object  # lazy translated
    definition: object  # lazy translated
    unit: str
    direction: str
    compute: Callable
    records: Callable
    period: str = "fiscal_year"
    target: float | None = None
    per_area: bool = False
    available: bool = True
    order: int = 100
    #: Optional: (headers, row(record) -> list[str]) for the drill-down; default str(record).
    describe: Callable | None = None
    headers: tuple = field(default_factory=tuple)
    #: Optional: the field of the drill-down records whose sum is the numerator (e.g. the
    #: minutes of activity entries); None when each record counts one.
    records_measure: str | None = None

    def value(self, numerator, denominator):
        """The number shown: numerator for counts and days, 100·num/den for percent, num/den
        for a score; None when there is nothing to divide by."""
        if numerator is None:
            return None
        if self.unit in ("count", "days"):
            return numerator
        if not denominator:
            return None
        if self.unit == "percent":
            return 100.0 * numerator / denominator
        return numerator / denominator

    def met(self, value, target) -> bool | None:
        if value is None or target is None:
            return None
        return value >= target if self.direction == "at_least" else value <= target

    def drill_count(self, numerator, denominator):
        """How many drill-down rows stand behind the number: the numerator of counts and
        percentages, the number of answers (denominator) of a score; unknown (None) when the
        records are summed over `records_measure` instead of counted."""
        if self.records_measure:
            return None
        return denominator if self.unit == "score" else numerator


def _check(app: str, raw: dict) -> Indicator:
    where = f"{app}.kpis indicator {raw.get('key')!r}"
    if not isinstance(raw, dict):
        raise ImproperlyConfigured(f"{app}.kpis: an indicator must be a dict")
    missing = [k for k in REQUIRED if k not in raw]
    if missing:
        raise ImproperlyConfigured(f"{where}: missing {', '.join(missing)}")
    unknown = set(raw) - (set(Indicator.__dataclass_fields__) - {"app"})
    if unknown:
        raise ImproperlyConfigured(f"{where}: unknown fields {', '.join(sorted(unknown))}")
    if not isinstance(raw["key"], str) or not KEY.match(raw["key"]):
        raise ImproperlyConfigured(f"{where}: key must be snake_case ASCII (3–64 characters)")
    if raw["unit"] not in UNITS:
        raise ImproperlyConfigured(f"{where}: unit must be one of {UNITS}")
    if raw["direction"] not in DIRECTIONS:
        raise ImproperlyConfigured(f"{where}: direction must be one of {DIRECTIONS}")
    if raw.get("period", "fiscal_year") not in PERIODS:
        raise ImproperlyConfigured(f"{where}: period must be one of {PERIODS}")
    target = raw.get("target")
    if target is not None and (isinstance(target, bool) or not isinstance(target, int | float) or target < 0):
        raise ImproperlyConfigured(f"{where}: target must be a non-negative number or None")
    if not callable(raw["compute"]) or not callable(raw["records"]):
        raise ImproperlyConfigured(f"{where}: compute and records must be callables")
    for text in ("name", "definition"):
        if not str(raw[text]).strip():
            raise ImproperlyConfigured(f"{where}: {text} is empty")
    values = dict(raw)
    values["headers"] = tuple(values.get("headers") or ())
    if values.get("records_measure") is not None and not isinstance(values["records_measure"], str):
        raise ImproperlyConfigured(f"{where}: records_measure must be a field name")
    return Indicator(app=app, **values)


def load(modules) -> list[Indicator]:
    """Validate the declarations of (app label, module) pairs; keys are unique project-wide."""
    found: dict[str, Indicator] = {}
    for app, module in modules:
        declare = getattr(module, "indicators", None)
        if declare is None:
            continue
        for raw in declare():
            indicator = _check(app, raw)
            if indicator.key in found:
                raise ImproperlyConfigured(
                    f"KPI key {indicator.key!r} declared by both {found[indicator.key].app} and {app}")
            found[indicator.key] = indicator
    return sorted(found.values(), key=lambda i: (i.order, i.key))


@lru_cache(maxsize=1)
def _discovered() -> tuple[Indicator, ...]:
    return tuple(load(project_modules("kpis")))


def indicators() -> list[Indicator]:
    """Every indicator of the project, in display order."""
    return list(_discovered())


def get(key: str) -> Indicator | None:
    return next((i for i in _discovered() if i.key == key), None)


def report_section_providers() -> list[tuple[str, Callable]]:
    """`report_sections(municipality, fiscal_year) -> list[dict(title, columns, rows)]` of every
    app's kpis.py that defines it: the annual report's sections contributed by other apps."""
    return [(app, module.report_sections) for app, module in project_modules("kpis")
            if callable(getattr(module, "report_sections", None))]
