"""Small-count suppression (秘匿処理) for every table of counts about people.

Any count shown to someone other than the owning coordinator and municipal staff goes
through here: k = `SASAEAI_SUPPRESSION_K_PUBLIC` (10) for public and partner views,
`SASAEAI_SUPPRESSION_K_STAFF` (5) for other staff views.

`suppress_table(cells, k)` takes an R×C table of non-negative integer counts and returns a
`SuppressedTable` whose cells, row totals, column totals and grand total are the counts or
None (suppressed):

1. **Primary suppression**: every entry (a cell, or a total) with 0 < n < k. Zeros are shown.
2. **Complementary suppression**, so no suppressed entry can be worked out from what is
   shown. View the table with its totals as the (R+1)×(C+1) "extended" table. Each entry is
   in exactly two equations (its row's sum and its column's sum), so the suppressed entries
   are the edges of a bipartite graph whose nodes are the R+1 rows and C+1 columns. A
   suppressed entry is determined by the shown ones exactly when its edge is a *bridge* of
   that graph (the kernel of the equations is the graph's cycle space). So while a suppressed
   edge is a bridge, the cheapest path of further positive entries (cost = the count, so
   small cells are hidden before large ones; suppressed edges cost nothing) between its two
   sides is suppressed too, closing a cycle. A path always exists: cell (i, j) ↔ row total
   i ↔ grand total ↔ column total j.
3. Every suppressed entry is then positive and on a cycle of positive suppressed entries,
   so adding and subtracting 1 alternately around the cycle gives another non-negative
   table with the same shown entries: each suppressed entry has at least two feasible
   values (tests/core/test_core_suppression.py checks this with linear programming).

The viewer is assumed to know that counts are non-negative integers and which entries are
suppressed; a suppressed entry may be any value ≥ 0 as far as the viewer can tell.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from django.conf import settings

__all__ = ["SuppressedTable", "SuppressedCounts", "suppress_table", "suppress_counts", "k_public", "k_staff"]


def k_public() -> int:
    return int(getattr(settings, "SASAEAI_SUPPRESSION_K_PUBLIC", 10))


def k_staff() -> int:
    return int(getattr(settings, "SASAEAI_SUPPRESSION_K_STAFF", 5))


@dataclass(frozen=True)
class SuppressedTable:
    """What may be shown: None where an entry is suppressed."""

    cells: list[list[int | None]]
    row_totals: list[int | None]
    col_totals: list[int | None]
    total: int | None
    k: int

    @property
    def suppressed_count(self) -> int:
        entries = [v for row in self.cells for v in row] + self.row_totals + self.col_totals + [self.total]
        return sum(v is None for v in entries)


@dataclass(frozen=True)
class SuppressedCounts:
    counts: dict
    total: int | None
    k: int


def _check(cells: list[list[int]], k: int) -> tuple[int, int]:
    if k < 1:
        raise ValueError("k must be at least 1")
    rows = len(cells)
    cols = len(cells[0]) if rows else 0
    for row in cells:
        if len(row) != cols:
            raise ValueError("every row must have the same number of cells")
        for v in row:
            if not isinstance(v, int) or v < 0:
                raise ValueError("counts must be non-negative integers")
    return rows, cols


def _bridges(n_nodes: int, edges: list[tuple[int, int]]) -> set[int]:
    """Indices of the edges that are bridges (iterative Tarjan; parallel edges are fine)."""
    adj: list[list[tuple[int, int]]] = [[] for _ in range(n_nodes)]
    for idx, (a, b) in enumerate(edges):
        adj[a].append((b, idx))
        adj[b].append((a, idx))
    disc = [-1] * n_nodes
    low = [0] * n_nodes
    timer = 0
    found: set[int] = set()
    for root in range(n_nodes):
        if disc[root] != -1 or not adj[root]:
            continue
        disc[root] = low[root] = timer
        timer += 1
        stack = [(root, -1, iter(adj[root]))]
        while stack:
            node, parent_edge, it = stack[-1]
            advanced = False
            for nxt, idx in it:
                if idx == parent_edge:
                    continue
                if disc[nxt] == -1:
                    disc[nxt] = low[nxt] = timer
                    timer += 1
                    stack.append((nxt, idx, iter(adj[nxt])))
                    advanced = True
                    break
                low[node] = min(low[node], disc[nxt])
            if advanced:
                continue
            stack.pop()
            if stack:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[node])
                if low[node] > disc[parent]:
                    found.add(parent_edge)
    return found


def _protect(values: list[list[int]], hidden: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Add complementary suppressions to `hidden` (positions in the extended table `values`)
    until no hidden entry is a bridge. Rows are nodes 0..R, columns R+1..R+1+C."""
    n_rows, n_cols = len(values), len(values[0])
    n_nodes = n_rows + n_cols
    while True:
        order = sorted(hidden)
        edges = [(i, n_rows + j) for i, j in order]
        bridges = _bridges(n_nodes, edges)
        if not bridges:
            return hidden
        # Fix the bridge with the smallest value first (deterministic).
        bridge = min(bridges, key=lambda idx: (values[order[idx][0]][order[idx][1]], order[idx]))
        bi, bj = order[bridge]
        # Cheapest path from row bi to column bj avoiding the bridge itself: hidden entries cost
        # 0, positive shown entries their value, zeros cannot be used.
        start, goal = bi, n_rows + bj
        dist = {start: 0}
        back: dict[int, tuple[int, tuple[int, int]]] = {}
        heap = [(0, start)]
        while heap:
            d, node = heapq.heappop(heap)
            if node == goal:
                break
            if d > dist.get(node, float("inf")):
                continue
            if node < n_rows:
                neighbours = ((n_rows + j, (node, j)) for j in range(n_cols))
            else:
                j = node - n_rows
                neighbours = ((i, (i, j)) for i in range(n_rows))
            for nxt, pos in neighbours:
                if pos == (bi, bj):
                    continue
                value = values[pos[0]][pos[1]]
                if pos in hidden:
                    cost = 0
                elif value > 0:
                    cost = value
                else:
                    continue
                nd = d + cost
                if nd < dist.get(nxt, float("inf")):
                    dist[nxt] = nd
                    back[nxt] = (node, pos)
                    heapq.heappush(heap, (nd, nxt))
        if goal not in back:  # pragma: no cover - impossible: cell ↔ totals always connects
            raise RuntimeError("no complementary suppression path")
        node = goal
        added = False
        while node != start:
            node, pos = back[node]
            if pos not in hidden:
                hidden.add(pos)
                added = True
        if not added:  # pragma: no cover - the path ran over hidden edges only: not a bridge
            raise RuntimeError("suppression made no progress")


def suppress_table(cells: list[list[int]], k: int) -> SuppressedTable:
    """Primary suppression of 0 < n < k (cells and totals) and complementary suppression so no
    suppressed entry can be derived from the shown cells and totals."""
    rows, cols = _check(cells, k)
    row_totals = [sum(r) for r in cells]
    col_totals = [sum(cells[i][j] for i in range(rows)) for j in range(cols)]
    total = sum(row_totals)
    extended = [list(r) + [row_totals[i]] for i, r in enumerate(cells)] + [col_totals + [total]]
    hidden = {(i, j) for i in range(rows + 1) for j in range(cols + 1) if 0 < extended[i][j] < k}
    if hidden:
        hidden = _protect(extended, hidden)

    def shown(i, j):
        return None if (i, j) in hidden else extended[i][j]

    return SuppressedTable(
        cells=[[shown(i, j) for j in range(cols)] for i in range(rows)],
        row_totals=[shown(i, cols) for i in range(rows)],
        col_totals=[shown(rows, j) for j in range(cols)],
        total=shown(rows, cols),
        k=k,
    )


def suppress_counts(counts: Mapping[Hashable, int], k: int, total: int | None = None) -> SuppressedCounts:
    """One row of counts with its total. `total` (when larger than the sum) includes people not
    in any of the listed keys; that remainder is protected like a cell but never shown."""
    keys = list(counts)
    values = [int(counts[key]) for key in keys]
    rest = 0 if total is None else int(total) - sum(values)
    if rest < 0:
        raise ValueError("total is smaller than the sum of the counts")
    # As a single-row table; its column totals repeat the cells, so they cost nothing extra.
    table = suppress_table([values + ([rest] if rest else [])], k)
    return SuppressedCounts(counts={key: table.cells[0][n] for n, key in enumerate(keys)},
                            total=table.total, k=k)
