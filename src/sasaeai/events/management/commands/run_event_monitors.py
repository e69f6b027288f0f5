"""`sasaeai run_event_monitors [--loop N]`: expire unconfirmed waiting-list offers (promoting
the next person) and send the day-before reminders."""

import json
import time

from django.core.management.base import BaseCommand

from sasaeai.events.services import run_monitors


class Command(BaseCommand):
    help = "Expire waiting-list offers and send event reminders (once, or every N seconds)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, help="repeat every N seconds (0 = once)")

    def handle(self, *args, loop=0, **options):
        while True:
            self.stdout.write(json.dumps(run_monitors()))
            if not loop:
                return
            time.sleep(loop)
