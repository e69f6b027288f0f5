"""`sasaeai bench_needs` at a tiny size: one JSON line with the gap table's figures and its
same-run baseline; everything it wrote is rolled back."""

import io
import json

import pytest
from django.core.management import call_command

from sasaeai.needs.models import Need
from sasaeai.tenancy.models import Municipality

pytestmark = pytest.mark.django_db

KEYS = {"needs", "areas", "categories", "gap_table_ms", "queries", "count_ms", "ratio_to_count",
        "suppressed_entries", "load_s", "repeat", "engine"}


def test_bench_needs_prints_one_json_line_and_leaves_nothing_behind():
    out = io.StringIO()
    call_command("bench_needs", "--needs", "300", "--areas", "3", "--repeat", "2", "--json", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert KEYS <= set(data)
    assert data["needs"] == 300 and data["areas"] == 3 and data["repeat"] == 2
    assert data["gap_table_ms"] > 0 and data["count_ms"] >= 0 and data["queries"] > 0
    assert data["suppressed_entries"] > 0  # 300 needs over 3 areas × every category: cells below k = 10
    assert not Need.objects.exists() and not Municipality.objects.filter(name="ベンチ市").exists()
