"""The three matching modes (マッチングの3つのモード).

* `rank` — instant: every helper for one task, best first, plus the rejections with reasons.
* `assign_greedy` — the first-come baseline of broadcast platforms: tasks in the order they
  were created, each taken by the first helper who "answers" (lowest helper id among those
  still feasible).
* `assign_batch` — optimal assignment with OR-Tools CP-SAT, lexicographic: first maximise the
  number of tasks served, then minimise the total cost.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import numpy as np

from .constraints import (
    HelperMasks,
    check,
    conflict,
    conflict_matrix,
    distance_matrix,
    static_mask,
)
from .geo import coords, haversine_matrix
from .model import Assignment, Candidate, HelperCandidate, Rejection, Task, Weights
from .scoring import COST_SCALE, int_cost, load_penalty_int, make_candidate

CHUNK = 256  # task rows per vectorised distance block (bounds memory for large inputs)
SPATIAL_THRESHOLD = 2_000_000  # tasks × helpers above which a k-d tree pre-selects pairs
KM_PER_DEG = 111.195
AUTO_PHASES_ABOVE = 100_000  # pair variables; see assign_batch(strategy="auto")
# Weekly caps count ISO weeks (Monday–Sunday) in Japan time, whatever tz the datetimes carry
# (the database hands out UTC; Japan has no daylight saving, so a fixed offset is exact).
WEEK_TZ = timezone(timedelta(hours=9), "JST")


def week_of(moment: datetime) -> tuple[int, int]:
    """(ISO year, ISO week) of an aware datetime, in Japan time."""
    iso = moment.astimezone(WEEK_TZ).isocalendar()
    return (iso[0], iso[1])


def _unique_ids(items: Iterable, what: str) -> None:
    seen: set[int] = set()
    for it in items:
        if it.id in seen:
            raise ValueError(f"duplicate {what} id {it.id}")
        seen.add(it.id)


# ------------------------------------------------------------------------------------- instant
def rank(
    task: Task,
    helpers: Sequence[HelperCandidate],
    weights: Weights = Weights(),  # noqa: B008 (frozen dataclass)
    limit: int | None = None,
    *,
    rejections: bool = True,
) -> tuple[list[Candidate], list[Rejection]]:
    """Rank every helper for one task: (candidates best first, rejections by helper id).

    Candidates are ordered by (cost, helper id); `limit` truncates the candidate list only.
    With `rejections=False` the cheap constraints are evaluated vectorised first and only the
    surviving helpers are checked in Python (faster for thousands of helpers); the rejection
    list is then empty.
    """
    helpers = list(helpers)
    if not helpers:
        return [], []
    dist = haversine_matrix(coords([task.place]), coords([h.home for h in helpers]))
    if rejections:
        indices = range(len(helpers))
    else:
        indices = np.flatnonzero(HelperMasks(helpers).row(task, dist[0])).tolist()
    dist_row = dist[0].tolist()
    candidates: list[Candidate] = []
    rejected: list[Rejection] = []
    for i in indices:
        h, d = helpers[i], dist_row[i]
        codes = check(task, h, distance_km=d)
        if codes:
            if rejections:
                rejected.append(Rejection(h.id, codes))
        else:
            candidates.append(make_candidate(task, h, d, weights))
    candidates.sort(key=lambda c: (c.cost, c.helper_id))
    rejected.sort(key=lambda r: r.helper_id)
    if limit is not None:
        candidates = candidates[:limit]
    return candidates, rejected


# --------------------------------------------------------------------------------- preparation
@dataclass
class _Problem:
    tasks: list[Task]
    helpers: list[HelperCandidate]
    cands: list[dict[int, Candidate]]  # per task index: helper index -> Candidate
    minutes: list[int]
    week: list[tuple[int, int]]

    def helper_tasks(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for ti, row in enumerate(self.cands):
            for hi in row:
                out[hi].append(ti)
        return out

    def remaining_minutes(self, hi: int) -> int:
        h = self.helpers[hi]
        return int(np.floor((h.weekly_hours_cap - h.hours_booked_in_week) * 60.0 + 1e-4))


def _row(task: Task, helpers, idx: np.ndarray, dist: np.ndarray, weights: Weights):
    """Candidates of one task among helper indices `idx` (already through the cheap masks)."""
    row: dict[int, Candidate] = {}
    for hi, d in zip(idx.tolist(), dist.tolist(), strict=True):
        if not check(task, helpers[hi], distance_km=d):
            row[hi] = make_candidate(task, helpers[hi], d, weights)
    return row


def _spatial_candidates(tasks: list[Task], helpers: list[HelperCandidate], weights: Weights):
    """Large inputs: a k-d tree on locally projected km finds the helpers near each task, so
    the exact haversine runs only on those instead of on the full tasks × helpers matrix."""
    from scipy.spatial import cKDTree

    h_xy = coords([h.home for h in helpers])
    t_xy = coords([t.place for t in tasks])
    lat0 = float(np.radians(np.mean(np.concatenate([h_xy[:, 0], t_xy[:, 0]]))))
    km_lon = KM_PER_DEG * np.cos(lat0)

    def project(a: np.ndarray) -> np.ndarray:
        return np.column_stack([a[:, 0] * KM_PER_DEG, a[:, 1] * km_lon])

    masks = HelperMasks(helpers)
    # The projection uses cos(lat0) for east–west; where |lat| is larger it overstates
    # distances by up to cos(lat0)/cos(lat_max). Search that much further (plus a margin) and
    # decide with the exact haversine below.
    lat_max = float(np.radians(np.abs(np.concatenate([h_xy[:, 0], t_xy[:, 0]])).max()))
    stretch = float(np.cos(lat0) / max(np.cos(lat_max), 1e-6))
    reach = float(masks.radius.max()) * stretch * 1.01 + 0.5
    tree = cKDTree(project(h_xy))
    near = tree.query_ball_point(project(t_xy), r=reach)
    out: list[dict[int, Candidate]] = []
    for i, t in enumerate(tasks):
        idx = np.asarray(sorted(near[i]), dtype=np.intp)
        if idx.size == 0:
            out.append({})
            continue
        d = haversine_matrix(t_xy[i : i + 1], h_xy[idx])[0]
        keep = masks.row(t, d, idx)
        out.append(_row(t, helpers, idx[keep], d[keep], weights))
    return out


def _prepare(tasks: Sequence[Task], helpers: Sequence[HelperCandidate], weights: Weights):
    tasks, helpers = list(tasks), list(helpers)
    _unique_ids(tasks, "task")
    _unique_ids(helpers, "helper")
    cands: list[dict[int, Candidate]] = []
    if not helpers:
        cands = [{} for _ in tasks]
    elif len(tasks) * len(helpers) > SPATIAL_THRESHOLD:
        cands = _spatial_candidates(tasks, helpers, weights)
    else:
        masks = HelperMasks(helpers)
        for lo in range(0, len(tasks), CHUNK):
            chunk = tasks[lo : lo + CHUNK]
            dist = distance_matrix(chunk, helpers)
            mask = static_mask(chunk, helpers, dist, masks)
            for i, t in enumerate(chunk):
                idx = np.flatnonzero(mask[i])
                cands.append(_row(t, helpers, idx, dist[i, idx], weights))
    minutes = [t.minutes for t in tasks]
    week = [week_of(t.start) for t in tasks]
    return _Problem(tasks, helpers, cands, minutes, week)


def _result(
    p: _Problem, chosen: dict[int, int], weights: Weights, method: str, stats: dict
) -> Assignment:
    """Build an Assignment from task index -> helper index, with the exact integer total."""
    pairs: dict[int, int] = {}
    cands: dict[int, Candidate] = {}
    load: dict[int, int] = defaultdict(int)
    total = 0
    for ti in sorted(chosen):
        hi = chosen[ti]
        c = p.cands[ti][hi]
        pairs[p.tasks[ti].id] = p.helpers[hi].id
        cands[p.tasks[ti].id] = c
        total += int_cost(c.cost)
        load[hi] += 1
    load_int = sum(load_penalty_int(n, weights) for n in load.values())
    total += load_int
    unassigned = tuple(t.id for ti, t in enumerate(p.tasks) if ti not in chosen)
    stats = dict(stats)
    stats.update(
        served=len(pairs),
        tasks=len(p.tasks),
        helpers=len(p.helpers),
        feasible_pairs=sum(len(r) for r in p.cands),
        distance_km=round(sum(c.distance_km for c in cands.values()), 3),
        load_penalty=load_int / COST_SCALE,
    )
    return Assignment(pairs, cands, unassigned, total / COST_SCALE, method, stats)


def _key(a: Assignment) -> tuple[int, float]:
    """Lexicographic quality: more served first, then lower cost (smaller key is better)."""
    return (-a.served, a.total_cost)


# -------------------------------------------------------------------------------------- greedy
def _greedy(p: _Problem) -> dict[int, int]:
    order = sorted(
        range(len(p.tasks)),
        key=lambda i: (p.tasks[i].created_at or p.tasks[i].start, p.tasks[i].id),
    )
    booked: dict[int, list[int]] = defaultdict(list)  # helper index -> task indices
    used: dict[tuple[int, tuple[int, int]], int] = defaultdict(int)  # (helper, week) -> minutes
    chosen: dict[int, int] = {}
    for ti in order:
        t = p.tasks[ti]
        for hi in sorted(p.cands[ti], key=lambda j: p.helpers[j].id):
            h = p.helpers[hi]
            if used[hi, p.week[ti]] + p.minutes[ti] > p.remaining_minutes(hi):
                continue
            if any(
                conflict(t.start, t.end, t.place, o.start, o.end, o.place, h.travel_mode)
                for o in (p.tasks[k] for k in booked[hi])
            ):
                continue
            chosen[ti] = hi
            booked[hi].append(ti)
            used[hi, p.week[ti]] += p.minutes[ti]
            break
    return chosen


def assign_greedy(
    tasks: Sequence[Task],
    helpers: Sequence[HelperCandidate],
    weights: Weights = Weights(),  # noqa: B008
) -> Assignment:
    """First-come baseline: tasks by created_at, each to the lowest-id feasible helper."""
    t0 = time.perf_counter()
    p = _prepare(tasks, helpers, weights)
    chosen = _greedy(p)
    return _result(p, chosen, weights, "greedy", {"seconds": time.perf_counter() - t0})


# --------------------------------------------------------------------------------------- batch
def _clique_cover(cm: np.ndarray) -> list[list[int]]:
    """Cover every edge of a conflict graph by cliques (greedy), each becoming one AtMostOne.

    One AtMostOne over k mutually conflicting tasks replaces k(k−1)/2 pairwise clauses and
    gives CP-SAT a much tighter linear relaxation. Cliques are grown from each uncovered edge
    by adding the common neighbour that covers the most still-uncovered edges.
    """
    uncovered = np.triu(cm, 1).copy()
    cliques: list[list[int]] = []
    while True:
        rows, cols = np.nonzero(uncovered)
        if rows.size == 0:
            return cliques
        clique = [int(rows[0]), int(cols[0])]
        common = cm[clique[0]] & cm[clique[1]]
        while common.any():
            cand = np.flatnonzero(common)
            unc = uncovered | uncovered.T
            gain = unc[np.ix_(cand, clique)].sum(axis=1)
            k = int(cand[int(np.argmax(gain))])
            clique.append(k)
            common &= cm[k]
        idx = np.array(clique)
        uncovered[np.ix_(idx, idx)] = False
        cliques.append(sorted(clique))


@dataclass
class _Model:
    model: object
    x: dict
    load_vars: list
    served: object
    cost: object
    conflicts: int
    cliques: int
    big: int


def _build_model(p: _Problem, weights: Weights) -> _Model:
    """The CP-SAT model: one Boolean per feasible pair plus conflict, cap and load constraints."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for ti, row in enumerate(p.cands):
        for hi in row:
            x[ti, hi] = model.NewBoolVar(f"x{ti}_{hi}")
        if len(row) > 1:
            model.AddAtMostOne(x[ti, hi] for hi in row)

    n_conflicts = n_cliques = 0
    load_vars: list[tuple[int, list]] = []
    load_terms: list[tuple[cp_model.IntVar, int]] = []
    for hi, tis in sorted(p.helper_tasks().items()):
        h = p.helpers[hi]
        if len(tis) >= 2:
            sub = [p.tasks[ti] for ti in tis]
            cm = conflict_matrix(sub, h.travel_mode)
            n_conflicts += int(np.triu(cm, 1).sum())
            for clique in _clique_cover(cm):
                model.AddAtMostOne(x[tis[g], hi] for g in clique)
                n_cliques += 1
            # In-batch fairness: k-th task of this helper costs load·(k−1) extra.
            step = int_cost(weights.load)
            if step > 0:
                ys = [model.NewBoolVar(f"y{hi}_{k}") for k in range(2, len(tis) + 1)]
                load_vars.append((hi, ys))
                model.Add(sum(x[ti, hi] for ti in tis) <= 1 + sum(ys))
                load_terms.extend((y, step * (k - 1)) for k, y in enumerate(ys, start=2))
        # Weekly hours cap across the batch (per ISO week of the tasks).
        by_week: dict[tuple[int, int], list[int]] = defaultdict(list)
        for ti in tis:
            by_week[p.week[ti]].append(ti)
        cap = p.remaining_minutes(hi)
        for wk_tis in by_week.values():
            if sum(p.minutes[ti] for ti in wk_tis) > cap:
                model.Add(sum(p.minutes[ti] * x[ti, hi] for ti in wk_tis) <= cap)

    served_expr = sum(x.values())
    cost_expr = sum(int_cost(p.cands[ti][hi].cost) * v for (ti, hi), v in x.items()) + sum(
        c * y for y, c in load_terms
    )

    # BIG > max cost(A) − cost(B) over any two assignments: 2·Σ_t max_h |c_th| + max load.
    big = 2 * sum(max(abs(int_cost(c.cost)) for c in row.values()) for row in p.cands if row)
    big += sum(c for _, c in load_terms) + 1
    return _Model(model, x, load_vars, served_expr, cost_expr, n_conflicts, n_cliques, big)


def assign_batch(
    tasks: Sequence[Task],
    helpers: Sequence[HelperCandidate],
    weights: Weights = Weights(),  # noqa: B008
    time_limit_s: float = 10.0,
    *,
    num_workers: int = 1,
    random_seed: int = 0,
    max_candidates_per_task: int | None = None,
    solver_params: dict | None = None,
    deterministic: bool = True,
    strategy: str = "auto",
) -> Assignment:
    """Optimal batch assignment with CP-SAT (lexicographic: served, then cost).

    Deterministic for fixed inputs: one worker (or `num_workers` with `random_seed`),
    variables built in input order, and — with `deterministic=True` — `time_limit_s` counted
    in CP-SAT's deterministic time (≈ seconds on an idle core; a wall-clock guard of twice the
    limit stops a starved process). With `deterministic=False` the limit is wall-clock.
    The greedy solution is computed too; it is the search hint and the safety net: the result
    is never lexicographically worse than greedy (if the solver finds nothing better in time,
    the greedy assignment is returned with method "batch:greedy-fallback").
    `max_candidates_per_task` keeps only the cheapest K helpers per task (plus greedy's pick)
    to shrink very large models.
    """
    from ortools.sat.python import cp_model

    if strategy not in ("auto", "weighted", "phases"):
        raise ValueError(f"unknown strategy {strategy!r}")
    t0 = time.perf_counter()
    weights = weights or Weights()
    p = _prepare(tasks, helpers, weights)
    greedy_chosen = _greedy(p)
    greedy = _result(p, greedy_chosen, weights, "greedy", {})

    all_pairs = sum(len(r) for r in p.cands)
    if max_candidates_per_task is not None:
        for ti, row in enumerate(p.cands):
            keep = sorted(row, key=lambda hi: (row[hi].cost, p.helpers[hi].id))
            keep = set(keep[:max_candidates_per_task])
            if ti in greedy_chosen:
                keep.add(greedy_chosen[ti])
            p.cands[ti] = {hi: c for hi, c in row.items() if hi in keep}

    prep_s = time.perf_counter() - t0
    m = _build_model(p, weights)
    model, x, load_vars = m.model, m.x, m.load_vars
    served_expr, cost_expr = m.served, m.cost
    n_conflicts, n_cliques = m.conflicts, m.cliques

    def hint(chosen: dict[int, int]) -> None:
        model.ClearHints()
        for (ti, hi), v in x.items():
            model.AddHint(v, 1 if chosen.get(ti) == hi else 0)
        counts: dict[int, int] = defaultdict(int)
        for hi in chosen.values():
            counts[hi] += 1
        for hi, ys in load_vars:
            for k, y in enumerate(ys, start=2):
                model.AddHint(y, 1 if counts[hi] >= k else 0)

    def solver_for(limit: float) -> cp_model.CpSolver:
        limit = max(0.05, limit)
        s = cp_model.CpSolver()
        s.parameters.num_workers = max(1, int(num_workers))
        s.parameters.random_seed = int(random_seed)
        if deterministic:
            s.parameters.max_deterministic_time = limit
            s.parameters.max_time_in_seconds = 2 * limit
        else:
            s.parameters.max_time_in_seconds = limit
        s.parameters.linearization_level = 2  # LP with cuts: proves the served bound fast
        for k, v in (solver_params or {}).items():
            setattr(s.parameters, k, v)
        return s

    method_name = "batch"
    if strategy == "auto":
        strategy = "weighted" if len(x) <= AUTO_PHASES_ABOVE else "phases"
    stats: dict = {"prepare_seconds": round(prep_s, 4), "variables": len(x),
                   "feasible_pairs_before_pruning": all_pairs,
                   "conflicts": n_conflicts, "cliques": n_cliques, "strategy": strategy}
    status_name = cp_model.CpSolver().StatusName
    chosen: dict[int, int] | None = None
    if x and strategy == "weighted":
        # One solve: served weighted by BIG, which exceeds any possible difference in cost
        # between two assignments, so the optimum is exactly the lexicographic one.
        model.Minimize(cost_expr - m.big * served_expr)
        hint(greedy_chosen)
        s1 = solver_for(time_limit_s)
        st1 = s1.Solve(model)
        stats["phase1"] = stats["phase2"] = status_name(st1)
        stats["big_m"] = m.big
        if st1 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            chosen = {ti: hi for (ti, hi), v in x.items() if s1.BooleanValue(v)}
        stats["optimal"] = st1 == cp_model.OPTIMAL
    elif x:
        # Phase 1: maximise the number of tasks served.
        model.Maximize(served_expr)
        hint(greedy_chosen)
        s1 = solver_for(time_limit_s / 2)
        st1 = s1.Solve(model)
        stats["phase1"] = status_name(st1)
        if st1 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            best = int(round(s1.ObjectiveValue()))
            phase1 = {ti: hi for (ti, hi), v in x.items() if s1.BooleanValue(v)}
            chosen = phase1
            # Phase 2: keep at least that many served, minimise total cost.
            model.Add(served_expr >= best)
            model.Minimize(cost_expr)
            if len(greedy_chosen) >= best and _key(greedy) < _key(
                _result(p, phase1, weights, method_name, {})
            ):
                hint(greedy_chosen)
            else:
                hint(phase1)
            if deterministic:
                used = s1.ResponseProto().deterministic_time
            else:
                used = time.perf_counter() - t0 - prep_s
            s2 = solver_for(max(time_limit_s - used, time_limit_s / 4))
            st2 = s2.Solve(model)
            stats["phase2"] = status_name(st2)
            if st2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                chosen = {ti: hi for (ti, hi), v in x.items() if s2.BooleanValue(v)}
            stats["optimal"] = st1 == cp_model.OPTIMAL and st2 == cp_model.OPTIMAL
    else:
        chosen = {}
        stats["optimal"] = True

    result = None
    if chosen is not None:
        result = _result(p, chosen, weights, method_name, stats)
    if result is None or _key(greedy) < _key(result):
        stats["fallback"] = True
        result = _result(p, greedy_chosen, weights, "batch:greedy-fallback", stats)
    result.stats["seconds"] = round(time.perf_counter() - t0, 4)
    return result
