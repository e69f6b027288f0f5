"""Periods of the indicators: the Japanese fiscal year (年度, April–March), months for the
trend and the six-month window of the support map.

Every `compute(municipality, area, start, end)` receives dates; `start` and `end` are both
inclusive. `aware_range(start, end)` turns them into aware datetimes [lo, hi) for filtering
DateTimeFields without `__date` (which would defeat indexes)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

FISCAL_YEAR = "fiscal_year"
MONTH = "month"
SIX_MONTHS = "six_months"
PERIODS = (FISCAL_YEAR, MONTH, SIX_MONTHS)


def fiscal_year_of(day: dt.date) -> int:
    """年度: the fiscal year that starts on 1 April of its year (2026-03-31 → 2025)."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(fiscal_year: int) -> tuple[dt.date, dt.date]:
    return dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)


def month_end(day: dt.date) -> dt.date:
    first_next = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return first_next - dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, 1)


def months_of(fiscal_year: int, as_of: dt.date | None = None) -> list[tuple[dt.date, dt.date]]:
    """The fiscal year's twelve months as (first day, last day), April first. Months after
    `as_of` are left out (the future has no value yet)."""
    out = []
    for i in range(12):
        first = add_months(dt.date(fiscal_year, 4, 1), i)
        if as_of is not None and first > as_of:
            break
        out.append((first, month_end(first)))
    return out


def today() -> dt.date:
    return timezone.localdate()


def window(period: str, fiscal_year: int, as_of: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The window an indicator of `period` is measured over for the fiscal year, ending at the
    end of the fiscal year or at `as_of` (today) when the year is still running."""
    start, end = fiscal_year_bounds(fiscal_year)
    as_of = as_of or today()
    if as_of < end:
        end = max(as_of, start)
    if period == MONTH:
        return end.replace(day=1), end
    if period == SIX_MONTHS:
        return max(start, add_months(end, -5)), end
    return start, end


def trend_window(period: str, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """The window of one trend point (a month): the month itself, or the six months ending
    with it for a six-month indicator."""
    if period == SIX_MONTHS:
        return add_months(first, -5), last
    return first, last


def aware_range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[lo, hi) aware datetimes covering the dates start … end (inclusive)."""
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return lo, hi
