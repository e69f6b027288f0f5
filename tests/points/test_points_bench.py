"""`sasaeai bench_points` at a tiny size: one valid JSON line with every key, a verified ledger,
history loaded in bulk with consistent stored balances, and the measured posts written through
`ledger.post`."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from sasaeai.points import ledger
from sasaeai.points.models import LedgerTransaction, PointsAccount, Scheme

pytestmark = pytest.mark.django_db

KEYS = {
    "bench", "database", "accounts", "transactions", "history_transactions", "history_entries", "history_earn",
    "history_hold", "setup_seconds", "load_seconds", "load_rows_per_s", "measured_posts", "measured_keyed_earns",
    "refused_overdrafts", "ledger_tx_per_s", "post_ms_p50", "post_ms_p95", "baseline_inserts",
    "baseline_insert_per_s", "baseline_ms_p50", "baseline_ms_p95", "ledger_vs_baseline", "reads",
    "balance_ms_p50", "balance_ms_p95", "statement_ms_p50", "statement_ms_p95", "statement_lines_mean",
    "verify_seconds", "verified", "ledger_transactions_total", "ledger_entries_total", "load_average_before",
    "load_average_after", "cpus",
}


def run(*args):
    out = io.StringIO()
    call_command("bench_points", *args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def test_bench_points_prints_one_json_line_with_its_figures():
    data = run("--accounts", "30", "--transactions", "400", "--measure", "120", "--reads", "10", "--json")
    assert KEYS <= set(data)
    assert data["bench"] == "points" and data["verified"] is True
    assert data["history_transactions"] == 400 and data["history_entries"] == 800
    assert data["history_earn"] + data["history_hold"] == 400 and data["history_hold"] > 0
    assert data["measured_posts"] == data["baseline_inserts"] == 120
    written = 120 - data["refused_overdrafts"]
    assert data["ledger_transactions_total"] == 400 + written
    assert data["ledger_entries_total"] == 2 * (400 + written)
    assert data["ledger_tx_per_s"] > 0 and data["baseline_insert_per_s"] > 0 and data["ledger_vs_baseline"] > 0
    assert data["statement_lines_mean"] > 0
    scheme = Scheme.objects.get(name__startswith="bench ")
    # the stored balances of the bulk-loaded history equal the entries (the ledger's own check)
    assert ledger.verify([scheme.pk])["ok"]
    assert PointsAccount.objects.filter(scheme=scheme, kind="member").count() == 30
    assert LedgerTransaction.objects.filter(scheme=scheme, idempotency_key__contains=":m").count() == \
        data["measured_keyed_earns"]


def test_bench_points_refuses_a_nonsense_size():
    with pytest.raises(CommandError):
        call_command("bench_points", "--accounts", "0", stdout=io.StringIO())
