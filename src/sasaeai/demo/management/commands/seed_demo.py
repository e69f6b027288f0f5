import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sasaeai.demo.generator import SCALES, seed_demo


class Command(BaseCommand):
    help = "Build the synthetic demo town (deterministic for --seed; a second run adds nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--core-only", action="store_true",
                            help="Only the town, residents and accounts; skip the apps' demo data.")

    def handle(self, *args, scale, seed, core_only, **options):
        if seed < 0:
            raise CommandError(_("The seed must be zero or a positive number."))
        started = time.perf_counter()
        counts = seed_demo(scale, seed, with_apps=not core_only)
        elapsed = time.perf_counter() - started
        added = ", ".join(f"{k}={v}" for k, v in counts.items())
        self.stdout.write(f"seed_demo scale={scale} seed={seed}: added {added} in {elapsed:.1f} s")
        self.stdout.write(_("The demo town is synthetic: every person and place in it is invented."))
