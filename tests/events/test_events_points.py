"""Helping at an event earns points through the scheme's rules (issue 16 §2): the points app's
receiver of `events.signals.event_help_completed` credits the helper once, in a savepoint — a
refusal leaves the attendance intact."""

import datetime as dt

import pytest
from django.utils import timezone

from sasaeai.events import services
from sasaeai.events.models import Attendance, Event
from sasaeai.events.signals import event_help_completed
from sasaeai.helpers.models import HelperProfile, IdentityStatus
from sasaeai.points import services as points
from sasaeai.points.models import ActivityKind, Credit, CreditStatus
from sasaeai.tenancy.models import Role

START = dt.date(2020, 1, 1)

pytestmark = pytest.mark.django_db(transaction=True)  # the signal is sent on commit


def _scheme(m, *, trial=True):
    scheme = points.scheme_create(municipality=m, name="ボランティアポイント（例）")
    points.terms_set(scheme=scheme, valid_from=START, daily_cap=400, yearly_cap=8000, year_basis="fiscal",
                     expiry_years=1, min_redemption=200, needs_confirmation=True, registered_helpers_only=True,
                     residents_only=True)
    points.rule_set(scheme=scheme, activity=ActivityKind.EVENT, valid_from=START, points=200, min_minutes=30)
    if trial:
        points.rule_set(scheme=scheme, activity=ActivityKind.TRIAL, valid_from=START, points=100, min_minutes=30)
    return scheme


def _helper(make_user, m, area):
    user = make_user(Role.HELPER, m)
    HelperProfile.objects.create(user=user, municipality=m, area=area, home_lat=35.66, home_lon=139.33,
                                 identity_status=IdentityStatus.VERIFIED, identity_verified_at=timezone.now(),
                                 skills=["housework"])
    return user


def _attend(event, sc, person, *, as_helper=True):
    """Sign up before the start, then record attendance as if the event had begun."""
    services.sign_up(by=person, event=event, as_helper=as_helper)
    return services.record_attendance(by=sc, event=event, person=person)


def _event(town, event_type="salon", minutes=90):
    start = timezone.now() + dt.timedelta(days=2)
    return services.create_event(by=town["sc"], municipality=town["m"], area=town["a1"], title="いきいきサロン",
                                 event_type=event_type, starts_at=start,
                                 ends_at=start + dt.timedelta(minutes=minutes), capacity=10, place="集会所")[0]


def test_helping_at_an_event_earns_the_event_rule_once(town, make_user):
    scheme = _scheme(town["m"])
    helper = _helper(make_user, town["m"], town["a1"])
    event = _event(town)
    att = _attend(event, town["sc"], helper)
    credit = Credit.objects.get()
    assert (credit.activity, credit.amount, credit.status, credit.minutes) == (
        ActivityKind.EVENT, 200, CreditStatus.PENDING, 90)
    assert credit.account.owner_id == helper.pk
    assert credit.earned_on == timezone.localdate(event.starts_at)
    # The signal again (a retry, a second worker): still one credit.
    event_help_completed.send(sender=Attendance, attendance=att, event=event, person=helper)
    event_help_completed.send(sender=Attendance, attendance=att, event=event, person=helper)
    assert Credit.objects.count() == 1
    assert points.credit_event_help(att)[0].pk == credit.pk
    # A staff record of the same help with the event's reference is the same credit.
    again = points.credit_activity(scheme=scheme, user=helper, activity=ActivityKind.EVENT, minutes=90,
                                   day=credit.earned_on, reference=f"event:{event.pk}", by=town["sc"])
    assert again.pk == credit.pk


def test_a_trial_volunteering_event_earns_the_trial_rule(town, make_user):
    _scheme(town["m"])
    helper = _helper(make_user, town["m"], town["a1"])
    _attend(town["trial"], town["sc"], helper)
    credit = Credit.objects.get()
    assert (credit.activity, credit.amount) == (ActivityKind.TRIAL, 100)


def test_a_participant_who_did_not_help_earns_nothing(town, make_user):
    _scheme(town["m"])
    helper = _helper(make_user, town["m"], town["a1"])
    att = _attend(_event(town), town["sc"], helper, as_helper=False)
    assert not Credit.objects.exists()
    with pytest.raises(Exception) as exc:
        points.credit_event_help(att)
    assert exc.value.code == "not_helping"


def test_no_rule_no_credit_and_the_attendance_stays(town, make_user):
    _scheme(town["m"], trial=False)
    helper = _helper(make_user, town["m"], town["a1"])
    att = _attend(town["trial"], town["sc"], helper)  # no trial rule in the scheme
    assert Attendance.objects.filter(pk=att.pk).exists()
    assert not Credit.objects.exists()


def test_an_ineligible_helper_gets_a_refused_credit_and_keeps_the_attendance(town, make_user):
    _scheme(town["m"])
    resident = make_user(Role.RESIDENT, town["m"])  # no verified helper profile
    att = _attend(_event(town), town["sc"], resident)
    assert Attendance.objects.filter(pk=att.pk).exists()
    credit = Credit.objects.get()
    assert (credit.status, credit.amount, credit.refused_reason) == (CreditStatus.REFUSED, 0, "not_registered_helper")


def test_a_failing_credit_leaves_the_attendance_intact(town, make_user, monkeypatch):
    _scheme(town["m"])
    helper = _helper(make_user, town["m"], town["a1"])

    def boom(attendance):
        raise RuntimeError("ledger down")

    monkeypatch.setattr(points, "credit_event_help", boom)
    att = _attend(_event(town), town["sc"], helper)
    assert Attendance.objects.filter(pk=att.pk).exists()
    assert not Credit.objects.exists()


def test_a_cancelled_event_earns_nothing(town, make_user):
    _scheme(town["m"])
    helper = _helper(make_user, town["m"], town["a1"])
    event = _event(town)
    services.sign_up(by=helper, event=event, as_helper=True)
    att = services.record_attendance(by=town["sc"], event=event, person=helper)
    Credit.objects.all().delete()
    Event.objects.filter(pk=event.pk).update(cancelled_at=timezone.now())
    with pytest.raises(Exception) as exc:
        points.credit_event_help(att)
    assert exc.value.code == "event_cancelled"
    assert not Credit.objects.exists()
