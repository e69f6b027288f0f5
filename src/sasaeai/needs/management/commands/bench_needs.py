"""`sasaeai bench_needs --needs 200000 --json`: the gap table's build time for a city with that
many needs, beside a same-run baseline (a plain COUNT(*) over the city's needs).

The gap table is computed in the database (one aggregate query per source: needs,
resources, help requests, helpers; plus the areas), then suppressed for a public viewer
(k = 10) in Python over the small aggregated table. Everything is written inside one
transaction that is rolled back at the end."""

import json
import random
import statistics
import time

import h3
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sasaeai.directory.models import Category as ResourceCategory
from sasaeai.directory.models import Service, Status
from sasaeai.needs import gaps
from sasaeai.needs.categories import NeedCategory
from sasaeai.needs.models import H3_RESOLUTION, Need, NeedSource, NeedStatus
from sasaeai.tenancy import services as tenancy
from sasaeai.tenancy.codes import with_check_digit


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Measure the gap table's build time against a COUNT(*) baseline (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--needs", type=int, default=200_000)
        parser.add_argument("--areas", type=int, default=20)
        parser.add_argument("--repeat", type=int, default=5)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        self.result = {}
        try:
            with transaction.atomic():
                self._run(opts)
                raise Rollback
        except Rollback:
            pass
        if opts["json"]:
            self.stdout.write(json.dumps(self.result))
        else:
            for key, value in self.result.items():
                self.stdout.write(f"{key}: {value}")

    def _run(self, opts):
        rng = random.Random(opts["seed"])
        code = with_check_digit("13999")
        municipality = tenancy.create_municipality(
            code=code, name="ベンチ市", name_kana="べんちし", prefecture="13", population=600_000,
            population_65_plus=160_000, population_75_plus=85_000, center_lat=35.65, center_lon=139.32)
        areas = [tenancy.create_area(municipality=municipality, name=f"第{i + 1}地区",
                                     center_lat=35.6 + 0.01 * (i % 5), center_lon=139.3 + 0.01 * (i // 5),
                                     population_65_plus=8_000) for i in range(opts["areas"])]
        services = [Service(municipality=municipality, area=areas[i % len(areas)], name=f"資源{i}",
                            category=rng.choice(ResourceCategory.values), status=Status.PUBLISHED,
                            last_verified_at=timezone.now()) for i in range(25 * len(areas))]
        Service.objects.bulk_create(services, batch_size=2000)
        started = time.perf_counter()
        categories, statuses, sources = NeedCategory.values, NeedStatus.values, NeedSource.values
        now = timezone.now()
        batch = []
        for i in range(opts["needs"]):
            area = areas[i % len(areas)]
            batch.append(Need(
                municipality=municipality, area=area, category=rng.choice(categories), description="ベンチ",
                h3_cell=h3.latlng_to_cell(area.center_lat + rng.uniform(-0.005, 0.005),
                                          area.center_lon + rng.uniform(-0.005, 0.005), H3_RESOLUTION),
                source=rng.choice(sources), status=rng.choice(statuses), status_changed_at=now, created_at=now))
            if len(batch) == 5000:
                Need.objects.bulk_create(batch)
                batch = []
        if batch:
            Need.objects.bulk_create(batch)
        load_s = time.perf_counter() - started
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE needs_need")
        viewer = gaps.Viewer(set(), 10, "public")

        def count():
            return Need.objects.filter(municipality=municipality).count()

        def table():
            return gaps.build(municipality, viewer)

        count(), table()  # warm up
        count_ms, table_ms = [], []
        for _ in range(opts["repeat"]):
            t0 = time.perf_counter()
            count()
            count_ms.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                built = table()
            table_ms.append((time.perf_counter() - t0) * 1000)
        self.result = {
            "needs": count(), "areas": len(areas), "categories": len(categories),
            "gap_table_ms": round(statistics.median(table_ms), 1), "queries": len(captured.captured_queries),
            "count_ms": round(statistics.median(count_ms), 1),
            "ratio_to_count": round(statistics.median(table_ms) / max(statistics.median(count_ms), 0.001), 1),
            "suppressed_entries": sum(built.viewer.k is not None and v is None
                                      for c in built.cells.values() for v in c.values.values()),
            "load_s": round(load_s, 1), "repeat": opts["repeat"], "engine": connection.vendor,
        }
