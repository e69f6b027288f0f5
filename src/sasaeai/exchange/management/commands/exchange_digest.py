"""Send the weekly digest of the coordinators' exchange (run weekly from cron)."""

import datetime as dt
import json

from django.core.management.base import BaseCommand
from django.utils import timezone

from sasaeai.exchange import services


class Command(BaseCommand):
    help = "Send each coordinator the titles of the past week's new exchange posts (週次ダイジェスト)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args, days: int, **options):
        sent = services.weekly_digest(since=timezone.now() - dt.timedelta(days=max(days, 1)))
        self.stdout.write(json.dumps({"sent": sent}))
