"""Small-count suppression: no suppressed entry can be derived from what is shown.

The property is checked by linear programming: for every suppressed entry, minimise and
maximise it over all non-negative tables that agree with every shown cell and total. The
equations are totally unimodular (a bipartite incidence matrix), so the optimum is integral
and min < max means at least two integer tables fit what is shown."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from sasaeai.core.suppression import suppress_counts, suppress_table


def _feasible_range(table, shown):
    """(min, max) of every suppressed entry of the extended table, given the shown entries."""
    rows, cols = len(table), len(table[0])
    ext = [list(r) + [sum(r)] for r in table] + [[sum(table[i][j] for i in range(rows)) for j in range(cols)]
                                                  + [sum(map(sum, table))]]
    positions = [(i, j) for i in range(rows + 1) for j in range(cols + 1)]
    index = {p: n for n, p in enumerate(positions)}
    a_eq, b_eq = [], []
    for i in range(rows + 1):  # row i: cells - total = 0
        row = np.zeros(len(positions))
        for j in range(cols):
            row[index[(i, j)]] = 1
        row[index[(i, cols)]] = -1
        a_eq.append(row)
        b_eq.append(0)
    for j in range(cols + 1):
        row = np.zeros(len(positions))
        for i in range(rows):
            row[index[(i, j)]] = 1
        row[index[(rows, j)]] = -1
        a_eq.append(row)
        b_eq.append(0)
    bounds = [(ext[p[0]][p[1]], ext[p[0]][p[1]]) if shown[p] is not None else (0, None) for p in positions]
    out = {}
    for p in positions:
        if shown[p] is not None:
            continue
        c = np.zeros(len(positions))
        c[index[p]] = 1
        lo = linprog(c, A_eq=np.array(a_eq), b_eq=b_eq, bounds=bounds, method="highs")
        hi = linprog(-c, A_eq=np.array(a_eq), b_eq=b_eq, bounds=bounds, method="highs")
        assert lo.status == 0
        out[p] = (round(lo.fun), None if hi.status == 3 else round(-hi.fun))
    return out


def _shown(result, rows, cols):
    shown = {}
    for i in range(rows):
        for j in range(cols):
            shown[(i, j)] = result.cells[i][j]
        shown[(i, cols)] = result.row_totals[i]
    for j in range(cols):
        shown[(rows, j)] = result.col_totals[j]
    shown[(rows, cols)] = result.total
    return shown


tables = st.integers(1, 5).flatmap(lambda r: st.integers(1, 5).flatmap(lambda c: st.lists(
    st.lists(st.one_of(st.just(0), st.integers(1, 12), st.integers(13, 60)), min_size=c, max_size=c),
    min_size=r, max_size=r)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=tables, k=st.integers(2, 11))
def test_no_suppressed_entry_is_derivable_from_what_is_shown(table, k):
    result = suppress_table(table, k)
    rows, cols = len(table), len(table[0])
    shown = _shown(result, rows, cols)
    ext_row_totals = [sum(r) for r in table]
    for (i, j), value in shown.items():
        true = (table[i][j] if i < rows and j < cols else ext_row_totals[i] if i < rows
                else sum(table[x][j] for x in range(rows)) if j < cols else sum(ext_row_totals))
        if value is not None:
            assert value == true, "a shown entry is the true count"
            assert value == 0 or value >= k, "no shown count is below k"
    for pos, (lo, hi) in _feasible_range(table, shown).items():
        assert hi is None or lo < hi, f"suppressed entry {pos} has the single feasible value {lo}"


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
