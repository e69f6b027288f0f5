"""Search indexes (issue 9 §12): the n-gram keyword index (SQLite FTS5 trigram / PostgreSQL
pg_trgm) and the H3 distance prefilter change the speed of search, never its results."""

import math
import random

import h3
import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sasaeai.directory import selectors, services
from sasaeai.directory.models import (
    NEAR_RESOLUTION,
    Category,
    Location,
    Service,
    Status,
    Visibility,
)
from sasaeai.directory.selectors import (
    KM_PER_DEGREE,
    ResultPlace,
    SearchParams,
    SearchResult,
    near_cells,
    search,
    search_results,
)
from sasaeai.tenancy.models import Role

ALPHABET = "たいそうさろん体操茶会カフェab%_\""


def _objects(kind: str) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = %s", [kind])
        elif kind == "index":
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'directory_service'")
        else:
            cursor.execute("SELECT extname FROM pg_extension")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db
def test_search_index_triggers_exist():
    """Fails when a migration rebuilt directory_service on SQLite and dropped the FTS triggers."""
    if connection.vendor == "sqlite":
        assert {"directory_service_fts_ai", "directory_service_fts_ad", "directory_service_fts_au"} <= _objects("trigger")
        assert {"directory_service_fts"} <= _objects("table")
        assert {"directory_service_near_text", "directory_service_near_cat"} <= _objects("index")
    else:
        assert "pg_trgm" in _objects("extension")
        assert {"directory_service_text_trgm", "directory_service_near_cat"} <= _objects("index")


def _fts_ids(term: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM directory_service_fts WHERE directory_service_fts MATCH %s",
                       [selectors._fts_phrase(term)])
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_fts_table_follows_every_write(small_dir):
    service = small_dir["make"]("体操クラブ", description="ひまわりの会")
    assert service.pk in _fts_ids("ひまわり")
    services.save_service(by=None, municipality=small_dir["m"], service=service, values={"description": "あさがお教室"})
    assert service.pk not in _fts_ids("ひまわり") and service.pk in _fts_ids("あさがお")
    # Writes that bypass the service layer (bulk imports, the benchmark) are indexed too.
    bulk = Service.objects.bulk_create([Service(municipality=small_dir["m"], area=small_dir["a1"], name="x",
                                                category="tea", search_text="つばきのかい")])[0]
    bulk_id = bulk.pk or Service.objects.get(search_text="つばきのかい").pk
    assert bulk_id in _fts_ids("つばき")
    Service.objects.filter(pk=service.pk).delete()
    assert service.pk not in _fts_ids("あさがお")


def test_near_cell_follows_the_place(small_dir):
    service = small_dir["public"]
    a1 = small_dir["a1"]
    assert service.near_cell == h3.latlng_to_cell(a1.center_lat, a1.center_lon, NEAR_RESOLUTION)
    moved = services.save_service(by=None, municipality=small_dir["m"], service=service,
                                  values={"lat": a1.center_lat + 0.05, "lon": a1.center_lon})
    assert Service.objects.get(pk=moved.pk).near_cell == h3.latlng_to_cell(a1.center_lat + 0.05, a1.center_lon,
                                                                            NEAR_RESOLUTION)
    # A place shared by several resources (imports) moves them all.
    other = small_dir["make"]("同じ会場の茶話会", category=Category.TEA)
    Service.objects.filter(pk=other.pk).update(location=service.location)
    location = Location.objects.get(pk=service.location_id)
    location.lat = a1.center_lat - 0.04
    location.save()
    cell = h3.latlng_to_cell(a1.center_lat - 0.04, a1.center_lon, NEAR_RESOLUTION)
    assert set(Service.objects.filter(location=location).values_list("near_cell", flat=True)) == {cell}


@given(lat=st.floats(24.0, 45.0), lon=st.floats(123.0, 146.0), radius=st.floats(0.1, 12.0),
       bearing=st.floats(0, 2 * math.pi), share=st.floats(0, 1))
@settings(max_examples=300, deadline=None)
def test_near_cells_cover_every_point_the_distance_filter_keeps(lat, lon, radius, bearing, share):
    cells = near_cells(lat, lon, radius)
    if cells is None:
        assert radius > 5
        return
    # A point at equirectangular distance ≤ radius (the SQL filter's metric).
    d = radius * share / KM_PER_DEGREE
    point = (lat + d * math.sin(bearing), lon + d * math.cos(bearing) / math.cos(math.radians(lat)))
    assert h3.latlng_to_cell(*point, NEAR_RESOLUTION) in cells


@pytest.fixture
def random_directory(small_dir, make_user):
    """80 resources with short random names around area 1, all categories and visibilities."""
    rng = random.Random(11)
    m, a1, a2 = small_dir["m"], small_dir["a1"], small_dir["a2"]
    costs = [{"cost": "free"}, {"cost": "yen", "cost_amount": 1200}, {"cost": "points", "cost_amount": 3},
             {"cost": "other", "cost_note": "5 USD"}, {"cost": "other", "cost_note": ""}]
    for i in range(80):
        name = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(2, 6)))
        services.save_service(by=None, municipality=m, values={**costs[i % len(costs)],
            "name": f"{name}{i}", "category": rng.choice(["exercise", "tea", "rest"]),
            "area": rng.choice([a1, a2]), "status": rng.choice([Status.PUBLISHED] * 4 + [Status.DRAFT]),
            "visibility": rng.choice([Visibility.PUBLIC] * 3 + [Visibility.PROFESSIONALS, Visibility.PRIVATE]),
            "lat": a1.center_lat + rng.uniform(-0.05, 0.05), "lon": a1.center_lon + rng.uniform(-0.05, 0.05),
        })
    return {**small_dir, "professional": make_user(Role.COORDINATOR_L2, m, areas=[a1])}


queries = st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=4), min_size=0, max_size=2).map(" ".join)


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=queries, category=st.sampled_from([None, "exercise", "tea"]), near=st.booleans(),
       dlat=st.floats(-0.04, 0.04), radius=st.sampled_from([0.5, 1.0, 3.0, 8.0]), who=st.sampled_from(["anon", "pro"]))
def test_indexed_search_returns_exactly_what_the_like_search_returns(random_directory, q, category, near, dlat,
                                                                     radius, who):
    a1 = random_directory["a1"]
    user = None if who == "anon" else random_directory["professional"]
    params = SearchParams(q=q, municipality_id=random_directory["m"].pk, category=category,
                          near=(a1.center_lat + dlat, a1.center_lon) if near else None, radius_km=radius)
    indexed = list(search(user, params).values_list("pk", flat=True))
    plain = list(search(user, params, use_indexes=False).values_list("pk", flat=True))
    assert indexed == plain
    # The narrow result rows (list page, list beside the map, bench) are the same resources in
    # the same order, with the same values and labels as the whole records.
    results = search_results(user, params)
    rows = results[:]
    whole = list(search(user, params, use_indexes=False).select_related("location"))
    assert results.count() == len(whole) and [r.pk for r in rows] == plain
    assert rows == [_as_result(s) for s in whole]
    assert [(r.cost_display(), r.get_category_display(), r.get_visibility_display()) for r in rows] == [
        (s.cost_display(), s.get_category_display(), s.get_visibility_display()) for s in whole]
    if near:
        assert [selectors.distance_km(r, params.near) for r in rows] == [
            selectors.distance_km(s, params.near) for s in whole]
    if len(rows) > 3:
        assert results[2:4] == rows[2:4] and results[1] == rows[1]


def _as_result(service) -> SearchResult:
    loc = service.location
    return SearchResult(service.pk, service.name, service.category, service.visibility, service.cost,
                        service.cost_amount, service.cost_note,
                        ResultPlace(loc.name, loc.address, loc.lat, loc.lon) if loc else None)
