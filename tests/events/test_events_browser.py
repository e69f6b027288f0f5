"""The resident's trial-volunteering journey in a real browser (issue 16 acceptance): a full
trial → the waiting list → promoted when someone cancels, confirms the offered place → the QR
code whose URL the organiser opens at the door → the SC's follow-up → registers as a helper from
the follow-up, the form pre-filled with the trial's municipality, area and the person's name."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def block_outside(page, base_url):
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base_url) else route.abort())


@pytest.fixture
def trial(make_municipality, make_user):
    from django.utils import timezone

    from sasaeai.events import services
    from sasaeai.tenancy.models import Area, Role

    m = make_municipality(n_areas=2, name="ささえ市", is_synthetic=True)
    north, _south = Area.objects.filter(municipality=m, layer=2).order_by("name")
    sc = make_user(Role.COORDINATOR_L2, m, areas=[north], display_name="北 SC")
    first = make_user(Role.RESIDENT, m, display_name="先着 一郎")
    resident = make_user(Role.RESIDENT, m, display_name="体験 花子")
    start = timezone.now() + dt.timedelta(days=3)
    event = services.create_event(by=sc, municipality=m, area=north, title="おためし：配食のお手伝い",
                                  event_type="trial_volunteering", starts_at=start,
                                  ends_at=start + dt.timedelta(hours=2), capacity=1, place="北地区センター")[0]
    services.sign_up(by=first, event=event)  # the only place is taken
    return {"m": m, "north": north, "sc": sc, "first": first, "resident": resident, "event": event}


def test_a_resident_goes_from_the_waiting_list_to_a_helper_registration(page, browser, live_server, trial):
    from django.urls import reverse

    from sasaeai.events import services
    from sasaeai.events.models import Attendance, FollowUp, SignUp
    from sasaeai.helpers.models import HelperProfile
    from sasaeai.tenancy.models import Membership

    base = live_server.url
    event = trial["event"]
    block_outside(page, base)
    browser_login(page, base, trial["resident"])

    # The trial is full: the page offers the waiting list instead.
    page.goto(f"{base}{reverse('events:detail', args=[event.pk])}")
    assert "0 / 1" in page.locator("#places-left").inner_text()
    page.locator("#join-waiting-list").click()
    page.wait_for_selector("#my-status")
    status = page.locator("#my-status").inner_text()
    assert "キャンセル待ち" in status and "1" in status

    # Someone cancels: the first of the waiting list is offered the place and confirms it.
    taken = SignUp.objects.get(event=event, person=trial["first"])
    services.cancel_signup(by=trial["first"], signup=taken)
    page.reload()
    assert "繰り上げ" in page.locator("#my-status").inner_text()
    page.locator("#confirm-place").click()
    page.wait_for_selector("#checkin-qr")
    assert "参加確定" in page.locator("#my-status").inner_text()
    # The QR code is an image the browser renders.
    # (Checked from outside the page: a string predicate polled inside it is `eval`, which
    # the page's CSP refuses.)
    qr = page.locator("#checkin-qr")
    expect(qr).to_have_js_property("complete", True, timeout=15000)
    assert qr.evaluate("img => img.naturalWidth") > 0
    signup = SignUp.objects.get(event=event, person=trial["resident"])
    assert signup.status == "confirmed"
    qr = page.request.get(f"{base}{reverse('events:signup_qr', args=[signup.pk])}")
    assert qr.ok and qr.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in qr.body()

    # At the door the organiser's phone opens the QR code's URL and records the check-in.
    staff = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    staff.set_default_timeout(30_000)
    sc_page = staff.new_page()
    block_outside(sc_page, base)
    try:
        browser_login(sc_page, base, trial["sc"])
        sc_page.goto(f"{base}{reverse('events:checkin', args=[signup.checkin_code])}")
        assert "体験 花子" in sc_page.locator("#checkin-person").inner_text()
        sc_page.locator("#check-in").click()
        sc_page.wait_for_url("**/attendance/")
        attendance = Attendance.objects.get(event=event, person=trial["resident"])
        assert (attendance.method, attendance.walk_in) == ("qr", False)

        # The SC follows the participant up from the list of follow-ups.
        followup = FollowUp.objects.get(event=event, person=trial["resident"])
        sc_page.goto(f"{base}{reverse('events:followups')}")
        sc_page.locator(f"a[href='{reverse('events:followup', args=[followup.pk])}']").first.click()
        sc_page.fill("#note", "配食の手伝いを続けたいとのこと")
        sc_page.locator("#followup-done").click()
        sc_page.wait_for_url("**/events/followups/")
    finally:
        staff.close()
    followup.refresh_from_db()
    assert followup.status == "done"

    # The participant registers as a helper from the follow-up, the form pre-filled.
    page.goto(f"{base}{reverse('events:followup', args=[followup.pk])}")
    form = page.locator("#register-helper").inner_text()
    assert "ささえ市" in form and trial["north"].name in form and "体験 花子" in form
    page.locator("#become-helper").click()
    page.wait_for_url("**/helpers/me/")
    profile = HelperProfile.objects.get(user=trial["resident"])
    assert (profile.municipality_id, profile.area_id) == (trial["m"].pk, trial["north"].pk)
    assert Membership.objects.filter(user=trial["resident"], municipality=trial["m"], role="helper").exists()
    followup.refresh_from_db()
    assert followup.registered_helper_at is not None
