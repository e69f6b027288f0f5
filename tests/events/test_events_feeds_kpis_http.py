import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from sasaeai.events import kpis, services
from sasaeai.events.models import Event, FollowUp
from sasaeai.tenancy.models import Role

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def _indicator(key):
    return next(i for i in kpis.indicators() if i["key"] == key)


def test_public_ical_parses_back_in_tokyo_and_hides_staff_events(town, client):
    start = timezone.now() + dt.timedelta(days=2)
    services.create_event(by=town["sc"], municipality=town["m"], title="SC連絡会", event_type="sc_network",
                          starts_at=start, ends_at=start + dt.timedelta(hours=1), capacity=30, place="市役所")
    r = client.get(reverse("events:municipality_ical", args=[town["m"].pk]))
    assert r.status_code == 200 and r["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(r.content)
    events = cal.walk("VEVENT")
    assert [str(e["summary"]).split("（")[0] for e in events] == [town["trial"].title]
    dtstart = events[0].decoded("dtstart")
    assert dtstart.tzinfo is not None and dtstart.utcoffset() == dt.timedelta(hours=9)
    assert dtstart == town["trial"].starts_at.astimezone(ZoneInfo("Asia/Tokyo")).replace(microsecond=0)
    area = client.get(reverse("events:area_ical", args=[town["a2"].pk]))
    assert Calendar.from_ical(area.content).walk("VEVENT") == []
    # The area feed of the trial's own area: the same event, in Tokyo time.
    own = Calendar.from_ical(client.get(reverse("events:area_ical", args=[town["a1"].pk])).content)
    (ev,) = own.walk("VEVENT")
    assert ev.decoded("dtstart") == dtstart and ev.decoded("dtstart").utcoffset() == dt.timedelta(hours=9)


def test_landing_page_links_the_public_feed(town, client):
    r = client.get(reverse("core:home") + f"?m={town['m'].pk}")
    assert reverse("events:municipality_ical", args=[town["m"].pk]).encode() in r.content


def test_my_feed_and_sign_up_pages(town, client):
    r1 = town["residents"][0]
    client.force_login(r1)
    r = client.post(reverse("events:signup", args=[town["trial"].pk]))
    assert r.status_code == 302
    cal = Calendar.from_ical(client.get(reverse("events:my_ical")).content)
    (ev,) = cal.walk("VEVENT")
    start = ev.decoded("dtstart")
    assert start.utcoffset() == dt.timedelta(hours=9)
    assert start == town["trial"].starts_at.astimezone(ZoneInfo("Asia/Tokyo")).replace(microsecond=0)
    page = client.get(reverse("events:detail", args=[town["trial"].pk]))
    assert b"checkin-qr" in page.content
    qr = client.get(reverse("events:signup_qr", args=[town["trial"].signups.get().pk]))
    assert qr["Content-Type"] == "image/svg+xml"
    # Twice: a clear message, nothing written.
    r = client.post(reverse("events:signup", args=[town["trial"].pk]), follow=True)
    assert town["trial"].signups.count() == 1
    assert "既に" in r.content.decode() or "already" in r.content.decode()


def test_full_event_page_offers_waiting_list(town, client):
    for p in town["residents"][:2]:
        services.sign_up(by=p, event=town["trial"])
    client.force_login(town["residents"][2])
    page = client.get(reverse("events:detail", args=[town["trial"].pk])).content
    assert b"join-waiting-list" in page and b"sign-up" not in page.replace(b"sign-up-", b"")


def test_api_sign_up_full_and_past(town, client):
    for p in town["residents"][:2]:
        services.sign_up(by=p, event=town["trial"])
    client.force_login(town["residents"][2])
    url = f"/api/v1/events/{town['trial'].pk}/signups"
    r = client.post(url, data={"join_waiting_list": False}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "event_full"
    r = client.post(url, data={}, content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "waiting"
    Event.objects.filter(pk=town["trial"].pk).update(starts_at=timezone.now() - dt.timedelta(hours=2))
    client.force_login(town["residents"][3])
    r = client.post(url, data={}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400 and r.json()["code"] == "event_past" and "sign-up is closed" in r.json()["message"]


def test_kpis_come_from_data(town, make_user):
    m, sc = town["m"], town["sc"]
    base = timezone.now() + dt.timedelta(days=1)
    people = [make_user(Role.RESIDENT, m) for _ in range(3)]
    trials = []
    for i in range(2):
        e = services.create_event(by=sc, municipality=m, area=town["a1"], title=f"体験{i}",
                                  event_type="trial_volunteering", starts_at=base + dt.timedelta(days=i),
                                  ends_at=base + dt.timedelta(days=i, hours=2), capacity=10, place="センター")[0]
        trials.append(e)
    for p in people:
        services.sign_up(by=p, event=trials[0])
        services.record_attendance(by=sc, event=trials[0], person=p)
    services.record_attendance(by=sc, event=trials[1], person=people[0], walk_in=True)
    # town["trial"] had nobody: not counted as held.
    fu = FollowUp.objects.get(event=trials[0], person=people[0])
    services.complete_followup(by=sc, followup=fu)
    services.register_helper_from_followup(by=people[0], followup=fu)
    today = timezone.localdate()
    start, end = dt.date(today.year - 1, 1, 1), dt.date(today.year + 1, 12, 31)
    ev = _indicator("trial_volunteering_events")
    assert ev["compute"](m, None, start, end) == (2, None) and ev["records"](m, None, start, end).count() == 2
    assert ev["target"] == 10
    part = _indicator("trial_volunteering_participants")
    assert part["compute"](m, None, start, end) == (3, None) and part["records"](m, None, start, end).count() == 3
    assert part["target"] == 100
    assert _indicator("trial_volunteering_followed_up")["compute"](m, None, start, end) == (1, 4)
    conv = _indicator("trial_volunteering_conversion")
    assert conv["compute"](m, None, start, end) == (1, 4) and conv["records"](m, None, start, end).count() == 1
    assert _indicator("trial_volunteering_events")["compute"](m, town["a2"], start, end) == (0, None)


def test_sc_network_events_count_network_meetings_and_joint_trainings_held_in_the_year(town):
    """Not cancelled, of the two staff types, started in the fiscal year up to today; per area."""
    from sasaeai.kpis import registry, selectors
    from sasaeai.kpis.periods import fiscal_year_bounds, fiscal_year_of

    m, sc = town["m"], town["sc"]
    fy = fiscal_year_of(timezone.localdate())
    today_early = timezone.localtime().replace(hour=0, minute=1, second=0, microsecond=0)
    last_year = today_early - dt.timedelta(days=(timezone.localdate() - fiscal_year_bounds(fy)[0]).days + 1)

    def event(event_type, starts_at=today_early, area=None):
        return services.create_event(by=sc, municipality=m, area=area or town["a1"], title=event_type,
                                     event_type=event_type, starts_at=starts_at,
                                     ends_at=starts_at + dt.timedelta(hours=1), capacity=20, place="市役所")[0]

    network, joint = event("sc_network"), event("joint_training", area=town["a2"])
    event("course"), event("salon")  # other types
    services.cancel_event(by=sc, event=event("sc_network"))
    event("joint_training", starts_at=last_year)  # the fiscal year before
    event("sc_network", starts_at=today_early + dt.timedelta(days=400))  # a later fiscal year
    indicator = registry.get("sc_network_events")
    measure = selectors.measure(indicator, m, None, fy)
    records = selectors.records(indicator, m, None, fy)[0]
    assert (measure.numerator, measure.value) == (2, 2)
    assert set(records) == {network, joint} and records.count() == measure.drill_count
    assert selectors.measure(indicator, m, town["a2"], fy).value == 1
    assert list(selectors.records(indicator, m, town["a2"], fy)[0]) == [joint]


def test_home_panels_render(town):
    from tests.conftest import login_client

    r1 = town["residents"][0]
    services.sign_up(by=r1, event=town["trial"])
    sc_page = login_client(town["sc"]).get(reverse("core:home"))
    assert sc_page.status_code == 200 and town["trial"].title in sc_page.content.decode()
    page = login_client(r1).get(reverse("core:home"))
    assert page.status_code == 200 and town["trial"].title in page.content.decode()
