"""`sasaeai points_verify`: check the whole points ledger (balanced transactions, stored
balances equal to their entries, no forbidden negative balance, every scheme summing to zero).
Prints one JSON line; exits 1 when a problem is found."""

import json
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Check that the points ledger balances and that stored balances equal their entries."

    def add_arguments(self, parser):
        parser.add_argument("--scheme", type=int, action="append", help="Only these scheme ids.")

    def handle(self, *args, scheme=None, **options):
        from sasaeai.points.ledger import verify

        result = verify(scheme)
        self.stdout.write(json.dumps(result, ensure_ascii=False))
        if not result["ok"]:
            sys.exit(1)
