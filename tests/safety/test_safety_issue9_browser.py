"""Issue 9 §2 and §8 in a real browser (CSP on): a family member reads a Japanese-labelled
「この記録を見た人」 with bursts grouped and their own side apart from staff; a helper on the
visit day presses the large 「緊急」 button from the booking page and sees 119 first."""

import datetime as dt

import pytest
from django.utils import timezone

from sasaeai.safety import emergency
from sasaeai.safety.models import EmergencyAlert
from sasaeai.tenancy.models import Role
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _csp_errors(page) -> list:
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    return errors


def test_family_reads_a_labelled_grouped_access_log(page, live_server, make_municipality, make_user, make_resident,
                                                    make_proxy, client_for):
    town = make_municipality()
    resident = make_resident(town)
    daughter = make_user(Role.PROXY, town, display_name="山田 娘")
    make_proxy(resident, daughter, relation="child")
    coordinator = make_user(Role.COORDINATOR_L2, town, areas=[resident.area], display_name="加藤 SC")
    staff = client_for(coordinator)
    for _ in range(3):  # one visit to the record, three pages: one line
        staff.get(f"/safety/residents/{resident.pk}/")
    errors = _csp_errors(page)

    browser_login(page, live_server.url, daughter)
    page.goto(f"{live_server.url}/safety/residents/{resident.pk}/")  # the daughter's own read
    page.goto(f"{live_server.url}/safety/residents/{resident.pk}/access-log/")
    table = page.get_by_role("table")
    text = table.inner_text()
    for code in ("coordinator_l2", "proxy", "care_level", "care_coordination", "own_record"):
        assert code not in text, code
    for label in ("第2層 生活支援コーディネーター", "家族・代理人", "住所", "要介護度", "職員による支援",
                  "本人・代理人による確認"):
        assert label in text, label
    rows = table.locator("tbody tr")
    assert rows.count() == 2
    coordinator_row = rows.filter(has_text="加藤 SC")
    assert coordinator_row.count() == 1 and "3件" in coordinator_row.inner_text()
    assert "家族・代理人 (子)" in rows.filter(has_text="山田 娘").inner_text()

    page.get_by_role("link", name="本人と家族・代理人").click()
    assert page.get_by_role("link", name="本人と家族・代理人").get_attribute("aria-current") == "page"
    own = page.get_by_role("table").inner_text()
    assert "山田 娘" in own and "加藤 SC" not in own
    page.get_by_role("link", name="職員・担い手・システム").click()
    others = page.get_by_role("table").inner_text()
    assert "加藤 SC" in others and "山田 娘" not in others
    assert not errors, errors


def test_helper_presses_the_large_emergency_button_from_the_booking_page(
        page, live_server, make_municipality, make_user, make_resident, make_proxy, make_helper, make_booking):
    town = make_municipality()
    resident = make_resident(town, phone="0425559876")
    daughter = make_user(Role.PROXY, town)
    make_proxy(resident, daughter)
    emergency.save_plan(resident, by=daughter, contacts=[
        {"kind": "family", "name": "山田一郎", "phone": "09011112222", "user_id": daughter.pk}])
    helper = make_helper(town)
    booking = make_booking(resident, helper, timezone.now() + dt.timedelta(minutes=20))  # booked, not checked in
    errors = _csp_errors(page)

    browser_login(page, live_server.url, helper.user)
    page.goto(f"{live_server.url}/requests/bookings/{booking.pk}/")
    assert "0425559876" in page.locator("main").inner_text()  # the visit window: the number is shown
    button = page.locator("#emergency-button")
    assert button.inner_text() == "緊急"
    box = button.bounding_box()
    assert box["height"] >= 64 and box["width"] >= 200
    page.mouse.wheel(0, 2000)  # still in view after scrolling (sticky)
    page.wait_for_timeout(200)
    assert 0 <= button.bounding_box()["y"] < page.viewport_size["height"]
    button.click()

    page.wait_for_url(f"**/safety/residents/{resident.pk}/emergency/")
    headings = page.get_by_role("heading", level=2).all_inner_texts()
    assert headings[0] == "まず：救急車が必要ですか？"  # 119 first
    checkbox = page.get_by_label("119番に電話した（または不要）")
    check_box = checkbox.bounding_box()
    assert check_box["height"] >= 32 and check_box["width"] >= 32
    label_box = page.locator("label.check-119").bounding_box()
    assert label_box["height"] >= 48
    page.locator("label.check-119 span").click()  # the text is part of the control
    assert checkbox.is_checked()
    page.get_by_role("button", name="今すぐ連絡先に知らせる").click()
    page.wait_for_url("**/safety/emergencies/*/")
    alert = EmergencyAlert.objects.get()
    assert alert.called_119 and alert.booking_id == booking.pk and alert.raised_by_id == helper.user_id
    assert not errors, errors
