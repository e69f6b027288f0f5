"""Benchmark of the matching engine on a synthetic town (ベンチマーク).

    python -m sasaeai.matching.bench --tasks 300 --helpers 150 --seed 1 [--json]

Runs greedy and batch on the same input in the same process and prints served requests,
total cost, total travel km, the batch/greedy ratios and the seconds each took; then times
instant `rank` for single tasks against `--rank-helpers` helpers (p50/p95 over
`--rank-repeats` tasks; the helper arrays are built once and reused, as in the web layer),
beside a k-d-tree-plus-masks baseline timed in the same run. With --json the output is one
JSON object: {"requests", "helpers", "batch": {"served", "cost", "cost_km", "seconds",
"method", "bound_served", "gap_percent", …}, "greedy": {...}, "instant": {"p50_ms", "p95_ms",
"p95_cpu_ms", "baseline_p95_cpu_ms", "ratio_p95_cpu", "helpers", …}, ...}.
`--bound` adds "bound": {"served", "cost", "cost_km", "seconds", "status", "reference"}: an
independent LP relaxation (HiGHS via SciPy) over the same feasible pairs — an upper bound on
people served, and lower bounds on the total cost and on the travel km of any assignment
serving as many as the batch did — and "reference", a plain rounding of those LP solutions
(served, cost, cost per served with and without the load penalty). Figures only: no pass/fail.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections import Counter

import numpy as np

from .engine import assign_batch, assign_greedy, rank
from .model import Weights
from .synth import town


def _floor3(v: float) -> float:
    """A lower bound printed with three decimals: rounded down, never up past what it bounds."""
    return math.floor(v * 1000.0) / 1000.0


def independent_bound(t_list, h_list, weights: Weights, served: int, time_limit_s: float) -> dict:
    """LP bound over the same pairs, built afresh: served ≤ ⌊LP⌋; cost and km at `served`."""
    from scipy import sparse
    from scipy.optimize import linprog

    from . import solve
    from .engine import _prepare
    from .scoring import int_cost
    from .structure import build

    t0 = time.perf_counter()
    p = _prepare(t_list, h_list, weights)
    st = build(p.ta, p.hx, p.pairs)
    step = int_cost(weights.load)
    out: dict = {"served": None, "cost": None, "cost_km": None,
                 "flow_served": solve.flow_bound(st, p.pairs, len(t_list))}
    if len(p.pairs) == 0:
        out.update(served=0, cost=0.0, cost_km=0.0, seconds=round(time.perf_counter() - t0, 3),
                   status="empty")
        return out
    A, b, cost, nx, ny = solve._lp_matrix(st, p.pairs, len(t_list), step)

    def left() -> float:
        return max(1.0, time_limit_s - (time.perf_counter() - t0))

    r1 = linprog(np.concatenate([-np.ones(nx), np.zeros(ny)]), A_ub=A, b_ub=b, bounds=(0, 1),
                 method="highs-ipm", options={"time_limit": left()})
    status = "optimal"
    r2 = None
    if r1.status == 0:
        out["served"] = int(np.floor(-r1.fun * (1 + 1e-7) + 1e-6))
        out["served_lp"] = round(float(-r1.fun), 3)
        row = sparse.csr_matrix(np.concatenate([-np.ones(nx), np.zeros(ny)])[None, :])
        A2 = sparse.vstack([A, row], format="csr")
        b2 = np.concatenate([b, [-float(min(served, out["served"]))]])
        r2 = linprog(cost, A_ub=A2, b_ub=b2, bounds=(0, 1), method="highs-ipm",
                     options={"time_limit": left()})
        if r2.status == 0:
            out["cost"] = _floor3(float(r2.fun) / 1000.0 * (1 - 1e-6))
            km = np.concatenate([p.pairs.dist, np.zeros(ny)])
            r3 = linprog(km, A_ub=A2, b_ub=b2, bounds=(0, 1), method="highs-ipm",
                         options={"time_limit": left()})
            if r3.status == 0:
                out["cost_km"] = _floor3(float(r3.fun) * (1 - 1e-6))
            else:
                status = "km bound not reached in time"
        else:
            status = "cost bound not reached in time"
    else:
        status = "LP not solved in time"
    out["status"] = status
    out["reference"] = _reference(p, step, [r for r in (r1, r2) if r is not None and r.status == 0], nx)
    out["seconds"] = round(time.perf_counter() - t0, 3)
    return out


def _reference(p, step: int, solutions, nx: int) -> dict | None:
    """The issue's reference: a plain rounding of each LP solution (pairs by value, then the
    cheapest feasible helper for the rest), kept within the engine's conflict and cap rules
    by `Plan`; the better of the roundings (served, then cost) with its cost per person
    served, with and without the in-batch load penalty."""
    from . import solve
    from .scoring import COST_SCALE

    best = None
    for r in solutions:
        chosen = solve.lp_round(p.ta, p.hx, p.pairs, np.asarray(r.x[:nx]))
        key = solve.key_of(p.pairs, chosen, step)
        if best is None or solve.better(key, best[0]):
            best = (key, chosen)
    if best is None or not best[0][0]:
        return None
    (served, cost), chosen = best
    pairs_cost = float(p.pairs.cost[chosen[chosen >= 0]].sum()) / COST_SCALE
    return {"served": served, "cost": round(cost / COST_SCALE, 3),
            "cost_per_served": round(cost / COST_SCALE / served, 3),
            "cost_pairs_per_served": round(pairs_cost / served, 3)}


class KDTreeBaseline:
    """The instant ranking a plain k-d tree plus boolean masks gives (for comparison only)."""

    def __init__(self, helpers, weights: Weights):
        from .arrays import HelperIndex

        self.hx = HelperIndex(helpers)
        self.hx.tree()
        self.w = weights
        by_recipient: dict[int, list[int]] = {}
        for i, recipients in self.hx.blocks.items():
            for r in recipients:
                by_recipient.setdefault(r, []).append(i)
        self.blockers = {r: np.array(v, dtype=np.intp) for r, v in by_recipient.items()}

    def top(self, task, k: int = 10) -> list[int]:
        from .arrays import TaskArrays, haversine_pairs, pair_costs, time_feasible

        hx = self.hx
        ta = TaskArrays.of([task])
        idx = hx.near(task.place.lat, task.place.lon)
        m = hx.ok[idx] & hx.skill(task.category)[idx]
        if task.required_qualifications:
            m &= hx.qualified(task.required_qualifications)[idx]
        # Blocks both ways (the recipient blocked the helper, or the helper the recipient).
        if task.blocked_helper_ids:
            m &= ~np.isin(hx.ids[idx], list(task.blocked_helper_ids))
        blockers = self.blockers.get(task.recipient_id)
        if blockers is not None:
            m &= ~np.isin(idx, blockers)
        idx = idx[m]
        pt = np.zeros(idx.size, dtype=np.intp)
        d = haversine_pairs(ta.lat[pt], ta.lon[pt], hx.lat[idx], hx.lon[idx])
        m = (d <= hx.radius[idx]) & time_feasible(ta, hx, pt, idx)
        idx, d, pt = idx[m], d[m], pt[m]
        c = pair_costs(ta, hx, pt, idx, d, self.w)
        order = np.lexsort((hx.ids[idx], c))[:k]
        return hx.ids[idx[order]].tolist()


def run(
    tasks: int, helpers: int, seed: int = 1, time_limit_s: float | None = None,
    rank_helpers: int = 5000, rank_repeats: int = 50, num_workers: int = 1,
    max_candidates_per_task: int | None = None, strategy: str = "auto",
    bound: bool = False, bound_time_limit_s: float = 600.0,
) -> dict:
    weights = Weights()
    t_list, h_list = town(tasks, helpers, seed)
    # Load what a running web worker has loaded already (SciPy's k-d tree, sparse graphs), so
    # the first timed call is not charged with importing them.
    import scipy.sparse.csgraph  # noqa: F401
    import scipy.spatial  # noqa: F401

    warm_t, warm_h = town(20, 20, seed)
    assign_greedy(warm_t, warm_h, weights)
    t0, c0 = time.perf_counter(), time.process_time()
    greedy = assign_greedy(t_list, h_list, weights)
    greedy_s, greedy_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    batch = assign_batch(
        t_list, h_list, weights, time_limit_s=time_limit_s, num_workers=num_workers,
        random_seed=seed, max_candidates_per_task=max_candidates_per_task, strategy=strategy,
    )
    batch_s, batch_cpu = time.perf_counter() - t0, time.process_time() - c0

    bound_block = independent_bound(t_list, h_list, weights, batch.served, bound_time_limit_s) \
        if bound else None

    from .arrays import HelperIndex

    r_tasks, r_helpers = town(max(rank_repeats, 1), rank_helpers, seed + 1)
    t0 = time.perf_counter()
    index = HelperIndex(r_helpers)  # built once per data version, reused by every call
    index.tree()
    index_s = time.perf_counter() - t0
    base = KDTreeBaseline(r_helpers, weights)
    latencies = []  # instant ranking: top 10 with explanations, no rejection list
    cpu = []
    full = []  # every helper with rejection reasons (the edit-line page)
    full_cpu = []
    b_cpu = []
    feasible = []
    for t in r_tasks[:rank_repeats]:
        t0, c0 = time.perf_counter(), time.process_time()
        quick, _ = rank(t, index, weights, limit=10, rejections=False)
        latencies.append((time.perf_counter() - t0) * 1000.0)
        cpu.append((time.process_time() - c0) * 1000.0)
        t0, c0 = time.perf_counter(), time.process_time()
        cands, _ = rank(t, index, weights, limit=10)
        full.append((time.perf_counter() - t0) * 1000.0)
        full_cpu.append((time.process_time() - c0) * 1000.0)
        c0 = time.process_time()
        top = base.top(t, 10)
        b_cpu.append((time.process_time() - c0) * 1000.0)
        if quick != cands:
            raise RuntimeError("rank(rejections=False) disagrees with rank()")
        if [c.helper_id for c in quick] != top:
            raise RuntimeError("rank() disagrees with the k-d tree baseline")
        feasible.append(len(cands))

    def block(a, seconds, cpu):
        load = weights.load * sum(k * (k - 1) / 2 for k in Counter(a.pairs.values()).values())
        return {
            "served": a.served,
            "cost": round(a.total_cost, 3),
            # The pair costs alone, without the in-batch load penalty (what a reference
            # that does not model the load would report as its cost).
            "cost_pairs": round(a.total_cost - load, 3),
            "cost_km": round(a.total_distance_km, 3),
            "seconds": round(seconds, 3),
            "cpu_seconds": round(cpu, 3),
            "method": a.method,
        }

    def pct(values, q):
        return round(float(np.percentile(values, q)), 2) if values else None

    out = {
        "requests": tasks,
        "helpers": helpers,
        "seed": seed,
        "feasible_pairs": batch.stats.get("feasible_pairs"),
        "greedy": block(greedy, greedy_s, greedy_cpu),
        "batch": block(batch, batch_s, batch_cpu)
        | {
            "optimal": bool(batch.stats.get("optimal")),
            "strategy": batch.stats.get("strategy"),
            "phase1": batch.stats.get("phase1"),
            "phase2": batch.stats.get("phase2"),
            "bound_served": batch.stats.get("bound_served"),
            "bound_cost": batch.stats.get("bound_cost"),
            "bound_source": batch.stats.get("bound_source", "cp-sat"),
            "bound_cost_source": batch.stats.get("bound_cost_source"),
            "chain_bound_iterations": batch.stats.get("chain_bound_iterations"),
            "gap_percent": batch.stats.get("gap_percent"),
            "gap_served_percent": batch.stats.get("gap_served_percent"),
            "gap_cost_percent": batch.stats.get("gap_cost_percent"),
            "prepare_seconds": batch.stats.get("prepare_seconds"),
            "components": batch.stats.get("components"),
            "lns_rounds": batch.stats.get("lns_rounds"),
            "lp_status": batch.stats.get("lp_status"),
            "time_limit_s": batch.stats.get("time_limit_s"),
        },
        "ratio": {
            "served": round(batch.served / greedy.served, 4) if greedy.served else None,
            "cost_per_served": round(
                (batch.total_cost / batch.served) / (greedy.total_cost / greedy.served), 4
            )
            if batch.served and greedy.served and greedy.total_cost
            else None,
        },
        "instant": {
            "helpers": rank_helpers,
            "repeats": len(latencies),
            "index_seconds": round(index_s, 3),
            "p50_ms": pct(latencies, 50),
            "p95_ms": pct(latencies, 95),
            "p50_cpu_ms": pct(cpu, 50),
            "p95_cpu_ms": pct(cpu, 95),
            "baseline_p95_cpu_ms": pct(b_cpu, 95),
            "ratio_p95_cpu": round(pct(cpu, 95) / pct(b_cpu, 95), 2) if cpu and pct(b_cpu, 95) else None,
            "mean_feasible": round(float(np.mean(feasible)), 1) if feasible else None,
            "with_rejections_p50_ms": pct(full, 50),
            "with_rejections_p95_ms": pct(full, 95),
            "with_rejections_p95_cpu_ms": pct(full_cpu, 95),
        },
    }
    if bound_block is not None:
        out["bound"] = bound_block
    return out


def _text(r: dict) -> str:
    g, b = r["greedy"], r["batch"]
    lines = [
        f"synthetic town: {r['requests']} requests, {r['helpers']} helpers, seed {r['seed']}, "
        f"{r['feasible_pairs']} feasible pairs",
        f"{'':8}{'served':>8}{'cost':>12}{'km':>10}{'seconds':>10}{'cpu s':>10}",
        f"{'greedy':8}{g['served']:>8}{g['cost']:>12.1f}{g['cost_km']:>10.1f}{g['seconds']:>10.3f}"
        f"{g['cpu_seconds']:>10.3f}",
        f"{'batch':8}{b['served']:>8}{b['cost']:>12.1f}{b['cost_km']:>10.1f}{b['seconds']:>10.3f}"
        f"{b['cpu_seconds']:>10.3f}  ({b['method']}, {b['strategy']}, optimal={b['optimal']})",
        f"ratio batch/greedy: served {r['ratio']['served']}, "
        f"cost per served {r['ratio']['cost_per_served']}",
        f"instant rank, 1 task x {r['instant']['helpers']} helpers "
        f"({r['instant']['repeats']} tasks): p50 {r['instant']['p50_ms']} ms, "
        f"p95 {r['instant']['p95_ms']} ms (CPU p50 {r['instant']['p50_cpu_ms']} ms, "
        f"p95 {r['instant']['p95_cpu_ms']} ms), mean feasible {r['instant']['mean_feasible']}",
        f"instant rank with the rejection list: p50 {r['instant']['with_rejections_p50_ms']} ms, "
        f"p95 {r['instant']['with_rejections_p95_ms']} ms; k-d tree baseline CPU p95 "
        f"{r['instant']['baseline_p95_cpu_ms']} ms (ratio {r['instant']['ratio_p95_cpu']})",
        f"bound: served ≤ {b['bound_served']}, cost ≥ {b['bound_cost']}, gap {b['gap_percent']} %",
    ]
    if "bound" in r:
        lines.append(f"independent LP bound: {r['bound']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m sasaeai.matching.bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tasks", "--requests", dest="tasks", type=int, default=300)
    ap.add_argument("--helpers", type=int, default=150)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=None,
                    help="batch wall-clock seconds, preparation included (default: the shipped "
                         "default, 10 s up to 2,000 requests, 60 s at 10,000)")
    ap.add_argument("--workers", type=int, default=1, help="CP-SAT workers (1 = deterministic)")
    ap.add_argument("--max-candidates", type=int, default=None,
                    help="keep the K cheapest helpers per task in the batch model")
    ap.add_argument("--strategy", choices=("auto", "exact", "lns", "weighted", "phases"),
                    default="auto")
    ap.add_argument("--rank-helpers", type=int, default=5000)
    ap.add_argument("--rank-repeats", type=int, default=50)
    ap.add_argument("--bound", action="store_true",
                    help="also compute an independent LP bound in the same run")
    ap.add_argument("--bound-time-limit", type=float, default=600.0)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    result = run(
        args.tasks, args.helpers, args.seed, args.time_limit, args.rank_helpers,
        args.rank_repeats, args.workers, args.max_candidates, args.strategy,
        bound=args.bound, bound_time_limit_s=args.bound_time_limit,
    )
    print(json.dumps(result, ensure_ascii=False) if args.json else _text(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
