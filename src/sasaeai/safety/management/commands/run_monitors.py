"""`sasaeai run_monitors`: escalate unacknowledged emergencies and raise visit alerts.
Run it every minute from cron or a worker (`--loop 60` keeps running)."""

import logging
import time

from django.core.management.base import BaseCommand

from sasaeai.safety.tasks import run_monitors_now

logger = logging.getLogger("sasaeai.safety")


class Command(BaseCommand):
    help = "Escalate unacknowledged emergency steps and alert coordinators about late check-ins/outs."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, help="Repeat every N seconds (0: run once).")

    def handle(self, *args, loop=0, **options):
        while True:
            try:
                result = run_monitors_now()
            except Exception as exc:
                if not loop:
                    raise
                # A failed round (e.g. the database briefly unavailable) must not end the loop:
                # the next round retries. Only the exception type is logged, never data.
                logger.error("monitor round failed: %s; retrying in %ss", type(exc).__name__, loop)
            else:
                self.stdout.write(" ".join(f"{k}={v}" for k, v in result.items()))
                self.stdout.flush()
            if not loop:
                return
            time.sleep(loop)
