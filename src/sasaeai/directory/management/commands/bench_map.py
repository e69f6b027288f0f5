"""`sasaeai bench_map [--m <municipality id>] [--json]`: size and time of the support map page
and its JSON, and of the whole-town and one area's booklet — built, then served from the
printout cache. Reads only (printouts go to a temporary folder)."""

import json
import statistics
import tempfile
import time

from django.core.management.base import BaseCommand, CommandError
from django.test import Client, override_settings

from sasaeai.directory.selectors import public_services
from sasaeai.tenancy.models import Area, Municipality


def _timed(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return result, round(statistics.median(times), 1)


class Command(BaseCommand):
    help = "Measure the support map page, its JSON and the booklet (built and cached)."

    def add_arguments(self, parser):
        parser.add_argument("--m", type=int, help="municipality id (default: the one with most public resources)")
        parser.add_argument("--repeat", type=int, default=5)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        if opts["m"]:
            municipality = Municipality.objects.filter(pk=opts["m"]).first()
        else:
            ids = list(public_services().values_list("municipality_id", flat=True))
            municipality = Municipality.objects.filter(pk=max(set(ids), key=ids.count)).first() if ids else None
        if municipality is None:
            raise CommandError("No municipality with public resources: run `sasaeai seed_demo` first.")
        area = Area.objects.filter(municipality=municipality, layer=Area.Layer.DAILY_LIFE).order_by("name").first()
        client = Client()
        q = {"m": municipality.pk}
        client.get("/directory/map/", q)  # warm-up
        page, page_ms = _timed(lambda: client.get("/directory/map/", q), opts["repeat"])
        data, data_ms = _timed(lambda: client.get("/directory/map/data.json", q), opts["repeat"])
        result = {
            "municipality": municipality.name, "public_resources": public_services().filter(
                municipality=municipality).count(),
            "map_page_bytes": len(page.content), "map_page_ms": page_ms,
            "map_data_bytes": len(data.content), "map_data_ms": data_ms,
            "map_points": len(data.json()["points"]) if data.status_code == 200 else None,
        }
        with tempfile.TemporaryDirectory(prefix="printouts-") as tmp, override_settings(SASAEAI_PRINTOUT_DIR=tmp):
            for label, query in (("booklet_town", q), ("booklet_area", {**q, "area": area.pk} if area else q)):
                t0 = time.perf_counter()
                built = client.get("/directory/paper/booklet.pdf", query)
                result[f"{label}_built_ms"] = round((time.perf_counter() - t0) * 1000, 1)
                cached, cached_ms = _timed(lambda query=query: client.get("/directory/paper/booklet.pdf", query),
                                           opts["repeat"])
                result[f"{label}_cached_ms"] = cached_ms
                result[f"{label}_bytes"] = len(built.content)
                result[f"{label}_cache"] = [built.get("X-Printout-Cache"), cached.get("X-Printout-Cache")]
        if opts["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            for key, value in result.items():
                self.stdout.write(f"{key}: {value}")
