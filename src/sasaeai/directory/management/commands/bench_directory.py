"""`sasaeai bench_directory --resources 100000 --json`: search latency on a synthetic directory.

Search = keyword + category + distance (near, 3 km, nearest first, first page of 20) as an
anonymous visitor sees it (visibility in the query), in the result list's shape
(`search_results`: the SearchResult rows the list page shows). Baselines in the same run:
`Service.objects.get(pk=…)` (a whole resource record by primary key: the target's baseline),
`row_by_pk` (the same columns and join as a search result, by primary key, through the ORM)
and `row_by_pk_sql` (the same row by primary key in the search's own hand-written SQL). Everything is written inside one transaction that is rolled back at the end."""

import json
import random
import statistics
import time

import h3
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from sasaeai.directory.models import (
    H3_RESOLUTION,
    Category,
    Location,
    Service,
    Status,
    Visibility,
    near_cell_of,
)
from sasaeai.directory.selectors import RESULT_COLUMNS, SearchParams, SearchResults, search_results
from sasaeai.directory.textnorm import normalize
from sasaeai.tenancy import services as tenancy
from sasaeai.tenancy.codes import with_check_digit
from sasaeai.tenancy.models import Municipality

WORDS = ["体操", "サロン", "茶話会", "カフェ", "ウォーキング", "配食", "買い物", "送迎", "見守り", "相談", "食堂",
         "ベンチ", "協力店", "スマホ", "囲碁", "俳句", "ヨガ", "百歳", "ラジオ", "手芸"]


#: One result row by primary key in the same hand-written SQL as the search (same columns, join).
ROW_BY_PK_SQL = (f"SELECT {SearchResults._COLUMNS} {SearchResults._FROM} "
                 'WHERE "directory_service"."id" = %s')


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Measure directory search latency against a primary-key baseline (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--resources", type=int, default=100_000)
        parser.add_argument("--queries", type=int, default=200)
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
        n = opts["resources"]
        code = next(with_check_digit(f"47{i:03d}") for i in range(900, 1000)
                    if not Municipality.objects.filter(code=with_check_digit(f"47{i:03d}")).exists())
        m = tenancy.create_municipality(code=code, name="ベンチ市", name_kana="べんちし", prefecture="47",
                                        population=1_000_000, population_65_plus=290_000, population_75_plus=168_000,
                                        center_lat=26.2, center_lon=127.7)
        areas = [tenancy.create_area(municipality=m, name=f"区{i}", center_lat=26.2 + (i // 5) * 0.05,
                                     center_lon=127.7 + (i % 5) * 0.05) for i in range(20)]
        categories = Category.values
        batch = 5000
        created = 0
        while created < n:
            size = min(batch, n - created)
            locations, services = [], []
            for _i in range(size):
                area = rng.choice(areas)
                lat, lon = area.center_lat + rng.uniform(-0.03, 0.03), area.center_lon + rng.uniform(-0.03, 0.03)
                # bulk_create skips save(): fill the cells as save() does.
                locations.append(Location(municipality=m, name="会場", lat=lat, lon=lon,
                                          h3_cell=h3.latlng_to_cell(lat, lon, H3_RESOLUTION)))
            Location.objects.bulk_create(locations, batch_size=1000)
            if connection.vendor == "sqlite" or locations[0].pk is None:
                # SQLite before RETURNING support: fetch the ids back.
                ids = list(Location.objects.filter(municipality=m).order_by("-pk").values_list("pk", flat=True)[:size])
                ids.reverse()
                for loc, pk in zip(locations, ids, strict=True):
                    loc.pk = pk
            for loc in locations:
                words = rng.sample(WORDS, 2)
                name = f"{words[0]}の会 {created}"
                roll = rng.random()
                services.append(Service(
                    municipality=m, area=areas[0], location=loc, name=name, category=rng.choice(categories),
                    near_cell=near_cell_of(loc.lat, loc.lon),
                    search_text=normalize(f"{name} {words[1]}"), status=Status.PUBLISHED,
                    visibility=Visibility.PUBLIC if roll < 0.9 else Visibility.PROFESSIONALS if roll < 0.95
                    else Visibility.PRIVATE,
                ))
                created += 1
            Service.objects.bulk_create(services, batch_size=1000)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE directory_service; ANALYZE directory_location;")
        pks = list(Service.objects.filter(municipality=m).values_list("pk", flat=True)[:10_000])
        search_ms, base_ms, row_ms, sql_ms, hits = [], [], [], [], 0
        for _q in range(opts["queries"]):
            area = rng.choice(areas)
            params = SearchParams(q=rng.choice(WORDS), municipality_id=m.pk, category=rng.choice(categories),
                                  near=(area.center_lat + rng.uniform(-0.02, 0.02), area.center_lon + rng.uniform(-0.02, 0.02)),
                                  radius_km=3.0)
            t0 = time.perf_counter()
            rows = search_results(None, params)[:20]
            search_ms.append((time.perf_counter() - t0) * 1000)
            hits += len(rows)
            pk = rng.choice(pks)
            t0 = time.perf_counter()
            Service.objects.get(pk=pk)
            base_ms.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            Service.objects.filter(pk=pk).values_list(*RESULT_COLUMNS).get()
            row_ms.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(ROW_BY_PK_SQL, [pk])
                cursor.fetchone()
            sql_ms.append((time.perf_counter() - t0) * 1000)

        def pct(values, q):
            return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 3)

        self.result = {
            "backend": connection.vendor, "resources": n,
            "search_p50_ms": pct(search_ms, 50), "search_p95_ms": pct(search_ms, 95),
            "baseline_p50_ms": pct(base_ms, 50), "baseline_p95_ms": pct(base_ms, 95),
            "p95_ratio": round(pct(search_ms, 95) / pct(base_ms, 95), 2),
            "row_by_pk_p50_ms": pct(row_ms, 50), "row_by_pk_p95_ms": pct(row_ms, 95),
            "p95_ratio_to_row_by_pk": round(pct(search_ms, 95) / pct(row_ms, 95), 2),
            "row_by_pk_sql_p50_ms": pct(sql_ms, 50), "row_by_pk_sql_p95_ms": pct(sql_ms, 95),
            "p95_ratio_to_row_by_pk_sql": round(pct(search_ms, 95) / pct(sql_ms, 95), 2),
            "queries": opts["queries"], "mean_hits": round(hits / max(opts["queries"], 1), 1),
        }
