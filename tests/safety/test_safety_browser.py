"""Journeys in a real browser (CSP on): a helper presses 「緊急」 during a visit — the 119
guidance comes first, then the chain is notified; a family member withdraws consent and
sees who looked at the record."""

import datetime as dt

import pytest
from django.utils import timezone

from sasaeai.notifications.models import Notification
from sasaeai.safety import emergency
from sasaeai.safety.consent import Purpose, give, has_consent
from sasaeai.tenancy.models import Role
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_helper_presses_the_emergency_button(page, live_server, make_municipality, make_user, make_resident,
                                             make_proxy, make_helper, make_booking):
    town = make_municipality()
    resident = make_resident(town)
    daughter = make_user(Role.PROXY, town)
    make_proxy(resident, daughter)
    helper = make_helper(town)
    make_booking(resident, helper, timezone.now() - dt.timedelta(minutes=10), status="in_progress",
                 checked_in_at=timezone.now() - dt.timedelta(minutes=10))
    emergency.save_plan(resident, by=daughter, contacts=[
        {"kind": "family", "name": "山田一郎", "phone": "09011112222", "user_id": daughter.pk}])
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)

    browser_login(page, live_server.url, helper.user)
    page.goto(f"{live_server.url}/safety/residents/{resident.pk}/emergency/")
    headings = page.get_by_role("heading", level=2).all_inner_texts()
    assert headings[0] == "まず：救急車が必要ですか？"  # 119 first
    assert page.get_by_role("link", name="119番に電話").get_attribute("href") == "tel:119"
    page.get_by_label("119番に電話した（または不要）").check()
    page.get_by_role("button", name="今すぐ連絡先に知らせる").click()
    page.wait_for_url("**/safety/emergencies/*/")
    body = page.locator("main").inner_text()
    assert "山田一郎" in body and "09011112222" in body
    assert Notification.objects.filter(user=daughter, kind="safety.emergency").exists()
    assert not errors, errors


def test_family_withdraws_consent_and_checks_the_access_log(page, live_server, make_municipality, make_user,
                                                            make_resident, make_proxy, client_for):
    town = make_municipality()
    resident = make_resident(town)
    daughter = make_user(Role.PROXY, town)
    make_proxy(resident, daughter)
    give(resident, Purpose.MATCHING, by=daughter)
    coordinator = make_user(Role.COORDINATOR_L2, town, areas=[resident.area], display_name="加藤 SC")
    client_for(coordinator).get(f"/safety/residents/{resident.pk}/")

    browser_login(page, live_server.url, daughter)
    page.goto(f"{live_server.url}/safety/residents/{resident.pk}/consent/")
    section = page.get_by_role("region", name="担い手とのマッチング")
    section.get_by_label("判定").select_option("no")
    with page.expect_navigation():
        section.get_by_role("button", name="保存").click()
    assert "すぐに反映されます" in page.locator("main").inner_text()
    assert not has_consent(resident, Purpose.MATCHING)
    page.get_by_role("link", name="この記録を見た人").first.click()
    assert "加藤 SC" in page.locator("main").inner_text()
