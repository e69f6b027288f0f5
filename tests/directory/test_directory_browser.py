"""Journeys in a real browser (tiles and every other outside request are blocked):
a resident searches 「体操」 near home on the map page and opens a result; a coordinator
approves a resident's suggested new place."""

from datetime import date, time

import pytest

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def block_outside(page, base_url):
    """Only the test server answers: map tiles (and anything else) are unreachable."""
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base_url) else route.abort())


@pytest.fixture
def town(make_municipality, make_user):
    from sasaeai.directory import services
    from sasaeai.directory.models import Category, Visibility
    from sasaeai.geo.demo import seed as seed_geo
    from sasaeai.residents.models import Resident
    from sasaeai.tenancy.models import Area, Role
    from tests.directory.conftest import town_of

    m = make_municipality(n_areas=2, name="ささえ市", is_synthetic=True)
    a1, a2 = list(Area.objects.filter(municipality=m, layer=2).order_by("name"))
    seed_geo(town_of(m))
    home = (a1.center_lat, a1.center_lon)
    resident_user = make_user(Role.RESIDENT, m, display_name="佐藤 一郎")
    Resident.objects.create(municipality=m, area=a1, user=resident_user, family_name="佐藤", given_name="一郎",
                            family_name_kana="さとう", given_name_kana="いちろう", birth_date=date(1945, 4, 1),
                            address="ささえ市1-1", lat=home[0], lon=home[1], h3_cell="8a2f5bcd5a7ffff")
    weekly = [{"kind": "weekly", "weekday": 2, "opens_at": time(10), "closes_at": time(11)}]

    def add(name, dlat, category=Category.EXERCISE, **extra):
        return services.save_service(by=None, municipality=m, values={
            "name": name, "category": category, "area": a1, "status": "published", "lat": home[0] + dlat,
            "lon": home[1], "place_name": f"{name}の会場", **extra}, schedules=weekly)

    add("近所の百歳体操", 0.004)
    add("駅前のラジオ体操", 0.015)
    add("遠くの体操教室", 0.3)
    add("となりの茶話会", 0.002, category=Category.TEA)
    add("内緒の体操", 0.001, visibility=Visibility.PRIVATE)
    coordinator = make_user(Role.COORDINATOR_L2, m, areas=[a2], display_name="鈴木 SC")
    return {"m": m, "a1": a1, "a2": a2, "resident": resident_user, "coordinator": coordinator}


def test_resident_searches_taiso_near_home_on_the_map(page, live_server, town):
    block_outside(page, live_server.url)
    browser_login(page, live_server.url, town["resident"])
    page.goto(live_server.url + "/directory/map/")
    page.fill("#id_q", "体操")
    page.check("#id_near_home")
    page.fill("#id_radius_km", "3")
    with page.expect_navigation():
        page.locator("#dir-search-form button[type=submit]").click()
    assert "near_home=on" in page.url
    # The map initialised from the package's Leaflet and loaded its compact JSON even though
    # no tile loads: the outlines and landmarks are drawn, with a scale.
    page.wait_for_selector("#dir-map[data-state=ready]")
    data = page.evaluate("fetch(document.getElementById('dir-map').dataset.src).then(r => r.json())")
    assert [p[4] for p in data["points"]] == ["近所の百歳体操", "駅前のラジオ体操"]
    assert page.locator("#dir-map").get_attribute("data-markers") == "2"
    assert page.locator(".leaflet-marker-icon").count() >= 1
    assert page.locator(".leaflet-overlay-pane path").count() >= 3 + 4  # town + 2 areas, 4 landmarks
    labels = page.locator(".dir-lm-label").all_inner_texts()
    assert any("ささえ駅" in t for t in labels) and any("ささえ市役所" in t for t in labels)
    assert sum("地域包括支援センター" in t for t in labels) == 2
    assert page.locator(".leaflet-control-scale-line").count() == 1
    assert "地理院タイル" in page.locator(".leaflet-control-attribution").inner_text()
    results = page.locator("#dir-map-results .dir-result-link")
    assert results.all_inner_texts() == ["近所の百歳体操", "駅前のラジオ体操"]
    listing = page.locator("#dir-map-results").inner_text()
    assert "内緒の体操" not in listing and "遠くの体操教室" not in listing and "茶話会" not in listing
    assert "km" in listing
    # Keyboard: the "show on map" button opens the marker's popup.
    page.locator(".dir-show-on-map").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup-content")
    assert "近所の百歳体操" in page.locator(".leaflet-popup-content").inner_text()
    with page.expect_navigation():
        results.first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "近所の百歳体操"
    assert "近所の百歳体操の会場" in page.locator("main").inner_text()


def test_coordinator_approves_a_residents_new_place(page, live_server, town, make_user):
    from sasaeai.directory.models import Service, Suggestion

    block_outside(page, live_server.url)
    browser_login(page, live_server.url, town["resident"])
    page.goto(live_server.url + "/directory/suggest/")
    page.fill("#id_name", "公園の朝ヨガ")
    page.select_option("#id_category", "exercise")
    page.select_option("#id_area", str(town["a2"].pk))
    page.fill("#id_description", "毎週木曜の朝、公園でヨガをしています")
    page.fill("#id_place_name", "中央公園")
    page.select_option("#id_weekday", "3")
    page.fill("#id_opens_at", "07:00")
    page.fill("#id_closes_at", "08:00")
    with page.expect_navigation():
        page.locator("#suggest-form button[type=submit]").click()
    assert page.locator(".message-success").count() == 1
    assert Suggestion.objects.filter(state="pending").count() == 1
    assert not Service.objects.filter(name="公園の朝ヨガ").exists()

    context = page.context.browser.new_context(locale="ja-JP")
    staff = context.new_page()
    block_outside(staff, live_server.url)
    browser_login(staff, live_server.url, town["coordinator"])
    staff.goto(live_server.url + "/directory/moderation/")
    with staff.expect_navigation():
        staff.get_by_role("link", name="公園の朝ヨガ").click()
    diff = staff.locator("table.dir-diff").first.inner_text()
    assert "中央公園" in diff and "07:00" in diff
    # What approval publishes is on the page before approving, with nothing the resident did not write.
    preview = staff.locator("#will-be-published").inner_text()
    assert "中央公園" in preview and "07:00" in preview and "祝日" not in preview
    with staff.expect_navigation():
        staff.locator("button[value=approve]").click()
    assert staff.get_by_role("heading", level=1).inner_text() == "公園の朝ヨガ"
    service = Service.objects.get(name="公園の朝ヨガ")
    assert service.status == "published" and service.verified_by == town["coordinator"]
    assert service.schedules.get().weekday == 3 and not service.schedules.get().closed_on_holidays
    # The resident now finds it.
    page.goto(live_server.url + "/directory/?q=ヨガ")
    assert "公園の朝ヨガ" in page.locator("main").inner_text()
    context.close()
