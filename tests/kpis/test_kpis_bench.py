"""`sasaeai bench_kpis --json` on a small constructed municipality: one JSON line with how many
indicators, the dashboard's time and queries, the per-indicator counts and the baseline."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from sasaeai.kpis import registry

from .conftest import build_world

pytestmark = pytest.mark.django_db

KEYS = {"bench", "municipality", "residents", "fiscal_year", "kpis", "available", "seconds", "queries",
        "baseline_seconds", "baseline_queries", "baseline", "queries_per_indicator"}


def run(*args):
    out = io.StringIO()
    call_command("bench_kpis", *args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def test_bench_kpis_prints_one_json_line_with_its_figures():
    world = build_world(3)
    data = run("--municipality", world["m"].code, "--json")
    assert KEYS <= set(data)
    keys = [i.key for i in registry.indicators()]
    assert data["bench"] == "kpis" and data["municipality"] == world["m"].code and data["residents"] == 3
    assert data["kpis"] == len(keys) and data["available"] == len(keys)
    assert set(data["queries_per_indicator"]) == set(keys)
    assert all(n > 0 for n in data["queries_per_indicator"].values())
    assert data["queries"] > data["baseline_queries"] > 0  # the trends cost queries on top of the values
    assert data["seconds"] > 0 and data["baseline_seconds"] > 0


def test_bench_kpis_without_a_municipality_says_what_to_do():
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("bench_kpis", "--json", stdout=io.StringIO())
