"""Journey: a helper completes a booking (check-out), the SC confirms the credit, the helper
redeems vouchers, the administrator approves the redemption and downloads the finance export."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.utils import timezone

from tests.conftest import browser_login

from .conftest import completed_booking

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_helper_earns_sc_confirms_helper_redeems_admin_exports(browser, live_server, town):
    from sasaeai.points.models import Credit, Redemption

    start = timezone.now() - dt.timedelta(minutes=40)
    booking = completed_booking(town, town.helper, status="in_progress", when=start)
    booking.checked_in_at = start
    booking.save(update_fields=["checked_in_at"])

    ctx = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844}, accept_downloads=True)
    ctx.set_default_timeout(120_000)
    ctx.set_default_navigation_timeout(120_000)
    page = ctx.new_page()
    browser_login(page, live_server.url, town.helper.user)
    page.goto(f"{live_server.url}/requests/bookings/{booking.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="チェックアウト（訪問が終わりました）").click()
    assert Credit.objects.get(booking=booking).status == "pending"
    page.goto(live_server.url + "/points/")
    assert "確認待ち" in page.inner_text("main")
    ctx.clear_cookies()

    browser_login(page, live_server.url, town.coordinator)
    page.goto(live_server.url + "/points/staff/pending/")
    page.get_by_role("button", name="選んだポイントを確認する").click()
    assert "1件のポイントを確認しました" in page.inner_text("main")
    ctx.clear_cookies()

    browser_login(page, live_server.url, town.helper.user)
    page.goto(live_server.url + "/points/")
    assert page.get_by_test_id("balance-points").inner_text() == "200"
    page.get_by_role("link", name="ポイントを交換する").click()
    page.get_by_label("交換するポイント").fill("200")
    page.get_by_role("button", name="交換を申請する").click()
    assert "交換を申請しました" in page.inner_text("main")
    assert page.get_by_test_id("balance-points").inner_text() == "0"
    ctx.clear_cookies()

    browser_login(page, live_server.url, town.admin)
    page.goto(live_server.url + "/points/admin/redemptions/")
    page.get_by_label("会計処理番号").first.fill("会計-2026-0001")
    page.get_by_role("button", name="承認（支払済み）").click()
    assert "支払済みにしました" in page.inner_text("main")
    assert Redemption.objects.get().status == "paid"
    page.goto(f"{live_server.url}/points/admin/schemes/{town.scheme.pk}/")
    with page.expect_download() as info:
        page.get_by_test_id("finance-export").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    values = [c.value for row in wb.worksheets[0].iter_rows() for c in row]
    assert "会計-2026-0001" in values and 200 in values
    ctx.close()
