"""Acceptance journey in a real browser (issue 16): a helper completes a course and can then
take a dementia-companionship request. Before, the matching refuses the helper (missing
qualification); the organiser ticks the completion on the tick-list; the coordinator then sees
the helper among the candidates and offers; the helper accepts and downloads the certificate."""

import datetime as dt

import pytest
from django.utils import timezone

from sasaeai.events import services as event_services
from sasaeai.events.models import Event
from sasaeai.requests import services as request_services
from sasaeai.requests.models import Booking
from sasaeai.residents.models import Proxy
from sasaeai.tenancy.models import Area, Role
from sasaeai.training import services
from sasaeai.training.models import Completion
from tests.conftest import browser_login
from tests.requests.conftest import make_helper, make_resident, tomorrow_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _switch(page, base, user):
    page.context.clear_cookies()
    browser_login(page, base, user)


def test_course_completion_unlocks_a_dementia_companionship_request(page, live_server, make_municipality, make_user):
    m = make_municipality(n_areas=2)
    area = Area.objects.filter(municipality=m, layer=2).order_by("name").first()
    coordinator = make_user(Role.COORDINATOR_L1, m)
    proxy = make_user(Role.PROXY, m, display_name="山田一郎")
    resident = make_resident(m, area)
    Proxy.objects.create(resident=resident, user=proxy, relation="child", confirmed=True)
    helper = make_helper(m, skills=["watch_talk"])

    course = services.create_course(by=coordinator, municipality=m, title="認知症サポーター養成講座",
                                    kind="dementia_supporter", organiser_name="地域包括支援センター")
    start = timezone.now() + dt.timedelta(days=1)
    session = services.add_session(by=coordinator, course=course, starts_at=start,
                                   ends_at=start + dt.timedelta(hours=2), capacity=20, area=area, place="地区センター")
    event_services.sign_up(by=helper.user, event=session.event)
    held = timezone.now() - dt.timedelta(hours=3)
    Event.objects.filter(pk=session.event_id).update(starts_at=held, ends_at=held + dt.timedelta(hours=2))

    # 見守り・話し相手 for a person living with dementia: needs a dementia supporter.
    req = request_services.create_request(
        user=proxy, recipient=resident, category="watch_talk", starts_at=tomorrow_at(10), duration_minutes=60,
        title="話し相手", has_dementia=True, required_qualifications=["ninchisho_supporter"])
    assert "missing_qualification" in request_services.hard_refusals(req, helper)

    base = live_server.url
    _switch(page, base, coordinator)
    page.goto(base + f"/requests/{req.pk}/")
    assert page.locator(f"#cand-{helper.pk}").count() == 0

    # The organiser ticks the completion on the session's tick-list.
    page.goto(base + f"/training/sessions/{session.pk}/")
    with page.expect_navigation():
        page.click(f"button.complete[data-person='{helper.user.pk}']")
    assert "修了を記録しました" in page.content()
    completion = Completion.objects.get(person=helper.user)
    assert completion.qualification and completion.qualification.status == "verified"
    assert completion.display_code in page.locator("#completion-list").inner_text()

    # The helper is now a candidate: the coordinator offers the request.
    page.goto(base + f"/requests/{req.pk}/")
    page.check(f"#cand-{helper.pk}")
    with page.expect_navigation():
        page.click("#offer-form button[type=submit]:not([name])")

    # The helper accepts, and finds the certificate on "my training".
    _switch(page, base, helper.user)
    page.goto(base + "/requests/helper/offers/")
    page.click("button.accept")
    page.wait_for_url("**/requests/bookings/*/")
    booking = Booking.objects.get(request=req)
    assert booking.helper == helper
    page.goto(base + "/training/mine/")
    assert completion.display_code in page.locator("#my-completions").inner_text()
    with page.expect_download() as download:
        page.click("a.certificate")
    assert download.value.suggested_filename == f"certificate-{completion.code}.pdf"

    # Anyone can check the certificate's code.
    page.context.clear_cookies()
    page.goto(base + "/training/verify/")
    page.fill("#code", completion.display_code)
    page.click("#verify-form button[type=submit]")
    page.wait_for_selector("#verify-result")
    assert "有効" in page.locator("#verify-state").inner_text()
