"""Journey: a helper fills in the profile and submits a qualification; the coordinator verifies
it and the helper's identity from the review queue; then suspends the helper with a reason."""

import re

import pytest

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_helper_profile_and_coordinator_review(browser, live_server, make_municipality, make_user):
    from sasaeai.helpers.models import HelperProfile, HelperQualification
    from sasaeai.helpers.selectors import matchable_profiles, verified_qualifications
    from sasaeai.tenancy.models import Role

    town = make_municipality(n_areas=2)
    helper = make_user(Role.HELPER, town, display_name="佐藤 一郎")
    coordinator = make_user(Role.COORDINATOR_L1, town, display_name="山田 花子")

    ctx = browser.new_context(locale="ja-JP")
    page = ctx.new_page()
    browser_login(page, live_server.url, helper)
    page.goto(live_server.url + "/helpers/me/")
    assert page.locator("html").get_attribute("lang") == "ja"
    page.get_by_role("link", name="ステップ1から始める").click()
    page.get_by_role("button", name="保存して次へ").click()  # step 1 as it is
    assert "自宅と移動" in page.locator("h1").inner_text()
    page.get_by_label("活動範囲（km）").fill("2.5")
    page.get_by_label("移動手段").select_option("bicycle")
    page.get_by_label("日常生活圏域").select_option(label="地区2")
    page.get_by_role("button", name="保存して次へ").click()
    assert "担い手プロフィールを保存しました" in page.inner_text("main")
    page.get_by_label("見守り・話し相手").check()
    page.get_by_label("スマホ・IT").check()
    page.get_by_role("button", name="保存して次へ").click()

    page.locator("#id_code").select_option("shoninsha_kenshu")
    page.get_by_label("証明書番号").fill("T-2024-001")
    page.get_by_role("button", name="資格を提出").click()
    assert "提出しました" in page.inner_text("main")
    page.get_by_role("link", name="次のステップ").click()

    page.locator("#id_rules-0-weekday").select_option("1")
    page.locator("#id_rules-0-start_time").fill("10:00")
    page.locator("#id_rules-0-end_time").fill("09:00")
    page.get_by_role("button", name="毎週の活動時間を保存").click()
    assert "終了時刻は開始時刻より後にしてください" in page.inner_text("main")
    page.locator("#id_rules-0-weekday").select_option("1")
    page.locator("#id_rules-0-start_time").fill("10:00")
    page.locator("#id_rules-0-end_time").fill("15:00")
    page.get_by_role("button", name="毎週の活動時間を保存").click()
    assert "毎週の活動時間を保存しました" in page.inner_text("main")

    page.goto(live_server.url + "/helpers/me/identity/")
    page.get_by_label("提示する本人確認書類").select_option("driving_licence")
    page.get_by_role("button", name="本人確認を申し込む").click()
    ctx.close()

    profile = HelperProfile.objects.get(user=helper)
    assert profile.skills == ["watch_talk", "it_support"] and profile.radius_km == 2.5
    assert profile.area.name == "地区2" and profile.home_point == (profile.area.center_lat, profile.area.center_lon)
    assert profile.identity_status == "submitted"

    ctx = browser.new_context(locale="ja-JP")
    page = ctx.new_page()
    browser_login(page, live_server.url, coordinator)
    page.goto(live_server.url + "/helpers/review/")
    item = page.locator("article.review-item", has_text="T-2024-001")
    item.get_by_label("確認済みにする").check()
    item.get_by_role("button", name="判定を記録").click()
    assert "資格の確認結果を記録しました" in page.inner_text("main")
    item = page.locator("article.review-item", has_text="佐藤 一郎")
    item.get_by_label("確認済みにする").check()
    item.get_by_role("button", name="判定を記録").click()
    assert "本人確認の結果を記録しました" in page.inner_text("main")

    assert HelperQualification.objects.get(profile=profile).status == "verified"
    assert "shoninsha_kenshu" in verified_qualifications(profile)
    assert profile in matchable_profiles(town.pk)

    page.get_by_role("link", name="担い手の一覧").click()
    page.get_by_role("link", name="佐藤 一郎").click()
    page.get_by_label("理由").fill("利用者からの苦情を調査中")
    page.get_by_role("button", name="活動を停止する").click()
    assert "担い手の活動を停止しました" in page.inner_text("main")
    assert profile not in matchable_profiles(town.pk)
    ctx.close()


def test_home_from_postal_code_and_a_map_point_by_keyboard_without_tiles(browser, live_server, make_municipality,
                                                                         make_user):
    """Issue 9 §9: the postal code fills the address; the point is placed with the arrow keys
    (tiles unreachable) and the hidden fields carry it; nobody types a coordinate."""
    from playwright.sync_api import expect

    from sasaeai.helpers import services
    from sasaeai.helpers.models import HelperProfile
    from sasaeai.tenancy.models import Role

    town = make_municipality(n_areas=2)
    helper = make_user(Role.HELPER, town, display_name="鈴木 花子")
    area = town.areas.filter(layer=2).order_by("name").first()
    services.create_profile(helper, town, area=area)
    ctx = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    ctx.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())  # no tiles
    page = ctx.new_page()
    browser_login(page, live_server.url, helper)
    page.goto(live_server.url + "/helpers/me/home/")
    assert page.locator("#home-map").get_attribute("data-state") in ("approximate", "placed")
    assert page.locator("input[name=home_lat]").get_attribute("type") == "hidden"
    page.get_by_label("郵便番号").fill("１０５－００１１")
    expect(page.get_by_label("住所（町名まで）")).to_have_value("東京都港区芝公園")
    assert page.get_by_label("郵便番号").input_value() == "105-0011"
    assert "住所を入力しました" in page.locator("#postal-status").inner_text()
    page.get_by_label("郵便番号").fill("999-9999")
    expect(page.locator("#postal-status")).to_have_class(re.compile("error"))
    assert "見つかりません" in page.locator("#postal-status").inner_text()
    page.get_by_label("郵便番号").fill("105-0011")
    expect(page.locator("#postal-status")).to_have_text(re.compile("住所を入力しました"))

    page.locator("#home-map").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowUp")
    lat, lon = float(page.locator("#id_home_lat").input_value()), float(page.locator("#id_home_lon").input_value())
    assert lat > area.center_lat and lon > area.center_lon
    assert page.locator("#home-map").get_attribute("data-state") == "placed"
    assert "印を動かしました" in page.locator("#home-map-state").inner_text()
    page.screenshot(path="/tmp/access_shots/helper_home_step.png", full_page=True)
    page.get_by_role("button", name="保存して次へ").click()
    assert "担い手プロフィールを保存しました" in page.inner_text("main")
    ctx.close()

    profile = HelperProfile.objects.get(user=helper)
    assert profile.home_postal_code == "1050011" and profile.home_address == "東京都港区芝公園"
    assert (round(profile.home_lat, 6), round(profile.home_lon, 6)) == (round(lat, 6), round(lon, 6))
