"""Demo geography for the synthetic town: a plausible outline of the municipality around its
area centres, each layer-2 area as the Voronoi cell of its centre clipped to that outline,
and landmarks — a station, the city hall and each area's 地域包括支援センター.

Deterministic for `town.seed`; idempotent (boundaries already set are kept, landmarks are
keyed by `demo_key`)."""

from __future__ import annotations

from django.db import transaction

from sasaeai.tenancy.models import Area

from . import shapes
from .models import Landmark


def boundaries(town) -> int:
    """Set missing boundaries; returns how many were written."""
    municipality = town.municipality
    layer1 = municipality.layer1_area
    areas = list(Area.objects.filter(municipality=municipality, layer=Area.Layer.DAILY_LIFE).order_by("name", "pk"))
    if layer1 is None or not areas:
        return 0
    rng = town.rng("geo:outline")
    plane = shapes.Plane(layer1.center_lat, layer1.center_lon)
    sites = [plane.xy(a.center_lat, a.center_lon) for a in areas]
    outline = shapes.town_outline([*sites, (0.0, 0.0)], rng, margin_km=1.7)
    written = 0
    if layer1.boundary is None:
        layer1.boundary = shapes.to_geojson(outline, plane)
        layer1.save(update_fields=["boundary"])
        written += 1
    else:
        outline = [plane.xy(lat, lon) for lat, lon in shapes.ring_of(layer1.boundary)[:-1]]
    for area, cell in zip(areas, shapes.voronoi_cells(sites, outline), strict=True):
        if area.boundary is None and len(cell) >= 3:
            area.boundary = shapes.to_geojson(cell, plane)
            area.save(update_fields=["boundary"])
            written += 1
    return written


def landmarks(town) -> int:
    municipality = town.municipality
    layer1 = municipality.layer1_area
    if layer1 is None:
        return 0
    rng = town.rng("geo:landmarks")
    plane = shapes.Plane(layer1.center_lat, layer1.center_lon)
    wanted = [
        ("station", Landmark.Kind.STATION, f"{municipality.name.removesuffix('市')}駅", plane.latlon(0.6, -0.4)),
        ("city_hall", Landmark.Kind.CITY_HALL, f"{municipality.name}役所", plane.latlon(-0.3, 0.35)),
    ]
    for area in Area.objects.filter(municipality=municipality, layer=Area.Layer.DAILY_LIFE).order_by("name", "pk"):
        dx, dy = rng.uniform(-0.35, 0.35), rng.uniform(-0.35, 0.35)
        x, y = plane.xy(area.center_lat, area.center_lon)
        wanted.append((f"support:{area.pk}", Landmark.Kind.SUPPORT_CENTER,
                       f"{area.name.removesuffix('地区')}地域包括支援センター", plane.latlon(x + dx, y + dy)))
    created = 0
    for key, kind, name, (lat, lon) in wanted:
        _obj, new = Landmark.objects.get_or_create(
            municipality=municipality, demo_key=key,
            defaults={"kind": kind, "name": name, "lat": round(lat, 6), "lon": round(lon, 6)})
        created += int(new)
    return created


def seed(town) -> dict[str, int]:
    with transaction.atomic():
        return {"boundaries": boundaries(town), "landmarks": landmarks(town)}
