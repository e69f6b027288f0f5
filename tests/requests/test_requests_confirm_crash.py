"""Batch confirmation is all or nothing (issue 10 §2): the confirming process is killed (SIGKILL)
at random moments; afterwards the run is either untouched (still proposed, no offer written) or
fully confirmed, and confirming again finishes it without a second offer for any line. PostgreSQL
with a real separate process."""

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from django.db import connection
from django.utils import timezone

from sasaeai.requests import batch, services
from sasaeai.requests.models import MatchingRun, Offer, OfferSource, ProposedAssignment
from tests.concurrency import postgres_only  # noqa: F401 - fixture

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only")]

LINES = 60

SCRIPT = textwrap.dedent("""
    import os, sys
    import django
    django.setup()
    from sasaeai.accounts.models import User
    from sasaeai.requests import batch
    from sasaeai.requests.models import MatchingRun
    run = MatchingRun.objects.get(pk=int(sys.argv[1]))
    by = User.objects.get(pk=int(sys.argv[2]))
    print("START", flush=True)
    batch.confirm_run(run, by=by)
    print("DONE", flush=True)
""")


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _run_with_lines(town, new_request, n=LINES):
    run = MatchingRun.objects.create(municipality=town.municipality, area=town.areas[0],
                                     day=timezone.localdate() + timezone.timedelta(days=1),
                                     created_by=town.coordinator)
    for i in range(n):
        req = new_request(title=f"掃除{i}")
        ProposedAssignment.objects.create(run=run, request=req, helper=town.helpers[i % len(town.helpers)])
    return run


def _state(run):
    run.refresh_from_db()
    requests = run.lines.values("request_id")
    return run.status, Offer.objects.filter(request__in=requests, source=OfferSource.BATCH).count()


def _confirm_in_a_process_killed_after(run, by, delay: float) -> bool:
    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "sasaeai.settings"}
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(run.pk), str(by.pk)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "START", proc.stderr.read()
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    return proc.returncode == -signal.SIGKILL


def test_a_confirmation_killed_at_any_moment_is_untouched_or_complete_and_a_rerun_finishes_it(town, new_request):
    rng = random.Random(1)
    kills = 0
    for delay in [0.0, *(rng.uniform(0.0, 1.5) for _ in range(4))]:
        run = _run_with_lines(town, new_request)
        killed = _confirm_in_a_process_killed_after(run, town.coordinator, delay)
        kills += killed
        status, offers = _state(run)
        assert (status, offers) in {(MatchingRun.Status.PROPOSED, 0), (MatchingRun.Status.CONFIRMED, LINES)}, (
            delay, status, offers)
        result = batch.confirm_run(run, by=town.coordinator)
        assert _state(run) == (MatchingRun.Status.CONFIRMED, LINES)
        assert result["offered"] + result["already_offered"] == LINES and not result["skipped"]
        again = batch.confirm_run(run, by=town.coordinator)  # a second re-run offers nothing twice
        assert (again["offered"], again["already_offered"]) == (0, LINES)
        assert _state(run) == (MatchingRun.Status.CONFIRMED, LINES)
    assert kills >= 1  # at least one process really died mid-way or before finishing


def test_a_run_left_half_confirmed_by_the_old_line_by_line_code_is_finished_exactly_once(town, new_request):
    run = _run_with_lines(town, new_request, n=10)
    lines = list(run.lines.select_related("request", "helper").order_by("request_id"))
    run.status = MatchingRun.Status.CONFIRMED
    run.save(update_fields=["status"])
    for line in lines[:4]:  # what the old code had written before it was killed
        services.offer_to(line.request, [line.helper], by=town.coordinator, source=OfferSource.BATCH)
    result = batch.confirm_run(run, by=town.coordinator)
    assert (result["offered"], result["already_offered"]) == (6, 4)
    assert _state(run) == (MatchingRun.Status.CONFIRMED, 10)
