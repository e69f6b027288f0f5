"""Work-like tasks, interests, ranking, placements and participation (services and rules)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from sasaeai.notifications.models import Notification
from sasaeai.workactivity import selectors, services
from sasaeai.workactivity.models import (
    PlacementStatus,
    TaskStatus,
    WorkInterest,
    WorkParticipation,
    WorkPlacement,
    WorkTask,
)
from sasaeai.workactivity.ranking import rank_task

from .conftest import make_person, make_task

pytestmark = pytest.mark.django_db


def codes(exc: ValidationError) -> set[str]:
    return {e.code for errs in exc.error_dict.values() for e in errs}


def test_partner_staff_post_a_task_for_their_own_partner_only(town):
    task = services.task_create(by=town["clerk"], partner=town["shop"], title="レジ袋詰め", category="shop",
                                area=town["north"], address="本町1-1", date=town["day"], start_time=dt.time(10),
                                end_time=dt.time(12), slots=2, publish=True)
    assert task.status == TaskStatus.OPEN and task.municipality == town["m"]
    assert (task.lat, task.lon) == (town["north"].center_lat, town["north"].center_lon)  # the area's centre
    with pytest.raises(PermissionDenied):
        services.task_create(by=town["clerk"], partner=town["farm"], title="草取り", category="farm",
                             area=town["north"], address="畑", date=town["day"], start_time=dt.time(10),
                             end_time=dt.time(12), slots=1)
    # The work coordinator posts for any partner of the municipality.
    assert services.task_create(by=town["work"], partner=town["farm"], title="草取り", category="farm",
                                area=town["north"], address="畑", date=town["day"], start_time=dt.time(10),
                                end_time=dt.time(12), slots=1).status == TaskStatus.DRAFT


@pytest.mark.parametrize("change, code", [
    ({"slots": 0}, "invalid_slots"),
    ({"slots": "x"}, "invalid_slots"),
    ({"start": dt.time(12), "end": dt.time(10)}, "invalid_times"),
    ({"start": dt.time(12), "end": dt.time(12)}, "invalid_times"),
    ({"category": "mining"}, "invalid_category"),
    ({"title": "  "}, "required"),
    ({"skills": ["juggling"]}, "invalid_choice"),
    ({"lat": 10.0, "lon": 10.0}, "outside_japan"),
])
def test_bad_tasks_are_refused_with_nothing_written(town, change, code):
    kwargs = {"slots": 2, "start": dt.time(10), "end": dt.time(12), "category": "shop", "title": "品出し"}
    kwargs.update(change)
    with pytest.raises(ValidationError) as exc:
        make_task(town, **kwargs)
    assert code in codes(exc.value)
    assert not WorkTask.objects.exists()


def test_errors_speak_japanese_and_english(town):
    for lang, text in (("ja", "1人以上"), ("en", "at least one person")):
        with translation.override(lang), pytest.raises(ValidationError) as exc:
            make_task(town, slots=0)
        assert text in exc.value.message_dict["slots"][0]


def test_weekly_repetition_gives_every_date(town):
    task = make_task(town, weekly_until=town["day"] + dt.timedelta(days=21))
    assert task.occurrences() == [town["day"] + dt.timedelta(days=7 * k) for k in range(4)]
    with pytest.raises(ValidationError) as exc:
        make_task(town, weekly_until=town["day"] - dt.timedelta(days=1))
    assert "invalid_until" in codes(exc.value)


def test_an_interest_needs_consent_kinds_and_days(town, make_user):
    user = make_user("resident", town["m"])
    with pytest.raises(ValidationError) as exc:
        services.interest_save(user=user, kinds=[], weekdays=[], available_from=dt.time(12),
                               available_until=dt.time(9), area=town["north"])
    assert {"consent_required", "required", "invalid_weekdays", "invalid_hours"} <= codes(exc.value)
    assert not WorkInterest.objects.exists()
    outsider = make_user()  # no membership
    with pytest.raises(PermissionDenied):
        services.interest_save(user=outsider, kinds=["shop"], weekdays=[1], available_from=dt.time(9),
                               available_until=dt.time(12), consent=True)


def test_ranking_explains_and_refuses_with_reasons(town, make_user):
    _a, near = make_person(town, make_user, "近い人", lat=35.665, lon=139.33)
    _b, farther = make_person(town, make_user, "少し遠い人", lat=35.68, lon=139.33)
    _c, farm_only = make_person(town, make_user, "畑だけ", kinds=("farm",), lat=35.661, lon=139.33)
    _d, far = make_person(town, make_user, "遠い人", lat=35.70, lon=139.33)
    _e, monday = make_person(town, make_user, "月曜だけ", weekdays=(0,), lat=35.662, lon=139.33)
    task = make_task(town)
    with translation.override("ja"):
        ranked, refused = rank_task(task)
    assert [r.interest for r in ranked] == [near, farther]
    assert "0.6 km" in ranked[0].labels[0] and any("空いている" in x for x in ranked[0].labels)
    why = {r.interest.pk: r.labels for r in refused}
    assert why[farm_only.pk] == ["希望していない種類の仕事"]
    assert why[far.pk] == ["遠すぎる"]
    assert why[monday.pk] == ["その日時は都合が悪い"]


def test_skills_wanted_lift_a_slightly_farther_person(town, make_user):
    _a, near = make_person(town, make_user, "近い人", lat=35.665, lon=139.33)
    _b, skilled = make_person(town, make_user, "レジが得意", lat=35.670, lon=139.33, skills=("cashier",))
    ranked, _refused = rank_task(make_task(town, skills=["cashier"]))
    assert [r.interest for r in ranked] == [skilled, near]
    assert ranked[0].matched_skills == ["cashier"]
    assert any("レジ" in x or "till" in x for x in ranked[0].labels)


def test_confirming_fills_the_task_and_tells_the_person(town, make_user):
    ua, a = make_person(town, make_user, "一郎")
    ub, b = make_person(town, make_user, "二郎")
    uc, c = make_person(town, make_user, "三郎")
    task = make_task(town, slots=2)
    services.placement_confirm(by=town["work"], task=task, interest=a)
    assert Notification.objects.filter(user=ua, kind="workactivity.placed", url="/work/me/").exists()
    # The same person twice: refused, nothing written.
    with pytest.raises(ValidationError) as exc:
        services.placement_confirm(by=town["work"], task=task, interest=a)
    assert codes(exc.value) == {"already_placed"}
    services.placement_confirm(by=town["work"], task=task, interest=b)
    task.refresh_from_db()
    assert task.status == TaskStatus.FILLED
    # Beyond the slots: refused (the task is no longer open).
    with pytest.raises(ValidationError) as exc:
        services.placement_confirm(by=town["work"], task=task, interest=c)
    assert codes(exc.value) == {"not_open"}
    assert WorkPlacement.objects.filter(task=task).count() == 2
    # Placed people leave the candidate list.
    services.placement_withdraw(by=town["work"], placement=WorkPlacement.objects.get(task=task, interest=b))
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    assert [r.interest for r in rank_task(task)[0]] == [b, c]


def test_a_full_open_task_refuses_one_more(town, make_user):
    _a, a = make_person(town, make_user, "一郎")
    _b, b = make_person(town, make_user, "二郎")
    task = make_task(town, slots=1)
    services.placement_confirm(by=None, task=task, interest=a)
    WorkTask.objects.filter(pk=task.pk).update(status=TaskStatus.OPEN)  # reopened by hand
    with pytest.raises(ValidationError) as exc:
        services.placement_confirm(by=None, task=task, interest=b)
    assert codes(exc.value) == {"task_full"}


def test_nobody_is_placed_twice_at_the_same_time(town, make_user):
    _a, a = make_person(town, make_user, "一郎")
    first = make_task(town, slots=1)
    second = make_task(town, partner=town["farm"], slots=1, start=dt.time(11), end=dt.time(13), title="袋詰め")
    services.placement_confirm(by=None, task=first, interest=a)
    ranked, refused = rank_task(second)
    assert ranked == [] and refused[0].codes == ("overlap",)
    with pytest.raises(ValidationError) as exc:
        services.placement_confirm(by=None, task=second, interest=a)
    assert codes(exc.value) == {"busy"}


def test_only_work_staff_confirm(town, make_user):
    _a, a = make_person(town, make_user, "一郎")
    task = make_task(town)
    for user in (town["clerk"], town["sc2"]):
        with pytest.raises(PermissionDenied):
            services.placement_confirm(by=user, task=task, interest=a)
    assert services.placement_confirm(by=town["l1"], task=task, interest=a).status == PlacementStatus.CONFIRMED


def test_participation_is_recorded_and_counted(town, make_user):
    from sasaeai.workactivity.kpis import _participants

    ua, a = make_person(town, make_user, "一郎")
    today = dt.date.today()
    task = make_task(town, day=today - dt.timedelta(days=14), weekly_until=today + dt.timedelta(days=14))
    p = services.placement_confirm(by=None, task=task, interest=a)
    past = task.occurrences()[0]
    services.participation_record(by=town["clerk"], placement=p, date=past, attended=True)
    row = services.participation_record(by=town["work"], placement=p, date=past + dt.timedelta(days=7),
                                        attended=False)
    assert row.hours == 0
    assert WorkParticipation.objects.get(placement=p, date=past).hours == 2
    with pytest.raises(ValidationError) as exc:
        services.participation_record(by=None, placement=p, date=past + dt.timedelta(days=1), attended=True)
    assert codes(exc.value) == {"invalid_date"}
    with pytest.raises(ValidationError) as exc:
        services.participation_record(by=None, placement=p, date=past, attended=True, hours="30")
    assert codes(exc.value) == {"invalid_hours"}
    with pytest.raises(PermissionDenied):
        services.participation_record(by=town["farmer"], placement=p, date=past, attended=True)
    assert _participants(town["m"], None, today - dt.timedelta(days=60), today) == (1, None)


def test_reading_is_scoped(town, make_user, make_municipality):
    ua, a = make_person(town, make_user, "一郎")
    mine = make_task(town)
    farm = make_task(town, partner=town["farm"], category="farm", title="草取り")
    draft = make_task(town, publish=False, title="下書き")
    services.placement_confirm(by=None, task=farm if False else mine, interest=a)
    assert set(selectors.tasks_for(town["work"])) == {mine, farm, draft}
    assert set(selectors.tasks_for(town["clerk"])) == {mine, draft}
    assert set(selectors.tasks_for(town["farmer"])) == {farm}
    assert set(selectors.tasks_for(ua)) == {mine}  # placed; farm work is not a kind they want
    other = make_municipality()
    assert not selectors.tasks_for(make_user("work_coordinator", other)).exists()
    assert not selectors.tasks_for(town["sc2"]).exists()


def test_weekly_hours_and_recent_work_shape_the_ranking(town, make_user):
    from django.utils import timezone

    _a, busy = make_person(town, make_user, "週2時間まで", lat=35.661, lon=139.33, hours=2)
    _b, worked = make_person(town, make_user, "最近働いた", lat=35.661, lon=139.33, weekdays=range(7))
    _c, rested = make_person(town, make_user, "最近休み", lat=35.661, lon=139.33, weekdays=range(7))
    monday = town["day"] - dt.timedelta(days=2)  # the same week as the Wednesday task
    other = make_task(town, partner=town["farm"], day=monday, slots=5, title="月曜の品出し")
    services.placement_confirm(by=None, task=other, interest=busy)
    today = timezone.localdate()
    past = make_task(town, day=today - dt.timedelta(days=3), slots=1, title="先週の品出し")
    p = services.placement_confirm(by=None, task=past, interest=worked)
    services.participation_record(by=None, placement=p, date=past.date, attended=True)
    ranked, refused = rank_task(make_task(town, slots=3))
    assert [r.interest for r in ranked] == [rested, worked]  # fairness: less recent work first
    assert any("直近30日に1日働いた" in x for x in ranked[1].labels)
    assert {r.interest.pk: r.codes for r in refused} == {busy.pk: ("weekly_cap",)}
