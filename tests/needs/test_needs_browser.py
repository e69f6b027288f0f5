"""Journeys in a real browser (tiles and every other outside request blocked): a layer-2
coordinator takes a phone need and connects it to a directory resource in three screens; the
gap map draws the areas and hexagons without tiles."""

import pytest

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def block_outside(page, base_url):
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base_url) else route.abort())


@pytest.fixture
def town(make_municipality, make_user):
    from django.utils import timezone

    from sasaeai.directory.models import Service
    from sasaeai.geo.demo import seed as seed_geo
    from sasaeai.tenancy.models import Area, Role
    from tests.directory.conftest import town_of

    m = make_municipality(n_areas=2, name="ささえ市", is_synthetic=True)
    north, south = Area.objects.filter(municipality=m, layer=2).order_by("name")
    seed_geo(town_of(m))
    Service.objects.create(municipality=m, area=north, name="移動スーパー北停留所", category="mobile_sales",
                           status="published", last_verified_at=timezone.now())
    sc = make_user(Role.COORDINATOR_L2, m, areas=[north], display_name="北 SC")
    return {"m": m, "north": north, "south": south, "sc": sc}


def test_a_coordinator_takes_a_phone_need_and_connects_it_to_a_resource_in_three_screens(page, live_server, town):
    from sasaeai.needs.models import Need

    block_outside(page, live_server.url)
    browser_login(page, live_server.url, town["sc"])
    page.goto(live_server.url + "/")
    screens = []
    page.on("framenavigated", lambda frame: screens.append(frame.url) if frame == page.main_frame else None)

    # Screen 1: the one-page entry, reached from the home page panel.
    page.get_by_role("link", name="困りごとを記録する").first.click()
    page.wait_for_url("**/needs/new/")
    page.get_by_label("買い物").check()
    page.get_by_label("日常生活圏域").select_option(label=town["north"].name)
    page.get_by_label("気づいた内容").fill("足が悪く、重い物が買えない。近くに店がない。")
    page.get_by_label("把握の経路").select_option(label="電話")
    page.get_by_role("button", name="記録する").click()

    # Screen 2: the need, with the area's resources of its kind to connect.
    page.wait_for_url("**/needs/*/")
    assert page.locator("#need-status").inner_text() == "新規"
    page.get_by_role("button", name="移動スーパー北停留所 につなぐ").click()

    # Screen 3: connected.
    page.wait_for_selector("#need-status:text('つないだ')")
    assert "移動スーパー北停留所" in page.locator("#need-links").inner_text()
    assert len(screens) == 3, screens
    need = Need.objects.get()
    assert need.status == "connected" and need.links.get().target.name == "移動スーパー北停留所"
    assert need.source == "phone" and need.recorded_by == town["sc"]


def test_the_gap_map_draws_areas_and_hexagons_without_tiles(page, live_server, town):
    from sasaeai.needs import services

    for _ in range(3):
        services.need_create(by=town["sc"], municipality=town["m"], category="shopping", description="買い物",
                             source="phone", area=town["north"])
    block_outside(page, live_server.url)
    browser_login(page, live_server.url, town["sc"])
    page.goto(f"{live_server.url}/needs/gaps/?m={town['m'].pk}")
    page.wait_for_selector("#gap-map[data-state=ready]")
    assert page.locator("#gap-map").get_attribute("data-areas") == "2"
    assert int(page.locator("#gap-map").get_attribute("data-hexagons")) >= 1
    assert page.locator("#gap-map path.leaflet-interactive").count() >= 3
    assert "買い物" in page.locator("#gap-table").inner_text()
