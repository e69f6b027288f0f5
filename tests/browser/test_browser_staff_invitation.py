"""Journey: a municipal administrator invites a layer-2 coordinator for one area; the invitee
opens the one-time link, sets a password, enrols an authenticator app, logs in again with the
two-step log-in and sees only that area (another area's resident answers 404)."""

import base64
import datetime as dt
import os

import pytest

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("SASAEAI_SCREENSHOTS")
NEW_PASSWORD = "kirei-na-sakura-2026-haru"


def _code_for(secret: str) -> str:
    """What an authenticator app shows for the key printed on the set-up page."""
    from django_otp.oath import totp

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, 30, 0, 6, 0):06d}"


def _next_device_code(user) -> str:
    """The code of the user's enrolled device in the next 30-second step (a used code is
    refused within its step, as it should be)."""
    import time

    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    while int(time.time()) // device.step <= device.last_t:
        time.sleep(0.5)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_admin_invites_a_coordinator_who_enrols_and_sees_only_their_area(
    browser, page, live_server, make_municipality, make_user,
):
    from sasaeai.notifications.models import Notification
    from sasaeai.residents.models import Resident
    from sasaeai.tenancy.models import Area, Membership, Role

    town = make_municipality(n_areas=2, name="ささえ市")
    north, south = Area.objects.filter(municipality=town, layer=2).order_by("name")
    admin = make_user(Role.MUNICIPAL_ADMIN, town, display_name="市役所 管理者")
    south_resident = Resident.objects.create(
        municipality=town, area=south, family_name="南", given_name="花子", family_name_kana="みなみ",
        given_name_kana="はなこ", birth_date=dt.date(1940, 4, 1), address="ささえ市南町1-2-3", lat=35.66, lon=139.33,
        h3_cell="8844c0a305fffff", phone="0425000001")

    # The administrator invites the coordinator through the pages.
    browser_login(page, live_server.url, admin)
    page.get_by_role("link", name="職員と地域の管理").click()
    page.wait_for_url("**/staff/")
    page.get_by_role("link", name="職員を招待する").first.click()
    page.fill("input[name=email]", "sato@example.test")
    page.fill("input[name=display_name]", "佐藤 次郎")
    page.select_option("select[name=role]", "coordinator_l2")
    page.get_by_label(north.name).check()
    with page.expect_navigation():
        page.click("form#invite-form button[type=submit]")
    assert "佐藤 次郎さんに招待を送りました" in page.inner_text("main")
    assert "招待中（未受諾）" in page.inner_text("main")
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "staff-list.png"), full_page=True)

    # The invitee gets the invitation (a notification with a one-time, expiring link).
    invitee = Membership.objects.get(user__email="sato@example.test").user
    note = Notification.objects.get(user=invitee, kind="tenancy.invitation")
    assert note.channel == "email" and note.context["url"].startswith(live_server.url)
    assert "ささえ市" in note.subject

    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    sato = context.new_page()
    sato.goto(note.context["url"])
    assert "佐藤 次郎さん" in sato.inner_text("main")
    sato.fill("input[name=password]", NEW_PASSWORD)
    sato.fill("input[name=password_again]", NEW_PASSWORD)
    sato.click("form#invitation-form button[type=submit]")
    sato.wait_for_url("**/accounts/otp/**")

    # Enrol: read the key from the set-up page as an authenticator app would.
    secret = sato.locator("figure.qr code").inner_text().strip()
    sato.fill("input[name=token]", _code_for(secret))
    with sato.expect_navigation():
        sato.click("form#otp-form button[type=submit]")
    assert "/accounts/otp/" not in sato.url

    # Log out, then log in again with password and the two-step code.
    with sato.expect_navigation():
        sato.get_by_role("button", name="ログアウト").click()
    sato.goto(live_server.url + "/accounts/login/")
    sato.fill("input[name=login]", "sato@example.test")
    sato.fill("input[name=password]", NEW_PASSWORD)
    sato.click("form#login-form button[type=submit]")
    sato.wait_for_url("**/accounts/otp/**")
    assert sato.locator("figure.qr").count() == 0  # already enrolled: only the code is asked
    sato.fill("input[name=token]", _next_device_code(invitee))
    with sato.expect_navigation():
        sato.click("form#otp-form button[type=submit]")

    main = sato.inner_text("main")
    assert "第2層" in main and north.name in main and south.name not in main
    response = sato.goto(f"{live_server.url}/safety/residents/{south_resident.pk}/")
    assert response.status == 404
    if SCREENSHOTS:
        sato.screenshot(path=os.path.join(SCREENSHOTS, "invitee-home.png"), full_page=True)
    context.close()

    # The administrator's record shows the invitation and its acceptance.
    page.goto(f"{live_server.url}/municipalities/{town.pk}/staff-record/")
    trail = page.inner_text("main")
    assert "招待" in trail and "招待の受諾" in trail and "佐藤 次郎" in trail
