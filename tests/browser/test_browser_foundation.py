"""Journey: a coordinator logs in with two-step verification, sees the Japanese dashboard and
switches to English."""

import os

import pytest

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("SASAEAI_SCREENSHOTS")  # set to a directory to keep screenshots


def test_coordinator_dashboard_japanese_then_english(page, live_server, make_municipality, make_user):
    from sasaeai.tenancy.models import Role

    town = make_municipality(n_areas=3, name="ささえ市", is_synthetic=True)
    coordinator = make_user(Role.COORDINATOR_L1, town, display_name="山田 花子")

    browser_login(page, live_server.url, coordinator)

    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.get_by_role("heading", level=1).inner_text().startswith("山田 花子")
    body = page.locator("main").inner_text()
    assert "第1層 生活支援コーディネーター" in body
    assert "地区1" in body and "地区3" in body
    assert "架空のデモデータ" in page.inner_text("body")
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "home-ja.png"), full_page=True)

    # Keyboard: the skip link is the first stop and moves focus to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"

    page.select_option("#language-select", "en")
    with page.expect_navigation():
        page.get_by_role("button", name="切り替え").click()
    assert page.locator("html").get_attribute("lang") == "en"
    body = page.locator("main").inner_text()
    assert "Layer-1 life support coordinator" in body
    assert "Log out" in page.inner_text("header")
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "home-en.png"), full_page=True)
