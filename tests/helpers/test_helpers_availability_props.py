"""Property tests for availability intervals (pure function, no database)."""

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from sasaeai.helpers.selectors import compute_intervals

TOKYO = ZoneInfo("Asia/Tokyo")
BASE = dt.date(2030, 3, 1)
DAYS = 21

quarter_hours = st.integers(min_value=0, max_value=95)


@st.composite
def window(draw):
    a = draw(quarter_hours)
    b = draw(st.integers(min_value=a + 1, max_value=96))
    start = dt.time(a // 4, (a % 4) * 15)
    end = dt.time(23, 59) if b == 96 else dt.time(b // 4, (b % 4) * 15)
    return start, end


rules_st = st.lists(st.tuples(st.integers(0, 6), window()).map(lambda t: (t[0], *t[1])), max_size=10)


@st.composite
def exception_st(draw):
    date = BASE + dt.timedelta(days=draw(st.integers(0, DAYS - 1)))
    kind = draw(st.sampled_from(["off", "remove", "extra"]))
    if kind == "off":
        return (date, None, None, False)
    s, e = draw(window())
    return (date, s, e, kind == "extra")


exceptions_st = st.lists(exception_st(), max_size=8)


@st.composite
def range_st(draw):
    a = draw(st.integers(0, DAYS * 24 * 4))
    b = draw(st.integers(a, DAYS * 24 * 4 + 96))
    origin = dt.datetime.combine(BASE, dt.time(0), tzinfo=TOKYO)
    zone = draw(st.sampled_from([TOKYO, dt.UTC, ZoneInfo("Europe/London"), ZoneInfo("America/New_York")]))
    return (origin + dt.timedelta(minutes=15 * a)).astimezone(zone), (origin + dt.timedelta(minutes=15 * b)).astimezone(zone)


def _local(t):
    return t.astimezone(TOKYO)


def _covered_by_source(moment, rules, exceptions):
    """Whether the pattern says the helper is free at this instant (independent oracle)."""
    local = _local(moment)
    date, clock = local.date(), local.time()
    todays = [e for e in exceptions if e[0] == date]
    if any(s is None for _d, s, _e, avail in todays if not avail):
        return False
    if any(s <= clock < e for _d, s, e, avail in todays if not avail and s is not None):
        return False
    return any(wd == date.weekday() and s <= clock < e for wd, s, e in rules) or any(
        s <= clock < e for _d, s, e, avail in todays if avail
    )


@settings(max_examples=150, deadline=None)
@given(rules_st, exceptions_st, range_st())
def test_intervals_sorted_disjoint_within_range(rules, exceptions, rng):
    start, end = rng
    out = compute_intervals(rules, exceptions, start, end)
    for s, e in out:
        assert start <= s < e <= end
        assert s.tzinfo is not None and e.tzinfo is not None
    for (_s1, e1), (s2, _e2) in zip(out, out[1:], strict=False):
        assert e1 < s2  # disjoint and merged (touching windows are joined)


@settings(max_examples=150, deadline=None)
@given(rules_st, exceptions_st, range_st())
def test_intervals_agree_with_pointwise_oracle(rules, exceptions, rng):
    """Sample every quarter hour: free according to the output ⇔ free according to the rules."""
    start, end = rng
    out = compute_intervals(rules, exceptions, start, end)
    t = _local(start)
    step = dt.timedelta(minutes=15)
    while t < end:
        inside = any(s <= t < e for s, e in out)
        assert inside == _covered_by_source(t, rules, exceptions), t
        t += step


@settings(max_examples=100, deadline=None)
@given(rules_st, exceptions_st, st.integers(0, DAYS - 1))
def test_a_day_off_never_adds_time_and_empties_that_day(rules, exceptions, day):
    start = dt.datetime.combine(BASE, dt.time(0), tzinfo=TOKYO)
    end = start + dt.timedelta(days=DAYS)
    date = BASE + dt.timedelta(days=day)

    def total(out):
        return sum((e - s for s, e in out), dt.timedelta())

    before = compute_intervals(rules, exceptions, start, end)
    after = compute_intervals(rules, [*exceptions, (date, None, None, False)], start, end)
    assert total(after) <= total(before)
    assert not any(_local(s).date() == date for s, _e in after)


@settings(max_examples=100, deadline=None)
@given(rules_st, exceptions_st, range_st(), st.integers(0, 100))
def test_splitting_the_range_gives_the_same_time(rules, exceptions, rng, cut_pct):
    start, end = rng
    middle = start + (end - start) * cut_pct / 100
    whole = compute_intervals(rules, exceptions, start, end)
    parts = compute_intervals(rules, exceptions, start, middle) + compute_intervals(rules, exceptions, middle, end)
    assert sum((e - s for s, e in whole), dt.timedelta()) == sum((e - s for s, e in parts), dt.timedelta())
