"""The support map page is small and loads its points (compact JSON), the municipality's and
areas' outlines and landmarks from `map/data.json`; tiles default to GSI 地理院タイル, stay
configurable, and the CSP allows exactly the configured tile host."""

import time

from django.test import Client, override_settings
from django.urls import reverse

from sasaeai.directory.models import Category, Service


def test_map_page_is_small_and_its_json_loads(seeded_town):
    m = seeded_town.municipality
    client = Client()
    client.get("/directory/map/", {"m": m.pk})  # warm-up (templates, translations)
    t0 = time.perf_counter()
    page = client.get("/directory/map/", {"m": m.pk})
    page_ms = (time.perf_counter() - t0) * 1000
    html = page.content.decode()
    assert page.status_code == 200
    assert len(page.content) < 30_000, len(page.content)
    assert 'data-src="/directory/map/data.json?m=' in html
    assert "dir-map-data" not in html  # no embedded marker data any more
    t0 = time.perf_counter()
    response = client.get("/directory/map/data.json", {"m": m.pk})
    json_ms = (time.perf_counter() - t0) * 1000
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = response.json()
    assert len(data["points"]) >= 200
    assert [c[0] for c in data["categories"]] == list(Category.values)
    for pk, lat, lon, cat, name in data["points"]:
        assert isinstance(pk, int) and 20 <= lat <= 46 and 122 <= lon <= 154.1
        assert 0 <= cat < len(data["categories"]) and isinstance(name, str)
    service = Service.objects.get(pk=data["points"][0][0])
    assert data["points"][0][4] == service.name
    assert data["categories"][data["points"][0][3]][0] == service.category
    assert data["detail"].replace("/0/", f"/{service.pk}/") == reverse("directory:detail", args=[service.pk])
    kinds = [f["properties"]["k"] for f in data["geo"]["features"]]
    assert kinds.count("municipality") == 1 and kinds.count("area") == 4
    assert {"station", "city_hall", "support_center"} <= set(kinds)
    assert set(data["kinds"]) == {"station", "city_hall", "support_center", "other"}
    # Compact: about 60 bytes a point (the long-form markers took ~4 times that).
    per_point = len(response.content) / len(data["points"])
    assert per_point < 150, per_point
    print(f"map page {len(page.content)} B in {page_ms:.0f} ms; data {len(response.content)} B in {json_ms:.0f} ms")


def test_map_data_follows_the_filters(seeded_town):
    m = seeded_town.municipality
    data = Client().get("/directory/map/data.json", {"m": m.pk, "category": "exercise"}).json()
    exercise = data["categories"].index(["exercise", str(Category.EXERCISE.label)])
    assert data["points"] and {p[3] for p in data["points"]} == {exercise}
    area = seeded_town.areas[0]
    near = Client().get("/directory/map/data.json", {"m": m.pk, "lat": area.center_lat, "lon": area.center_lon,
                                                     "radius_km": 1}).json()
    assert near["near"] is True and 0 < len(near["points"]) < len(data["points"]) * 16
    assert near["center"]["lat"] == area.center_lat


def test_tiles_default_to_gsi_with_attribution_and_csp(seeded_town):
    from django.conf import settings

    assert settings.SASAEAI_MAP_TILE_URL == "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"
    assert settings.SASAEAI_MAP_ATTRIBUTION == "地理院タイル"
    response = Client().get("/directory/map/", {"m": seeded_town.municipality.pk})
    html = response.content.decode()
    assert 'data-tiles="https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"' in html
    assert 'data-attribution="地理院タイル"' in html
    assert 'data-attribution-url="https://maps.gsi.go.jp/development/ichiran.html"' in html
    csp = response["Content-Security-Policy"]
    img_src = next(d for d in csp.split(";") if d.strip().startswith("img-src"))
    assert "https://cyberjapandata.gsi.go.jp" in img_src
    assert "openstreetmap" not in img_src


def test_tile_source_is_configurable(seeded_town, monkeypatch):
    import importlib

    import sasaeai.settings as project_settings

    monkeypatch.setenv("SASAEAI_MAP_TILE_URL", "https://tiles.example.jp/{z}/{x}/{y}.png")
    monkeypatch.setenv("SASAEAI_MAP_ATTRIBUTION", "例のタイル")
    try:
        fresh = importlib.reload(project_settings)
        assert "https://tiles.example.jp" in fresh.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"]
        assert "https://cyberjapandata.gsi.go.jp" not in fresh.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"]
        with override_settings(SASAEAI_MAP_TILE_URL=fresh.SASAEAI_MAP_TILE_URL,
                               SASAEAI_MAP_ATTRIBUTION=fresh.SASAEAI_MAP_ATTRIBUTION):
            html = Client().get("/directory/map/", {"m": seeded_town.municipality.pk}).content.decode()
    finally:
        monkeypatch.undo()
        importlib.reload(project_settings)
    assert 'data-tiles="https://tiles.example.jp/{z}/{x}/{y}.png"' in html and "例のタイル" in html
    with override_settings(SASAEAI_MAP_TILE_URL=""):
        html = Client().get("/directory/map/", {"m": seeded_town.municipality.pk}).content.decode()
    assert 'data-tiles=""' in html  # the vector layer alone
