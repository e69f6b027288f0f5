"""Reads of the map geography: one GeoJSON FeatureCollection per municipality (outline,
layer-2 areas, landmarks) and a short version string that changes whenever any of it does."""

from __future__ import annotations

import hashlib
import json

from sasaeai.tenancy.models import Area, Municipality

from .models import Landmark


def areas_of(municipality: Municipality) -> list[Area]:
    return list(Area.objects.filter(municipality=municipality).order_by("layer", "name", "pk"))


def landmarks_of(municipality: Municipality) -> list[Landmark]:
    return list(Landmark.objects.filter(municipality=municipality).order_by("kind", "name", "pk"))


def feature_collection(municipality: Municipality) -> dict:
    """Outlines (the municipality = its layer-1 area, then each layer-2 area) and landmarks.
    Properties: `k` (municipality | area | station | city_hall | support_center | other),
    `n` (name), `id` (areas only)."""
    features = []
    for area in areas_of(municipality):
        if not area.boundary:
            continue
        features.append({"type": "Feature", "geometry": area.boundary,
                         "properties": {"k": "municipality" if area.layer == Area.Layer.MUNICIPALITY else "area",
                                        "n": area.name, "id": area.pk}})
    for lm in landmarks_of(municipality):
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lm.lon, lm.lat]},
                         "properties": {"k": lm.kind, "n": lm.name}})
    return {"type": "FeatureCollection", "features": features}


def version(municipality: Municipality) -> str:
    """Changes with any area (name, centre, boundary) or landmark of the municipality."""
    digest = hashlib.sha256()
    for area in areas_of(municipality):
        digest.update(json.dumps([area.pk, area.name, area.center_lat, area.center_lon, area.boundary],
                                 sort_keys=True).encode())
    for lm in landmarks_of(municipality):
        digest.update(json.dumps([lm.pk, lm.kind, lm.name, lm.lat, lm.lon]).encode())
    return digest.hexdigest()[:16]
