"""Plane geometry for map outlines, without Django: a plausible town outline around given
points and a Voronoi partition of it (each area's cell is the town polygon clipped by the
perpendicular bisectors to every other area centre).

Coordinates are (lat, lon) in degrees on the way in and GeoJSON [lon, lat] rings on the way
out; the computation runs in a local plane where one unit is one kilometre."""

from __future__ import annotations

import math
import random

KM_PER_DEG_LAT = 111.195


class Plane:
    """Equirectangular projection around a reference latitude (good to < 0.1 % over a town)."""

    def __init__(self, lat0: float, lon0: float):
        self.lat0, self.lon0 = lat0, lon0
        self.kx = KM_PER_DEG_LAT * math.cos(math.radians(lat0))

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        return ((lon - self.lon0) * self.kx, (lat - self.lat0) * KM_PER_DEG_LAT)

    def latlon(self, x: float, y: float) -> tuple[float, float]:
        return (self.lat0 + y / KM_PER_DEG_LAT, self.lon0 + x / self.kx)


def clip_half_plane(poly: list[tuple[float, float]], a: float, b: float, c: float) -> list[tuple[float, float]]:
    """Sutherland–Hodgman: the part of `poly` (open ring) where a·x + b·y <= c."""
    out: list[tuple[float, float]] = []
    n = len(poly)
    for i in range(n):
        p, q = poly[i], poly[(i + 1) % n]
        fp, fq = a * p[0] + b * p[1] - c, a * q[0] + b * q[1] - c
        if fp <= 0:
            out.append(p)
        if (fp < 0 < fq) or (fq < 0 < fp):
            t = fp / (fp - fq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def voronoi_cells(sites: list[tuple[float, float]], outline: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """For each site the part of `outline` nearer to it than to any other site."""
    cells = []
    for i, (xi, yi) in enumerate(sites):
        cell = list(outline)
        for j, (xj, yj) in enumerate(sites):
            if i == j or (xi, yi) == (xj, yj):
                continue
            # |p - si|² <= |p - sj|²  <=>  2(sj - si)·p <= |sj|² - |si|²
            cell = clip_half_plane(cell, 2 * (xj - xi), 2 * (yj - yi), xj * xj + yj * yj - xi * xi - yi * yi)
            if not cell:
                break
        cells.append(cell)
    return cells


def town_outline(points: list[tuple[float, float]], rng: random.Random, *, margin_km: float = 1.6,
                 vertices: int = 72) -> list[tuple[float, float]]:
    """A gently irregular, star-shaped outline following the spread of `points` (plane
    coordinates): in each direction θ the radius is (h(θ) + margin) · wobble(θ), where h is
    the support function of the points about their centroid and wobble(θ) ≥ 1, so every
    point lies at least about `margin_km` inside."""
    cx = sum(p[0] for p in points) / len(points)
    cy = sum(p[1] for p in points) / len(points)
    terms = [(k, rng.uniform(0.05, 0.16) / k ** 0.5, rng.uniform(0, 2 * math.pi)) for k in (2, 3, 5, 7)]

    def wobble(theta: float) -> float:
        return 1 + sum(a * (1 + math.sin(k * theta + ph)) / 2 for k, a, ph in terms)

    def support(theta: float) -> float:
        ux, uy = math.cos(theta), math.sin(theta)
        return max(0.0, max((x - cx) * ux + (y - cy) * uy for x, y in points))

    out = []
    for i in range(vertices):
        theta = 2 * math.pi * i / vertices
        r = (support(theta) + margin_km) * wobble(theta)
        out.append((cx + r * math.cos(theta), cy + r * math.sin(theta)))
    return out


def to_geojson(ring: list[tuple[float, float]], plane: Plane, digits: int = 5) -> dict:
    """A GeoJSON Polygon (closed ring of [lon, lat]) from an open ring in plane coordinates."""
    coords = []
    for x, y in ring:
        lat, lon = plane.latlon(x, y)
        point = [round(lon, digits), round(lat, digits)]
        if not coords or coords[-1] != point:
            coords.append(point)
    if coords and coords[0] != coords[-1]:
        coords.append(list(coords[0]))
    return {"type": "Polygon", "coordinates": [coords]}


def ring_of(polygon: dict | None) -> list[tuple[float, float]]:
    """The outer ring of a GeoJSON Polygon as (lat, lon) pairs ([] when absent)."""
    if not polygon or polygon.get("type") != "Polygon" or not polygon.get("coordinates"):
        return []
    return [(lat, lon) for lon, lat in polygon["coordinates"][0]]


def contains(ring: list[tuple[float, float]], lat: float, lon: float) -> bool:
    """Point in polygon (even–odd rule) for (lat, lon) rings."""
    inside = False
    n = len(ring)
    for i in range(n):
        (y1, x1), (y2, x2) = ring[i], ring[(i + 1) % n]
        if (y1 > lat) != (y2 > lat):
            x = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < x:
                inside = not inside
    return inside


def nice_length(km: float) -> float:
    """The largest of 1, 2, 5 × 10ⁿ not above `km` (for scale bars)."""
    if km <= 0:
        return 0.0
    exp = math.floor(math.log10(km))
    for m in (5, 2, 1):
        if m * 10 ** exp <= km:
            return m * 10 ** exp
    return 10 ** exp


def centroid(ring: list[tuple[float, float]]) -> tuple[float, float] | None:
    """Area centroid of a closed or open (lat, lon) ring (None when degenerate)."""
    pts = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring
    a = cx = cy = 0.0
    for i in range(len(pts)):
        (y1, x1), (y2, x2) = pts[i], pts[(i + 1) % len(pts)]
        cross = x1 * y2 - x2 * y1
        a += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if abs(a) < 1e-12:
        return None
    return (cy / (3 * a), cx / (3 * a))
