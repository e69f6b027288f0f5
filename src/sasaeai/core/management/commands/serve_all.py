"""`sasaeai serve_all [ADDR:PORT]`: the web server, the task worker and the monitors as one unit.

What production runs, in one command (`make demo` uses it):

* web: `sasaeai runserver ADDR:PORT --noreload` (default) or `gunicorn sasaeai.wsgi`
  (`--web gunicorn --workers N`);
* `sasaeai db_worker` (`--task-workers N` of them): delivers notifications and other tasks;
* `sasaeai run_monitors --loop S` (`--monitor-interval S`, default 60): emergency escalation
  timers and late check-in/check-out alerts.

Nothing is restarted: when any child exits the others are stopped and the command exits
non-zero (let systemd or the container runtime restart the unit). SIGINT/SIGTERM/SIGHUP stop
every child (SIGTERM, then SIGKILL after `--stop-timeout` seconds). See
`sasaeai/core/supervisor.py` and docs/operations.md.

When SASAEAI_SITE_URL is not set, the children get `http://ADDR:PORT` (with 127.0.0.1 for a
wildcard address) so that notification links point at this server.
"""

import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sasaeai.core.supervisor import Child, Supervisor


def web_timeout() -> int:
    """Seconds gunicorn lets one request run before it kills the worker: a batch matching
    run answers its page after up to SASAEAI_MATCHING_TIME_LIMIT_S seconds of search, so the
    limit is that plus a margin for reading and writing (gunicorn's own default is 30 s)."""
    limit = float(getattr(settings, "SASAEAI_MATCHING_TIME_LIMIT_S", 60.0))
    return max(30, int(limit) + 60)


def _split_addrport(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep:
        host, port = "127.0.0.1", value
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(f"Not an address:port: {value!r}")
    return host or "127.0.0.1", int(port)


class Command(BaseCommand):
    help = ("Run the web server, the background task worker(s) and the monitors together; "
            "stop them all when one exits or on SIGINT/SIGTERM.")
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000",
                            help="Where the web server listens (default 127.0.0.1:8000).")
        parser.add_argument("--web", choices=["runserver", "gunicorn"], default="runserver",
                            help="runserver for the demo and development; gunicorn for production.")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2).")
        parser.add_argument("--task-workers", type=int, default=1,
                            help="sasaeai db_worker processes (default 1).")
        parser.add_argument("--monitor-interval", type=int, default=60,
                            help="Seconds between monitor runs (default 60).")
        parser.add_argument("--stop-timeout", type=float, default=10.0,
                            help="Seconds a child may take to stop before it is killed (default 10).")

    def children(self, addrport: str, *, web: str, workers: int, task_workers: int,
                 monitor_interval: int) -> list[Child]:
        me = [sys.executable, "-m", "sasaeai"]
        if web == "gunicorn":
            web_argv = [sys.executable, "-m", "gunicorn", "sasaeai.wsgi", "--bind", addrport,
                        "--workers", str(workers), "--timeout", str(web_timeout())]
        else:
            web_argv = [*me, "runserver", addrport, "--noreload"]
        children = [Child("web", web_argv)]
        for i in range(task_workers):
            children.append(Child(f"worker-{i + 1}" if task_workers > 1 else "worker",
                                  [*me, "db_worker", "--no-reload", "--interval", "1"]))
        children.append(Child("monitors", [*me, "run_monitors", "--loop", str(monitor_interval)]))
        return children

    def handle(self, *args, addrport, web, workers, task_workers, monitor_interval, stop_timeout, **options):
        host, port = _split_addrport(addrport)
        if workers < 1 or task_workers < 1 or monitor_interval < 1:
            raise CommandError("--workers, --task-workers and --monitor-interval must be at least 1.")
        env = dict(os.environ)
        env.setdefault("PYTHONUNBUFFERED", "1")
        if not env.get("SASAEAI_SITE_URL"):
            public = "127.0.0.1" if host in ("0.0.0.0", "::", "[::]") else host
            env["SASAEAI_SITE_URL"] = f"http://{public}:{port}"
        self.stdout.write(f"serve_all: web ({web}) on {host}:{port}, {task_workers} task worker(s), "
                          f"monitors every {monitor_interval}s; links use {env['SASAEAI_SITE_URL']}. "
                          f"Ctrl-C stops everything.")
        self.stdout.flush()
        supervisor = Supervisor(
            self.children(f"{host}:{port}", web=web, workers=workers, task_workers=task_workers,
                          monitor_interval=monitor_interval),
            env=env, stop_timeout=stop_timeout,
        )
        code = supervisor.run()
        if code:
            sys.exit(code)
