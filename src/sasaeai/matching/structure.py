"""The batch problem's constraint structure, built vectorised (制約構造).

For the feasible pairs of a batch (`arrays.Pairs`) this finds, without a Python loop over
pairs of pairs:

* interval cliques — for each helper and each grid slot where one of their candidate tasks
  starts, the candidate tasks that hold that slot (an interval graph's maximal cliques are
  among these): one AtMostOne each, which also gives the LP relaxation its strength;
* the remaining conflicts — two tasks that share no slot but leave too little time to travel
  from one place to the other in the helper's mode: one pairwise constraint each;
* weekly hours caps per helper and ISO week (only where the candidates could exceed them);
* the in-batch load penalty's size: at most `kmax` tasks per helper.

The same structure feeds the LP relaxation (bound and rounding) and CP-SAT (exact/LNS).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .arrays import HelperIndex, Pairs, TaskArrays, haversine_pairs, need_seconds


@dataclass
class Structure:
    n_pairs: int
    cliques: list[np.ndarray]  # pair indices, each an AtMostOne (size ≥ 2)
    edges: np.ndarray  # (E, 2) pair indices that conflict but share no slot
    caps: list[tuple[np.ndarray, np.ndarray, int]]  # (pair indices, minutes, cap minutes)
    helper_pairs: dict[int, np.ndarray]  # helper index -> its pair indices
    kmax: dict[int, int]  # helper index -> most tasks that helper can take
    conflicts: int  # conflicting pairs of pairs in total
    # The conflict graph over pairs (slot-sharing or travel), symmetric CSR: the pairs that
    # conflict with pair k are indices[indptr[k]:indptr[k + 1]] (augmenting chains use it).
    conflict_graph: object = field(default=None, repr=False)


def _expand(starts: np.ndarray, stops: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ranges [starts[i], stops[i]): (owner i, element) for every element."""
    counts = np.maximum(stops - starts, 0)
    total = int(counts.sum())
    owner = np.repeat(np.arange(starts.size), counts)
    if total == 0:
        return owner, np.zeros(0, dtype=np.int64)
    offs = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    return owner, starts[owner] + offs


def _most_disjoint(first: np.ndarray, stop: np.ndarray) -> int:
    """Most tasks sharing no grid slot (earliest finish first: exact for intervals)."""
    order = np.argsort(stop, kind="stable")
    count, free_from = 0, -np.inf
    for f, e in zip(first[order].tolist(), stop[order].tolist(), strict=True):
        if f >= free_from:
            count += 1
            free_from = e
    return count


def _conflict_graph(n: int, ca: np.ndarray, cb: np.ndarray):
    """Every conflicting pair of pairs `ca[i]`–`cb[i]` as a symmetric n × n CSR of ones."""
    from scipy import sparse

    C = sparse.csr_matrix((np.ones(2 * ca.size, dtype=np.int32),
                           (np.concatenate([ca, cb]), np.concatenate([cb, ca]))), shape=(n, n))
    C.sum_duplicates()
    C.data[:] = 1
    return C


def _extend_cliques(n: int, cliques: list[np.ndarray], edges: np.ndarray,
                    C) -> tuple[list[np.ndarray], np.ndarray]:
    """Grow each interval clique by the tasks that conflict with all of its members only
    through travel time (a visit that ends too close to the next one's start), and drop the
    pairwise conflicts that a grown clique now covers.

    `C`: the conflict graph over pairs (`_conflict_graph`, slot-sharing or travel). A pair joins a clique
    when it conflicts with every member and the joining pairs conflict with one another; where
    they do not all conflict, they join one by one in pair order while they conflict with all
    that joined. The constraints stay exactly the same set of feasible plans (each grown clique
    is a true clique of the conflict graph), but the LP relaxation gets much tighter: at
    2,000 × 800 its bound on served falls from 1,593 to 1,488 and it solves twice as fast.
    """
    if not cliques or C.nnz == 0:
        return cliques, edges
    from scipy import sparse

    q = len(cliques)
    sizes = np.fromiter((c.size for c in cliques), dtype=np.int64, count=q)
    rows = np.repeat(np.arange(q), sizes)
    cols = np.concatenate(cliques)
    K = sparse.csr_matrix((np.ones(cols.size, dtype=np.int32), (rows, cols)), shape=(q, n))
    hits = (K @ C).tocoo()  # members of clique r that pair c conflicts with
    full = hits.data == sizes[hits.row]
    cr, cc = hits.row[full], hits.col[full]
    if cr.size == 0:
        return cliques, edges
    X = sparse.csr_matrix((np.ones(cr.size, dtype=np.int32), (cr, cc)), shape=(q, n))
    X = X - X.multiply(K)  # members conflict with all others but are not candidates
    X.eliminate_zeros()
    count = np.diff(X.indptr)
    inside = np.asarray((X @ C).multiply(X).sum(axis=1)).ravel()
    grown = list(cliques)
    neighbours: dict[int, set[int]] = {}  # pair -> the pairs it conflicts with, as needed
    for r in np.flatnonzero(count).tolist():
        cand = X.indices[X.indptr[r]:X.indptr[r + 1]]
        if inside[r] == cand.size * (cand.size - 1):
            add = cand
        else:  # rare: the candidates do not all conflict with one another
            chosen: list[int] = []
            for c in np.sort(cand).tolist():
                nb = neighbours.get(c)
                if nb is None:
                    nb = neighbours[c] = set(C.indices[C.indptr[c]:C.indptr[c + 1]].tolist())
                if all(x in nb for x in chosen):
                    chosen.append(c)
            add = np.array(chosen, dtype=np.int64)
        grown[r] = np.sort(np.concatenate([cliques[r], add]))
    if edges.shape[0]:
        sizes = np.fromiter((c.size for c in grown), dtype=np.int64, count=q)
        G = sparse.csr_matrix((np.ones(int(sizes.sum()), dtype=np.int32),
                               (np.concatenate(grown), np.repeat(np.arange(q), sizes))), shape=(n, q))
        covered = np.asarray(G[edges[:, 0]].multiply(G[edges[:, 1]]).sum(axis=1)).ravel() > 0
        edges = edges[~covered]
    return grown, edges


def build(ta: TaskArrays, hx: HelperIndex, pairs: Pairs) -> Structure:
    n = len(pairs)
    if n == 0:
        return Structure(0, [], np.zeros((0, 2), dtype=np.int64), [], {}, {}, 0)
    pt, ph = pairs.t, pairs.h
    o = np.lexsort((ta.ts[pt], ph))  # by helper, then start
    H, T = ph[o], pt[o]
    S, E = ta.ts[T], ta.te[T]
    t0 = float(S.min())
    span = float(ta.te.max() - t0)
    # Longest travel a helper may need between two of their tasks (both within the radius).
    maxgap = need_seconds(2 * hx.radius + 0.01, hx.speed, hx.overhead) + 1.0
    big = span + float(maxgap.max()) + 10.0
    key = H.astype(float) * big + (S - t0)
    pos = np.arange(n)

    # Pairs of pairs of one helper close enough in time to conflict.
    hi = np.searchsorted(key, H * big + (E - t0) + maxgap[H], side="left")
    a, b = _expand(pos + 1, hi)
    a = pos[a] if a.size else a
    ta_, tb = T[a], T[b]
    shared = (ta.first[ta_] < ta.stop[tb]) & (ta.first[tb] < ta.stop[ta_])
    d = haversine_pairs(ta.lat[ta_], ta.lon[ta_], ta.lat[tb], ta.lon[tb])
    need = need_seconds(d, hx.speed[H[a]], hx.overhead[H[a]])
    apart = ((ta.ts[tb] - ta.te[ta_]) >= need) | ((ta.ts[ta_] - ta.te[tb]) >= need)
    conflict = shared | ~apart
    travel_only = conflict & ~shared
    edges = np.column_stack([o[a[travel_only]], o[b[travel_only]]])

    # Interval cliques anchored at each distinct (helper, first slot): the last pair of each.
    F = ta.first[T]
    last = np.ones(n, dtype=bool)
    last[:-1] = (H[1:] != H[:-1]) | (F[1:] != F[:-1])
    anchors = np.flatnonzero(last)
    maxdur = float((ta.te - ta.ts).max()) + 1800.0
    lo = np.searchsorted(key, H[anchors] * big + (S[anchors] - t0) - maxdur, side="left")
    own, mem = _expand(lo, anchors + 1)
    keep = (H[mem] == H[anchors[own]]) & (ta.stop[T[mem]] > F[anchors[own]])
    own, mem = own[keep], mem[keep]
    cliques: list[np.ndarray] = []
    if own.size:
        cut = np.flatnonzero(np.diff(own)) + 1
        sizes = np.diff(np.concatenate([[0], cut, [own.size]]))
        big_enough = np.repeat(sizes >= 2, sizes)
        members = o[mem[big_enough]]
        sizes = sizes[sizes >= 2]
        cliques = np.split(members, np.cumsum(sizes)[:-1]) if sizes.size else []

    graph = _conflict_graph(n, o[a[conflict]], o[b[conflict]])
    cliques, edges = _extend_cliques(n, cliques, edges, graph)

    # Per helper: pairs, weekly caps, most tasks they can take.
    bounds = np.flatnonzero(np.diff(H)) + 1
    starts = np.concatenate([[0], bounds])
    helper_pairs = dict(zip(H[starts].tolist(), np.split(o, bounds), strict=True))
    W = ta.week[T]
    M = ta.minutes[T]
    gcut = np.flatnonzero((np.diff(H) != 0) | (np.diff(W) != 0)) + 1
    gstart = np.concatenate([[0], gcut])
    gh = H[gstart]
    gsum = np.add.reduceat(M, gstart)
    gmin = np.minimum.reduceat(M, gstart)
    gcount = np.diff(np.concatenate([gstart, [n]]))
    rem = hx.remaining_minutes[gh]
    caps: list[tuple[np.ndarray, np.ndarray, int]] = []
    # Within a helper the pairs are sorted by start, so each ISO week is one contiguous run.
    gend = np.concatenate([gcut, [n]])
    for g in np.flatnonzero(gsum > rem).tolist():
        sl = slice(int(gstart[g]), int(gend[g]))
        caps.append((o[sl], M[sl], int(rem[g])))
    cap_bound_g = np.minimum(gcount, rem // np.maximum(gmin, 1))
    cap_bound = np.bincount(gh, weights=cap_bound_g, minlength=hx.n).astype(np.int64)
    kmax: dict[int, int] = {}
    for h, idx in helper_pairs.items():
        if idx.size < 2:
            kmax[h] = 1
            continue
        tis = pt[idx]
        kmax[h] = max(1, min(idx.size, int(cap_bound[h]),
                             _most_disjoint(ta.first[tis], ta.stop[tis])))
    return Structure(n, cliques, edges, caps, helper_pairs, kmax, int(conflict.sum()), graph)
