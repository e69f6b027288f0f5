"""Batch (CP-SAT) and greedy modes on hand-made instances (一括割当てと先着順)."""

import itertools

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from sasaeai.matching import Weights, assign_batch, assign_greedy
from sasaeai.matching.factories import HOME, at, make_helper, make_task, offset
from sasaeai.matching.geo import haversine_km
from sasaeai.matching.model import Interval
from sasaeai.matching.scoring import COST_SCALE, int_cost, make_candidate


def test_batch_serves_more_than_first_come():
    # Task A was posted first; helper 1 (lowest id) can do both A and B, helper 2 only A.
    # Greedy gives A to helper 1 and leaves B unserved; the batch serves both.
    a = make_task(id=1, start=at(10), end=at(11), created_at=at(8, day=-1))
    b = make_task(id=2, start=at(10), end=at(11), category="it_support",
                  created_at=at(9, day=-1))
    h1 = make_helper(id=1, skills=frozenset({"housework", "it_support"}))
    h2 = make_helper(id=2, skills=frozenset({"housework"}))
    greedy = assign_greedy([a, b], [h1, h2])
    assert greedy.pairs == {1: 1} and greedy.unassigned == (2,)
    batch = assign_batch([a, b], [h1, h2], time_limit_s=5)
    assert batch.pairs == {1: 2, 2: 1} and batch.unassigned == ()
    assert batch.method == "batch:cp-sat" and batch.stats["optimal"]


def test_greedy_takes_tasks_in_created_order_and_lowest_helper_id():
    late = make_task(id=1, created_at=at(9, day=-1))
    early = make_task(id=2, created_at=at(8, day=-1))  # same slot, posted earlier
    h7, h3 = make_helper(id=7), make_helper(id=3, home=offset(HOME, 4.0))
    g = assign_greedy([late, early], [h7, h3])
    assert g.pairs == {2: 3, 1: 7}  # the earlier post gets the lowest id, although far away


def test_batch_respects_travel_time_between_its_own_tasks():
    a = make_task(id=1, start=at(10), end=at(11), place=HOME)
    b = make_task(id=2, start=at(11.25), end=at(12), place=offset(HOME, 3.0))  # 15 min later
    walker = make_helper(id=1, travel_mode="walk", radius_km=5)
    res = assign_batch([a, b], [walker], time_limit_s=5)
    assert res.served == 1
    driver = make_helper(id=2, travel_mode="car", radius_km=5)  # 3 km by car ≈ 14.4 min
    res = assign_batch([a, b], [driver], time_limit_s=5)
    assert res.served == 2


def test_batch_respects_weekly_cap_across_the_batch():
    tasks = [make_task(id=i, start=at(9 + 2 * i), end=at(10 + 2 * i), place=HOME)
             for i in range(4)]
    h = make_helper(id=1, weekly_hours_cap=10, hours_booked_in_week=7.5)  # 2.5 h left
    res = assign_batch(tasks, [h], time_limit_s=5)
    assert res.served == 2
    g = assign_greedy(tasks, [h])
    assert g.served == 2


def test_batch_does_not_double_book_overlapping_tasks():
    tasks = [make_task(id=i, start=at(10 + 0.5 * i), end=at(11 + 0.5 * i)) for i in range(3)]
    res = assign_batch(tasks, [make_helper(id=1)], time_limit_s=5)
    # 10–11 and 11–12 at the same place are compatible; 10:30–11:30 overlaps both.
    assert res.served == 2 and set(res.pairs) == {0, 2}


def test_batch_prefers_cheaper_when_served_ties():
    t = make_task(id=1, place=HOME)
    far = make_helper(id=1, home=offset(HOME, 3.0))
    near = make_helper(id=2, home=offset(HOME, 0.5))
    res = assign_batch([t], [far, near], time_limit_s=5)
    assert res.pairs == {1: 2}
    assert assign_greedy([t], [far, near]).pairs == {1: 1}


def test_total_cost_is_sum_of_candidates_plus_load():
    tasks = [make_task(id=i, start=at(9 + i), end=at(10 + i), place=HOME) for i in range(3)]
    h = make_helper(id=1, home=offset(HOME, 1.0))
    res = assign_batch(tasks, [h], time_limit_s=5)
    assert res.served == 3
    expected = sum(int_cost(c.cost) for c in res.candidates.values()) + 3 * int_cost(Weights().load)
    assert res.total_cost == expected / COST_SCALE  # load: 0 + 1 + 2


def test_empty_and_infeasible_inputs():
    assert assign_batch([], []).served == 0
    t = make_task(id=1)
    res = assign_batch([t], [make_helper(verified=False)])
    assert res.served == 0 and res.unassigned == (1,)
    assert assign_greedy([t], []).unassigned == (1,)


def test_duplicate_ids_are_refused():
    t = make_task(id=1)
    with pytest.raises(ValueError, match="duplicate task"):
        assign_batch([t, t], [make_helper()])
    h = make_helper(id=4)
    with pytest.raises(ValueError, match="duplicate helper"):
        assign_greedy([t], [h, h])


def test_batch_is_deterministic():
    from sasaeai.matching.synth import town

    tasks, helpers = town(60, 30, seed=5)
    a = assign_batch(tasks, helpers, time_limit_s=5)
    b = assign_batch(tasks, helpers, time_limit_s=5)
    assert a.pairs == b.pairs and a.total_cost == b.total_cost


def test_pure_assignment_reaches_linear_sum_assignment_optimum():
    rng = np.random.default_rng(11)
    for _ in range(5):
        n_t, n_h = int(rng.integers(2, 8)), int(rng.integers(2, 8))
        # All tasks at the same time: each helper takes at most one; everything is feasible.
        tasks = [make_task(id=i, place=offset(HOME, *rng.uniform(-2, 2, 2))) for i in range(n_t)]
        helpers = [
            make_helper(id=j, home=offset(HOME, *rng.uniform(-2, 2, 2)),
                        rating=float(rng.choice([3.5, 4.2, 5.0])),
                        rating_count=int(rng.integers(1, 30)),
                        recent_assignments=int(rng.integers(0, 5)), radius_km=20)
            for j in range(n_h)
        ]
        w = Weights()
        cost = np.array([
            [int_cost(make_candidate(t, h, haversine_km(h.home, t.place), w).cost)
             for h in helpers] for t in tasks
        ])
        rows, cols = linear_sum_assignment(cost)
        optimum = cost[rows, cols].sum() / COST_SCALE
        res = assign_batch(tasks, helpers, w, time_limit_s=5)
        assert res.served == min(n_t, n_h)
        assert res.total_cost == pytest.approx(optimum, abs=1e-9)
        assert res.stats["optimal"]


def test_brute_force_lexicographic_optimum_on_tiny_instances():
    rng = np.random.default_rng(2)
    for _ in range(6):
        tasks = []
        for i in range(5):
            s = float(rng.integers(18, 26)) / 2
            tasks.append(make_task(id=i, start=at(s), end=at(s + 1),
                                   place=offset(HOME, *rng.uniform(-2, 2, 2))))
        helpers = [
            make_helper(id=j, home=offset(HOME, *rng.uniform(-2, 2, 2)), radius_km=3.5,
                        travel_mode=str(rng.choice(["walk", "car"])),
                        availability=(Interval(at(9), at(14)),), weekly_hours_cap=2.0)
            for j in range(3)
        ]
        best = _brute_force(tasks, helpers)
        for strategy in ("weighted", "phases"):
            res = assign_batch(tasks, helpers, time_limit_s=5, strategy=strategy)
            assert (res.served, res.total_cost) == best, strategy
            assert res.stats["optimal"]


def _brute_force(tasks, helpers):
    from sasaeai.matching import check, conflict

    w = Weights()
    options = []
    for t in tasks:
        opts = [None] + [h for h in helpers if not check(t, h)]
        options.append(opts)
    best = (0, 0.0)
    for combo in itertools.product(*options):
        per: dict[int, list] = {}
        ok = True
        for t, h in zip(tasks, combo, strict=True):
            if h is None:
                continue
            for o in per.get(h.id, []):
                if conflict(t.start, t.end, t.place, o.start, o.end, o.place, h.travel_mode):
                    ok = False
            per.setdefault(h.id, []).append(t)
        if not ok:
            continue
        by_id = {h.id: h for h in helpers}
        if any(sum(t.hours for t in ts) > by_id[hid].weekly_hours_cap + 1e-9
               for hid, ts in per.items()):
            continue
        served = sum(1 for h in combo if h is not None)
        total = sum(
            int_cost(make_candidate(t, h, haversine_km(h.home, t.place), w).cost)
            for t, h in zip(tasks, combo, strict=True) if h is not None
        ) + sum(int_cost(w.load) * len(ts) * (len(ts) - 1) // 2 for ts in per.values())
        key = (served, total / COST_SCALE)
        if served > best[0] or (served == best[0] and key[1] < best[1]):
            best = key
    return best


def test_weekly_cap_groups_tasks_by_japan_week_whatever_the_timezone():
    from datetime import UTC

    from sasaeai.matching.engine import week_of

    # Monday 2026-11-30 08:00 JST is Sunday 23:00 UTC: still the Monday's week in Japan.
    monday = at(8, day=-1).astimezone(UTC)
    sunday = at(8, day=-2)
    assert monday.weekday() == 6 and week_of(monday) != week_of(sunday)
    assert week_of(monday) == week_of(at(8))
    # Two 2-hour tasks in different Japanese weeks both fit a 3-hour remaining cap;
    # in the same week only one does.
    h = make_helper(id=1, weekly_hours_cap=3, availability=(Interval(at(0, day=-3), at(23)),))
    a = make_task(id=1, start=sunday, end=sunday + (at(10) - at(8)), place=HOME)
    b = make_task(id=2, start=monday, end=monday + (at(10) - at(8)), place=HOME)
    assert assign_batch([a, b], [h], time_limit_s=5).served == 2
    c = make_task(id=3, start=at(12).astimezone(UTC), end=at(14).astimezone(UTC), place=HOME)
    assert assign_batch([b, c], [h], time_limit_s=5).served == 1
    assert assign_greedy([b, c], [h]).served == 1


def test_unknown_strategy_is_refused():
    with pytest.raises(ValueError, match="strategy"):
        assign_batch([make_task()], [make_helper()], strategy="magic")


def test_spatial_preselection_finds_exactly_the_dense_candidates(monkeypatch):
    import sasaeai.matching.arrays as arrays
    import sasaeai.matching.engine as engine
    from sasaeai.matching.synth import town

    tasks, helpers = town(150, 500, seed=8, spread_km=12.0)
    dense = engine._prepare(tasks, helpers, Weights()).pairs
    a = assign_greedy(tasks, helpers)
    monkeypatch.setattr(arrays, "DENSE_PAIRS", 0)
    spatial = engine._prepare(tasks, helpers, Weights()).pairs
    for f in ("t", "h", "dist", "cost"):
        assert np.array_equal(getattr(spatial, f), getattr(dense, f)), f
    assert len(dense) > 200
    assert assign_greedy(tasks, helpers).pairs == a.pairs
