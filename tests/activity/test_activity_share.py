"""The seed-003 KSI: coordination share of working time, per coordinator and month."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sasaeai.activity import selectors
from sasaeai.activity.models import COORDINATION_FUNCTIONS, ActivityEntry, Function
from sasaeai.tenancy.models import Role

pytestmark = pytest.mark.django_db


def entry(town, user, area, day, minutes, function):
    return ActivityEntry.objects.create(municipality=area.municipality, area=area, date=day, minutes=minutes,
                                        function=function, recorded_by=user)


def test_share_counts_the_five_coordination_functions_over_all_time(town):
    day = dt.date(2026, 5, 11)
    entry(town, town.sc_north, town.north, day, 420, Function.MATCHING)
    entry(town, town.sc_north, town.north, day, 60, Function.DIRECT_SUPPORT)
    entry(town, town.sc_north, town.north, day, 60, Function.ADMINISTRATION)
    entry(town, town.sc_north, town.north, day, 60, Function.TRAINING_ATTENDED)
    share = selectors.coordination_share(coordinator=town.sc_north, start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31))
    assert (share.coordination_minutes, share.total_minutes) == (420, 600)
    assert share.percent == 70.0 and share.meets_target is True


def test_no_logged_time_has_no_share(town):
    share = selectors.coordination_share(coordinator=town.sc_north, start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31))
    assert share.percent is None and share.meets_target is None


def test_share_per_coordinator_and_month_in_one_query(town):
    for month in (4, 5, 6):
        entry(town, town.sc_north, town.north, dt.date(2026, month, 3), 60 * month, Function.OUTREACH)
        entry(town, town.sc_north, town.north, dt.date(2026, month, 4), 60, Function.DIRECT_SUPPORT)
        entry(town, town.sc_south, town.south, dt.date(2026, month, 3), 60, Function.ADMINISTRATION)
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.coordination_share_by_month(municipality=town.municipality, start=dt.date(2026, 4, 1),
                                                     end=dt.date(2026, 6, 30))
    assert len(queries) == 1
    north = [r for r in rows if r["coordinator_id"] == town.sc_north.pk]
    assert [r["month"] for r in north] == [dt.date(2026, 4, 1), dt.date(2026, 5, 1), dt.date(2026, 6, 1)]
    assert [r["share"].percent for r in north] == [80.0, 83.3, 85.7]
    south = [r for r in rows if r["coordinator_id"] == town.sc_south.pk]
    assert all(r["share"].percent == 0.0 for r in south)


def test_share_of_an_area_counts_whoever_logged_it(town):
    day = dt.date(2026, 5, 11)
    entry(town, town.sc_north, town.north, day, 60, Function.MATCHING)
    entry(town, town.sc1, town.north, day, 60, Function.DIRECT_SUPPORT)
    entry(town, town.sc_south, town.south, day, 60, Function.MATCHING)
    share = selectors.coordination_share(area=town.north, start=day, end=day)
    assert (share.coordination_minutes, share.total_minutes) == (60, 120)


_entries = st.lists(st.tuples(st.integers(0, 59), st.integers(1, 600), st.sampled_from(Function.values)),
                    max_size=25)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_entries)
def test_share_equals_the_sum_of_coordination_minutes_over_all_minutes(town, make_user, rows):
    # One town for every example; a fresh coordinator per example keeps the examples apart.
    sc = make_user(Role.COORDINATOR_L2, town.municipality, areas=[town.north])
    start = dt.date(2026, 4, 1)
    for offset, minutes, function in rows:
        entry(town, sc, town.north, start + dt.timedelta(days=offset), minutes, function)
    end = dt.date(2026, 4, 30)
    share = selectors.coordination_share(coordinator=sc, start=start, end=end)
    in_period = [(o, m, f) for o, m, f in rows if o < 30]
    coordination = sum(m for _o, m, f in in_period if f in COORDINATION_FUNCTIONS)
    total = sum(m for _o, m, _f in in_period)
    assert (share.coordination_minutes, share.total_minutes) == (coordination, total)
    if total:
        assert 0 <= share.percent <= 100
        assert share.meets_target == (round(100 * coordination / total, 1) >= 70)
    monthly = selectors.coordination_share_by_month(coordinator=sc, start=start, end=end)
    assert sum(r["share"].total_minutes for r in monthly) == total


def test_kpi_indicator_follows_the_shared_contract(town):
    from sasaeai.activity import kpis

    (indicator,) = kpis.indicators()
    assert indicator["key"] == "sc_coordination_share" and indicator["unit"] == "percent"
    assert indicator["target"] == 70 and indicator["direction"] == "at_least"
    day = dt.date(2026, 5, 11)
    entry(town, town.sc_north, town.north, day, 90, Function.MATCHING)
    entry(town, town.sc_north, town.north, day, 30, Function.DIRECT_SUPPORT)
    entry(town, town.sc_other, town.other_area, day, 30, Function.MATCHING)
    start, end = dt.date(2026, 5, 1), dt.date(2026, 5, 31)
    assert indicator["compute"](town.municipality, None, start, end) == (90, 120)
    assert indicator["compute"](town.municipality, town.south, start, end) == (0, None)
    records = indicator["records"](town.municipality, None, start, end)
    assert sum(r.minutes for r in records) == 90
