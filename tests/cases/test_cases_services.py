"""The case from referral to closure, the refusals (nothing written), the message back to the
referrer (only with consent, access-logged) and the 14-day escalation."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from sasaeai.cases import selectors, services
from sasaeai.cases.models import Case, CaseEvent, CaseStatus, FollowUp, OptionStatus, WellbeingScore
from sasaeai.cases.presentation import wellbeing_change
from sasaeai.notifications.models import Notification
from sasaeai.safety.models import AccessLog

pytestmark = pytest.mark.django_db


def _refer(town, resident=None, **kw):
    return services.refer(by=town["centre"], resident=resident or town["resident"],
                          referrer_kind=kw.pop("kind", "support_center"), reason="外出が減っている", **kw)


def _to_connected(town, ons4):
    case = _refer(town)
    services.accept(case, by=town["sc"])
    services.record_conversation(case, by=town["sc"], what_matters="友人とお茶を", ons4=ons4["low"],
                                 domains={"people": "近所の友人", "places": "公民館"})
    goal = services.add_goal(case, by=town["sc"], text="外でお茶を飲む",
                             options=[{"kind": "other", "label": "サロン"}, {"kind": "other", "label": "娘と喫茶店"}])
    first, second = goal.options.all()
    services.update_option(first, by=town["sc"], status=OptionStatus.TRIED)
    services.update_option(second, by=town["sc"], status=OptionStatus.CONTINUING)
    return Case.objects.get(pk=case.pk)


def test_it_walks_a_case_from_referral_to_closure_with_the_ons4_change(town, ons4):
    case = _to_connected(town, ons4)
    assert case.status == CaseStatus.CONNECTED and case.coordinator == town["sc"]
    today = timezone.localdate()
    dues = list(case.follow_ups.values_list("due_on", flat=True))
    assert dues == [today + dt.timedelta(days=14), services.add_months(today, 3)]
    services.close(case, by=town["sc"], outcome="connected_continuing", ons4=ons4["high"])
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_on == today
    change = {r["key"]: r["change"] for r in wellbeing_change(case)["rows"]}
    assert change == {"life_satisfaction": 3, "worthwhile": 3, "happiness": 3, "anxiety": -4}
    from django.utils import translation

    with translation.override("en"):
        assert [r["verdict"] for r in wellbeing_change(case)["rows"]] == ["better"] * 4
    assert not case.follow_ups.filter(done_on__isnull=True, cancelled=False).exists()
    assert list(CaseEvent.objects.filter(case=case).values_list("to_status", flat=True)).count("closed") == 1


def test_it_messages_the_referrer_on_acceptance_and_closure_with_consent(town, ons4):
    case = _to_connected(town, ons4)
    services.close(case, by=town["sc"], outcome="moved")
    kinds = list(Notification.objects.filter(user=town["centre"]).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["cases.accepted", "cases.closed"]
    logged = AccessLog.objects.filter(actor=town["centre"], resident_id=town["resident"].pk)
    assert logged.count() == 2 and set(logged.values_list("channel", flat=True)) == {"system"}
    body = " ".join(Notification.objects.filter(user=town["centre"]).values_list("body", flat=True))
    assert town["resident"].family_name not in body  # no care details in the message


def test_it_does_not_message_the_referrer_without_consent(town):
    case = _refer(town, town["quiet"])
    services.accept(case, by=town["sc"])
    assert not Notification.objects.filter(user=town["centre"]).exists()


def test_it_refuses_to_close_before_the_conversation_and_writes_nothing(town):
    case = _refer(town)
    services.accept(case, by=town["sc"])
    with pytest.raises(ValidationError) as exc:
        services.close(case, by=town["sc"], outcome="moved")
    assert exc.value.code == "illegal_transition"
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED and case.outcome == "" and case.closed_on is None


def test_it_refuses_an_ons4_answer_of_11_and_writes_nothing(town, ons4):
    case = _refer(town)
    services.accept(case, by=town["sc"])
    bad = dict(ons4["low"], happiness=11)
    with pytest.raises(ValidationError) as exc:
        services.record_conversation(case, by=town["sc"], what_matters="話す", ons4=bad)
    assert exc.value.code == "invalid_ons4" and "happiness" in exc.value.message_dict
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED and case.what_matters == ""
    assert not WellbeingScore.objects.filter(case=case).exists()


def test_it_refuses_a_follow_up_in_the_past(town, ons4):
    case = _to_connected(town, ons4)
    before = FollowUp.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.schedule_follow_up(case, by=town["sc"], due_on=timezone.localdate() - dt.timedelta(days=1))
    assert exc.value.code == "date_in_past"
    assert FollowUp.objects.count() == before


def test_it_refuses_another_municipalitys_resident(town):
    with pytest.raises(ValidationError) as exc:
        _refer(town, town["stranger"])
    assert exc.value.code == "unknown_resident"
    assert not Case.objects.exists()


def test_it_refuses_a_second_open_case_for_the_same_resident(town):
    _refer(town)
    with pytest.raises(ValidationError) as exc:
        _refer(town)
    assert exc.value.code == "already_open"


def test_it_refuses_a_stale_version(town):
    case = _refer(town)
    seen = case.version
    services.accept(case, by=town["sc"])
    with pytest.raises(ValidationError) as exc:
        services.record_conversation(case, by=town["sc"], what_matters="x",
                                     ons4={"life_satisfaction": 1, "worthwhile": 1, "happiness": 1, "anxiety": 1},
                                     version=seen)
    assert exc.value.code == "stale"


def test_an_sc_of_another_area_cannot_touch_the_case(town):
    case = _refer(town)
    with pytest.raises(PermissionDenied):
        services.accept(case, by=town["sc_south"])
    assert not selectors.cases_for(town["sc_south"]).filter(pk=case.pk).exists()
    assert selectors.cases_for(town["l1"]).filter(pk=case.pk).exists()


def test_an_unanswered_referral_is_escalated_to_the_layer1_sc_once(town):
    case = _refer(town, referred_at=timezone.now() - dt.timedelta(days=15))
    fresh = _refer(town, town["quiet"])
    from sasaeai.safety.tasks import run_monitors_now

    result = run_monitors_now()
    assert result["referrals_escalated"] == 1
    case.refresh_from_db()
    fresh.refresh_from_db()
    assert case.escalated_at is not None and fresh.escalated_at is None
    assert list(Notification.objects.filter(kind="cases.escalated").values_list("user", flat=True)) == [town["l1"].pk]
    assert services.escalate_unanswered() == 0


def test_it_counts_the_caseload_per_sc_and_area(town, ons4, new_resident):
    _to_connected(town, ons4)
    other = new_resident(town["m"], town["north"])
    services.accept(_refer(town, other), by=town["sc2"])
    services.refer(by=town["l1"], resident=new_resident(town["m"], town["south"]), referrer_kind="self",
                   reason="本人から電話")
    load = selectors.caseload(town["l1"])
    assert {r["coordinator__display_name"]: r["active"] for r in load["per_coordinator"]} == {
        "北のSC": 1, "北のSC二人目": 1}
    per_area = {r["area"]: (r["referred"], r["active"]) for r in load["per_area"]}
    assert per_area == {town["north"].name: (0, 2), town["south"].name: (1, 0)}


def test_overdue_follow_ups_are_due_for_the_sc(town, ons4):
    case = _to_connected(town, ons4)
    FollowUp.objects.filter(case=case).update(due_on=timezone.localdate() - dt.timedelta(days=3))
    assert selectors.follow_ups_due(town["sc"]).count() == 2
    assert selectors.follow_ups_due(town["sc_south"]).count() == 0


@given(st.dictionaries(st.sampled_from(["life_satisfaction", "worthwhile", "happiness", "anxiety"]),
                       st.one_of(st.integers(-50, 50), st.text(max_size=3), st.none()), min_size=4))
def test_ons4_accepts_exactly_the_whole_numbers_0_to_10(answers):
    import re
    import unicodedata

    def ok(v):
        if isinstance(v, int):
            return 0 <= v <= 10
        text = unicodedata.normalize("NFKC", v).strip() if isinstance(v, str) else ""
        return bool(re.fullmatch(r"[0-9]{1,2}", text)) and int(text) <= 10

    valid = all(ok(v) for v in answers.values())
    try:
        out = services.clean_ons4(answers)
    except ValidationError as exc:
        assert not valid and exc.code == "invalid_ons4"
    else:
        assert valid and all(0 <= v <= 10 for v in out.values())


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1)), st.integers(0, 36))
def test_add_months_never_skips_a_month(day, months):
    result = services.add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day <= day.day
