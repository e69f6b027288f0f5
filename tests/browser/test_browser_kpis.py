"""Journey: a layer-1 coordinator opens the indicators from the main navigation, reads a value
with its target and trend, and drills down to the records behind the number."""

import os
import re

import pytest

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("SASAEAI_SCREENSHOTS")


def test_a_coordinator_opens_the_dashboard_and_drills_down(page, live_server, make_user):
    from sasaeai.tenancy.models import Role
    from tests.kpis.conftest import build_world

    world = build_world(10)
    town = world["m"]
    sc = make_user(Role.COORDINATOR_L1, town, display_name="第1層 SC")

    browser_login(page, live_server.url, sc)
    page.get_by_role("link", name="評価指標（KPI）").first.click()
    page.wait_for_url("**/kpis/**")
    card = page.locator("#kpi-helpers_share_65")
    assert "1.0 %" in card.locator("[data-value]").inner_text()
    assert "5.0 %以上" in card.inner_text()
    assert card.locator("svg.kpi-trend").count() == 1
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "kpi-dashboard.png"), full_page=True)

    shown = int(card.locator("[data-drill-count]").inner_text())
    card.get_by_role("link", name=re.compile("元になった記録")).click()
    page.wait_for_url("**/records/**")
    assert page.locator("#records tbody tr").count() == shown == 10
    assert f"{shown}件の記録" in page.locator("#records-total").inner_text()
    page.get_by_role("link", name="指標の一覧に戻る").click()
    page.wait_for_url("**/kpis/**")

    # The area view: the leaver of 南 makes the area's turnover 100 %.
    page.select_option("#kpi-area", label="南")
    with page.expect_navigation():
        page.get_by_role("button", name="表示", exact=True).click()
    assert "100.0 %" in page.locator("#kpi-sc_turnover [data-value]").inner_text()
