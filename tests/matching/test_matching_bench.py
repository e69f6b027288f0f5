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
