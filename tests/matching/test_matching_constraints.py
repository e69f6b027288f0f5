"""Hard constraints, one at a time (必須条件の単体テスト)."""

from datetime import timedelta

import numpy as np
import pytest

from sasaeai.matching import REJECTION_CODES, check, conflict
from sasaeai.matching.constraints import conflict_matrix, required_gap_seconds
from sasaeai.matching.factories import HOME, at, make_commitment, make_helper, make_task, offset
from sasaeai.matching.geo import haversine_km, travel_minutes
from sasaeai.matching.model import TRAVEL_SPEED_KMH, Interval


def test_feasible_pair_has_no_codes():
    assert check(make_task(), make_helper()) == ()


def test_inactive_and_unverified():
    t = make_task()
    assert check(t, make_helper(active=False)) == ("inactive",)
    assert check(t, make_helper(verified=False)) == ("not_verified",)


def test_missing_skill():
    assert check(make_task(category="it_support"), make_helper()) == ("missing_skill",)


def test_qualification_uses_graph_closure():
    t = make_task(category="personal_care", required_qualifications=frozenset({"shoninsha_kenshu"}))
    assert check(t, make_helper()) == ("missing_qualification",)
    assert check(t, make_helper(qualifications=frozenset({"shoninsha_kenshu"}))) == ()
    # 介護福祉士 ⊃ 実務者研修 ⊃ 初任者研修
    assert check(t, make_helper(qualifications=frozenset({"kaigo_fukushishi"}))) == ()
    # 准看護師 does not imply 看護師
    nurse = make_task(required_qualifications=frozenset({"kangoshi"}))
    assert check(nurse, make_helper(qualifications=frozenset({"jun_kangoshi"}))) == (
        "missing_qualification",
    )
    assert check(nurse, make_helper(qualifications=frozenset({"kangoshi"}))) == ()


def test_blocked_by_either_side():
    h = make_helper()
    assert check(make_task(blocked_helper_ids=frozenset({h.id})), h) == ("blocked",)
    assert check(make_task(recipient_id=7), make_helper(blocked_recipient_ids=frozenset({7}))) == (
        "blocked",
    )
    assert check(make_task(recipient_id=8), make_helper(blocked_recipient_ids=frozenset({7}))) == ()


def test_service_radius_from_home():
    t = make_task(place=offset(HOME, 3.0))
    d = haversine_km(HOME, t.place)
    assert 2.99 < d < 3.01
    assert check(t, make_helper(radius_km=d + 0.01)) == ()
    assert check(t, make_helper(radius_km=d - 0.01)) == ("out_of_radius",)


def test_availability_must_contain_the_whole_task_in_one_interval():
    t = make_task(start=at(11), end=at(13))
    assert check(t, make_helper(availability=(Interval(at(9), at(12)),))) == ("unavailable",)
    assert check(t, make_helper(availability=(Interval(at(11), at(13)),))) == ()
    # Two adjacent intervals do not join: the task must fit inside one.
    split = (Interval(at(9), at(12)), Interval(at(12), at(15)))
    assert check(t, make_helper(availability=split)) == ("unavailable",)
    assert check(t, make_helper(availability=())) == ("unavailable",)


def test_weekly_hours_cap():
    t = make_task(start=at(10), end=at(12))  # 2 hours
    assert check(t, make_helper(weekly_hours_cap=10, hours_booked_in_week=8)) == ()
    assert check(t, make_helper(weekly_hours_cap=10, hours_booked_in_week=8.5)) == ("weekly_cap",)


def test_overlap_with_existing_commitment():
    t = make_task(start=at(10), end=at(11), place=HOME)
    h = make_helper(commitments=(make_commitment(at(10.5), at(11.5), HOME),))
    assert check(t, h) == ("overlap",)
    # Back to back at the same place is fine (zero travel).
    h2 = make_helper(commitments=(make_commitment(at(11), at(12), HOME),))
    assert check(t, h2) == ()


def test_travel_time_between_commitment_and_task_depends_on_mode():
    far = offset(HOME, 2.0)  # 2 km straight line: car ≈ 11 min, walk ≈ 39 min
    t = make_task(start=at(10), end=at(11), place=HOME)
    before = (make_commitment(at(9), at(9.75), far),)  # 15 minutes gap
    walk = travel_minutes(2.0, "walk")
    car = travel_minutes(2.0, "car")
    assert car < 15 < walk
    assert check(t, make_helper(travel_mode="walk", commitments=before)) == ("travel_time",)
    assert check(t, make_helper(travel_mode="car", commitments=before)) == ()
    after = (make_commitment(at(11.25), at(12), far),)
    assert check(t, make_helper(travel_mode="walk", commitments=after)) == ("travel_time",)
    assert check(t, make_helper(travel_mode="car", commitments=after)) == ()


def test_all_failing_codes_are_reported_in_order():
    t = make_task(category="it_support", place=offset(HOME, 50), recipient_id=3)
    h = make_helper(
        active=False, verified=False, blocked_recipient_ids=frozenset({3}), availability=(),
        weekly_hours_cap=0,
    )
    codes = check(t, h)
    assert codes == tuple(c for c in REJECTION_CODES if c in codes)
    assert set(codes) == {
        "inactive", "not_verified", "missing_skill", "blocked", "out_of_radius",
        "unavailable", "weekly_cap",
    }


def test_travel_speeds_are_documented_and_ordered():
    assert TRAVEL_SPEED_KMH["walk"] < TRAVEL_SPEED_KMH["bicycle"] < TRAVEL_SPEED_KMH["car"]
    assert travel_minutes(0.0, "transit") == 0.0
    assert required_gap_seconds(1.0, "walk") == pytest.approx(1.0 * 1.3 / 4.0 * 3600, abs=1)


def test_conflict_matrix_matches_scalar_conflict():
    rng = np.random.default_rng(3)
    tasks = []
    for _ in range(40):
        s = float(rng.integers(16, 36)) / 2
        tasks.append(make_task(
            start=at(s), end=at(s + float(rng.integers(1, 4)) / 2),
            place=offset(HOME, float(rng.uniform(-3, 3)), float(rng.uniform(-3, 3))),
        ))
    for mode in ("walk", "bicycle", "car", "transit"):
        cm = conflict_matrix(tasks, mode)
        for i, a in enumerate(tasks):
            for j, b in enumerate(tasks):
                expected = i != j and conflict(
                    a.start, a.end, a.place, b.start, b.end, b.place, mode
                )
                assert cm[i, j] == expected, (mode, i, j)


def test_conflict_is_overlap_or_short_gap():
    a = make_task(start=at(10), end=at(11), place=HOME)
    b_same = make_task(start=at(11), end=at(12), place=HOME)
    assert not conflict(a.start, a.end, a.place, b_same.start, b_same.end, b_same.place, "walk")
    b_far = make_task(start=at(11) + timedelta(minutes=15), end=at(12), place=offset(HOME, 2))
    assert conflict(a.start, a.end, a.place, b_far.start, b_far.end, b_far.place, "walk")
    assert not conflict(a.start, a.end, a.place, b_far.start, b_far.end, b_far.place, "car")
