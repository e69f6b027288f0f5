"""Instant mode: rank(task, helpers) (即時モード)."""

from sasaeai.matching import Weights, check, explain, rank
from sasaeai.matching.factories import HOME, make_helper, make_task, offset
from sasaeai.matching.geo import haversine_km
from sasaeai.matching.synth import town


def test_rank_orders_by_cost_then_id_and_lists_rejections():
    t = make_task(place=HOME)
    helpers = [
        make_helper(id=5, home=offset(HOME, 2.0)),
        make_helper(id=3, home=offset(HOME, 1.0)),
        make_helper(id=4, home=offset(HOME, 1.0)),  # same cost as 3: id breaks the tie
        make_helper(id=1, verified=False),
        make_helper(id=2, home=offset(HOME, 30.0)),
    ]
    cands, rejections = rank(t, helpers)
    assert [c.helper_id for c in cands] == [3, 4, 5]
    assert [(r.helper_id, r.codes) for r in rejections] == [
        (1, ("not_verified",)),
        (2, ("out_of_radius",)),
    ]


def test_limit_truncates_candidates_only():
    t = make_task(place=HOME)
    helpers = [make_helper(home=offset(HOME, k * 0.3)) for k in range(6)] + [
        make_helper(active=False)
    ]
    cands, rejections = rank(t, helpers, limit=2)
    assert len(cands) == 2 and len(rejections) == 1


def test_rank_agrees_with_check_and_scalar_distance_on_a_town():
    tasks, helpers = town(5, 300, seed=4)
    for t in tasks:
        cands, rejections = rank(t, helpers, Weights())
        assert len(cands) + len(rejections) == len(helpers)
        by_id = {h.id: h for h in helpers}
        for c in cands:
            assert check(t, by_id[c.helper_id]) == ()
            assert abs(c.distance_km - haversine_km(t.place, by_id[c.helper_id].home)) < 1e-3
            assert explain(c)  # always renderable
        for r in rejections:
            assert r.codes == check(t, by_id[r.helper_id])
        costs = [c.cost for c in cands]
        assert costs == sorted(costs)


def test_empty_helpers():
    assert rank(make_task(), []) == ([], [])
