"""Benchmark of the matching engine on a synthetic town (ベンチマーク).

    python -m sasaeai.matching.bench --tasks 300 --helpers 150 --seed 1 [--json]

Runs greedy and batch on the same input in the same process and prints served requests,
total cost, total travel km, the batch/greedy ratios and the seconds each took; then times
instant `rank` for single tasks against `--rank-helpers` helpers (p50/p95 over
`--rank-repeats` tasks). With --json the output is one JSON object:
{"requests", "helpers", "batch": {"served", "cost", "cost_km", "seconds"}, "greedy": {...},
"instant": {"p50_ms", "p95_ms", "helpers"}, ...}. Figures only: no pass/fail.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from .engine import assign_batch, assign_greedy, rank
from .model import Weights
from .synth import town


def run(
    tasks: int, helpers: int, seed: int = 1, time_limit_s: float = 30.0,
    rank_helpers: int = 5000, rank_repeats: int = 50, num_workers: int = 1,
    max_candidates_per_task: int | None = None, strategy: str = "auto",
) -> dict:
    weights = Weights()
    t_list, h_list = town(tasks, helpers, seed)
    t0, c0 = time.perf_counter(), time.process_time()
    greedy = assign_greedy(t_list, h_list, weights)
    greedy_s, greedy_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    batch = assign_batch(
        t_list, h_list, weights, time_limit_s=time_limit_s, num_workers=num_workers,
        random_seed=seed, max_candidates_per_task=max_candidates_per_task, strategy=strategy,
    )
    batch_s, batch_cpu = time.perf_counter() - t0, time.process_time() - c0

    r_tasks, r_helpers = town(max(rank_repeats, 1), rank_helpers, seed + 1)
    latencies = []
    cpu = []
    fast = []
    feasible = []
    for t in r_tasks[:rank_repeats]:
        t0, c0 = time.perf_counter(), time.process_time()
        cands, _ = rank(t, r_helpers, weights, limit=10)
        latencies.append((time.perf_counter() - t0) * 1000.0)
        cpu.append((time.process_time() - c0) * 1000.0)
        t0 = time.perf_counter()
        quick, _ = rank(t, r_helpers, weights, limit=10, rejections=False)
        fast.append((time.perf_counter() - t0) * 1000.0)
        if quick != cands:
            raise RuntimeError("rank(rejections=False) disagrees with rank()")
        feasible.append(len(cands))

    def block(a, seconds, cpu):
        return {
            "served": a.served,
            "cost": round(a.total_cost, 3),
            "cost_km": round(a.total_distance_km, 3),
            "seconds": round(seconds, 3),
            "cpu_seconds": round(cpu, 3),
            "method": a.method,
        }

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
            "p50_ms": round(float(np.percentile(latencies, 50)), 2) if latencies else None,
            "p95_ms": round(float(np.percentile(latencies, 95)), 2) if latencies else None,
            "p50_cpu_ms": round(float(np.percentile(cpu, 50)), 2) if cpu else None,
            "p95_cpu_ms": round(float(np.percentile(cpu, 95)), 2) if cpu else None,
            "mean_feasible": round(float(np.mean(feasible)), 1) if feasible else None,
            "candidates_only_p50_ms": round(float(np.percentile(fast, 50)), 2) if fast else None,
            "candidates_only_p95_ms": round(float(np.percentile(fast, 95)), 2) if fast else None,
        },
    }
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
        f"instant rank without rejection list: p50 {r['instant']['candidates_only_p50_ms']} ms, "
        f"p95 {r['instant']['candidates_only_p95_ms']} ms",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m sasaeai.matching.bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tasks", "--requests", dest="tasks", type=int, default=300)
    ap.add_argument("--helpers", type=int, default=150)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=30.0, help="batch CP-SAT seconds")
    ap.add_argument("--workers", type=int, default=1, help="CP-SAT workers (1 = deterministic)")
    ap.add_argument("--max-candidates", type=int, default=None,
                    help="keep the K cheapest helpers per task in the batch model")
    ap.add_argument("--strategy", choices=("auto", "weighted", "phases"), default="auto")
    ap.add_argument("--rank-helpers", type=int, default=5000)
    ap.add_argument("--rank-repeats", type=int, default=50)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    result = run(
        args.tasks, args.helpers, args.seed, args.time_limit, args.rank_helpers,
        args.rank_repeats, args.workers, args.max_candidates, args.strategy,
    )
    print(json.dumps(result, ensure_ascii=False) if args.json else _text(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
