"""Fiscal years (April–March), months and the windows indicators are measured over."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sasaeai.kpis.periods import (
    add_months,
    fiscal_year_bounds,
    fiscal_year_of,
    months_of,
    trend_window,
    window,
)


def test_the_fiscal_year_starts_in_april():
    assert fiscal_year_of(dt.date(2026, 3, 31)) == 2025
    assert fiscal_year_of(dt.date(2026, 4, 1)) == 2026
    assert fiscal_year_bounds(2026) == (dt.date(2026, 4, 1), dt.date(2027, 3, 31))


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_every_day_lies_in_its_fiscal_year(day):
    start, end = fiscal_year_bounds(fiscal_year_of(day))
    assert start <= day <= end


def test_twelve_months_from_april_and_none_in_the_future():
    months = months_of(2026)
    assert len(months) == 12 and months[0] == (dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert months[-1] == (dt.date(2027, 3, 1), dt.date(2027, 3, 31))
    assert len(months_of(2026, as_of=dt.date(2026, 6, 15))) == 3


def test_a_running_year_is_measured_up_to_today():
    assert window("fiscal_year", 2026, dt.date(2026, 12, 2)) == (dt.date(2026, 4, 1), dt.date(2026, 12, 2))
    assert window("fiscal_year", 2025, dt.date(2026, 12, 2)) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert window("six_months", 2026, dt.date(2026, 12, 2)) == (dt.date(2026, 7, 1), dt.date(2026, 12, 2))
    assert window("month", 2026, dt.date(2026, 12, 2)) == (dt.date(2026, 12, 1), dt.date(2026, 12, 2))
    assert trend_window("six_months", dt.date(2026, 4, 1), dt.date(2026, 4, 30)) == (
        dt.date(2025, 11, 1), dt.date(2026, 4, 30))


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1)), st.integers(-30, 30))
def test_adding_months_lands_on_a_first_day(day, months):
    out = add_months(day, months)
    assert out.day == 1 and (out.year * 12 + out.month) - (day.year * 12 + day.month) == months
