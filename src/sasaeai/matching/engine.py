"""The three matching modes (マッチングの3つのモード).

* `rank` — instant: every helper for one task, best first, plus the rejections with reasons.
  Helper arrays are built once per helper list and reused (`arrays.index_for`); without the
  rejection list only the helpers a k-d tree finds within reach are looked at, and
  explanations are made only for the candidates returned.
* `assign_greedy` — the first-come baseline of broadcast platforms: tasks in the order they
  were created, each taken by the first helper who "answers" (lowest helper id among those
  still feasible).
* `assign_batch` — lexicographic optimum (first the number served, then the total cost) within
  a wall-clock limit, with a bound: the instance is split into independent components; small
  ones are solved exactly by CP-SAT, large ones start from the better of greedy and an LP
  rounding and are improved by a large-neighbourhood search (CP-SAT on a neighbourhood, the
  rest fixed); the LP relaxation bounds what any assignment could reach. See docs/matching.md.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import numpy as np

from . import solve
from .arrays import (
    HelperIndex,
    Pairs,
    TaskArrays,
    feasible_pairs,
    haversine_pairs,
    index_for,
    pair_costs,
    time_codes,
)
from .constraints import check
from .model import (
    REJECTION_CODES,
    Assignment,
    Candidate,
    ChosenCandidates,
    HelperCandidate,
    Rejection,
    Task,
    Weights,
)
from .scoring import COST_SCALE, int_cost, make_candidate
from .structure import Structure, build

#: A component with at most this many pair variables is solved exactly by CP-SAT.
EXACT_VARS = 6_000
#: Pair variables of one large-neighbourhood-search neighbourhood (first pass).
LNS_VARS = 2_500
#: Neighbourhoods double after a pass without a gain, up to this many pair variables.
LNS_MAX_VARS = 9_600
#: CP-SAT deterministic seconds per neighbourhood.
LNS_SECONDS = 1.0
#: Below this many helpers `rank` does not bother with the k-d tree.
NEAR_MIN = 2_000
STRATEGIES = ("auto", "exact", "lns", "weighted", "phases")
#: The shipped wall-clock limit: (requests, seconds) at both ends of a straight line.
DEFAULT_LIMIT = ((2_000, 10.0), (10_000, 60.0))
# Weekly caps count ISO weeks (Monday–Sunday) in Japan time, whatever tz the datetimes carry
# (the database hands out UTC; Japan has no daylight saving, so a fixed offset is exact).
WEEK_TZ = timezone(timedelta(hours=9), "JST")


def week_of(moment: datetime) -> tuple[int, int]:
    """(ISO year, ISO week) of an aware datetime, in Japan time."""
    iso = moment.astimezone(WEEK_TZ).isocalendar()
    return (iso[0], iso[1])


def default_time_limit(n_tasks: int) -> float:
    """The shipped wall-clock limit of a batch run (既定の制限時間), preparation included:
    10 s up to 2,000 requests, growing linearly to 60 s at 10,000 (a city-day on 2 cores)
    and no more above. A coordinator with a town's day of requests does not wait a minute;
    a city's day gets the minute its size needs."""
    (n0, s0), (n1, s1) = DEFAULT_LIMIT
    return float(np.interp(n_tasks, [n0, n1], [s0, s1]))


def _unique_ids(items: Iterable, what: str) -> None:
    seen: set[int] = set()
    for it in items:
        if it.id in seen:
            raise ValueError(f"duplicate {what} id {it.id}")
        seen.add(it.id)


# ------------------------------------------------------------------------------------- instant
def rank(
    task: Task,
    helpers,
    weights: Weights = Weights(),  # noqa: B008 (frozen dataclass)
    limit: int | None = None,
    *,
    rejections: bool = True,
) -> tuple[list[Candidate], list[Rejection]]:
    """Rank every helper for one task: (candidates best first, rejections by helper id).

    Candidates are ordered by (cost, helper id); `limit` truncates the candidate list only.
    `helpers` is a sequence of HelperCandidate or a `HelperIndex`; the arrays of a list are
    kept and reused while the same list object is passed again. With `rejections=False` only
    helpers within reach (k-d tree) are evaluated and the rejection list is empty.
    """
    hx = index_for(helpers)
    if hx.n == 0:
        return [], []
    ta = TaskArrays.of([task])
    if rejections or hx.n < NEAR_MIN:
        idx = np.arange(hx.n)
    else:
        idx = hx.near(task.place.lat, task.place.lon)
    pt = np.zeros(idx.size, dtype=np.intp)
    d = haversine_pairs(ta.lat[pt], ta.lon[pt], hx.lat[idx], hx.lon[idx])
    codes = _codes(task, ta, hx, idx, pt, d)
    feasible = ~codes.any(axis=1)
    # Blocks and commitments with holes in their slots: the scalar check decides.
    slow = hx.irregular[idx].copy()
    if task.blocked_helper_ids:
        slow |= np.isin(hx.ids[idx], list(task.blocked_helper_ids))
    if hx.blocks:
        slow |= np.isin(idx, list(hx.blocks))
    slow_codes: dict[int, tuple[str, ...]] = {}
    for k in np.flatnonzero(slow).tolist():
        c = check(task, hx.helpers[idx[k]], distance_km=float(d[k]))
        slow_codes[k] = c
        feasible[k] = not c
    f = np.flatnonzero(feasible)
    cost = pair_costs(ta, hx, pt[f], idx[f], d[f], weights)
    order = np.lexsort((hx.ids[idx[f]], cost))
    if limit is not None:
        order = order[:limit]
    candidates = [make_candidate(task, hx.helpers[idx[f[k]]], float(d[f[k]]), weights)
                  for k in order.tolist()]
    rejected: list[Rejection] = []
    if rejections:
        bits = codes.astype(np.int64) @ (1 << np.arange(len(REJECTION_CODES), dtype=np.int64))
        names: dict[int, tuple[str, ...]] = {}
        rej = np.flatnonzero(~feasible)
        rej = rej[np.argsort(hx.ids[idx[rej]], kind="stable")]
        for k, b, hid in zip(rej.tolist(), bits[rej].tolist(), hx.ids[idx[rej]].tolist(), strict=True):
            if k in slow_codes:
                rejected.append(Rejection(hid, slow_codes[k]))
                continue
            t = names.get(b)
            if t is None:
                t = names[b] = tuple(c for j, c in enumerate(REJECTION_CODES) if b >> j & 1)
            rejected.append(Rejection(hid, t))
    return candidates, rejected


def _codes(task: Task, ta: TaskArrays, hx: HelperIndex, idx, pt, d) -> np.ndarray:
    """(helpers, REJECTION_CODES) boolean matrix of failing constraints (blocks excluded)."""
    out = np.zeros((idx.size, len(REJECTION_CODES)), dtype=bool)
    out[:, 0] = ~hx.active[idx]
    out[:, 1] = ~hx.verified[idx]
    out[:, 2] = ~hx.skill(task.category)[idx]
    if task.required_qualifications:
        out[:, 3] = ~hx.qualified(task.required_qualifications)[idx]
    out[:, 5] = d > hx.radius[idx]
    u, w, o, t = time_codes(ta, hx, pt, idx)
    out[:, 6], out[:, 7], out[:, 8], out[:, 9] = u, w, o, t
    return out


# --------------------------------------------------------------------------------- preparation
@dataclass
class _Problem:
    """A batch instance as arrays: tasks, helpers, feasible pairs (sorted by task, helper id)."""

    ta: TaskArrays
    hx: HelperIndex
    pairs: Pairs
    weights: Weights
    seconds: float = 0.0

    @property
    def tasks(self) -> list[Task]:
        return self.ta.tasks

    @property
    def helpers(self) -> list[HelperCandidate]:
        return self.hx.helpers

    def candidate(self, k: int) -> Candidate:
        return make_candidate(self.ta.tasks[self.pairs.t[k]], self.hx.helpers[self.pairs.h[k]],
                              float(self.pairs.dist[k]), self.weights)


def _prepare(tasks: Sequence[Task], helpers: Sequence[HelperCandidate], weights: Weights) -> _Problem:
    t0 = time.perf_counter()
    tasks, helpers = list(tasks), list(helpers)
    _unique_ids(tasks, "task")
    _unique_ids(helpers, "helper")
    ta = TaskArrays.of(tasks)
    hx = HelperIndex(helpers)
    pairs = feasible_pairs(tasks, hx, weights, ta)
    return _Problem(ta, hx, pairs, weights, time.perf_counter() - t0)


def _result(p: _Problem, chosen: np.ndarray, method: str, stats: dict) -> Assignment:
    """An Assignment from task index -> pair index (−1: unassigned), with the exact total."""
    step = int_cost(p.weights.load)
    served, total = solve.key_of(p.pairs, chosen, step)
    ti = np.flatnonzero(chosen >= 0)
    k = chosen[ti]
    tids = [p.tasks[i].id for i in ti.tolist()]
    pairs_out = dict(zip(tids, p.hx.ids[p.pairs.h[k]].tolist(), strict=True))
    cands = ChosenCandidates(dict(zip(tids, k.tolist(), strict=True)), p.candidate)
    unassigned = tuple(t.id for ti, t in enumerate(p.tasks) if chosen[ti] < 0)
    # km as each Candidate has it (rounded to the metre), without making the Candidates
    km = sum(round(x, 3) for x in p.pairs.dist[k].tolist())
    load_int = total - int(p.pairs.cost[chosen[chosen >= 0]].sum())
    stats = dict(stats)
    stats.update(
        served=served, tasks=len(p.tasks), helpers=len(p.helpers), feasible_pairs=len(p.pairs),
        distance_km=round(km, 3),
        load_penalty=load_int / COST_SCALE,
    )
    return Assignment(pairs_out, cands, unassigned, total / COST_SCALE, method, stats)


def _key(a: Assignment) -> tuple[int, float]:
    """Lexicographic quality: more served first, then lower cost (smaller key is better)."""
    return (-a.served, a.total_cost)


# -------------------------------------------------------------------------------------- greedy
def assign_greedy(
    tasks: Sequence[Task],
    helpers: Sequence[HelperCandidate],
    weights: Weights = Weights(),  # noqa: B008
) -> Assignment:
    """First-come baseline: tasks by created_at, each to the lowest-id feasible helper."""
    t0 = time.perf_counter()
    p = _prepare(tasks, helpers, weights)
    chosen = solve.greedy(p.ta, p.hx, p.pairs)
    return _result(p, chosen, "greedy", {"seconds": time.perf_counter() - t0,
                                         "prepare_seconds": round(p.seconds, 4)})


# --------------------------------------------------------------------------------------- batch
@dataclass
class Bound:
    """What no assignment of this batch can beat (上界・下界).

    `served_ub`: an upper bound on people served; `cost_lb`: a lower bound on the total cost
    (km-equivalents) of any assignment serving as many as the solution in each component;
    `optimal`: the solution is proven to be the lexicographic optimum.
    """

    served_ub: int
    cost_lb: float | None
    optimal: bool
    seconds: float = 0.0
    source: str = ""

    def gaps(self, served: int, cost: float) -> tuple[float, float | None]:
        """(served gap %, cost gap %) of a solution against this bound."""
        sg = 0.0 if self.served_ub <= 0 else max(0.0, 100.0 * (self.served_ub - served) / self.served_ub)
        if self.cost_lb is None:
            return sg, None
        if self.optimal or cost <= self.cost_lb + 0.0005:
            return sg, 0.0
        if self.cost_lb <= 0:
            return sg, None
        return sg, 100.0 * (cost - self.cost_lb) / self.cost_lb


def gap_percent(stats: dict) -> float | None:
    """The one figure shown: 0.0 when proven optimal, else the larger gap rounded up to 0.1 %."""
    if stats.get("optimal"):
        return 0.0
    sg, cg = stats.get("gap_served_percent"), stats.get("gap_cost_percent")
    if sg is None:
        return None
    g = max(sg, cg if cg is not None else 0.0)
    if cg is None and sg == 0.0:
        return None
    return math.ceil(g * 10 - 1e-9) / 10


@dataclass
class _Part:
    """A set of components solved together (exact: one CP-SAT each; large: LP + LNS)."""

    pairs: Pairs
    mask: np.ndarray  # which of the problem's pairs
    st: Structure
    comps: list[np.ndarray] = field(default_factory=list)  # local pair indices per component


def _subpairs(pairs: Pairs, mask: np.ndarray) -> Pairs:
    return Pairs(pairs.t[mask], pairs.h[mask], pairs.dist[mask], pairs.cost[mask])


def _components(p: _Problem) -> np.ndarray:
    """Connected component of each pair (tasks and helpers linked by feasible pairs)."""
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    nt, nh = len(p.tasks), len(p.helpers)
    if len(p.pairs) == 0:
        return np.zeros(0, dtype=np.int64)
    g = sparse.coo_matrix((np.ones(len(p.pairs)), (p.pairs.t, nt + p.pairs.h)), shape=(nt + nh, nt + nh))
    _, labels = connected_components(g, directed=False)
    return labels[p.pairs.t]


def assign_batch(
    tasks: Sequence[Task],
    helpers: Sequence[HelperCandidate],
    weights: Weights = Weights(),  # noqa: B008
    time_limit_s: float | None = None,
    *,
    num_workers: int = 1,
    random_seed: int = 0,
    max_candidates_per_task: int | None = None,
    solver_params: dict | None = None,
    deterministic: bool = True,
    strategy: str = "auto",
) -> Assignment:
    """Lexicographic batch assignment (served, then cost) within `time_limit_s` wall clock
    (default `default_time_limit(len(tasks))`: 10 s up to 2,000 requests, 60 s at 10,000).

    The whole call — preparation, model building, solving, bound — stays within the limit
    (plus the time of one last LP solve that is started only when it is expected to fit).
    The result is never lexicographically worse than greedy; `method` says what produced it:
    "batch:cp-sat" (every component solved exactly), "batch:cp-sat+construct+lp+lns", … or
    "batch:greedy" when nothing better was found (then `stats["fallback"]` is true).
    `stats` carries the bound: "bound_served", "bound_cost", "gap_served_percent",
    "gap_cost_percent", "gap_percent" and "optimal".

    `strategy`: "auto" (exact up to EXACT_VARS pair variables per component, LP + LNS above),
    "exact" (CP-SAT on every component whatever its size; "weighted"/"phases" are the old
    names of that) or "lns" (LP rounding + LNS on every component, no exactness).
    CP-SAT uses deterministic time (`deterministic=True`), so small instances give the same
    answer on every run; the LNS stops at the wall-clock limit, so large ones may differ.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}")
    if strategy in ("weighted", "phases"):
        strategy = "exact"
    t0 = time.perf_counter()
    if time_limit_s is None:
        time_limit_s = default_time_limit(len(tasks))
    deadline = t0 + float(time_limit_s)
    weights = weights or Weights()
    step = int_cost(weights.load)
    p = _prepare(tasks, helpers, weights)
    g_chosen = solve.greedy(p.ta, p.hx, p.pairs)
    all_pairs = len(p.pairs)
    if max_candidates_per_task is not None and all_pairs:
        rank_in_task = np.zeros(all_pairs, dtype=np.int64)
        order = np.lexsort((p.hx.ids[p.pairs.h], p.pairs.cost, p.pairs.t))
        lo, _hi = solve.task_ranges(p.pairs, len(p.tasks))
        rank_in_task[order] = np.arange(all_pairs) - lo[p.pairs.t[order]]
        keep = rank_in_task < max_candidates_per_task
        keep[g_chosen[g_chosen >= 0]] = True
        remap = np.cumsum(keep) - 1
        p.pairs = _subpairs(p.pairs, keep)
        g_chosen = np.where(g_chosen >= 0, remap[np.maximum(g_chosen, 0)], -1)
    greedy_key = solve.key_of(p.pairs, g_chosen, step)
    prep_s = time.perf_counter() - t0
    # Kept back for building the result (one Candidate per served task) and stopping the LP.
    reserve = 0.3 + 0.0004 * len(p.tasks)

    comp = _components(p)
    labels, sizes = np.unique(comp, return_counts=True)
    small_labels = set(labels.tolist()) if strategy == "exact" else (
        set() if strategy == "lns" else set(labels[sizes <= EXACT_VARS].tolist()))
    small_mask = np.isin(comp, list(small_labels)) if len(p.pairs) else np.zeros(0, dtype=bool)
    chosen = g_chosen.copy()
    methods: set[str] = set()
    stats: dict = {"prepare_seconds": round(prep_s, 4), "variables": len(p.pairs),
                   "feasible_pairs_before_pruning": all_pairs, "strategy": strategy,
                   "components": int(labels.size),
                   "components_exact": len(small_labels), "time_limit_s": time_limit_s}
    served_ub = 0
    cost_lb: float | None = 0.0
    proven = True
    n_conflicts = n_cliques = 0

    # Exact part: one CP-SAT model per component (greedy as the hint).
    if small_mask.any():
        part_pairs = _subpairs(p.pairs, small_mask)
        local = np.full(len(p.pairs), -1, dtype=np.int64)
        local[small_mask] = np.arange(int(small_mask.sum()))
        st = build(p.ta, p.hx, part_pairs)
        n_conflicts += st.conflicts
        n_cliques += len(st.cliques)
        cl = solve.Cliques(st, part_pairs)
        pc = comp[small_mask]
        order = np.argsort(pc, kind="stable")
        cut = np.flatnonzero(np.diff(pc[order])) + 1
        groups = np.split(order, cut)
        total_vars = int(small_mask.sum())
        small_idx = np.flatnonzero(small_mask)
        # The exact part gets its share of the time: all of it when there is no large part.
        exact_end = deadline - reserve if small_mask.all() else (
            time.perf_counter() + (deadline - reserve - time.perf_counter())
            * min(0.6, total_vars / max(len(p.pairs), 1) + 0.1))
        statuses: dict[str, int] = {}
        done_vars = 0
        for grp in groups:
            helpers_c = sorted(set(part_pairs.h[grp].tolist()))
            tasks_c = np.unique(part_pairs.t[grp])
            allowed = np.zeros(len(p.tasks), dtype=bool)
            allowed[tasks_c] = True
            hint = {int(ti): int(local[g_chosen[ti]]) for ti in tasks_c.tolist() if g_chosen[ti] >= 0}
            left = exact_end - time.perf_counter()
            share = max(0.05, left * grp.size / max(total_vars - done_vars, 1))
            done_vars += grp.size
            res = solve.cpsat(p.ta, part_pairs, cl, helpers_c, allowed, step, hint, share,
                              num_workers=num_workers, random_seed=random_seed,
                              deterministic=deterministic, solver_params=solver_params,
                              wall_limit=max(0.05, min(share * 2, exact_end - time.perf_counter())))
            statuses[res.status] = statuses.get(res.status, 0) + 1
            new = np.full(tasks_c.size, -1, dtype=np.int64)
            pos = {int(ti): j for j, ti in enumerate(tasks_c.tolist())}
            for ti, k in res.chosen.items():
                new[pos[ti]] = small_idx[k]
            sub_new = solve.key_of(p.pairs, new, step)
            sub_old = solve.key_of(p.pairs, chosen[tasks_c], step)
            if not solve.better(sub_old, sub_new):
                chosen[tasks_c] = new
            if res.optimal:
                served_ub += sub_new[0]
                if cost_lb is not None:
                    cost_lb += sub_new[1]
            else:
                proven = False
                served_ub += int(tasks_c.size)
                cost_lb = None
        methods.add("cp-sat")
        stats["exact_status"] = statuses
        total = len(groups)
        stats["phase1"] = stats["phase2"] = "OPTIMAL" if statuses.get("OPTIMAL", 0) == total else (
            "FEASIBLE" if statuses else "UNKNOWN")

    # Large part: the best construction, LNS until the deadline; LP bound in a worker process.
    large_mask = ~small_mask
    lp_info: dict = {}
    if large_mask.any():
        proven = False
        part_pairs = _subpairs(p.pairs, large_mask)
        global_idx = np.flatnonzero(large_mask)
        local = np.full(len(p.pairs), -1, dtype=np.int64)
        local[large_mask] = np.arange(global_idx.size)
        st = build(p.ta, p.hx, part_pairs)
        n_conflicts += st.conflicts
        n_cliques += len(st.cliques)
        tasks_l = np.unique(part_pairs.t)
        in_large = np.zeros(len(p.tasks), dtype=bool)
        in_large[tasks_l] = True
        cur = np.where(in_large & (chosen >= 0), local[np.maximum(chosen, 0)], -1)
        cur_key = solve.key_of(part_pairs, cur, step)
        # The LP starts first, in its worker process, so that its cost phase can arrive in
        # time at city scale; it reads the served count the search reaches as it goes.
        # Where helpers are scarce and the whole LP is too slow, it also prices each helper's
        # best chain (`solve.ChainLagrangian`) for a cost bound the flow relaxation cannot give.
        scarce = np.unique(part_pairs.h).size < tasks_l.size
        lp = _LPJob.start(st, part_pairs, len(p.tasks), step, cur_key[0],
                          max(0.5, deadline - reserve - time.perf_counter()), ta=p.ta, hx=p.hx, cost=cur_key[1],
                          chains=None if scarce else False)
        for rule in ("finish", "scarce"):
            if time.perf_counter() > deadline - reserve - 1.0:
                break
            c = np.where(in_large, solve.constructive(p.ta, p.hx, part_pairs, rule), -1)
            k = solve.key_of(part_pairs, c, step)
            lp_info[f"{rule}_served"] = k[0]
            if solve.better(k, cur_key):
                cur, cur_key = c, k
                methods.add("construct")
        # Helper by helper, the best chain of visits, for a tenth of the time left at most —
        # where helpers are scarce (where they are not, one request each does better, below).
        n_helpers_l = np.unique(part_pairs.h).size
        if n_helpers_l < tasks_l.size and time.perf_counter() < deadline - reserve - 1.0:
            c = np.where(in_large, solve.chains(
                p.ta, p.hx, part_pairs, st,
                time.perf_counter() + 0.1 * (deadline - reserve - time.perf_counter())), -1)
            k = solve.key_of(part_pairs, c, step)
            lp_info["chains_served"] = k[0]
            if solve.better(k, cur_key):
                cur, cur_key = c, k
                methods.add("construct")
        # Where helpers are scarce, augmenting ejection chains serve more before the search.
        if scarce and time.perf_counter() < deadline - reserve - 1.0:
            c, added = solve.augment(p.ta, p.hx, part_pairs, st, cur,
                                     time.perf_counter() + 0.1 * (deadline - reserve - time.perf_counter()))
            k = solve.key_of(part_pairs, c, step)
            lp_info["augment_served"] = k[0]
            if added and solve.better(k, cur_key):
                cur, cur_key = c, k
                methods.add("construct")
        cl = solve.Cliques(st, part_pairs)

        def near(served: int, key) -> bool:  # within 1 % (at least 3) of the served count
            return served >= key[0] - max(3, key[0] // 100)

        def repair(plan, plan_key, key, what: str):
            """A plan that serves a few fewer than `key` but costs much less: let a short LNS
            pass over its unserved requests (≤ 30 % of the time left) close the gap.
            Returns the plan, its key and whether the pass improved it."""
            if solve.better(plan_key, key) or not near(plan_key[0], key):
                return plan, plan_key, False
            left = deadline - reserve - time.perf_counter()
            rep = _lns(p, part_pairs, st, cl, plan, step, time.perf_counter() + 0.3 * left,
                       random_seed, deterministic, free_only=True)
            lp_info[f"{what}_repair_rounds"] = lp_info.get(f"{what}_repair_rounds", 0) + rep["lns_rounds"]
            lp_info[f"{what}_repaired_served"] = max(plan_key[0], rep["key"][0])
            if solve.better(rep["key"], plan_key):
                return rep["chosen"], rep["key"], True
            return plan, plan_key, False

        # One request per helper, at minimum cost: where helpers outnumber requests it serves
        # nearly as many as the optimum, far cheaper; repaired before it is compared.
        if near(n_helpers_l, cur_key) and time.perf_counter() < deadline - reserve - 2.0:
            m = np.where(in_large, solve.one_each(p.ta, p.hx, part_pairs), -1)
            mk = solve.key_of(part_pairs, m, step)
            lp_info["one_each_served"] = mk[0]
            m, mk, _ = repair(m, mk, cur_key, "one_each")
            if solve.better(mk, cur_key):
                cur, cur_key = m, mk
                methods.add("matching")
        lp.report(*cur_key)
        flow_ub = solve.flow_bound(st, part_pairs, len(p.tasks))
        lp_info["flow_bound"] = flow_ub

        def on_lp(kind, x, plan, key):
            """An LP solution arrived: round it; a cost LP's rounding serves almost as many
            at a lower cost, so let a short LNS pass over its unserved requests repair it.
            Returns (plan, key) when that beats the search's current plan."""
            r = np.where(in_large, solve.lp_round(p.ta, p.hx, part_pairs, x), -1)
            rk = solve.key_of(part_pairs, r, step)
            lp_info[f"lp_round_{kind}_served"] = rk[0]
            if scarce and time.perf_counter() < deadline - reserve - 1.0:
                # Each helper's best chain by LP value, then augmenting ejection chains.
                c = np.where(in_large, solve.chains(p.ta, p.hx, part_pairs, st, deadline - reserve, x=x), -1)
                c, _ = solve.augment(p.ta, p.hx, part_pairs, st, c,
                                     time.perf_counter() + 0.3 * (deadline - reserve - time.perf_counter()))
                ck = solve.key_of(part_pairs, c, step)
                lp_info[f"lp_chains_{kind}_served"] = ck[0]
                if solve.better(ck, rk):
                    r, rk = c, ck
            repaired = False
            if kind == "cost":
                r, rk, repaired = repair(r, rk, key, "lp_round_cost")
            if solve.better(rk, key):
                methods.add("lp")
                if repaired:
                    methods.add("lns")
                return r, rk
            return None

        lns = _lns(p, part_pairs, st, cl, cur, step, deadline - reserve, random_seed, deterministic,
                   lp=lp, on_lp=on_lp)
        if solve.better(lns["key"], cur_key):
            cur, cur_key = lns["chosen"], lns["key"]
            if lns["lns_improved"]:
                methods.add("lns")
        lp_info.update({k: v for k, v in lns.items() if k not in ("chosen", "key", "lns_trace")})
        # How the search converged: (seconds from the start, served, cost) at ten moments.
        tr = lns["lns_trace"]
        lp_info["lns_trace"] = [(round(c - t0, 2), sv, co / COST_SCALE)
                                for c, sv, co in tr[:: max(1, len(tr) // 10)] + tr[-1:]] if tr else []
        lp.finish(deadline - reserve - time.perf_counter())
        lp_info.update(lp.info)
        ub = min(flow_ub, lp.served_ub) if lp.served_ub is not None else flow_ub
        served_ub += ub
        # The largest of the LP's tangent bound, the min-cost-flow bound and the Lagrangian
        # chain bound, at the final count.
        found = [(v, name) for v, name in (
            (lp.cost_lb(cur_key[0]), "lp"),
            (solve.flow_cost_bound(st, part_pairs, len(p.tasks), step, cur_key[0]), "flow"),
            (lp.chain_lb(cur_key[0]), "chains"),
        ) if v is not None]
        lb, stats["bound_cost_source"] = max(found) if found else (None, None)
        cost_lb = None if (lb is None or cost_lb is None) else cost_lb + lb
        chosen = np.where(in_large, np.where(cur >= 0, global_idx[np.maximum(cur, 0)], -1), chosen)
        stats["bound_source"] = "lp" if lp.served_ub is not None else "flow"

    stats.update(lp_info)
    stats["conflicts"], stats["cliques"] = n_conflicts, n_cliques
    final_key = solve.key_of(p.pairs, chosen, step)
    fallback = not solve.better(final_key, greedy_key) and final_key != greedy_key
    if fallback:  # cannot happen (every step keeps the better), but never silently
        chosen, final_key = g_chosen, greedy_key
    if final_key == greedy_key and not methods - {"cp-sat"} and not small_mask.any() and len(p.pairs):
        method = "batch:greedy"
        stats["fallback"] = True
    elif not methods:
        method = "batch:cp-sat" if small_mask.all() else "batch:greedy"
        stats["fallback"] = method == "batch:greedy"
    else:
        method = "batch:" + "+".join(
            m for m in ("cp-sat", "construct", "matching", "lp", "lns") if m in methods)
    optimal = proven and not large_mask.any()
    bound = Bound(served_ub, None if cost_lb is None else cost_lb / COST_SCALE, optimal)
    sg, cg = bound.gaps(final_key[0], final_key[1] / COST_SCALE)
    stats.update(optimal=optimal, bound_served=served_ub,
                 bound_cost=None if bound.cost_lb is None else round(bound.cost_lb, 3),
                 gap_served_percent=round(sg, 4), gap_cost_percent=None if cg is None else round(cg, 4),
                 greedy_served=greedy_key[0], greedy_cost=greedy_key[1] / COST_SCALE)
    stats["gap_percent"] = gap_percent(stats)
    result = _result(p, chosen, method, stats)
    result.stats["seconds"] = round(time.perf_counter() - t0, 4)
    return result


def _lns(p: _Problem, pairs: Pairs, st: Structure, cl: solve.Cliques, cur: np.ndarray, step: int,
         deadline: float, seed: int, deterministic: bool, lp=None, on_lp=None,
         free_only: bool = False) -> dict:
    """Large-neighbourhood search: re-optimise exactly the helpers around one task at a time.

    A neighbourhood is grown breadth-first from a seed task: the helpers who could take it,
    the tasks those helpers hold, the helpers who could take those, … until LNS_VARS pair
    variables. Inside, every task that is free or held by a neighbourhood helper is open;
    CP-SAT finds the lexicographic optimum there (the current plan is the hint), so the plan
    never gets worse. Seeds: unserved tasks first, then served tasks by falling cost
    (`free_only`: one pass over the unserved tasks only — the repair of an LP rounding).
    `on_lp(kind, x, plan, key)` is called with each LP solution as it arrives and may return
    a better (plan, key).
    """
    cur = cur.copy()
    key = solve.key_of(pairs, cur, step)
    n_tasks = len(p.tasks)
    lo, hi = solve.task_ranges(pairs, n_tasks)
    has = hi > lo
    helper_of_task = np.where(cur >= 0, pairs.h[np.maximum(cur, 0)], -1)
    tasks_of_helper: dict[int, set[int]] = {}
    for ti in np.flatnonzero(cur >= 0).tolist():
        tasks_of_helper.setdefault(int(helper_of_task[ti]), set()).add(ti)
    rounds = improved = 0
    trace: list[tuple[float, int, int]] = []  # (clock, served, cost) after each improvement
    status_counts: dict[str, int] = {}
    visited = np.zeros(n_tasks, dtype=bool)
    rng = np.random.default_rng(seed)

    def seeds():
        free = np.flatnonzero(has & (cur < 0))
        rng.shuffle(free)
        yield from free.tolist()
        if free_only:
            return
        served = np.flatnonzero(cur >= 0)
        yield from served[np.argsort(-pairs.cost[cur[served]], kind="stable")].tolist()

    limit = LNS_VARS
    out_of_time = False
    passes = 0
    while not out_of_time:
        passes += 1
        improved_before = improved
        capped = False  # some neighbourhood of the pass stopped at the size limit
        for s in seeds():
            if time.perf_counter() > deadline:
                out_of_time = True
                break
            if lp is not None:
                lp.report(*key)
                for kind, x in lp.poll():
                    got = on_lp(kind, x, cur, key) if on_lp is not None else None
                    if got is not None and solve.better(got[1], key):
                        cur, key = got
                        trace.append((time.perf_counter(), key[0], key[1]))
                        helper_of_task = np.where(cur >= 0, pairs.h[np.maximum(cur, 0)], -1)
                        tasks_of_helper = {}
                        for ti in np.flatnonzero(cur >= 0).tolist():
                            tasks_of_helper.setdefault(int(helper_of_task[ti]), set()).add(ti)
                        visited[:] = False
                        lp.report(*key)
            if visited[s]:
                continue
            # Grow the neighbourhood.
            helpers: list[int] = []
            hset: set[int] = set()
            queue = [s]
            seen_t = {s}
            size = 0
            while queue and size < limit:
                ti = queue.pop(0)
                ks = np.arange(lo[ti], hi[ti])
                for h in pairs.h[ks[np.argsort(pairs.cost[ks], kind="stable")]].tolist():
                    if h in hset:
                        continue
                    n_h = st.helper_pairs[h].size
                    if size + n_h > limit and helpers:
                        capped = True
                        continue
                    hset.add(h)
                    helpers.append(h)
                    size += n_h
                    for o in tasks_of_helper.get(h, ()):
                        if o not in seen_t:
                            seen_t.add(o)
                            queue.append(o)
            capped = capped or bool(queue)
            allowed = (cur < 0) | np.isin(helper_of_task, helpers)
            allowed &= has
            sub_tasks = np.zeros(n_tasks, dtype=bool)
            for h in helpers:
                sub_tasks[pairs.t[st.helper_pairs[h]]] = True
            allowed &= sub_tasks
            hint = {ti: int(cur[ti]) for ti in np.flatnonzero(allowed & (cur >= 0)).tolist()}
            left = deadline - time.perf_counter()
            if left < 0.2:
                out_of_time = True
                break
            res = solve.cpsat(p.ta, pairs, cl, helpers, allowed, step, hint, min(LNS_SECONDS, left),
                              random_seed=seed, deterministic=deterministic, wall_limit=left)
            rounds += 1
            status_counts[res.status] = status_counts.get(res.status, 0) + 1
            cand = cur.copy()
            cand[allowed] = -1
            for ti, k in res.chosen.items():
                cand[ti] = k
            new_key = solve.key_of(pairs, cand, step)
            visited[s] = True
            if solve.better(new_key, key):
                improved += 1
                trace.append((time.perf_counter(), new_key[0], new_key[1]))
                for ti in np.flatnonzero(allowed).tolist():
                    old = helper_of_task[ti]
                    if old >= 0:
                        tasks_of_helper.get(int(old), set()).discard(ti)
                cur, key = cand, new_key
                helper_of_task = np.where(cur >= 0, pairs.h[np.maximum(cur, 0)], -1)
                for ti in np.flatnonzero(allowed & (cur >= 0)).tolist():
                    tasks_of_helper.setdefault(int(helper_of_task[ti]), set()).add(ti)
                # Tasks now held by these helpers are worth another look later.
                visited[np.flatnonzero(allowed)] = False
                visited[s] = True
            else:
                visited[np.flatnonzero(allowed & (cur >= 0))] = True
        if out_of_time or free_only or time.perf_counter() > deadline:
            break
        # A whole pass without a gain: the plan is a local optimum for neighbourhoods of this
        # size. Look again with neighbourhoods twice as large (up to LNS_MAX_VARS).
        if improved == improved_before:
            if limit >= LNS_MAX_VARS or not capped:  # larger would not change anything
                break
            limit = min(2 * limit, LNS_MAX_VARS)
        visited[:] = False
    return {"chosen": cur, "key": key, "lns_rounds": rounds, "lns_improved": improved,
            "lns_passes": passes, "lns_neighbourhood_vars": limit, "lns_status": status_counts,
            "lns_trace": trace}


class _LPJob:
    """The LP bound computed in a worker process while the search runs in this one."""

    def __init__(self):
        self.proc = self.conn = None
        self.served_now = None
        self.served_ub: int | None = None
        self.tangents: list[tuple[float, int, float | None]] = []  # (f(at), at, slope)
        self.chain_tangents: list[tuple[float, int, float]] = []  # (L(at), at, μ): ChainLagrangian
        self.cost_now = None
        self.info: dict = {}
        self._xs: list[tuple[str, np.ndarray]] = []  # fractional solutions not yet taken

    @classmethod
    def start(cls, st, pairs, n_tasks, step, served, time_limit, ta=None, hx=None, cost=0,
              chains: bool | None = None) -> _LPJob:
        import multiprocessing as mp

        job = cls()
        try:
            ctx = mp.get_context("fork")
        except ValueError:  # pragma: no cover (no fork: solve the LP in the search's time)
            ctx = mp.get_context()
        job.served_now = ctx.Value("q", int(served), lock=False)
        job.cost_now = ctx.Value("q", int(cost), lock=False)
        parent, child = ctx.Pipe(duplex=False)
        job.conn = parent
        job.proc = ctx.Process(target=solve.lp_worker, daemon=True,
                               args=(child, st, pairs, n_tasks, step, job.served_now, time_limit, ta, hx,
                                     job.cost_now, chains))
        job.proc.start()
        child.close()
        return job

    def _read(self, timeout: float = 0.0) -> None:
        while self.conn is not None and self.conn.poll(max(0.0, timeout)):
            try:
                msg = self.conn.recv()
            except EOFError:
                self.conn = None
                return
            if msg[0] == "served":  # the relaxed LP first, then (if solved) the whole one
                _, ub, val, x, sec = msg
                self.served_ub = ub if self.served_ub is None else min(self.served_ub, ub)
                self._xs.append(("served", x))
                self.info.update(lp_served=round(val, 3), lp_served_seconds=round(sec, 2),
                                 lp_served_solves=self.info.get("lp_served_solves", 0) + 1)
            elif msg[0] == "cost":
                _, lb, at, slope, x, sec = msg
                self.tangents.append((lb, at, slope))
                self._xs.append(("cost", x))
                self.info.update(lp_cost_seconds=round(sec, 2), lp_cost_at_served=at,
                                 lp_cost_solves=len(self.tangents))
            elif msg[0] == "chain":
                _, lb, at, slope, sec, iterations = msg
                self.chain_tangents.append((lb, at, slope))
                self.info.update(chain_bound_seconds=round(sec, 2), chain_bound_iterations=iterations,
                                 chain_bound_updates=len(self.chain_tangents))
            elif msg[0] == "done":
                self.conn = None
                return
            else:
                self.info["lp_status"] = f"failed: {msg[1]}"
                self.conn = None
                return
            timeout = 0.0

    def poll(self) -> list[tuple[str, np.ndarray]]:
        """The LP's fractional solutions that arrived since the last call: ("served"|"cost", x)."""
        self._read()
        out, self._xs = self._xs, []
        return out

    def cost_lb(self, served: int) -> float | None:
        """The best LP lower bound on the cost of serving `served` (None before any cost LP).

        Each cost LP at `at` gives its optimum f(at) and the marginal cost `slope`; f is
        convex in the number served, so f(at) + slope·(served − at) bounds f(served) from below
        (f(at) comes stepped down by the solver's tolerance; the slope's part is stepped down
        here). Without a slope only served ≥ at is covered (f does not decrease).
        """
        best = None
        for lb, at, slope in self.tangents:
            if slope is None:
                val = lb if served >= at else None
            else:
                d = served - at
                val = lb + slope * d - 1e-6 * abs(slope * d)
            if val is not None and (best is None or val > best):
                best = val
        return best

    def chain_lb(self, served: int) -> float | None:
        """The best Lagrangian lower bound (`solve.ChainLagrangian`) on the integer cost of
        serving `served`: each iterate is exactly linear in the number served, L(at) + μ·(served
        − at), stepped down by a relative 1e-6 for the floating-point sums."""
        vals = [lb + slope * (served - at) for lb, at, slope in self.chain_tangents]
        if not vals:
            return None
        best = max(vals)
        return best - 1e-6 * max(1.0, abs(best))

    def report(self, served: int, cost: int) -> None:
        """Tell the worker the search's served count and its plan's integer cost."""
        self.served_now.value = int(served)
        if self.cost_now is not None:
            self.cost_now.value = int(cost)

    def finish(self, wait: float) -> None:
        """Take what has arrived (waiting at most `wait` s), then stop the worker."""
        end = time.perf_counter() + max(0.0, wait)
        while self.conn is not None and time.perf_counter() < end:
            self._read(min(0.1, max(0.0, end - time.perf_counter())))
        self.info.setdefault("lp_status", "done" if self.tangents else (
            "served bound only" if self.served_ub is not None else "no result in time"))
        if self.proc is not None:
            if self.proc.is_alive():
                self.proc.kill()
            self.proc.join(1.0)
