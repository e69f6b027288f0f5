"""`sasaeai bench_kpis --json`: compute the whole KPI dashboard (every indicator's value and
its 12-month trend) of the loaded municipality and print one JSON line: `kpis` (how many
indicators), `seconds` and `queries` for the dashboard, the per-indicator query counts, and a
same-run baseline (`baseline_seconds`, `baseline_queries`: the values alone, without trends).
Reads only; `--municipality CODE` picks one (default: the one with most residents)."""

import json
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from sasaeai.kpis import registry, selectors
from sasaeai.tenancy.models import Municipality


def _timed(fn):
    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        fn()
        seconds = time.perf_counter() - t0
    return seconds, len(ctx.captured_queries)


class Command(BaseCommand):
    help = "Time and count the queries of the whole KPI dashboard of one municipality."

    def add_arguments(self, parser):
        parser.add_argument("--municipality", help="local government code (default: most residents)")
        parser.add_argument("--fiscal-year", type=int, default=None)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        qs = Municipality.objects.all()
        if opts["municipality"]:
            municipality = qs.filter(code=opts["municipality"]).first()
        else:
            municipality = qs.annotate(n=Count("residents")).order_by("-n", "code").first()
        if municipality is None:
            raise CommandError("No municipality loaded: run `sasaeai seed_demo` first.")
        year = opts["fiscal_year"] or selectors.current_fiscal_year()
        indicators = registry.indicators()
        targets = selectors.targets_for(municipality, year)
        selectors.dashboard(municipality, None, year)  # warm-up (imports, caches)
        seconds, queries = _timed(lambda: selectors.dashboard(municipality, None, year))
        base_seconds, base_queries = _timed(lambda: selectors.dashboard(municipality, None, year, with_trend=False))
        per = {}
        for i in indicators:
            _s, n = _timed(lambda i=i: selectors.measure(i, municipality, None, year, targets))
            per[i.key] = n
        result = {
            "bench": "kpis", "municipality": municipality.code, "residents": municipality.residents.count(),
            "fiscal_year": year, "kpis": len(indicators),
            "available": sum(1 for i in indicators if i.available),
            "seconds": round(seconds, 4), "queries": queries,
            "baseline_seconds": round(base_seconds, 4), "baseline_queries": base_queries,
            "baseline": "values without the 12-month trends",
            "queries_per_indicator": per,
        }
        if opts["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            for key, value in result.items():
                self.stdout.write(f"{key}: {value}")
