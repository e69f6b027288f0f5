import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sasaeai.events import selectors, services
from sasaeai.events.models import Attendance, Event, FollowUp, SignUp, SignUpStatus
from sasaeai.events.signals import event_help_completed
from sasaeai.notifications.models import Notification
from sasaeai.tenancy.models import Membership, Role

from .conftest import code_of

pytestmark = pytest.mark.django_db


def test_full_event_offers_waiting_list_and_promotes_in_order(town):
    ev, (r1, r2, r3, r4) = town["trial"], town["residents"]
    s1 = services.sign_up(by=r1, event=ev)
    services.sign_up(by=r2, event=ev)
    with pytest.raises(ValidationError) as exc:
        services.sign_up(by=r3, event=ev, join_waiting_list=False)
    assert code_of(exc.value) == "event_full"
    assert not SignUp.objects.filter(person=r3).exists()
    w3 = services.sign_up(by=r3, event=ev)
    w4 = services.sign_up(by=r4, event=ev)
    assert (w3.status, w4.status) == (SignUpStatus.WAITING, SignUpStatus.WAITING)
    services.cancel_signup(by=r1, signup=s1)
    w3.refresh_from_db()
    w4.refresh_from_db()
    assert w3.status == SignUpStatus.OFFERED and w3.offer_deadline <= ev.starts_at
    assert w4.status == SignUpStatus.WAITING
    assert Notification.objects.filter(user=r3, kind="events.place_offered").exists()
    services.confirm_offer(by=r3, signup=w3)
    w3.refresh_from_db()
    assert w3.status == SignUpStatus.CONFIRMED


def test_expired_offer_goes_to_next(town):
    ev, (r1, r2, r3, r4) = town["trial"], town["residents"]
    s1 = services.sign_up(by=r1, event=ev)
    services.sign_up(by=r2, event=ev)
    w3, w4 = services.sign_up(by=r3, event=ev), services.sign_up(by=r4, event=ev)
    services.cancel_signup(by=r1, signup=s1)
    assert services.expire_offers(timezone.now() + dt.timedelta(hours=25)) == 1
    w3.refresh_from_db()
    w4.refresh_from_db()
    assert (w3.status, w4.status) == (SignUpStatus.EXPIRED, SignUpStatus.OFFERED)
    with pytest.raises(ValidationError) as exc:
        services.confirm_offer(by=r3, signup=w3)
    assert code_of(exc.value) == "no_offer"


def test_twice_and_past_are_refused(town):
    ev, r1 = town["trial"], town["residents"][0]
    services.sign_up(by=r1, event=ev)
    with pytest.raises(ValidationError) as exc:
        services.sign_up(by=r1, event=ev)
    assert code_of(exc.value) == "already_signed_up"
    Event.objects.filter(pk=ev.pk).update(starts_at=timezone.now() - dt.timedelta(hours=3),
                                          ends_at=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(ValidationError) as exc:
        services.sign_up(by=town["residents"][1], event=ev)
    assert code_of(exc.value) == "event_past"
    assert SignUp.objects.count() == 1


def test_bad_event_input(town):
    start = timezone.now() + dt.timedelta(days=1)
    for kw, code in [({"capacity": 0}, "invalid_capacity"), ({"ends_at": start}, "invalid_times"),
                     ({"event_type": "party"}, "invalid_type"), ({"place": ""}, "place_required")]:
        args = dict(by=town["sc"], municipality=town["m"], title="x", event_type="salon", starts_at=start,
                    ends_at=start + dt.timedelta(hours=1), capacity=5, place="公民館")
        args.update(kw)
        with pytest.raises(ValidationError) as exc:
            services.create_event(**args)
        assert code_of(exc.value) == code
    resident = town["residents"][0]
    with pytest.raises(PermissionDenied):
        services.create_event(by=resident, municipality=town["m"], title="x", event_type="salon", starts_at=start,
                              ends_at=start + dt.timedelta(hours=1), capacity=5, place="公民館")


def test_recurring_creates_series(town):
    start = timezone.now() + dt.timedelta(days=1)
    evs = services.create_event(by=town["sc"], municipality=town["m"], area=town["a1"], title="いきいき体操",
                                event_type="exercise", starts_at=start, ends_at=start + dt.timedelta(hours=1),
                                capacity=20, place="公民館", repeat_weekly=3)
    assert len(evs) == 4 and len({e.series for e in evs}) == 1
    assert evs[3].starts_at - evs[0].starts_at == dt.timedelta(weeks=3)


def test_proxy_and_phone_sign_up(town, make_user):
    ev = town["trial"]
    r1 = town["residents"][0]
    s = services.sign_up(by=town["sc"], event=ev, person=r1)
    assert s.channel == "phone"
    stranger = town["residents"][1]
    with pytest.raises(PermissionDenied):
        services.sign_up(by=stranger, event=ev, person=town["residents"][2])


def test_attendance_walk_in_and_followup_and_helper_registration(town):
    ev, (r1, r2, *_rest) = town["trial"], town["residents"]
    s1 = services.sign_up(by=r1, event=ev)
    with pytest.raises(ValidationError) as exc:
        services.record_attendance(by=town["sc"], event=ev, person=r2)
    assert code_of(exc.value) == "not_signed_up"
    assert not Attendance.objects.exists()
    with pytest.raises(PermissionDenied):
        services.record_attendance(by=town["sc_other"], event=ev, person=r1)
    a1 = services.check_in(by=town["sc"], code=s1.checkin_code)
    assert a1.method == "qr" and not a1.walk_in
    with pytest.raises(ValidationError) as exc:
        services.check_in(by=town["sc"], code=s1.checkin_code)
    assert code_of(exc.value) == "already_attended"
    with pytest.raises(ValidationError) as exc:
        services.check_in(by=town["sc"], code="nope")
    assert code_of(exc.value) == "unknown_code"
    a2 = services.record_attendance(by=town["sc"], event=ev, person=r2, walk_in=True)
    assert a2.walk_in and a2.signup is None
    fus = FollowUp.objects.filter(event=ev).order_by("person_id")
    assert fus.count() == 2
    assert set(selectors.open_followups(town["sc"])) == set(fus)
    assert not selectors.open_followups(town["sc_other"]).exists()
    fu = fus.get(person=r1)
    services.complete_followup(by=town["sc"], followup=fu, note="配食ボランティアに関心")
    with pytest.raises(PermissionDenied):
        services.register_helper_from_followup(by=r2, followup=fu)
    profile = services.register_helper_from_followup(by=r1, followup=fu)
    assert profile.municipality == town["m"] and profile.area == town["a1"]
    assert Membership.objects.filter(user=r1, role=Role.HELPER).exists()
    fu.refresh_from_db()
    assert fu.registered_helper_at is not None
    assert services.register_helper_from_followup(by=r1, followup=fu) == profile


def test_help_completion_signal(town, django_capture_on_commit_callbacks):
    ev, r1 = town["trial"], town["residents"][0]
    got = []

    def receiver(sender, attendance, event, person, **kw):
        got.append((attendance.pk, event.pk, person.pk))

    event_help_completed.connect(receiver)
    try:
        services.sign_up(by=r1, event=ev, as_helper=True)
        with django_capture_on_commit_callbacks(execute=True):
            att = services.record_attendance(by=town["sc"], event=ev, person=r1)
    finally:
        event_help_completed.disconnect(receiver)
    assert got == [(att.pk, ev.pk, r1.pk)]


def test_reminders_once_the_day_before(town):
    ev, r1 = town["trial"], town["residents"][0]
    services.sign_up(by=r1, event=ev)
    day_before = ev.starts_at - dt.timedelta(days=1)
    assert services.send_reminders(day_before) == 1
    assert services.send_reminders(day_before) == 0
    assert Notification.objects.filter(user=r1, kind="events.reminder").count() == 1


def test_cancel_event_by_organiser(town):
    ev, r1 = town["trial"], town["residents"][0]
    s = services.sign_up(by=r1, event=ev)
    services.cancel_event(by=town["sc"], event=ev, reason="雨天")
    s.refresh_from_db()
    assert s.status == SignUpStatus.CANCELLED and s.cancelled_by_organiser
    with pytest.raises(ValidationError) as exc:
        services.sign_up(by=town["residents"][1], event=ev)
    assert code_of(exc.value) == "event_cancelled"


def test_visibility(town, make_user, make_municipality):
    from django.contrib.auth.models import AnonymousUser

    start = timezone.now() + dt.timedelta(days=2)
    net = services.create_event(by=town["sc"], municipality=town["m"], title="SC連絡会", event_type="sc_network",
                                starts_at=start, ends_at=start + dt.timedelta(hours=1), capacity=30,
                                online_url="https://meet.example.test/x")[0]
    anon = AnonymousUser()
    assert town["trial"] in selectors.events_for(anon)
    assert net not in selectors.events_for(anon)
    assert net not in selectors.events_for(town["residents"][0])
    assert net in selectors.events_for(town["sc_other"])
    other_sc = make_user(Role.COORDINATOR_L1, make_municipality())
    assert net not in selectors.events_for(other_sc)
