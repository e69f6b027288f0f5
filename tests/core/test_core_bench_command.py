"""`sasaeai bench_matching … --json` prints the figures the issue names (small run; no timing asserted)."""

import json
import subprocess
import sys
from pathlib import Path


def test_bench_matching_prints_required_keys():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "sasaeai"), "bench_matching", "--requests", "30", "--helpers", "20",
         "--seed", "3", "--json", "--rank-helpers", "200", "--rank-repeats", "3"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["requests"] == 30 and data["helpers"] == 20
    for mode in ("batch", "greedy"):
        assert {"served", "cost_km", "seconds"} <= set(data[mode])
    assert {"p50_ms", "p95_ms"} <= set(data["instant"])
    assert data["batch"]["served"] >= data["greedy"]["served"]
