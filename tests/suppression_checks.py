"""The derivability check of small-count suppression, shared by the tests of
`sasaeai.core.suppression` and of every app that shows suppressed counts (partners, …).

A table of counts is published as some entries of its *extended* table: the R×C cells, the
row totals (column C), the column totals (row R) and the grand total (R, C). What a viewer
can work out from the published entries is decided by linear programming: for every entry
not published, minimise and maximise it over all non-negative tables that agree with every
published entry. The equations (each row and each column sums to its total) are totally
unimodular — a bipartite incidence matrix — so the optimum is integral, and min < max means
at least two integer tables fit what is shown: the entry cannot be derived."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from scipy.optimize import linprog

Position = tuple[int, int]


def extended(table: list[list[int]]) -> list[list[int]]:
    """The table with its row totals, column totals and grand total."""
    rows, cols = len(table), len(table[0])
    col_totals = [sum(table[i][j] for i in range(rows)) for j in range(cols)]
    return [list(r) + [sum(r)] for r in table] + [col_totals + [sum(col_totals)]]


def shown_entries(result, rows: int, cols: int) -> dict[Position, int | None]:
    """Every entry of the extended table as a `SuppressedTable` shows it (None = suppressed)."""
    shown: dict[Position, int | None] = {}
    for i in range(rows):
        for j in range(cols):
            shown[(i, j)] = result.cells[i][j]
        shown[(i, cols)] = result.row_totals[i]
    for j in range(cols):
        shown[(rows, j)] = result.col_totals[j]
    shown[(rows, cols)] = result.total
    return shown


def feasible_ranges(table: list[list[int]], shown: Mapping[Position, int | None]) -> dict[Position, tuple]:
    """(min, max) of every entry of the extended table that `shown` does not publish (absent or
    None), over all non-negative tables agreeing with the published entries; max None when
    unbounded. The published values are taken as given (check them against the truth first)."""
    rows, cols = len(table), len(table[0])
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
    for j in range(cols + 1):  # column j: cells - total = 0
        row = np.zeros(len(positions))
        for i in range(rows):
            row[index[(i, j)]] = 1
        row[index[(rows, j)]] = -1
        a_eq.append(row)
        b_eq.append(0)
    bounds = [(shown[p], shown[p]) if shown.get(p) is not None else (0, None) for p in positions]
    out = {}
    for p in positions:
        if shown.get(p) is not None:
            continue
        c = np.zeros(len(positions))
        c[index[p]] = 1
        lo = linprog(c, A_eq=np.array(a_eq), b_eq=b_eq, bounds=bounds, method="highs")
        hi = linprog(-c, A_eq=np.array(a_eq), b_eq=b_eq, bounds=bounds, method="highs")
        assert lo.status == 0, "the published entries fit no table at all"
        out[p] = (round(lo.fun), None if hi.status == 3 else round(-hi.fun))
    return out


def assert_suppression_holds(table: list[list[int]], shown: Mapping[Position, int | None], k: int, *,
                             every_hidden: bool = True) -> None:
    """The property of every published table of counts about people:

    * a published entry is the true count, and is 0 or at least k;
    * no hidden entry can be derived from the published ones — every hidden entry when
      `every_hidden` (what `suppress_table` guarantees for its own output), else every hidden
      entry whose true count is below k (0 < n < k: a table published in parts, where some
      entries are never shown at all, may leave a large or zero entry derivable)."""
    truth = extended(table)
    for (i, j), value in shown.items():
        if value is not None:
            assert value == truth[i][j], f"entry {(i, j)} shows {value}, the true count is {truth[i][j]}"
            assert value == 0 or value >= k, f"entry {(i, j)} shows {value}, below k={k}"
    for pos, (lo, hi) in feasible_ranges(table, shown).items():
        if every_hidden or 0 < truth[pos[0]][pos[1]] < k:
            assert hi is None or lo < hi, (
                f"hidden entry {pos} (true {truth[pos[0]][pos[1]]}) has the single feasible value {lo}")
