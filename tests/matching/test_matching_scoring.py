"""Score terms, one at a time (コストの各項)."""

import pytest

from sasaeai.matching import Weights, assign_batch, rank
from sasaeai.matching.factories import HOME, at, make_helper, make_task, offset
from sasaeai.matching.scoring import cost_terms, make_candidate, smoothed_rating

W = Weights()


def _cost(task, helper, weights=W):
    cands, rejections = rank(task, [helper], weights)
    assert not rejections, rejections
    return cands[0].cost


def test_distance_term_is_linear_in_km():
    t = make_task(place=HOME)
    near = make_helper(home=offset(HOME, 1.0))
    far = make_helper(home=offset(HOME, 3.0))
    assert _cost(t, far) - _cost(t, near) == pytest.approx(2.0 * W.distance_per_km, abs=0.01)


def test_continuity_bonus_most_recent_full_older_half():
    a, b, c = make_helper(), make_helper(), make_helper()
    t = make_task(previous_helper_ids=(a.id, b.id))
    base = _cost(t, c)
    assert _cost(t, a) == pytest.approx(base - W.continuity, abs=1e-9)
    assert _cost(t, b) == pytest.approx(base - W.continuity / 2, abs=1e-9)


def test_rating_is_bayesian_smoothed():
    one_five = smoothed_rating(5.0, 1, W)
    many_49 = smoothed_rating(4.9, 40, W)
    assert many_49 > one_five
    assert smoothed_rating(None, 0, W) == W.rating_prior_mean
    t = make_task()
    assert _cost(t, make_helper(rating=4.9, rating_count=40)) < _cost(
        t, make_helper(rating=5.0, rating_count=1)
    )
    assert _cost(t, make_helper(rating=3.0, rating_count=30)) > _cost(t, make_helper())


def test_fairness_recent_assignments_cost_more():
    t = make_task()
    busy = make_helper(recent_assignments=5)
    idle = make_helper(recent_assignments=0)
    assert _cost(t, busy) - _cost(t, idle) == pytest.approx(5 * W.fairness_recent)


def test_gender_and_language_preferences():
    t = make_task(preferred_gender="female", preferred_languages=frozenset({"en"}))
    match = make_helper(gender="female", languages=frozenset({"ja", "en"}))
    neither = make_helper(gender="male", languages=frozenset({"ja"}))
    assert _cost(t, neither) - _cost(t, match) == pytest.approx(
        W.gender_mismatch + W.language_mismatch
    )
    terms = cost_terms(t, neither, 1.0, W)
    assert terms["gender"] == W.gender_mismatch and terms["language"] == W.language_mismatch


def test_no_preference_no_penalty():
    t = make_task()
    terms = cost_terms(t, make_helper(gender="male"), 1.0, W)
    assert terms["gender"] == 0 and terms["language"] == 0


def test_candidate_cost_is_sum_of_terms_quantised():
    t = make_task(previous_helper_ids=(1,), preferred_gender="female")
    h = make_helper(rating=4.3, rating_count=7, recent_assignments=2, gender="male")
    c = make_candidate(t, h, 2.345678, W)
    assert c.cost == round(sum(cost_terms(t, h, 2.345678, W).values()), 3)


def test_weights_change_the_order():
    t = make_task(place=HOME, previous_helper_ids=())
    near_new = make_helper(home=offset(HOME, 0.5))
    far_loved = make_helper(home=offset(HOME, 2.5), rating=5.0, rating_count=200)
    t2 = make_task(place=HOME, previous_helper_ids=(far_loved.id,))
    assert rank(t, [near_new, far_loved])[0][0].helper_id == near_new.id
    assert rank(t2, [near_new, far_loved])[0][0].helper_id == far_loved.id
    only_distance = Weights(continuity=0, rating=0)
    assert rank(t2, [near_new, far_loved], only_distance)[0][0].helper_id == near_new.id


def test_batch_load_spreads_work_between_equal_helpers():
    # Two tasks one helper could do back to back; two identical helpers: fairness splits them.
    a = make_task(start=at(10), end=at(11), place=HOME)
    b = make_task(start=at(11), end=at(12), place=HOME)
    h1, h2 = make_helper(), make_helper()
    res = assign_batch([a, b], [h1, h2], time_limit_s=5)
    assert res.served == 2
    assert set(res.pairs.values()) == {h1.id, h2.id}
    assert res.stats["load_penalty"] == 0
    # Without the load term a single helper doing both costs the same, so both are optimal;
    # with it, piling both on one helper would cost `load` more.
    piled = assign_batch([a, b], [h1], time_limit_s=5)
    assert piled.served == 2
    assert piled.total_cost == pytest.approx(res.total_cost + W.load, abs=1e-9)
