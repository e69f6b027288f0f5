"""Batch solvers on the vectorised structure (一括割当ての解法).

* `Plan` — a partial assignment (task -> pair) with the helpers' bookings and weekly minutes,
  so greedy, LP rounding and repairs share one feasibility test.
* `greedy` — the first-come baseline (tasks by created_at, lowest helper id first).
* `lp_bound` — the LP relaxation (HiGHS via SciPy) with interval cliques, travel conflicts,
  weekly caps and the convex load penalty: an upper bound on people served, and a lower bound
  on cost at a given number served; its fractional solution orders the rounding.
* `cpsat` — CP-SAT on the pairs of a set of helpers (exact on a component, or one
  neighbourhood of a large-neighbourhood search with everything else fixed).

Lexicographic objective everywhere: first the number served, then the total cost (pair costs
plus the in-batch load penalty load·(k−1) for a helper's k-th task).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from .arrays import HelperIndex, Pairs, TaskArrays, haversine_pairs, need_seconds, scalar_conflict
from .structure import Structure


class Plan:
    """A feasible partial assignment, grown one pair at a time."""

    def __init__(self, ta: TaskArrays, hx: HelperIndex, pairs: Pairs):
        self.ta, self.hx, self.pairs = ta, hx, pairs
        self.chosen = np.full(len(ta.tasks), -1, dtype=np.int64)  # task -> pair index
        self.booked: dict[int, list[int]] = defaultdict(list)  # helper -> task indices
        self.used: dict[tuple[int, int], int] = defaultdict(int)  # (helper, week) -> minutes

    def fits(self, k: int) -> bool:
        ta, hx = self.ta, self.hx
        ti, hi = int(self.pairs.t[k]), int(self.pairs.h[k])
        if self.chosen[ti] >= 0:
            return False
        wk = int(ta.week[ti])
        if self.used[hi, wk] + int(ta.minutes[ti]) > int(hx.remaining_minutes[hi]):
            return False
        lat, lon = ta.lat[ti], ta.lon[ti]
        sp, ov = float(hx.speed[hi]), float(hx.overhead[hi])
        for o in self.booked[hi]:
            if scalar_conflict(ta, ti, o, lat, lon, ta.lat[o], ta.lon[o], sp, ov):
                return False
        return True

    def add(self, k: int) -> None:
        ti, hi = int(self.pairs.t[k]), int(self.pairs.h[k])
        self.chosen[ti] = k
        self.booked[hi].append(ti)
        self.used[hi, int(self.ta.week[ti])] += int(self.ta.minutes[ti])

    def try_add(self, k: int) -> bool:
        if self.fits(k):
            self.add(k)
            return True
        return False

    def fill(self, order) -> None:
        for k in order:
            self.try_add(int(k))


def key_of(pairs: Pairs, chosen: np.ndarray, weights_load_step: int) -> tuple[int, int]:
    """(served, integer total cost) of a task -> pair vector."""
    ks = chosen[chosen >= 0]
    counts = np.bincount(pairs.h[ks], minlength=1) if ks.size else np.zeros(1, dtype=np.int64)
    load = int((weights_load_step * counts * (counts - 1) // 2).sum())
    return int(ks.size), int(pairs.cost[ks].sum()) + load


def better(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """True when (served, cost) a is lexicographically better than b."""
    return a[0] > b[0] or (a[0] == b[0] and a[1] < b[1])


def task_ranges(pairs: Pairs, n_tasks: int) -> tuple[np.ndarray, np.ndarray]:
    lo = np.searchsorted(pairs.t, np.arange(n_tasks), side="left")
    hi = np.searchsorted(pairs.t, np.arange(n_tasks), side="right")
    return lo, hi


def greedy(ta: TaskArrays, hx: HelperIndex, pairs: Pairs) -> np.ndarray:
    """First come, first served: tasks by (created_at or start, id), lowest helper id first."""
    tasks = ta.tasks
    order = sorted(range(len(tasks)), key=lambda i: (tasks[i].created_at or tasks[i].start, tasks[i].id))
    lo, hi = task_ranges(pairs, len(tasks))
    plan = Plan(ta, hx, pairs)
    for ti in order:
        for k in range(int(lo[ti]), int(hi[ti])):
            if plan.try_add(k):
                break
    return plan.chosen


# ------------------------------------------------------------------------------------- LP
@dataclass
class LPBound:
    served_ub: int  # ⌊LP max served⌋
    served_lp: float
    cost_lb: float | None  # integer-cost units, LP min cost at `at_served`
    at_served: int | None
    x: np.ndarray | None  # fractional pair values of the cost LP (or the served LP)
    seconds: float
    status: str = "optimal"


def _lp_matrix(st: Structure, pairs: Pairs, n_tasks: int, step: int, pair_sel: np.ndarray | None = None):
    """A_ub (sparse), b_ub, costs, n_x, n_y for the LP over all pairs."""
    from scipy import sparse

    n = len(pairs)
    rows, cols, vals, b = [], [], [], []
    r = 0
    # tasks
    rows.append(pairs.t.astype(np.int64))
    cols.append(np.arange(n))
    vals.append(np.ones(n))
    b.append(np.ones(n_tasks))
    r = n_tasks
    # cliques
    if st.cliques:
        sizes = np.fromiter((c.size for c in st.cliques), dtype=np.int64, count=len(st.cliques))
        rows.append(r + np.repeat(np.arange(len(st.cliques)), sizes))
        cols.append(np.concatenate(st.cliques))
        vals.append(np.ones(int(sizes.sum())))
        b.append(np.ones(len(st.cliques)))
        r += len(st.cliques)
    # travel conflicts
    e = st.edges.shape[0]
    if e:
        rows.append(r + np.repeat(np.arange(e), 2))
        cols.append(st.edges.reshape(-1))
        vals.append(np.ones(2 * e))
        b.append(np.ones(e))
        r += e
    # weekly caps
    for idx, mins, cap in st.caps:
        rows.append(np.full(idx.size, r))
        cols.append(idx)
        vals.append(mins.astype(float))
        b.append(np.array([float(cap)]))
        r += 1
    # load: Σx_h − Σ_k y_hk ≤ 1, y_hk ∈ [0, 1] with cost step·(k−1)
    ycost = []
    ny = 0
    if step > 0:
        for h, idx in st.helper_pairs.items():
            km = st.kmax.get(h, 1)
            if km < 2:
                continue
            rows.append(np.full(idx.size, r))
            cols.append(idx)
            vals.append(np.ones(idx.size))
            k = km - 1
            rows.append(np.full(k, r))
            cols.append(n + ny + np.arange(k))
            vals.append(-np.ones(k))
            b.append(np.array([1.0]))
            ycost.append(step * np.arange(1, km, dtype=float))
            ny += k
            r += 1
    A = sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(r, n + ny))
    cost = np.concatenate([pairs.cost.astype(float)] + ycost) if ycost else pairs.cost.astype(float)
    return A, np.concatenate(b), cost, n, ny


def lp_bound(st: Structure, pairs: Pairs, n_tasks: int, step: int, *, at_served: int | None = None,
             time_limit: float = 60.0) -> LPBound:
    """Upper bound on served and lower bound on cost at `at_served` (default: ⌊max served⌋)."""
    from scipy import sparse
    from scipy.optimize import linprog

    t0 = time.perf_counter()
    n = len(pairs)
    if n == 0:
        return LPBound(0, 0.0, 0.0, 0, np.zeros(0), 0.0)
    A, b, cost, nx, ny = _lp_matrix(st, pairs, n_tasks, step)
    opts = {"time_limit": max(0.5, time_limit), "presolve": True}
    c1 = np.concatenate([-np.ones(nx), np.zeros(ny)])
    r1 = linprog(c1, A_ub=A, b_ub=b, bounds=(0, 1), method="highs", options=opts)
    if r1.status != 0:
        return LPBound(n_tasks, float(n_tasks), None, None, None, time.perf_counter() - t0,
                       "time_limit" if r1.status == 1 else "failed")
    served_lp = float(-r1.fun)
    ub = int(np.floor(served_lp + 1e-6))
    target = ub if at_served is None else min(at_served, ub)
    left = time_limit - (time.perf_counter() - t0)
    row = sparse.csr_matrix(np.concatenate([-np.ones(nx), np.zeros(ny)])[None, :])
    A2 = sparse.vstack([A, row], format="csr")
    b2 = np.concatenate([b, [-float(target)]])
    r2 = linprog(cost, A_ub=A2, b_ub=b2, bounds=(0, 1), method="highs",
                 options={"time_limit": max(0.5, left), "presolve": True})
    if r2.status != 0:
        return LPBound(ub, served_lp, None, None, r1.x[:nx], time.perf_counter() - t0,
                       "time_limit" if r2.status == 1 else "failed")
    # HiGHS' optimum is within its feasibility tolerance; step down by that much.
    lb = float(r2.fun) - 1e-6 * max(1.0, abs(float(r2.fun)))
    return LPBound(ub, served_lp, lb, target, r2.x[:nx], time.perf_counter() - t0)


def cost_lb_at(st: Structure, pairs: Pairs, n_tasks: int, step: int, served: int,
               time_limit: float) -> float | None:
    """LP lower bound on cost over assignments serving at least `served`."""
    from scipy import sparse
    from scipy.optimize import linprog

    if len(pairs) == 0:
        return 0.0
    A, b, cost, nx, ny = _lp_matrix(st, pairs, n_tasks, step)
    row = sparse.csr_matrix(np.concatenate([-np.ones(nx), np.zeros(ny)])[None, :])
    r = linprog(cost, A_ub=sparse.vstack([A, row], format="csr"), b_ub=np.concatenate([b, [-float(served)]]),
                bounds=(0, 1), method="highs", options={"time_limit": max(0.5, time_limit)})
    if r.status != 0:
        return None
    return float(r.fun) - 1e-6 * max(1.0, abs(float(r.fun)))


def lp_round(ta, hx, pairs: Pairs, x: np.ndarray, base: np.ndarray | None = None) -> np.ndarray:
    """Round an LP solution: pairs by value (then cost) into a Plan, then fill the rest."""
    plan = Plan(ta, hx, pairs)
    order = np.lexsort((pairs.cost, -np.round(x, 6)))
    strong = order[x[order] > 1e-6]
    plan.fill(strong)
    # Fill: every remaining task, cheapest feasible helper first.
    rest = np.lexsort((pairs.cost, pairs.t))
    plan.fill(rest[plan.chosen[pairs.t[rest]] < 0])
    return plan.chosen


# ------------------------------------------------------------------------------------ CP-SAT
@dataclass
class SubResult:
    chosen: dict[int, int]  # task index -> pair index, for the tasks of the sub-problem
    optimal: bool
    status: str
    variables: int = 0
    extra: dict = field(default_factory=dict)


class Cliques:
    """The structure indexed by helper, to build CP-SAT models over any set of helpers."""

    def __init__(self, st: Structure, pairs: Pairs):
        self.st = st
        self.by_helper_cliques: dict[int, list[np.ndarray]] = defaultdict(list)
        for c in st.cliques:
            self.by_helper_cliques[int(pairs.h[c[0]])].append(c)
        self.by_helper_edges: dict[int, list[np.ndarray]] = defaultdict(list)
        if st.edges.shape[0]:
            eh = pairs.h[st.edges[:, 0]]
            order = np.argsort(eh, kind="stable")
            eh_s = eh[order]
            cut = np.flatnonzero(np.diff(eh_s)) + 1
            for grp in np.split(order, cut):
                if grp.size:
                    self.by_helper_edges[int(eh[grp[0]])].append(st.edges[grp])
        self.by_helper_caps: dict[int, list] = defaultdict(list)
        for idx, mins, cap in st.caps:
            self.by_helper_caps[int(pairs.h[idx[0]])].append((idx, mins, cap))


def cpsat(ta: TaskArrays, pairs: Pairs, cl: Cliques, helpers: list[int], allowed_task: np.ndarray,
          step: int, hint: dict[int, int], time_limit: float, *, num_workers: int = 1,
          random_seed: int = 0, deterministic: bool = True, solver_params: dict | None = None,
          wall_limit: float | None = None) -> SubResult:
    """Exact lexicographic optimum over the pairs of `helpers` whose task is allowed.

    Everything outside is fixed: the caller only allows tasks that are free or assigned to
    one of these helpers, and every task of these helpers is inside, so their constraints are
    complete. `hint` (task -> pair) is the current solution of the sub-problem.
    """
    from ortools.sat.python import cp_model

    st = cl.st
    model = cp_model.CpModel()
    x: dict[int, object] = {}
    by_task: dict[int, list[int]] = defaultdict(list)
    for h in helpers:
        for k in st.helper_pairs.get(h, ()).tolist():
            ti = int(pairs.t[k])
            if allowed_task[ti]:
                x[k] = model.NewBoolVar("")
                by_task[ti].append(k)
    if not x:
        return SubResult({}, True, "OPTIMAL", 0)
    for ks in by_task.values():
        if len(ks) > 1:
            model.AddAtMostOne(x[k] for k in ks)
    load_terms = []
    for h in helpers:
        for c in cl.by_helper_cliques.get(h, ()):
            vs = [x[k] for k in c.tolist() if k in x]
            if len(vs) > 1:
                model.AddAtMostOne(vs)
        for e in cl.by_helper_edges.get(h, ()):
            for a, b in e.tolist():
                if a in x and b in x:
                    model.AddBoolOr([x[a].Not(), x[b].Not()])
        for idx, mins, cap in cl.by_helper_caps.get(h, ()):
            terms = [(x[k], int(m)) for k, m in zip(idx.tolist(), mins.tolist(), strict=True) if k in x]
            if sum(m for _, m in terms) > cap:
                model.Add(sum(m * v for v, m in terms) <= cap)
        hv = [x[k] for k in st.helper_pairs.get(h, ()).tolist() if k in x]
        km = min(st.kmax.get(h, 1), len(hv))
        if step > 0 and len(hv) >= 2:
            ys = [model.NewBoolVar("") for _ in range(2, km + 1)]
            model.Add(sum(hv) <= 1 + sum(ys))
            for j in range(len(ys) - 1):
                model.AddImplication(ys[j + 1], ys[j])
            load_terms.extend((y, step * (k - 1)) for k, y in enumerate(ys, start=2))
        elif len(hv) > km:
            model.Add(sum(hv) <= km)
    keys = list(x)
    cost = [int(pairs.cost[k]) for k in keys]
    big = 2 * sum(max(abs(int(pairs.cost[k])) for k in ks) for ks in by_task.values())
    big += sum(c for _, c in load_terms) + 1
    served = sum(x.values())
    model.Minimize(sum(c * x[k] for k, c in zip(keys, cost, strict=True))
                   + sum(c * y for y, c in load_terms) - big * served)
    hint_pairs = set(hint.values())
    counts: dict[int, int] = defaultdict(int)
    for k in hint_pairs:
        counts[int(pairs.h[k])] += 1
    for k in keys:
        model.AddHint(x[k], 1 if k in hint_pairs else 0)
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = max(1, int(num_workers))
    p.random_seed = int(random_seed)
    limit = max(0.05, time_limit)
    if deterministic:
        p.max_deterministic_time = limit
        p.max_time_in_seconds = 2 * limit
    else:
        p.max_time_in_seconds = limit
    if wall_limit is not None:
        p.max_time_in_seconds = max(0.05, min(p.max_time_in_seconds, wall_limit))
    p.linearization_level = 2
    for k, v in (solver_params or {}).items():
        setattr(p, k, v)
    status = solver.Solve(model)
    name = solver.StatusName(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return SubResult(dict(hint), False, name, len(x))
    chosen = {int(pairs.t[k]): k for k in keys if solver.BooleanValue(x[k])}
    return SubResult(chosen, status == cp_model.OPTIMAL, name, len(x))


def constructive(ta: TaskArrays, hx: HelperIndex, pairs: Pairs, rule: str) -> np.ndarray:
    """A serve-more construction (not first-come): two rules, both one pass over the tasks.

    * "scarce": tasks with the fewest candidate helpers first; each to the feasible helper with
      the fewest candidate tasks (ties: cheaper).
    * "finish": tasks by end time (earliest first, as in optimal interval scheduling); each to
      the feasible helper with the fewest candidate tasks (ties: cheaper).
    """
    n_tasks = len(ta.tasks)
    lo, hi = task_ranges(pairs, n_tasks)
    n_cand = hi - lo
    helper_deg = np.bincount(pairs.h, minlength=hx.n)
    if rule == "scarce":
        order = np.lexsort((ta.ts, n_cand))
    else:
        order = np.lexsort((n_cand, ta.te))
    plan = Plan(ta, hx, pairs)
    pref = np.lexsort((pairs.cost, helper_deg[pairs.h], pairs.t))  # within task: scarce helper first
    for ti in order.tolist():
        a, b = int(lo[ti]), int(hi[ti])
        if a == b:
            continue
        for k in pref[a:b].tolist():
            if plan.try_add(k):
                break
    return plan.chosen


def then_graph(ta: TaskArrays, hx: HelperIndex, h: int, ti: np.ndarray) -> np.ndarray:
    """then[j, i]: helper h can make visit ti[j] and then ti[i] — j's last grid slot ends
    before i's first, and j's end plus the travel between them leaves time before i's start."""
    lat, lon = ta.lat[ti], ta.lon[ti]
    d = haversine_pairs(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    need = need_seconds(d, float(hx.speed[h]), float(hx.overhead[h]))
    return (ta.stop[ti][:, None] <= ta.first[ti][None, :]) & (ta.te[ti][:, None] + need <= ta.ts[ti][None, :])


def _best_chain(ta: TaskArrays, hx: HelperIndex, h: int, ti: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Positions (into `ti`, sorted by start) of the heaviest set of visits one helper can make
    one after another: a longest path in the "then" graph (j then i when j's last grid slot
    ends before i's first and j's end plus the travel leaves time before i's start). Travel
    obeys the triangle inequality, so a path's visits are pairwise compatible."""
    then = then_graph(ta, hx, h, ti)
    c = ti.size
    best = w.astype(float).copy()
    prev = np.full(c, -1, dtype=np.int64)
    for i in range(1, c):
        m = then[:i, i]
        if m.any():
            cand = np.where(m, best[:i], -np.inf)
            j = int(np.argmax(cand))
            best[i] += cand[j]
            prev[i] = j
    out = []
    i = int(np.argmax(best))
    while i >= 0:
        out.append(i)
        i = int(prev[i])
    return np.array(out[::-1], dtype=np.int64)


def chains(ta: TaskArrays, hx: HelperIndex, pairs: Pairs, st: Structure, deadline: float,
           rounds: int = 8, x: np.ndarray | None = None) -> np.ndarray:
    """Helper by helper, the best day of visits (担い手ごとの訪問順路): a serve-more construction.

    Helpers with the fewest candidate requests go first; each takes the chain of still-open
    requests that serves most, preferring requests few other helpers can take (weight
    1 + ½ ÷ helpers left), trimmed to the weekly hours cap. Rounds repeat it with a bonus for
    the requests the last round left unserved ("squeaky wheel"), keeping the best plan; every
    plan is re-checked pair by pair by `Plan`, so it is feasible under the shared rules.
    At 2,000 × 800 the first round serves 1,341 where "finish" serves 1,256 (0.1 s a round).
    Stops at `deadline` (the best complete round, or the part of the first one built).

    `x`, an LP solution (one value per pair): one round that weighs each visit by its LP value
    plus LP_CHAIN_EPS × the weight above — the LP says which helper should take which
    request, the chain keeps each helper's day feasible. At 2,000 × 800 with the relaxed
    served LP it serves 1,374 where the plain rounding (`lp_round`) serves 1,332.
    """
    n = len(ta.tasks)
    best_plan = np.full(n, -1, dtype=np.int64)
    if len(pairs) == 0:
        return best_plan
    best_key: tuple[int, int] | None = None
    bonus = np.zeros(n)
    order = sorted(st.helper_pairs, key=lambda h: (st.helper_pairs[h].size, h))
    for _ in range(1 if x is not None else rounds):
        alts = np.bincount(pairs.t, minlength=n).astype(float)
        open_ = np.ones(n, dtype=bool)
        picked: list[np.ndarray] = []
        late = False
        for h in order:
            if time.perf_counter() > deadline:
                late = True
                break
            ks = st.helper_pairs[h]
            ks = ks[open_[pairs.t[ks]]]
            if ks.size == 0:
                continue
            ks = ks[np.argsort(ta.ts[pairs.t[ks]], kind="stable")]
            ti = pairs.t[ks]
            w = 1.0 + 0.5 / np.maximum(alts[ti], 1.0) + bonus[ti]
            if x is not None:
                w = x[ks] + LP_CHAIN_EPS * w
            sel = _best_chain(ta, hx, h, ti, w)
            rem = int(hx.remaining_minutes[h])
            used: dict[int, int] = defaultdict(int)
            for i in sel[np.argsort(-w[sel], kind="stable")].tolist():  # the cap drops the lightest
                wk = int(ta.week[ti[i]])
                if used[wk] + int(ta.minutes[ti[i]]) <= rem:
                    used[wk] += int(ta.minutes[ti[i]])
                    picked.append(ks[i:i + 1])
                    open_[ti[i]] = False
            alts[ti] -= 1
        plan = Plan(ta, hx, pairs)
        if picked:
            plan.fill(np.concatenate(picked))
        key = key_of(pairs, plan.chosen, 0)
        if best_key is None or better(key, best_key):
            best_plan, best_key = plan.chosen, key
        if late:
            break
        bonus[plan.chosen < 0] += 0.2
    return best_plan


LP_CHAIN_EPS = 0.3  # weight of "serve one more" beside the LP value in LP-guided chains
AUGMENT_DEPTH = 8  # most requests moved by one augmenting ejection chain


def augment(ta: TaskArrays, hx: HelperIndex, pairs: Pairs, st: Structure, chosen: np.ndarray,
            deadline: float, depth: int = AUGMENT_DEPTH) -> tuple[np.ndarray, int]:
    """Augmenting ejection chains (玉突きの付け替え): serve one more request at a time.

    From an unserved request, breadth first: it moves to a helper where it clashes with
    exactly one of that helper's requests (and the weekly cap holds with that one out), or
    with none but the weekly cap (one of that week's requests makes room); the displaced
    request looks for a place the same way, and so on for at most `depth` moves,
    until one fits a helper with no clash at all. Every helper appears once in a chain, so
    each move is checked against that helper's own plan (the structure's `conflict_graph` and
    the weekly minutes), and applying the chain serves exactly one more. Passes over the
    unserved requests repeat while a pass served more, until `deadline`.

    Served first: the chain ends at the cheapest helper that fits, but may cost more than
    the plan it replaces (the search that follows lowers the cost). At 2,000 × 800 it takes
    the LP-guided chains from 1,374 to 1,409 served in about a second.
    Returns the new plan (task -> pair) and how many more it serves.
    """
    n_tasks = len(ta.tasks)
    chosen = chosen.copy()
    if len(pairs) == 0:
        return chosen, 0
    ptr, nbr = st.conflict_graph.indptr, st.conflict_graph.indices
    deg = np.diff(ptr)
    lo, hi = task_ranges(pairs, n_tasks)
    on = np.zeros(len(pairs), dtype=bool)  # the pairs of the plan
    on[chosen[chosen >= 0]] = True
    weeks, wk = np.unique(ta.week, return_inverse=True)
    mins = ta.minutes.astype(np.int64)
    used = np.zeros((hx.n, weeks.size), dtype=np.int64)  # (helper, week) -> minutes booked
    ks = chosen[chosen >= 0]
    np.add.at(used, (pairs.h[ks], wk[pairs.t[ks]]), mins[pairs.t[ks]])
    rem = hx.remaining_minutes.astype(np.int64)
    in_chain = np.zeros(hx.n, dtype=bool)
    ar = np.arange(int((hi - lo).max()) if n_tasks else 0)
    added = 0
    again = True
    while again and time.perf_counter() < deadline:
        again = False
        for r in np.flatnonzero((hi > lo) & (chosen < 0)).tolist():
            if time.perf_counter() > deadline:
                break
            if chosen[r] >= 0:
                continue
            # parent[task] = (the task it makes room for, the pair that one moves into)
            parent: dict[int, tuple[int, int] | None] = {r: None}
            level = {r: 0}
            queue = [r]
            end = None
            for x in queue:  # grows while it is read: breadth first
                chain_h = []
                y = x
                while parent[y] is not None:
                    y, k = parent[y]
                    chain_h.append(int(pairs.h[k]))
                a, b = int(lo[x]), int(hi[x])
                s0, s1 = int(ptr[a]), int(ptr[b])
                seg = nbr[s0:s1]
                m = on[seg]
                rows = np.repeat(ar[:b - a], deg[a:b])[m]
                clash = seg[m]
                count = np.bincount(rows, minlength=b - a)
                hs = pairs.h[a:b]
                w = wk[x]
                free = (count == 0) & (used[hs, w] + mins[x] <= rem[hs])
                if chain_h:
                    in_chain[chain_h] = True
                    taken = in_chain[hs]
                    in_chain[chain_h] = False
                    free &= ~taken
                if free.any():
                    c = np.flatnonzero(free)
                    end = (x, a + int(c[np.argmin(pairs.cost[a + c])]))
                    break
                if level[x] >= depth:
                    continue
                only = np.full(b - a, -1, dtype=np.int64)
                only[rows] = clash
                # One clash, or none but the weekly cap: that helper's one request makes room.
                for j in np.flatnonzero(count <= 1).tolist():
                    if chain_h and taken[j]:
                        continue
                    h = int(hs[j])
                    if count[j]:
                        ys = pairs.t[only[j:j + 1]]
                    else:  # the helper's requests of that week long enough to free the minutes
                        mine = st.helper_pairs[h]
                        ys = pairs.t[mine[on[mine]]]
                        ys = ys[(wk[ys] == w) & (used[h, w] - mins[ys] + mins[x] <= rem[h])]
                    for y in ys.tolist():
                        if y in parent:
                            continue
                        out = mins[y] if wk[y] == w else 0
                        if used[h, w] - out + mins[x] > rem[h]:
                            continue
                        parent[y] = (x, a + j)
                        level[y] = level[x] + 1
                        queue.append(y)
            if end is None:
                continue
            moves = [end]
            x = end[0]
            while parent[x] is not None:
                moves.append(parent[x])
                x = parent[x][0]
            for t_, _k in moves:  # each request leaves its helper …
                if chosen[t_] >= 0:
                    old = int(chosen[t_])
                    on[old] = False
                    used[pairs.h[old], wk[t_]] -= mins[t_]
            for t_, k_ in moves:  # … and joins the next one
                chosen[t_] = k_
                on[k_] = True
                used[pairs.h[k_], wk[t_]] += mins[t_]
            added += 1
            again = True
    return chosen, added


def one_each(ta: TaskArrays, hx: HelperIndex, pairs: Pairs) -> np.ndarray:
    """The cheapest plan that gives every helper at most one request (一人一件の最小費用割当て).

    One request per helper never conflicts (every pair is feasible on its own), so the
    min-cost maximum bipartite matching — LAPJVsp in SciPy, a dummy "unserved" column per
    request costing more than any chain of reassignments can save — is a feasible plan. Where
    helpers outnumber requests it serves almost as many as the optimum at close to the LP's
    lower bound on cost (town(10000, 50000): 9,426 of 9,454 at 29,269 against the bound 29,289
    at 9,454, in 0.7 s), so a short repair gives a near-optimal start for the search.
    """
    from scipy import sparse
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    n_t = len(ta.tasks)
    chosen = np.full(n_t, -1, dtype=np.int64)
    if len(pairs) == 0:
        return chosen
    helpers, hpos = np.unique(pairs.h, return_inverse=True)
    w = pairs.cost.astype(float) / 1000.0
    w = w - w.min() + 1.0  # positive (an explicit zero would be a missing edge)
    big = 4.0 * n_t * float(w.max())  # unserving one request costs more than any chain saves
    rows = np.concatenate([pairs.t, np.arange(n_t)])
    cols = np.concatenate([hpos, helpers.size + np.arange(n_t)])
    vals = np.concatenate([w, np.full(n_t, big)])
    g = sparse.csr_matrix((vals, (rows, cols)), shape=(n_t, helpers.size + n_t))
    r, c = min_weight_full_bipartite_matching(g)
    real = c < helpers.size
    r, c = r[real], c[real]
    idx = sparse.csr_matrix((np.arange(1, len(pairs) + 1, dtype=np.int64), (pairs.t, hpos)),
                            shape=(n_t, helpers.size))
    ks = np.asarray(idx[r, c]).ravel() - 1
    plan = Plan(ta, hx, pairs)
    plan.fill(ks[np.argsort(r)])  # re-checked by the shared rule, though one each cannot clash
    return plan.chosen


def flow_bound(st: Structure, pairs: Pairs, n_tasks: int) -> int:
    """Upper bound on served by max flow: each task once, each helper at most kmax tasks."""
    from scipy import sparse
    from scipy.sparse.csgraph import maximum_flow

    if len(pairs) == 0:
        return 0
    helpers = np.unique(pairs.h)
    hpos = np.searchsorted(helpers, pairs.h)
    nt, nh = n_tasks, helpers.size
    src, sink = nt + nh, nt + nh + 1
    caps_h = np.array([st.kmax.get(int(h), 1) for h in helpers.tolist()], dtype=np.int32)
    rows = np.concatenate([np.full(nt, src), pairs.t, nt + np.arange(nh)])
    cols = np.concatenate([np.arange(nt), nt + hpos, np.full(nh, sink)])
    caps = np.concatenate([np.ones(nt, dtype=np.int32), np.ones(len(pairs), dtype=np.int32), caps_h])
    g = sparse.csr_matrix((caps, (rows, cols)), shape=(nt + nh + 2, nt + nh + 2))
    return int(maximum_flow(g, src, sink).flow_value)


def flow_cost_bound(st: Structure, pairs: Pairs, n_tasks: int, step: int, served: int) -> int | None:
    """Lower bound on the integer cost of serving exactly `served`, by min-cost flow.

    The relaxation keeps each request once, each helper at most `kmax` requests and the load
    penalty (the helper's k-th unit costs step·(k−1)), and drops time conflicts and weekly
    caps, so every feasible plan serving `served` is a flow of that size. Always available
    (OR-Tools' min-cost flow: 0.35 s at 269,657 pairs); weaker than the LP where helpers are
    scarce (town(2000, 800): 5,798 against the LP's 7,179), within 1.2 % of it where they are
    plentiful (town(10000, 50000): 28,959 against 29,289). None when no flow of that size exists.
    """
    from ortools.graph.python import min_cost_flow

    if served <= 0 or len(pairs) == 0:
        return 0 if served <= 0 else None
    helpers, hpos = np.unique(pairs.h, return_inverse=True)
    nh = helpers.size
    src, sink = n_tasks + nh, n_tasks + nh + 1
    kmax = np.array([max(1, st.kmax.get(int(h), 1)) for h in helpers.tolist()], dtype=np.int64)
    hh = np.repeat(np.arange(nh), kmax)
    kk = np.arange(hh.size) - np.repeat(np.cumsum(kmax) - kmax, kmax)  # 0, 1, … per helper
    shift = max(0, -int(pairs.cost.min()))  # non-negative arc costs; served·shift taken off
    starts = np.concatenate([np.full(n_tasks, src), pairs.t, n_tasks + hh]).astype(np.int32)
    ends = np.concatenate([np.arange(n_tasks), n_tasks + hpos, np.full(hh.size, sink)]).astype(np.int32)
    costs = np.concatenate([np.zeros(n_tasks, dtype=np.int64), pairs.cost.astype(np.int64) + shift,
                            int(step) * kk])
    f = min_cost_flow.SimpleMinCostFlow()
    f.add_arcs_with_capacity_and_unit_cost(starts, ends, np.ones(starts.size, dtype=np.int64), costs)
    f.set_node_supply(src, int(served))
    f.set_node_supply(sink, -int(served))
    if f.solve() != f.OPTIMAL:
        return None
    return int(f.optimal_cost()) - int(served) * shift


class ChainLagrangian:
    """A Lagrangian lower bound on the cost of serving at least s requests (ラグランジュ緩和).

    Multipliers λ_t ≥ 0 price "each request once" and μ ≥ 0 prices "at least s served"; what is
    left falls apart by helper: each helper's cheapest chain of visits — one after another in
    the "then" graph of `_best_chain` (pairwise compatible by the triangle inequality, so the
    chains are exactly a helper's feasible plans), at most `kmax` of them, the load penalty
    step·(k−1) on the k-th — found exactly by a DP over (last visit, number of visits).
    Weekly caps are dropped (a relaxation). So for every (λ, μ)

        L(λ, μ; s) = Σ_h min_chain Σ_{k∈chain} (c_k + λ_t(k) − μ) + load − Σ_t λ_t + μ·s

    is a lower bound on the integer cost of any plan serving at least s — linear in s with
    slope μ, so each iterate is a tangent valid at every served count. `ascend` improves the
    multipliers by subgradient steps (Polyak, towards a known plan's cost)."""

    #: Step size control: halve after this many iterations without a better bound.
    PATIENCE = 10
    #: The Polyak target: this share of the way from the best bound to the plan's cost.
    TARGET = 0.3

    def __init__(self, ta: TaskArrays, hx: HelperIndex, pairs: Pairs, st: Structure, n_tasks: int, step: int):
        self.pairs, self.n_tasks, self.step = pairs, n_tasks, int(step)
        self.cost = pairs.cost.astype(np.float64)
        self.helpers = []  # (pair indices by start, task indices, "then" matrix, kmax)
        for h, ks in st.helper_pairs.items():
            if ks.size == 0:
                continue
            ti = pairs.t[ks]
            order = np.argsort(ta.ts[ti], kind="stable")
            ks, ti = ks[order], ti[order]
            self.helpers.append((ks, ti, then_graph(ta, hx, h, ti), max(1, int(st.kmax.get(h, 1)))))

    def solve_helpers(self, lam: np.ndarray, mu: float) -> tuple[float, np.ndarray]:
        """(Σ_h the cheapest chain's priced cost (≤ 0: the empty chain costs 0), chosen pairs)."""
        total = 0.0
        x = np.zeros(len(self.pairs), dtype=np.int8)
        step = self.step
        for ks, ti, then, kmax in self.helpers:
            gain = mu - self.cost[ks] - lam[ti]
            useful = gain > 0
            if not useful.any():
                continue
            c = ks.size
            best = np.full((c, kmax), -np.inf)  # best[i, j]: a chain ending at i with j+1 visits
            prev = np.full((c, kmax), -1, dtype=np.int64)
            best[:, 0] = np.where(useful, gain, -np.inf)
            if kmax > 1:
                penalty = step * np.arange(1, kmax)
                for i in np.flatnonzero(useful[1:]) + 1:
                    m = then[:i, i]
                    if not m.any():
                        continue
                    cand = np.where(m[:, None], best[:i, :kmax - 1], -np.inf)
                    j = np.argmax(cand, axis=0)
                    new = cand[j, np.arange(kmax - 1)] + gain[i] - penalty
                    up = new > best[i, 1:]
                    best[i, 1:] = np.where(up, new, best[i, 1:])
                    prev[i, 1:] = np.where(up, j, prev[i, 1:])
            i, j = np.unravel_index(int(np.argmax(best)), best.shape)
            value = float(best[i, j])
            if value <= 0:
                continue
            total -= value
            while i >= 0 and j >= 0:
                x[ks[i]] = 1
                i, j = int(prev[i, j]), j - 1
        return total, x

    def ascend(self, served_now, cost_now, deadline: float, on_bound=None, lam=None, mu=None,
               max_iterations: int | None = None) -> dict:
        """Subgradient ascent until `deadline`. `served_now()` / `cost_now()` give the search's
        served count and its plan's integer cost (the Polyak target). Each iterate that raises
        the bound at the current count is passed to `on_bound(L(s), s, μ, iterations)`. Returns the best
        bound, its (s, μ) and the iterations run."""
        lam = np.zeros(self.n_tasks) if lam is None else lam
        if mu is None:  # start where serving pays for a visit of median cost (μ ≥ 0: costs may be < 0)
            mu = max(0.0, 1.5 * float(np.median(self.cost))) if self.cost.size else 0.0
        mu = max(0.0, float(mu))
        theta, stale = 1.0, 0
        best = (-np.inf, 0, 0.0)
        iterations = 0
        t_of = self.pairs.t
        while time.perf_counter() < deadline and (max_iterations is None or iterations < max_iterations):
            s = int(served_now())
            value, x = self.solve_helpers(lam, mu)
            iterations += 1
            bound = value - float(lam.sum()) + mu * s
            # The best iterate so far, carried to this count by its own slope.
            here = best[0] + best[2] * (s - best[1]) if np.isfinite(best[0]) else -np.inf
            if bound > here + 1e-9 * max(1.0, abs(bound)):
                best, here, stale = (bound, s, mu), bound, 0
                if on_bound is not None:
                    on_bound(bound, s, mu, iterations)
            else:
                stale += 1
                if stale >= self.PATIENCE:
                    theta, stale = theta / 2, 0
            per_task = np.bincount(t_of, weights=x, minlength=self.n_tasks)
            g = per_task - 1.0
            g[(lam <= 0) & (g < 0)] = 0.0
            g_mu = s - float(x.sum())
            if mu <= 0 and g_mu < 0:
                g_mu = 0.0
            norm = float(g @ g) + g_mu * g_mu
            if norm == 0:  # the sub-problems' plan is feasible: the bound is the optimum
                break
            target = here + self.TARGET * (max(float(cost_now()), here) - here)
            size = theta * max(target - bound, 1.0) / norm
            lam = np.maximum(0.0, lam + size * g)
            mu = max(0.0, mu + size * g_mu)
        return {"bound": best[0], "at": best[1], "slope": best[2], "iterations": iterations}


def _chain_bounds(conn, lagrangian: ChainLagrangian, served_now, cost_now, deadline: float, t0: float) -> None:
    def send(bound, at, slope, iterations):
        conn.send(("chain", bound, at, slope, time.perf_counter() - t0, iterations))

    lagrangian.ascend(lambda: served_now.value, lambda: cost_now.value, deadline, on_bound=send)


def _lp(c, A, b, time_limit):
    from scipy.optimize import linprog

    return linprog(c, A_ub=A, b_ub=b, bounds=(0, 1), method="highs-ipm",
                   options={"time_limit": max(0.5, time_limit)})


def lp_worker(conn, st: Structure, pairs: Pairs, n_tasks: int, step: int, served_now,
              time_limit: float, ta: TaskArrays | None = None, hx: HelperIndex | None = None,
              cost_now=None, chains: bool | None = None) -> None:
    """In a worker process: the LP bound on served, then LP bounds on cost at the served
    count the search has reached (again while that count keeps growing and time is left).

    Sends ("served", ⌊LP⌋, LP value, x, seconds) — first for the LP without the pairwise
    travel conflicts when there are any (a relaxation of the LP, so still an upper bound,
    and several times faster: 15 s against 99 s at 10,000 requests × 4,000 helpers), then
    for the whole LP when it is expected back in time — then for each cost LP
    ("cost", bound, at_served, slope, x, seconds), then ("done",). The cost LPs use the whole
    LP when it was solved, the relaxed one otherwise (weaker, still a valid lower bound).
    `slope` is the LP's marginal cost of serving one more (the dual of the served row, ≥ 0):
    the LP optimum f(s) is convex in s, so f(at) + slope·(s − at) is a lower bound at every s
    (a tangent).

    Where the whole LP is not expected back in time (city scale, where the cost LP does not
    return within the minute either) and the task and helper arrays are given, the
    `ChainLagrangian` runs first for 60 % of the time left, reading the search's plan cost
    from `cost_now`, and sends each improving iterate ("chain", bound, at_served, μ, seconds,
    iterations) — also a tangent — before the cost LP gets what is left. `chains=True` runs
    that phase whatever the size (tests), `False` never.
    """
    from dataclasses import replace

    from scipy import sparse

    t0 = time.perf_counter()

    def left() -> float:
        return time_limit - (time.perf_counter() - t0)

    def served_lp(A, b, nx, ny):
        r = _lp(np.concatenate([-np.ones(nx), np.zeros(ny)]), A, b, left())
        if r.status != 0:
            return None
        val = float(-r.fun)
        # Interior point stops within its tolerance (1e-8 relative): round up past it.
        conn.send(("served", int(np.floor(val * (1 + 1e-7) + 1e-6)), val, r.x[:nx],
                   time.perf_counter() - t0))
        return val

    try:
        A, b, cost, nx, ny = _lp_matrix(st, pairs, n_tasks, step)
        solved = None  # (A, b, cost, served bound) of the LP the cost phase uses
        if st.edges.shape[0]:
            relaxed = replace(st, edges=np.zeros((0, 2), dtype=st.edges.dtype))
            A0, b0, cost0, _, _ = _lp_matrix(relaxed, pairs, n_tasks, step)
            t_relaxed = time.perf_counter()
            val = served_lp(A0, b0, nx, ny)
            t_relaxed = time.perf_counter() - t_relaxed
            if val is not None:
                solved = (A0, b0, cost0, val)
                # Interior-point time grows about half as fast as the rows (measured:
                # ×3.8 for ×9 rows at 2,000 × 800, ×6.5 for ×13 at 10,000 × 4,000).
                expected = t_relaxed * 0.5 * A.shape[0] / max(A0.shape[0], 1)
                if 2.0 * expected > 0.8 * left():  # the whole LP and one cost LP would not fit
                    A = None
        if (chains or (chains is None and A is None)) and ta is not None and hx is not None \
                and cost_now is not None:
            _chain_bounds(conn, ChainLagrangian(ta, hx, pairs, st, n_tasks, step), served_now, cost_now,
                          time.perf_counter() + 0.6 * left(), t0)
        if A is not None:
            val = served_lp(A, b, nx, ny)
            if val is not None:
                solved = (A, b, cost, val)
        if solved is None:
            conn.send(("failed", "LP not solved in time", time.perf_counter() - t0))
            return
        A, b, cost, val = solved
        ub = int(np.floor(val * (1 + 1e-7) + 1e-6))
        row = sparse.csr_matrix(np.concatenate([-np.ones(nx), np.zeros(ny)])[None, :])
        A2 = sparse.vstack([A, row], format="csr")
        done: list[int] = []
        while True:
            s = min(int(served_now.value), ub)
            if s in done or (done and left() < 1.5 * (time.perf_counter() - t0) / (len(done) + 1)):
                break  # nothing new to bound, or the next LP would not be back in time
            r2 = _lp(cost, A2, np.concatenate([b, [-float(s)]]), left())
            if r2.status != 0:
                if not done:
                    conn.send(("failed", r2.status, time.perf_counter() - t0))
                    return
                break
            lb = float(r2.fun) - 1e-6 * max(1.0, abs(float(r2.fun)))
            marg = getattr(getattr(r2, "ineqlin", None), "marginals", None)
            slope = max(0.0, -float(marg[-1])) if marg is not None else None
            conn.send(("cost", lb, s, slope, r2.x[:nx], time.perf_counter() - t0))
            done.append(s)
        conn.send(("done",))
    except Exception as exc:  # noqa: BLE001 (the parent only needs to know it failed)
        conn.send(("failed", repr(exc)[:200], time.perf_counter() - t0))
    finally:
        conn.close()
