"""`sasaeai bench_matching --requests N --helpers M --seed S --json`: the matching engine's
benchmark (batch vs greedy vs instant) on a synthetic town drawn like the demo town.
The engine is Django-free; this command only forwards to `sasaeai.matching.bench`."""

import sys

from django.core.management.base import BaseCommand

from sasaeai.matching import bench


class Command(BaseCommand):
    help = bench.__doc__.splitlines()[0] if bench.__doc__ else "Matching engine benchmark"

    def run_from_argv(self, argv):
        # argv = [prog, "bench_matching", ...]; the engine's own parser reads the rest.
        sys.exit(bench.main(argv[2:]))

    def add_arguments(self, parser):
        parser.add_argument("engine_args", nargs="*", help="arguments for sasaeai.matching.bench")

    def handle(self, *args, engine_args=(), **options):
        code = bench.main(list(engine_args))
        if code:
            sys.exit(code)
