"""Acceptance journey in a real browser: a family member creates a request for a parent →
the coordinator runs batch matching and confirms → the helper accepts → checks in → checks
out → both review."""

import pytest
from django.utils import timezone

from sasaeai.requests.models import Booking, HelpRequest, Offer, RequestStatus, Review

from ..conftest import browser_login
from .conftest import TOKYO, soon

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _switch(page, base, user):
    page.context.clear_cookies()
    browser_login(page, base, user)


def test_family_request_to_reviews(page, live_server, town):
    base = live_server.url
    start = timezone.localtime(soon(), TOKYO)

    # 1. The family member (proxy) asks for help for the parent.
    _switch(page, base, town.proxy_user)
    page.goto(base + "/requests/new/")
    page.select_option("select[name=category]", "watch_talk")
    page.fill("input[name=title]", "話し相手と散歩")
    page.fill("input[name=date]", start.date().isoformat())
    page.fill("input[name=time]", start.strftime("%H:%M"))
    page.select_option("select[name=duration_minutes]", "60")
    page.click("#save-request")
    page.wait_for_url("**/requests/*/")
    req = HelpRequest.objects.get()
    assert req.entered_by == "proxy" and req.recipient == town.resident
    assert page.locator("#request-status").inner_text().strip()

    # 2. The coordinator runs batch matching for that day and confirms the proposal.
    _switch(page, base, town.coordinator)
    page.goto(base + "/requests/matching/")
    page.fill("input[name=day]", start.date().isoformat())
    page.click("#run-batch")
    page.wait_for_url("**/requests/matching/*/")
    assert page.locator("#proposal tbody tr").count() == 1
    with page.expect_navigation():
        page.click("#confirm-run")
    offer = Offer.objects.get(request=req)
    helper_user = offer.helper.user

    # 3. The helper accepts, checks in and checks out.
    _switch(page, base, helper_user)
    page.goto(base + "/requests/helper/offers/")
    page.click("button.accept")
    page.wait_for_url("**/requests/bookings/*/")
    # First visit with this person: the community standards must be agreed at check-in.
    page.check("#agree-standards")
    page.click("#check-in")
    page.wait_for_selector("#check-out")
    page.click("#check-out")
    page.wait_for_selector("#review-form")
    page.check("#review-form input[name=stars][value='5']")
    page.fill("#review-form textarea[name=comment]", "楽しくお話ししました")
    with page.expect_navigation():
        page.click("#review-form button[type=submit]")
    booking = Booking.objects.get(request=req)
    assert booking.status == "completed" and booking.checked_in_at and booking.checked_out_at

    # 4. The family member reviews the helper.
    _switch(page, base, town.proxy_user)
    page.goto(base + f"/requests/{req.pk}/")
    page.check("#review-form input[name=stars][value='4']")
    page.check("#review-form input[name=tags][value='kind']")
    with page.expect_navigation():
        page.click("#review-form button[type=submit]")
    req.refresh_from_db()
    assert req.status == RequestStatus.REVIEWED
    assert Review.objects.filter(booking=booking).count() == 2
    offer.helper.refresh_from_db()
    assert offer.helper.rating_count == 1


def test_phone_intake_is_three_steps(page, live_server, town):
    """電話受付: type the caller's name in kana, pick the person, save with the defaults."""
    _switch(page, live_server.url, town.coordinator)
    page.goto(live_server.url + "/requests/intake/")
    page.fill("#q", "ヤマダ")
    page.press("#q", "Enter")
    page.click(".results a")
    page.click("#save-request")
    page.wait_for_url("**/requests/*/")
    req = HelpRequest.objects.get()
    assert req.entered_by == "coordinator" and req.recipient == town.resident
    assert req.duration_minutes == 60 and req.category == "housework"


def test_changing_a_batch_line_to_an_unfit_helper_needs_a_reason(page, live_server, town):
    """Issue 9 §5 by keyboard: the line page ranks the helpers who fit; choosing one who does
    not fit needs the exception box and a reason, and the proposal shows 「手動で例外」."""
    from sasaeai.requests import batch, services

    from .conftest import make_helper, tomorrow_at

    unskilled = make_helper(town.municipality, skills=["watch_talk"])
    req = services.create_request(user=town.proxy_user, recipient=town.resident, category="housework",
                                  starts_at=tomorrow_at(10), duration_minutes=60)
    run = batch.run_batch(municipality=town.municipality, day=tomorrow_at(10).date(), by=town.coordinator,
                          time_limit_s=2)
    line = run.lines.get(request=req)
    base = live_server.url
    _switch(page, base, town.coordinator)
    page.goto(base + f"/requests/matching/{run.pk}/")
    page.focus(f"#change-line-{line.pk}")
    page.keyboard.press("Enter")
    page.wait_for_url("**/choose/")
    assert page.locator("#feasible li").count() == len(town.helpers)
    page.check(f"#needs-override input[value='{unskilled.pk}']")
    page.click("#save-line")
    page.wait_for_url("**/choose/")  # refused: the exception box was not ticked
    assert "例外" in page.locator(".message-error").inner_text()
    page.check(f"#needs-override input[value='{unskilled.pk}']")
    page.focus("#override")
    page.keyboard.press("Space")
    page.fill("#override_reason", "ご本人の強い希望があるため")
    page.focus("#save-line")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/requests/matching/{run.pk}/")
    assert "手動で例外" in page.locator("#proposal").inner_text()
    line.refresh_from_db()
    assert line.helper_id == unskilled.pk and line.override_codes == ["missing_skill"]
