"""Acceptance journey of 施設スポット支援 (issue 15 §6) in a real browser: a care facility
posts a two-hour spot shift, a helper accepts it, checks in at the facility, and both review."""

import pytest
from django.utils import timezone

from sasaeai.requests.models import Booking, HelpRequest, RequestStatus, Review

from ..conftest import browser_login
from .conftest import TOKYO, make_helper, soon
from .facility import make_facility, spot_helper_skills

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _switch(page, base, user):
    page.context.clear_cookies()
    browser_login(page, base, user)


def test_facility_posts_a_shift_helper_accepts_checks_in_and_both_review(page, live_server, town, make_user):
    base = live_server.url
    facility, staff = make_facility(town.municipality, make_user)
    helper = make_helper(town.municipality, skills=spot_helper_skills())
    start = timezone.localtime(soon(), TOKYO)

    # 1. The facility's staff post a two-hour shift for one helper and offer it.
    _switch(page, base, staff)
    page.goto(base + "/requests/facility/")
    page.click("#new-shift")
    page.wait_for_url("**/requests/facility/new/")
    page.fill("input[name=title]", "昼食の配膳と見守り")
    page.fill("input[name=date]", start.date().isoformat())
    page.fill("input[name=time]", start.strftime("%H:%M"))
    page.select_option("select[name=duration_minutes]", "120")
    page.select_option("select[name=slots]", "1")
    page.click("#post-shift")
    page.wait_for_url("**/requests/facility/*/")
    req = HelpRequest.objects.get(facility=facility)
    assert (req.recipient_id, req.duration_minutes, req.slots) == (None, 120, 1)
    with page.expect_navigation():
        page.click("#find-helpers")
    assert req.offers.filter(helper=helper).exists()

    # 2. The helper accepts, checks in at the facility and checks out.
    _switch(page, base, helper.user)
    page.goto(base + "/requests/helper/offers/")
    page.click("button.accept")
    page.wait_for_url("**/requests/bookings/*/")
    assert facility.name in page.locator("#facility").inner_text()
    page.click("#check-in")  # no community-standards step: there is no resident
    page.wait_for_selector("#check-out")
    page.click("#check-out")
    page.wait_for_selector("#review-form")
    page.check("#review-form input[name=stars][value='5']")
    page.check("#review-form input[name=tags][value='clear_instructions']")
    with page.expect_navigation():
        page.click("#review-form button[type=submit]")
    booking = Booking.objects.get(request=req)
    assert booking.status == "completed" and booking.checked_in_at and booking.checked_out_at

    # 3. The facility's staff see the helper on their posting and review them.
    _switch(page, base, staff)
    page.goto(base + f"/requests/facility/{req.pk}/")
    assert helper.user.display_name in page.locator("#bookings").inner_text()
    form = f"#review-form-{booking.pk}"
    page.check(f"{form} input[name=stars][value='4']")
    page.check(f"{form} input[name=tags][value='kind']")
    page.fill(f"{form} textarea[name=comment]", "利用者さんと楽しく過ごしてくださいました")
    page.click(f"{form} button[type=submit]")
    page.wait_for_url(f"**/requests/facility/{req.pk}/")
    req.refresh_from_db()
    assert req.status == RequestStatus.REVIEWED
    assert Review.objects.filter(booking=booking).count() == 2
    helper.refresh_from_db()
    assert helper.rating_count == 1
