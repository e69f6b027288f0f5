"""Daily: expire registrations, send renewal reminders 60 days before expiry, renew
automatically renewing agreements, remind agreements ending soon. Prints one JSON line."""

import json

from django.core.management.base import BaseCommand

from sasaeai.partners.services import run_reminders


class Command(BaseCommand):
    help = "Partner registrations and agreements: expiry, renewal reminders, automatic renewal."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(run_reminders()))
