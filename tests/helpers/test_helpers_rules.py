"""Rules: qualification closure and expiry, availability intervals with exceptions (Tokyo, no DST)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from sasaeai.helpers import selectors, services
from sasaeai.helpers.categories import REQUIRED_QUALIFICATIONS, SUBTASKS, Category, HouseworkTask
from sasaeai.helpers.models import HelperQualification, QualificationStatus
from sasaeai.helpers.selectors import (
    availability_intervals,
    compute_intervals,
    verified_qualifications,
)

from .conftest import tokyo

T = dt.time
UTC = dt.UTC


def test_categories_and_required_qualifications():
    assert set(Category.values) == {
        "housework", "escort_hospital", "escort_shopping", "escort_outing", "transport", "watch_talk",
        "it_support", "personal_care", "facility_spot",
    }
    assert set(SUBTASKS["housework"].values) == {
        "cleaning", "cooking", "shopping_errand", "garbage", "weeding", "pet_walk", "light_repair",
    }
    assert HouseworkTask.PET_WALK == "pet_walk"
    assert REQUIRED_QUALIFICATIONS["personal_care"] == {"shoninsha_kenshu"}
    assert REQUIRED_QUALIFICATIONS["transport"] == {"futsu_menkyo"}


# --- qualifications -------------------------------------------------------------------------

def _submit_and_review(world, code, approve=True, **kw):
    q = services.submit_qualification(world["profile"], world["helper"], code, **kw)
    return services.review_qualification(q, world["coordinator"], approve, "" if approve else "document unreadable")


def test_verified_qualification_implies_lower_ones(world):
    _submit_and_review(world, "kaigo_fukushishi")
    held = verified_qualifications(world["profile"])
    assert {"kaigo_fukushishi", "jitsumusha_kenshu", "shoninsha_kenshu", "seikatsu_enjo_kenshu"} <= held
    assert "kangoshi" not in held
    assert REQUIRED_QUALIFICATIONS["personal_care"] <= held


def test_submitted_and_rejected_qualifications_do_not_count(world):
    services.submit_qualification(world["profile"], world["helper"], "kangoshi")
    _submit_and_review(world, "futsu_menkyo", approve=False)
    assert verified_qualifications(world["profile"]) == frozenset()
    rejected = HelperQualification.objects.get(code="futsu_menkyo")
    assert rejected.status == QualificationStatus.REJECTED and rejected.review_note == "document unreadable"


def test_rejection_needs_a_note_and_review_happens_once(world):
    q = services.submit_qualification(world["profile"], world["helper"], "first_aid")
    with pytest.raises(ValidationError) as exc:
        services.review_qualification(q, world["coordinator"], False, "")
    assert exc.value.error_dict["reason"][0].code == "reason_required"
    services.review_qualification(q, world["coordinator"], True)
    with pytest.raises(ValidationError) as exc:
        services.review_qualification(q, world["coordinator"], False, "changed my mind")
    assert exc.value.code == "not_submitted"


def test_duplicate_live_qualification_refused_but_resubmission_after_rejection_allowed(world):
    _submit_and_review(world, "first_aid", approve=False)
    services.submit_qualification(world["profile"], world["helper"], "first_aid")
    with pytest.raises(ValidationError) as exc:
        services.submit_qualification(world["profile"], world["helper"], "first_aid")
    assert exc.value.error_dict["code"][0].code == "qualification_duplicate"


def test_unknown_or_already_expired_qualification_refused(world):
    with pytest.raises(ValidationError):
        services.submit_qualification(world["profile"], world["helper"], "wizard")
    with pytest.raises(ValidationError) as exc:
        services.submit_qualification(world["profile"], world["helper"], "futsu_menkyo",
                                      expires_on=dt.date(2000, 1, 1))
    assert exc.value.error_dict["expires_on"][0].code == "already_expired"


def test_expiry_date_stops_counting_and_expire_job_marks_it(world):
    with time_machine.travel(tokyo(2030, 3, 1, 12), tick=False):
        _submit_and_review(world, "futsu_menkyo", expires_on=dt.date(2030, 3, 31))
        assert "futsu_menkyo" in verified_qualifications(world["profile"])
        assert "futsu_menkyo" in verified_qualifications(world["profile"], on=dt.date(2030, 3, 31))
        assert "futsu_menkyo" not in verified_qualifications(world["profile"], on=dt.date(2030, 4, 1))
    with time_machine.travel(tokyo(2030, 4, 1, 0, 5), tick=False):
        # Past expiry (Tokyo date), before the daily job: already not counted.
        assert "futsu_menkyo" not in verified_qualifications(world["profile"])
        assert services.expire_qualifications() == 1
        assert HelperQualification.objects.get(code="futsu_menkyo").status == QualificationStatus.EXPIRED
        assert services.expire_qualifications() == 0
    from sasaeai.notifications.models import Notification

    n = Notification.objects.get(user=world["helper"], kind="helpers.qualification_expired")
    assert "普通自動車免許" in n.subject and n.status == "queued"


def test_expire_command_runs_and_enqueues(world):
    from io import StringIO

    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    out = StringIO()
    call_command("helpers_expire_qualifications", stdout=out)
    assert out.getvalue().strip() == "expired 0"
    call_command("helpers_expire_qualifications", "--enqueue", stdout=out)
    assert DBTaskResult.objects.filter(task_path="sasaeai.helpers.tasks.expire_qualifications").exists()


def test_verified_qualifications_map_matches_single(world):
    _submit_and_review(world, "jitsumusha_kenshu")
    m = selectors.verified_qualifications_map([world["profile"].pk, world["other_profile"].pk])
    assert m[world["profile"].pk] == verified_qualifications(world["profile"])
    assert m[world["other_profile"].pk] == frozenset()


# --- availability ------------------------------------------------------------------------------

MONDAY = dt.date(2030, 1, 7)  # a Monday


def test_weekly_rule_becomes_tokyo_intervals():
    out = compute_intervals([(0, T(9), T(12))], [], tokyo(2030, 1, 7), tokyo(2030, 1, 14))
    assert out == [(tokyo(2030, 1, 7, 9), tokyo(2030, 1, 7, 12))]
    # 09:00 in Tokyo is 00:00 UTC: the offset is a constant +9 h.
    assert out[0][0].astimezone(UTC) == dt.datetime(2030, 1, 7, 0, 0, tzinfo=UTC)


def test_no_daylight_saving_shift_all_year():
    """Tokyo has no DST: a weekly 09:00 rule is 00:00 UTC in every week of the year,
    including the weeks when Europe and the US change their clocks."""
    start = dt.datetime(2030, 1, 1, tzinfo=UTC)
    end = dt.datetime(2031, 1, 1, tzinfo=UTC)
    out = compute_intervals([(0, T(9), T(17))], [], start, end)
    assert len(out) == 52
    for s, e in out:
        assert (s.astimezone(UTC).hour, e.astimezone(UTC).hour) == (0, 8)
        assert e - s == dt.timedelta(hours=8)


def test_query_window_in_other_zone_is_clipped():
    ny = ZoneInfo("America/New_York")
    # 2030-01-06 20:00 New York = 2030-01-07 10:00 Tokyo.
    out = compute_intervals([(0, T(9), T(12))], [], dt.datetime(2030, 1, 6, 20, tzinfo=ny),
                            dt.datetime(2030, 1, 6, 21, 30, tzinfo=ny))
    assert out == [(tokyo(2030, 1, 7, 10), tokyo(2030, 1, 7, 11, 30))]


def test_exceptions_day_off_removed_window_and_extra_window():
    rules = [(0, T(9), T(17)), (1, T(9), T(12))]
    exceptions = [
        (MONDAY, T(12), T(13), False),                       # lunch off on that Monday
        (MONDAY + dt.timedelta(days=1), None, None, False),  # Tuesday off entirely
        (MONDAY + dt.timedelta(days=2), T(14), T(16), True),  # extra on Wednesday
        (MONDAY, T(16), T(18), True),                        # extends Monday to 18:00
    ]
    out = compute_intervals(rules, exceptions, tokyo(2030, 1, 7), tokyo(2030, 1, 10))
    assert out == [
        (tokyo(2030, 1, 7, 9), tokyo(2030, 1, 7, 12)),
        (tokyo(2030, 1, 7, 13), tokyo(2030, 1, 7, 18)),
        (tokyo(2030, 1, 9, 14), tokyo(2030, 1, 9, 16)),
    ]


def test_day_off_beats_extra_window_on_the_same_day():
    out = compute_intervals([], [(MONDAY, T(10), T(11), True), (MONDAY, None, None, False)],
                            tokyo(2030, 1, 7), tokyo(2030, 1, 8))
    assert out == []


def test_adjacent_rules_merge_and_naive_datetimes_refused():
    out = compute_intervals([(0, T(9), T(12)), (0, T(12), T(15))], [], tokyo(2030, 1, 7), tokyo(2030, 1, 8))
    assert out == [(tokyo(2030, 1, 7, 9), tokyo(2030, 1, 7, 15))]
    with pytest.raises(ValueError):
        compute_intervals([], [], dt.datetime(2030, 1, 7), dt.datetime(2030, 1, 8))
    assert compute_intervals([(0, T(9), T(12))], [], tokyo(2030, 1, 8), tokyo(2030, 1, 7)) == []


def test_availability_from_database(world):
    profile, helper = world["profile"], world["helper"]
    with time_machine.travel(tokyo(2030, 1, 1, 9), tick=False):
        services.set_weekly_availability(profile, helper, [(0, T(9), T(12)), {"weekday": 2, "start_time": "13:00",
                                                                                "end_time": "17:00"}])
        services.add_exception(profile, helper, MONDAY, None, None, available=False, note="通院")
    out = availability_intervals(profile, tokyo(2030, 1, 7), tokyo(2030, 1, 14))
    assert out == [(tokyo(2030, 1, 9, 13), tokyo(2030, 1, 9, 17))]
    assert selectors.availability_map([profile.pk], tokyo(2030, 1, 7), tokyo(2030, 1, 14)) == {profile.pk: out}


def test_invalid_availability_is_refused_and_nothing_half_written(world):
    profile, helper = world["profile"], world["helper"]
    services.set_weekly_availability(profile, helper, [(0, T(9), T(12))])
    for bad in ([(0, T(12), T(9))], [(7, T(9), T(10))], [(0, T(9), T(12)), (0, T(11), T(13))],
                [{"weekday": 1, "start_time": "10:00", "end_time": "10:00"}]):
        with pytest.raises(ValidationError):
            services.set_weekly_availability(profile, helper, bad)
    assert list(profile.availability_rules.values_list("weekday", "start_time", "end_time")) == [(0, T(9), T(12))]
    with pytest.raises(ValidationError):
        services.add_exception(profile, helper, dt.date(2999, 1, 1), T(10), None)
    with pytest.raises(ValidationError):
        services.add_exception(profile, helper, dt.date(2999, 1, 1), None, None, available=True)
    with pytest.raises(ValidationError):
        services.add_exception(profile, helper, dt.date(2000, 1, 1), None, None)


def test_qualification_labels_cover_the_engine_graph():
    from sasaeai.helpers.qualifications import GRAPH, Qualification

    assert set(Qualification.values) == set(GRAPH)
