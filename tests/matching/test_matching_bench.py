"""The benchmark command prints its figures (no timing assertions)."""

import json

from sasaeai.matching import bench


def test_bench_json_has_the_documented_keys(capsys):
    assert bench.main(["--tasks", "20", "--helpers", "15", "--seed", "2", "--time-limit", "5",
                       "--rank-helpers", "200", "--rank-repeats", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["requests"] == 20 and out["helpers"] == 15
    for mode in ("batch", "greedy"):
        assert {"served", "cost", "cost_km", "seconds"} <= set(out[mode])
    assert out["batch"]["served"] >= out["greedy"]["served"]
    assert {"p50_ms", "p95_ms"} <= set(out["instant"])
    assert out["instant"]["repeats"] == 3


def test_bench_text_output(capsys):
    bench.main(["--tasks", "10", "--helpers", "8", "--rank-helpers", "50", "--rank-repeats", "2"])
    text = capsys.readouterr().out
    assert "greedy" in text and "batch" in text and "instant rank" in text


def test_bench_bound_and_instant_baseline(capsys):
    assert bench.main(["--tasks", "30", "--helpers", "20", "--seed", "3", "--time-limit", "5",
                       "--rank-helpers", "300", "--rank-repeats", "3", "--bound", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    b = out["bound"]
    assert {"served", "cost", "cost_km", "seconds"} <= set(b)
    assert b["served"] >= out["batch"]["served"] and b["cost"] <= out["batch"]["cost"] + 1e-6
    assert b["cost_km"] <= out["batch"]["cost_km"] + 1e-6
    assert out["batch"]["method"].startswith("batch:") and out["batch"]["gap_percent"] is not None
    assert out["batch"]["bound_served"] >= out["batch"]["served"]
    assert {"baseline_p95_cpu_ms", "ratio_p95_cpu", "p95_cpu_ms"} <= set(out["instant"])
    ref = b["reference"]
    assert ref["served"] <= b["served"] and ref["served"] <= out["batch"]["served"]
    assert ref["cost_pairs_per_served"] <= ref["cost_per_served"]


def test_the_baseline_respects_blocks_as_rank_does():
    """The k-d tree baseline must give rank()'s top 10: with blocks ignored it listed a helper
    the recipient had blocked (town(5, 500, seed=2), task 2, helper 330)."""
    from sasaeai.matching import synth
    from sasaeai.matching.arrays import HelperIndex
    from sasaeai.matching.engine import rank
    from sasaeai.matching.model import Weights

    tasks, helpers = synth.town(5, 500, 2)
    index = HelperIndex(helpers)
    index.tree()
    base = bench.KDTreeBaseline(helpers, Weights())
    assert any(h.blocked_recipient_ids for h in helpers) or any(t.blocked_helper_ids for t in tasks)
    for t in tasks:
        assert [c.helper_id for c in rank(t, index, Weights(), limit=10, rejections=False)[0]] == base.top(t, 10)
