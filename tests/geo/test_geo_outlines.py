"""Map geography: the Voronoi partition of a town outline (each point of the town belongs to
the cell of its nearest area centre), and the demo town's outlines and landmarks."""

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sasaeai.geo import shapes

coord = st.floats(min_value=-5, max_value=5, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(sites=st.lists(st.tuples(coord, coord), min_size=1, max_size=8, unique=True),
       probes=st.lists(st.tuples(coord, coord), min_size=1, max_size=20), seed=st.integers(0, 10_000))
def test_voronoi_cells_partition_the_outline_by_nearest_centre(sites, probes, seed):
    outline = shapes.town_outline(sites, random.Random(seed), margin_km=1.0)
    plane = shapes.Plane(35.0, 139.0)
    ring = shapes.ring_of(shapes.to_geojson(outline, plane, digits=9))
    cells = [shapes.ring_of(shapes.to_geojson(c, plane, digits=9)) if len(c) >= 3 else []
             for c in shapes.voronoi_cells(sites, outline)]
    for x, y in sites:  # every centre is well inside the outline
        assert shapes.contains(ring, *plane.latlon(x, y))
    for x, y in probes:
        lat, lon = plane.latlon(x, y)
        if not shapes.contains(ring, lat, lon):
            continue
        d = [math.hypot(x - sx, y - sy) for sx, sy in sites]
        best = min(d)
        if sorted(d)[1:2] and sorted(d)[1] - best < 1e-6:
            continue  # on a bisector: either cell
        owners = [i for i, c in enumerate(cells) if c and shapes.contains(c, lat, lon)]
        assert owners == [d.index(best)]


def test_nice_length():
    assert [shapes.nice_length(v) for v in (0.3, 1, 1.9, 2.5, 7, 12)] == [0.2, 1, 1, 2, 5, 10]


@pytest.fixture
def geo_town(make_municipality):
    from sasaeai.geo import demo
    from tests.directory.conftest import town_of

    m = make_municipality(n_areas=4)
    town = town_of(m)
    first = demo.seed(town)
    return town, first


def test_demo_town_has_outlines_and_landmarks(geo_town):
    from sasaeai.geo import demo
    from sasaeai.geo.models import Landmark
    from sasaeai.tenancy.models import Area, validate_polygon

    town, first = geo_town
    m = town.municipality
    assert first == {"boundaries": 5, "landmarks": 2 + 4}
    outline = shapes.ring_of(m.layer1_area.boundary)
    validate_polygon(m.layer1_area.boundary)
    for area in Area.objects.filter(municipality=m, layer=2):
        validate_polygon(area.boundary)
        ring = shapes.ring_of(area.boundary)
        assert shapes.contains(ring, area.center_lat, area.center_lon)
        assert shapes.contains(outline, area.center_lat, area.center_lon)
        for other in Area.objects.filter(municipality=m, layer=2).exclude(pk=area.pk):
            assert not shapes.contains(ring, other.center_lat, other.center_lon)
    kinds = sorted(Landmark.objects.filter(municipality=m).values_list("kind", flat=True))
    assert kinds == sorted(["station", "city_hall"] + ["support_center"] * 4)
    for lm in Landmark.objects.filter(municipality=m):
        assert shapes.contains(outline, lm.lat, lm.lon)
    assert demo.seed(town) == {"boundaries": 0, "landmarks": 0}


def test_feature_collection_and_version(geo_town):
    from sasaeai.geo.models import Landmark
    from sasaeai.geo.selectors import feature_collection, version

    town, _ = geo_town
    m = town.municipality
    fc = feature_collection(m)
    kinds = [f["properties"]["k"] for f in fc["features"]]
    assert kinds.count("municipality") == 1 and kinds.count("area") == 4
    assert kinds.count("support_center") == 4 and "station" in kinds and "city_hall" in kinds
    before = version(m)
    Landmark.objects.filter(municipality=m, kind="station").update(name="新しい駅")
    assert version(m) != before
