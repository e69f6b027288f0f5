"""The demo directory: ≥ 200 published resources in every category and area; idempotent;
deterministic; includes professionals-only, private and stale entries."""

from sasaeai.directory.demo import seed
from sasaeai.directory.models import Category, Service, Status, Visibility

from .conftest import town_of


def test_seed_covers_every_category_and_area_and_is_idempotent(seeded_town):
    m = seeded_town.municipality
    published = Service.objects.filter(municipality=m, status=Status.PUBLISHED)
    assert published.count() >= 200
    assert set(published.values_list("category", flat=True)) == set(Category.values)
    for area in seeded_town.areas:
        assert set(published.filter(area=area).values_list("category", flat=True)) == set(Category.values)
    assert published.filter(visibility=Visibility.PROFESSIONALS).exists()
    assert published.filter(visibility=Visibility.PRIVATE).exists()
    assert Service.objects.filter(municipality=m).stale().exists()
    assert Service.objects.filter(municipality=m, status=Status.DRAFT).exists()
    before = Service.objects.count()
    again = seed(seeded_town)
    assert again["services"] == 0 and Service.objects.count() == before


def test_seed_is_deterministic(make_municipality):
    def fingerprint(m):
        return sorted((s.area.name, s.category, s.name, s.visibility, round(s.location.lat - s.area.center_lat, 6))
                      for s in Service.objects.filter(municipality=m, location__isnull=False)
                      .select_related("area", "location"))

    one, two = make_municipality(n_areas=4), make_municipality(n_areas=4)
    seed(town_of(one))
    seed(town_of(two))
    assert fingerprint(one) == fingerprint(two)


def test_list_map_and_paper_work_for_the_demo_town(seeded_town):
    import re

    from django.test import Client

    m = seeded_town.municipality
    client = Client()
    page = client.get("/directory/", {"m": m.pk}).content.decode()
    count = int(re.search(r'<h2 id="results-heading">(\d+)', page).group(1))
    assert count >= 200
    assert client.get("/directory/map/", {"m": m.pk}).status_code == 200
    for url in ("/directory/paper/booklet.pdf", "/directory/paper/calendar.pdf"):
        response = client.get(url, {"m": m.pk})
        assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_bench_command_prints_the_figures(db):
    import json
    from io import StringIO

    from django.core.management import call_command

    from sasaeai.directory.models import Service

    out = StringIO()
    call_command("bench_directory", "--resources", "300", "--queries", "5", "--json", stdout=out)
    figures = json.loads(out.getvalue())
    assert {"backend", "resources", "search_p50_ms", "search_p95_ms", "baseline_p50_ms",
            "baseline_p95_ms"} <= figures.keys()
    assert figures["resources"] == 300 and figures["search_p95_ms"] >= figures["search_p50_ms"] >= 0
    assert not Service.objects.exists()  # everything was rolled back
