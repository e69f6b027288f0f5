"""Distances and travel times (距離と移動時間), scalar and vectorised with NumPy."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .model import DETOUR_FACTOR, TRAVEL_OVERHEAD_MIN, TRAVEL_SPEED_KMH, Point

EARTH_RADIUS_KM = 6371.0088


def haversine_km(a: Point, b: Point) -> float:
    """Great-circle distance in km between two points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(
        (lon2 - lon1) / 2
    ) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def coords(points: Sequence[Point]) -> np.ndarray:
    """(n, 2) float array of [lat, lon] in degrees."""
    if not points:
        return np.zeros((0, 2))
    return np.array([(p.lat, p.lon) for p in points], dtype=float)


def haversine_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distances (km) between every row of `a` (n, 2) and every row of `b` (m, 2): (n, m)."""
    a = np.radians(np.asarray(a, dtype=float).reshape(-1, 2))
    b = np.radians(np.asarray(b, dtype=float).reshape(-1, 2))
    lat1 = a[:, 0:1]
    lon1 = a[:, 1:2]
    lat2 = b[:, 0][None, :]
    lon2 = b[:, 1][None, :]
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin(
        (lon2 - lon1) / 2
    ) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def travel_minutes(distance_km: float, mode: str) -> float:
    """Minutes a helper needs to cover `distance_km` straight-line in `mode`.

    Zero distance needs zero minutes (the next task is at the same place).
    """
    if distance_km <= 0.0:
        return 0.0
    speed = TRAVEL_SPEED_KMH.get(mode, TRAVEL_SPEED_KMH["walk"])
    overhead = TRAVEL_OVERHEAD_MIN.get(mode, 0.0)
    return distance_km * DETOUR_FACTOR / speed * 60.0 + overhead


def travel_minutes_between(a: Point, b: Point, mode: str) -> float:
    return travel_minutes(haversine_km(a, b), mode)
