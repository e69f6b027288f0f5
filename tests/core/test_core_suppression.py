"""Small-count suppression: no suppressed entry can be derived from what is shown.

The property is checked by linear programming (`tests/suppression_checks.py`, shared with the
apps that publish suppressed counts): for every suppressed entry, minimise and maximise it
over all non-negative tables that agree with every shown cell and total; min < max means at
least two integer tables fit what is shown."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sasaeai.core.suppression import suppress_counts, suppress_table
from tests.suppression_checks import assert_suppression_holds, shown_entries

tables = st.integers(1, 5).flatmap(lambda r: st.integers(1, 5).flatmap(lambda c: st.lists(
    st.lists(st.one_of(st.just(0), st.integers(1, 12), st.integers(13, 60)), min_size=c, max_size=c),
    min_size=r, max_size=r)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=tables, k=st.integers(2, 11))
def test_no_suppressed_entry_is_derivable_from_what_is_shown(table, k):
    result = suppress_table(table, k)
    assert_suppression_holds(table, shown_entries(result, len(table), len(table[0])), k, every_hidden=True)


@settings(max_examples=60, deadline=None)
@given(counts=st.dictionaries(st.sampled_from("abcdefg"), st.integers(0, 30), min_size=1), k=st.integers(2, 10),
       extra=st.integers(0, 5))
def test_a_single_row_hides_its_small_counts_and_cannot_be_recovered_from_the_total(counts, k, extra):
    total = sum(counts.values()) + extra
    result = suppress_counts(counts, k, total=total)
    hidden = [key for key, v in result.counts.items() if v is None]
    for key, v in result.counts.items():
        assert v is None or v == counts[key]
        assert v is None or v == 0 or v >= k
    if result.total is not None and extra == 0:
        assert len(hidden) != 1, "one hidden cell beside a shown total would be derivable"
    # As a one-row table whose last cell (the people in no listed key) is never shown.
    keys = list(counts)
    row = [counts[key] for key in keys] + [extra]
    shown = {}
    for j, key in enumerate(keys):
        shown[(0, j)] = shown[(1, j)] = result.counts[key]
    shown[(0, len(keys) + 1)] = shown[(1, len(keys) + 1)] = result.total
    assert_suppression_holds([row], shown, k, every_hidden=False)


def test_a_small_cell_is_hidden_with_a_partner_in_its_row_and_column():
    result = suppress_table([[3, 20, 30], [25, 40, 50], [30, 35, 60]], 5)
    assert result.cells[0][0] is None
    assert sum(v is None for v in result.cells[0]) + (result.row_totals[0] is None) >= 2
    assert sum(r[0] is None for r in result.cells) + (result.col_totals[0] is None) >= 2
    assert result.total == 293


def test_zeros_and_large_counts_are_shown_as_they_are():
    result = suppress_table([[0, 12], [15, 0]], 10)
    assert result.cells == [[0, 12], [15, 0]]
    assert result.suppressed_count == 0


def test_it_refuses_negative_counts():
    with pytest.raises(ValueError):
        suppress_table([[1, -1]], 5)
