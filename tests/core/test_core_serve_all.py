"""`sasaeai serve_all` runs what production runs — web, task worker, monitors — and stops them
together (issue 9 §3). The end-to-end test starts the real command on a free port with SQLite
in a temporary var directory; the supervisor tests use plain shell children."""

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

from sasaeai.core.supervisor import Child, Supervisor

REPO = Path(__file__).resolve().parents[2]

SCENE = textwrap.dedent("""
    import datetime, json
    from datetime import timedelta
    from django.utils import timezone
    from sasaeai.accounts.models import User
    from sasaeai.residents.models import Resident
    from sasaeai.safety import emergency
    from sasaeai.tenancy import services as tenancy
    from sasaeai.tenancy.codes import with_check_digit
    from sasaeai.tenancy.models import Role

    town = tenancy.create_municipality(
        code=with_check_digit("13901"), name="テスト市", name_kana="てすとし", prefecture="13",
        population=100000, population_65_plus=29300, population_75_plus=16800, center_lat=35.66, center_lon=139.33)
    area = tenancy.create_area(municipality=town, name="地区1", center_lat=35.66, center_lon=139.33,
                               population_65_plus=29300)
    def user(n, role):
        u = User.objects.create_user(password="correct-horse-battery-staple", email=f"u{n}@example.test",
                                     display_name=f"利用者{n}")
        tenancy.create_membership(user=u, municipality=town, role=role, areas=[area] if role != Role.PROXY else ())
        return u
    sc2, daughter, son = user(1, Role.COORDINATOR_L2), user(2, Role.PROXY), user(3, Role.PROXY)
    resident = Resident.objects.create(
        municipality=town, area=area, family_name="山田", given_name="花子", family_name_kana="やまだ",
        given_name_kana="はなこ", birth_date=datetime.date(1940, 4, 1), address="東京都テスト市本町1-2-3",
        postal_code="1900001", lat=35.66, lon=139.33, h3_cell="8844c0a305fffff", phone="0425000001",
        care_level="support_1")
    emergency.save_plan(resident, by=sc2, contacts=[
        {"kind": "family", "name": "山田一郎", "relation": "長女", "phone": "09011112222", "user_id": daughter.pk},
        {"kind": "family", "name": "山田次郎", "relation": "長男", "phone": "09033334444", "user_id": son.pk},
    ])
    # Raised 11 minutes ago: the first contact's 10-minute timer has run out, so the running
    # monitors must escalate to the son; the worker must then deliver his notification.
    alert = emergency.raise_alert(by=sc2, resident=resident, now=timezone.now() - timedelta(minutes=11))
    print(json.dumps({"alert": alert.pk, "son": son.pk, "daughter": daughter.pk}))
""")

LATE = textwrap.dedent("""
    from sasaeai.accounts.models import User
    from sasaeai.notifications import notify
    n = notify(User.objects.get(email="u1@example.test"), "test.late", {"subject": "後から", "url": "/requests/"})
    print(n.pk)
""")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(env, *args, timeout=240) -> str:
    done = subprocess.run([sys.executable, "-m", "sasaeai", *args], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _wait(predicate, timeout: float, what: str, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    tail = log.read_text(errors="replace")[-3000:] if log else ""
    pytest.fail(f"timed out after {timeout}s waiting for {what}\n{tail}")


def _query(db: Path, sql: str, *params):
    with sqlite3.connect(db, timeout=10) as conn:
        return conn.execute(sql, params).fetchall()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")


def _group_members(pgid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_serve_all_delivers_notifications_fires_escalations_and_stops_every_child(tmp_path):
    port = _free_port()
    db = tmp_path / "sasaeai.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "SASAEAI_", "PYTEST"))}
    env.update(DATABASE_URL=f"sqlite:///{db}", SASAEAI_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="sasaeai.settings",
               SASAEAI_EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend", PYTHONUNBUFFERED="1")
    _run(env, "migrate", "--noinput", "-v0")
    scene = json.loads(_run(env, "shell", "-c", SCENE).strip().splitlines()[-1])
    queued = _query(db, "SELECT count(*) FROM notifications_notification WHERE status = 'queued'")[0][0]
    assert queued == 1  # the daughter's call; nothing is delivered without a worker

    log = tmp_path / "serve_all.log"
    with log.open("w") as out:
        sup = subprocess.Popen([sys.executable, "-m", "sasaeai", "serve_all", f"127.0.0.1:{port}",
                                "--monitor-interval", "1"], env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    try:
        pids = _wait(lambda: dict(re.findall(r"started (\w[\w-]*) \(pid (\d+)\)", log.read_text())) if len(
            re.findall(r"started ", log.read_text())) >= 3 else None, 30, "three children", log)
        pids = {name: int(pid) for name, pid in pids.items()}
        assert set(pids) == {"web", "worker", "monitors"}
        _wait(lambda: _healthy(f"http://127.0.0.1:{port}/healthz"), 120, "the web server", log)

        # (3) the escalation timer fires under the running monitors …
        son_rows = lambda: _query(db, "SELECT status, body FROM notifications_notification "  # noqa: E731
                                      "WHERE user_id = ? AND kind = 'safety.emergency'", scene["son"])
        _wait(son_rows, 60, "the escalation to the second contact", log)
        # … (1) and the worker delivers every notification: none stays 送信待ち (queued).
        _wait(lambda: not _query(db, "SELECT 1 FROM notifications_notification WHERE status = 'queued'"),
              60, "delivery of the queued notifications", log)
        late_id = int(_run(env, "shell", "-c", LATE).strip().splitlines()[-1])
        _wait(lambda: _query(db, "SELECT 1 FROM notifications_notification WHERE id = ? AND status = 'sent'",
                             late_id), 60, "delivery of a notification created while running", log)
        status, body = son_rows()[0]
        assert status == "sent"
        # SASAEAI_SITE_URL was unset: serve_all gave the children its own address.
        link = f"http://127.0.0.1:{port}/safety/emergencies/{scene['alert']}/"
        assert link in body
        _wait(lambda: link in log.read_text(), 10, "the email (console backend) with the absolute link", log)
        for pid in pids.values():
            assert _alive(pid)

        sup.send_signal(signal.SIGTERM)
        assert sup.wait(timeout=40) == 0
    finally:
        if sup.poll() is None:
            sup.kill()
            sup.wait()
    _wait(lambda: not any(_alive(pid) or _group_members(pid) for pid in pids.values()), 10, "every child gone")
    for name, pid in pids.items():
        assert not _alive(pid), f"{name} (pid {pid}) survived"
        assert _group_members(pid) == [], f"{name}'s process group survived"
    text = log.read_text()
    assert "received SIGTERM; stopping" in text and text.count(") stopped (status") == 3


def _children_of(sup: Supervisor) -> list[int]:
    return [c.pid for c in sup.children]


def test_one_child_exiting_stops_the_others_and_its_grandchildren(tmp_path):
    marker = tmp_path / "grandchild.pid"
    sup = Supervisor([
        Child("sleeper", ["sh", "-c", f"sleep 300 & echo $! > {marker}; wait"]),
        Child("crasher", ["sh", "-c", "sleep 1; exit 3"]),
    ], stop_timeout=5)
    started = time.monotonic()
    assert sup.run() == 3  # the crashed child's status; nothing is restarted
    assert time.monotonic() - started < 15
    pids = [*_children_of(sup), int(marker.read_text())]  # the grandchild too
    _wait(lambda: not any(_alive(pid) for pid in pids), 5, "every process of the unit gone")


def test_a_child_ignoring_sigterm_is_killed_after_the_timeout():
    sup = Supervisor([
        Child("stubborn", ["sh", "-c", "trap '' TERM; while true; do sleep 0.1; done"]),
        Child("quitter", ["sh", "-c", "sleep 0.5; exit 0"]),
    ], stop_timeout=1)
    started = time.monotonic()
    assert sup.run() == 1  # a child exited (even with 0): the unit stops and says so
    assert time.monotonic() - started < 10
    _wait(lambda: not any(_alive(pid) for pid in _children_of(sup)), 5, "every child gone")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux-only")
def test_no_orphans_even_when_the_supervisor_is_killed(tmp_path):
    """SIGINT stops the unit with status 0; SIGKILL of the supervisor still takes the children
    down (the kernel sends them SIGTERM)."""
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(REPO / 'src')!r})
        from sasaeai.core.supervisor import Child, Supervisor
        sup = Supervisor([Child("a", ["sleep", "300"]), Child("b", ["sleep", "300"])], stop_timeout=2)
        sup.start = (lambda start: lambda: (start(), print(*[c.pid for c in sup.children], flush=True)))(sup.start)
        sys.exit(sup.run())
    """)
    for sig, expected in ((signal.SIGINT, 0), (signal.SIGKILL, -signal.SIGKILL)):
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        pids = [int(p) for p in proc.stdout.readline().split()]
        assert len(pids) == 2 and all(_alive(p) for p in pids)
        proc.send_signal(sig)
        assert proc.wait(timeout=20) == expected
        _wait(lambda pids=pids: not any(_alive(p) for p in pids), 10, f"children gone after {sig.name}")


def test_run_monitors_loop_survives_a_failed_round(monkeypatch):
    """Under serve_all a crashed monitor would stop the whole unit: one failed round (e.g. the
    database briefly locked) is logged by type and the loop goes on."""
    import io
    import types

    from django.core.management import call_command

    from sasaeai.safety.management.commands import run_monitors as command

    rounds = []

    class Stop(Exception):
        pass

    def flaky(now=None):
        rounds.append(now)
        if len(rounds) == 1:
            raise RuntimeError("database is locked")
        return {"escalated": 0, "no_check_in": 0, "no_check_out": 0}

    def sleep(_seconds):
        if len(rounds) >= 2:
            raise Stop

    monkeypatch.setattr(command, "run_monitors_now", flaky)
    monkeypatch.setattr(command, "time", types.SimpleNamespace(sleep=sleep))
    out = io.StringIO()
    with pytest.raises(Stop):
        call_command("run_monitors", "--loop", "1", stdout=out)
    assert len(rounds) == 2 and "escalated=0" in out.getvalue()
    monkeypatch.setattr(command, "run_monitors_now", lambda now=None: 1 / 0)
    with pytest.raises(ZeroDivisionError):  # a single run (cron) still fails loudly
        call_command("run_monitors", stdout=out)


def test_children_for_production_and_demo():
    from django.core.management.base import CommandError

    from sasaeai.core.management.commands.serve_all import Command, _split_addrport

    prod = Command().children("0.0.0.0:8000", web="gunicorn", workers=4, task_workers=2, monitor_interval=30)
    assert [c.name for c in prod] == ["web", "worker-1", "worker-2", "monitors"]
    assert prod[0].argv[1:] == ["-m", "gunicorn", "sasaeai.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4",
                                 "--timeout", "120"]
    assert prod[1].argv[-4:] == ["db_worker", "--no-reload", "--interval", "1"]
    assert prod[3].argv[-3:] == ["run_monitors", "--loop", "30"]
    demo = Command().children("127.0.0.1:8000", web="runserver", workers=2, task_workers=1, monitor_interval=60)
    assert demo[0].argv[-3:] == ["runserver", "127.0.0.1:8000", "--noreload"]
    assert [c.name for c in demo] == ["web", "worker", "monitors"]
    assert _split_addrport("8123") == ("127.0.0.1", 8123)
    assert _split_addrport("[::]:80") == ("[::]", 80)
    with pytest.raises(CommandError):
        _split_addrport("localhost:http")
