"""Batch matching at scale (issue 12): vectorised preparation agrees with the scalar rules,
greedy is the first-come rule, every answer carries a bound that is never below it, and the
decomposed / LNS paths reach the CP-SAT proven optimum where it can be proven."""

import time
from collections import defaultdict

import numpy as np
from hypothesis import given, settings

from sasaeai.matching import Weights, assign_batch, assign_greedy, check, conflict, engine, rank
from sasaeai.matching.arrays import HelperIndex, index_for
from sasaeai.matching.geo import haversine_km
from sasaeai.matching.scoring import COST_SCALE, int_cost, make_candidate
from sasaeai.matching.synth import town
from tests.matching.test_matching_properties import SETTINGS, assert_valid, helpers_st, tasks_st


def _scalar_pairs(tasks, helpers):
    w = Weights()
    out = {}
    for ti, t in enumerate(tasks):
        for h in helpers:
            d = haversine_km(h.home, t.place)
            if not check(t, h):
                out[ti, h.id] = int_cost(make_candidate(t, h, d, w).cost)
    return out


def _vector_pairs(tasks, helpers):
    p = engine._prepare(tasks, helpers, Weights())
    ids = p.hx.ids
    return {(int(t), int(ids[h])): int(c) for t, h, c in
            zip(p.pairs.t.tolist(), p.pairs.h.tolist(), p.pairs.cost.tolist(), strict=True)}


def test_vectorised_pairs_equal_check_and_make_candidate_on_a_town():
    tasks, helpers = town(80, 120, seed=3)
    scalar, vector = _scalar_pairs(tasks, helpers), _vector_pairs(tasks, helpers)
    assert vector.keys() == scalar.keys()
    # Costs agree to the thousandth (distances differ only in the last floating-point bits).
    assert all(abs(vector[k] - scalar[k]) <= 1 for k in scalar)
    assert len(scalar) > 100


@settings(SETTINGS, max_examples=80)
@given(tasks=tasks_st(), helpers=helpers_st())
def test_vectorised_pairs_equal_check_on_random_instances(tasks, helpers):
    scalar, vector = _scalar_pairs(tasks, helpers), _vector_pairs(tasks, helpers)
    assert vector.keys() == scalar.keys()
    assert all(abs(vector[k] - scalar[k]) <= 1 for k in scalar)


def _reference_greedy(tasks, helpers):
    """The first-come rule written plainly: tasks by created_at, lowest feasible helper id."""
    booked = defaultdict(list)
    used = defaultdict(float)
    out = {}
    for t in sorted(tasks, key=lambda t: (t.created_at or t.start, t.id)):
        for h in sorted(helpers, key=lambda h: h.id):
            if check(t, h):
                continue
            if h.hours_booked_in_week + used[h.id] + t.hours > h.weekly_hours_cap + 1e-6:
                continue
            if any(conflict(t.start, t.end, t.place, o.start, o.end, o.place, h.travel_mode)
                   for o in booked[h.id]):
                continue
            out[t.id] = h.id
            booked[h.id].append(t)
            used[h.id] += t.hours
            break
    return out


def test_greedy_is_the_first_come_rule():
    tasks, helpers = town(120, 60, seed=6)
    assert assign_greedy(tasks, helpers).pairs == _reference_greedy(tasks, helpers)


@settings(SETTINGS, max_examples=120)
@given(tasks=tasks_st(), helpers=helpers_st())
def test_bound_is_never_below_the_solution(tasks, helpers):
    for strategy in ("auto", "lns"):
        res = assign_batch(tasks, helpers, time_limit_s=5, strategy=strategy)
        assert_valid(res, tasks, helpers)
        s = res.stats
        assert s["bound_served"] >= res.served
        if s["bound_cost"] is not None:  # a bound on cost at the number served, whatever it is
            assert s["bound_cost"] <= res.total_cost + 1e-9
        assert s["gap_served_percent"] >= 0
        assert s["gap_cost_percent"] is None or s["gap_cost_percent"] >= 0
        assert res.method.startswith("batch:") and "fallback" not in res.method


@settings(SETTINGS, max_examples=60)
@given(tasks=tasks_st(), helpers=helpers_st())
def test_lns_and_decomposition_reach_the_proven_optimum_on_small_instances(tasks, helpers):
    exact = assign_batch(tasks, helpers, time_limit_s=5, strategy="exact")
    assert exact.stats["optimal"]
    lns = assign_batch(tasks, helpers, time_limit_s=3, strategy="lns")
    assert (lns.served, lns.total_cost) == (exact.served, exact.total_cost)


def test_lns_reaches_the_optimum_of_a_town_and_reports_its_gap():
    tasks, helpers = town(40, 25, seed=9)
    exact = assign_batch(tasks, helpers, time_limit_s=10, strategy="exact")
    assert exact.stats["optimal"] and exact.stats["gap_percent"] == 0.0
    lns = assign_batch(tasks, helpers, time_limit_s=8, strategy="lns")
    assert (lns.served, lns.total_cost) == (exact.served, exact.total_cost)
    assert lns.stats["bound_served"] >= exact.served
    assert not lns.stats["optimal"] and lns.method != "batch:cp-sat"


def test_lp_tangents_bound_the_cost_at_every_number_served():
    """The LP worker's cost bound at one served count, with its marginal cost, is a tangent of
    the convex LP value function: never above the LP optimum at any other served count."""
    import multiprocessing as mp

    from sasaeai.matching import solve
    from sasaeai.matching.structure import build

    tasks, helpers = town(120, 40, seed=3)
    p = engine._prepare(tasks, helpers, Weights())
    st = build(p.ta, p.hx, p.pairs)
    step = int_cost(Weights().load)
    served_now = mp.Value("q", 0, lock=False)
    parent, child = mp.Pipe(duplex=False)
    first = solve.lp_bound(st, p.pairs, len(tasks), step)
    served_now.value = first.served_ub - 6
    solve.lp_worker(child, st, p.pairs, len(tasks), step, served_now, 60.0)
    job = engine._LPJob()
    job.conn = parent
    job._read()
    assert job.served_ub == first.served_ub and len(job.tangents) == 1
    (lb, at, slope), = job.tangents
    assert at == first.served_ub - 6 and slope is not None and slope >= 0
    for served in range(at - 10, first.served_ub + 1, 2):
        exact = solve.cost_lb_at(st, p.pairs, len(tasks), step, served, 60.0)
        assert job.cost_lb(served) <= exact + 1e-6 * max(1.0, abs(exact))
    assert abs(job.cost_lb(at) - lb) <= 2e-6 * abs(lb)  # only the solver tolerance apart
    assert job.cost_lb(at + 4) > lb  # the slope tightens the bound above the LP's point


def test_the_lp_worker_sends_the_relaxed_served_bound_first_then_the_whole_one():
    """Without the pairwise travel conflicts the LP is a relaxation: its bound comes first (it
    is several times faster at city scale) and is never below the whole LP's."""
    import multiprocessing as mp

    from sasaeai.matching import solve
    from sasaeai.matching.structure import build

    tasks, helpers = town(120, 40, seed=3)
    p = engine._prepare(tasks, helpers, Weights())
    st = build(p.ta, p.hx, p.pairs)
    assert st.edges.shape[0] > 0  # the instance has travel conflicts outside the cliques
    step = int_cost(Weights().load)
    whole = solve.lp_bound(st, p.pairs, len(tasks), step)
    served_now = mp.Value("q", whole.served_ub - 6, lock=False)
    parent, child = mp.Pipe(duplex=False)
    solve.lp_worker(child, st, p.pairs, len(tasks), step, served_now, 60.0)
    msgs = []
    try:
        while parent.poll():
            msgs.append(parent.recv())
    except EOFError:  # the worker closed its end after ("done",)
        pass
    served = [m for m in msgs if m[0] == "served"]
    assert len(served) == 2 and served[0][1] >= served[1][1] == whole.served_ub
    assert msgs[-1] == ("done",) and any(m[0] == "cost" for m in msgs)
    # Both fractional solutions round to plans within the engine's rules.
    for m in served:
        plan = solve.lp_round(p.ta, p.hx, p.pairs, m[3])
        assert solve.key_of(p.pairs, plan, step)[0] <= whole.served_ub


def test_decomposition_solves_each_component_exactly():
    # Two towns far apart: two independent groups of components, each proven optimal.
    a_t, a_h = town(30, 15, seed=2)
    b_t, b_h = town(30, 15, seed=4)
    import dataclasses

    from sasaeai.matching.model import Point

    far = [dataclasses.replace(t, id=t.id + 1000, place=Point(t.place.lat + 1.0, t.place.lon))
           for t in b_t]
    far_h = [dataclasses.replace(h, id=h.id + 1000, home=Point(h.home.lat + 1.0, h.home.lon))
             for h in b_h]
    res = assign_batch(a_t + far, a_h + far_h, time_limit_s=10)
    assert res.stats["components"] >= 2 and res.stats["optimal"]
    one = assign_batch(a_t, a_h, time_limit_s=10)
    two = assign_batch(far, far_h, time_limit_s=10)
    assert res.served == one.served + two.served
    assert abs(res.total_cost - (one.total_cost + two.total_cost)) < 1e-6


def test_batch_stays_within_its_wall_clock_limit_on_a_large_component():
    import time

    tasks, helpers = town(400, 250, seed=1)
    t0 = time.perf_counter()
    res = assign_batch(tasks, helpers, time_limit_s=4, strategy="lns")
    elapsed = time.perf_counter() - t0
    greedy = assign_greedy(tasks, helpers)
    assert (res.served, -res.total_cost) >= (greedy.served, -greedy.total_cost)
    assert elapsed < 4 + 3.0  # the limit plus the worker's shutdown and Python's slack
    assert res.stats["bound_served"] >= res.served
    assert res.stats["seconds"] <= elapsed


def test_rank_reuses_the_helper_arrays_and_agrees_with_the_full_ranking():
    tasks, helpers = town(10, 3000, seed=5)
    idx = index_for(helpers)
    assert index_for(helpers) is idx  # same list object: arrays built once
    changed = list(helpers)
    assert index_for(changed) is not idx  # another list: its own index
    helpers_copy = list(helpers)
    first = index_for(helpers_copy)
    helpers_copy[0] = helpers_copy[1]
    assert index_for(helpers_copy) is not first  # changed in place: rebuilt
    assert isinstance(idx, HelperIndex)
    for t in tasks:
        full, rej = rank(t, helpers, limit=10)
        quick, none = rank(t, idx, limit=10, rejections=False)
        assert quick == full and none == []
        by_id = {h.id: h for h in helpers}
        assert all(r.codes == check(t, by_id[r.helper_id]) for r in rej[:200])
        assert all(abs(c.cost * COST_SCALE - round(c.cost * COST_SCALE)) < 1e-6 for c in quick)


def test_greedy_at_scale_is_vectorised():
    # Not a timing assertion: the preparation builds no Candidate per pair.
    tasks, helpers = town(300, 600, seed=2)
    p = engine._prepare(tasks, helpers, Weights())
    assert isinstance(p.pairs.cost, np.ndarray) and len(p.pairs) > 500


def test_one_each_is_the_min_cost_matching_and_a_feasible_plan():
    """`one_each` gives every helper at most one request at the minimum total cost, serving
    as many as a maximum matching: the cost of scipy's linear_sum_assignment over the same
    pairs (a dummy "unserved" column per request), and the shared feasibility rule holds."""
    from scipy.optimize import linear_sum_assignment

    from sasaeai.matching import solve

    for seed in (2, 5):
        tasks, helpers = town(60, 45, seed=seed)
        p = engine._prepare(tasks, helpers, Weights())
        chosen = solve.one_each(p.ta, p.hx, p.pairs)
        ks = chosen[chosen >= 0]
        assert np.bincount(p.pairs.h[ks]).max(initial=0) <= 1
        n_t, n_h = len(tasks), p.hx.n
        big = 10**9
        m = np.full((n_t, n_h + n_t), 10**12, dtype=np.int64)  # no pair
        m[p.pairs.t, p.pairs.h] = p.pairs.cost
        m[np.arange(n_t), n_h + np.arange(n_t)] = big
        r, c = linear_sum_assignment(m)
        served = int((c < n_h).sum())
        assert ks.size == served
        assert int(p.pairs.cost[ks].sum()) == int(m[r, c][c < n_h].sum())


@settings(SETTINGS, max_examples=60)
@given(tasks=tasks_st(), helpers=helpers_st())
def test_flow_cost_bound_is_never_above_the_optimum(tasks, helpers):
    from sasaeai.matching import solve
    from sasaeai.matching.structure import build

    exact = assign_batch(tasks, helpers, time_limit_s=5, strategy="exact")
    assert exact.stats["optimal"]
    p = engine._prepare(tasks, helpers, Weights())
    st = build(p.ta, p.hx, p.pairs)
    lb = solve.flow_cost_bound(st, p.pairs, len(tasks), int_cost(Weights().load), exact.served)
    assert lb is not None and lb / COST_SCALE <= exact.total_cost + 1e-9
    # Serving more than the max-flow bound is impossible: no flow of that size.
    too_many = solve.flow_bound(st, p.pairs, len(tasks)) + 1
    assert solve.flow_cost_bound(st, p.pairs, len(tasks), 1000, too_many) is None


def test_a_helpers_best_chain_is_the_longest_run_of_compatible_visits():
    """One helper, one long visit against two short ones in a row: the chain takes the two."""
    from sasaeai.matching import solve
    from sasaeai.matching.factories import HOME, at, make_helper, make_task
    from sasaeai.matching.model import Interval

    tasks = [make_task(id=1, start=at(9), end=at(12), place=HOME),
             make_task(id=2, start=at(9), end=at(10), place=HOME),
             make_task(id=3, start=at(10.5), end=at(11.5), place=HOME)]
    helper = make_helper(id=1, home=HOME, availability=(Interval(at(8), at(18)),))
    p = engine._prepare(tasks, [helper], Weights())
    ti = np.array([0, 1, 2])
    sel = solve._best_chain(p.ta, p.hx, 0, ti, np.ones(3))
    assert sel.tolist() == [1, 2]


@settings(SETTINGS, max_examples=60)
@given(tasks=tasks_st(), helpers=helpers_st())
def test_chains_builds_a_feasible_plan(tasks, helpers):
    """The chain construction never breaks a hard constraint (re-checked independently)."""
    import time

    from sasaeai.matching import solve
    from sasaeai.matching.structure import build

    p = engine._prepare(tasks, helpers, Weights())
    st = build(p.ta, p.hx, p.pairs)
    chosen = solve.chains(p.ta, p.hx, p.pairs, st, time.perf_counter() + 5.0)
    assert_valid(engine._result(p, chosen, "batch:construct", {}), tasks, helpers)


def test_chains_serve_more_than_the_one_pass_rules_where_helpers_are_scarce():
    """Why it is there: at 300 × 150 and 2,000 × 800 the helper-by-helper chains start the
    search from more people served than "finish" or "scarce" do."""
    import time

    from sasaeai.matching import solve
    from sasaeai.matching.structure import build

    for n, m in ((300, 150), (2000, 800)):
        tasks, helpers = town(n, m, seed=1)
        p = engine._prepare(tasks, helpers, Weights())
        st = build(p.ta, p.hx, p.pairs)
        served = {rule: int((solve.constructive(p.ta, p.hx, p.pairs, rule) >= 0).sum())
                  for rule in ("finish", "scarce")}
        chained = int((solve.chains(p.ta, p.hx, p.pairs, st, time.perf_counter() + 30) >= 0).sum())
        assert chained > max(served.values()), (n, m, chained, served)


def _plan_of(p, wanted):
    """A task -> pair vector from {task index: helper index}."""
    chosen = np.full(len(p.tasks), -1, dtype=np.int64)
    for ti, hi in wanted.items():
        (k,) = np.flatnonzero((p.pairs.t == ti) & (p.pairs.h == hi))
        chosen[ti] = k
    return chosen


def test_augment_moves_a_request_to_make_room():
    """Two helpers, two requests at the same hour: only A can drive (transport), A holds the
    housework visit. The chain moves the housework visit to B and gives A the drive."""
    import time

    from sasaeai.matching import solve
    from sasaeai.matching.factories import at, make_helper, make_task
    from sasaeai.matching.structure import build

    tasks = [make_task(id=1, category="housework", start=at(10)),
             make_task(id=2, category="transport", start=at(10))]
    helpers = [make_helper(id=1, skills=frozenset({"housework", "transport"})),
               make_helper(id=2, skills=frozenset({"housework"}))]
    p = engine._prepare(tasks, helpers, Weights())
    st = build(p.ta, p.hx, p.pairs)
    start = _plan_of(p, {0: 0})
    chosen, added = solve.augment(p.ta, p.hx, p.pairs, st, start, time.perf_counter() + 5)
    assert added == 1
    assert {int(t): int(p.pairs.h[k]) for t, k in enumerate(chosen)} == {0: 1, 1: 0}


def test_augment_makes_room_under_the_weekly_cap():
    """A may work one more hour this week and holds a visit B could make; the drive only A
    can make, at another hour, does not clash but needs that hour: the visit moves to B."""
    import time

    from sasaeai.matching import solve
    from sasaeai.matching.factories import at, make_helper, make_task
    from sasaeai.matching.structure import build

    tasks = [make_task(id=1, category="housework", start=at(10)),
             make_task(id=2, category="transport", start=at(15))]
    helpers = [make_helper(id=1, skills=frozenset({"housework", "transport"}),
                           weekly_hours_cap=1.0),
               make_helper(id=2, skills=frozenset({"housework"}))]
    p = engine._prepare(tasks, helpers, Weights())
    st = build(p.ta, p.hx, p.pairs)
    chosen, added = solve.augment(p.ta, p.hx, p.pairs, st, _plan_of(p, {0: 0}),
                                  time.perf_counter() + 5)
    assert added == 1
    assert {int(t): int(p.pairs.h[k]) for t, k in enumerate(chosen)} == {0: 1, 1: 0}
    # With nobody to take the visit, nothing moves.
    p1 = engine._prepare(tasks, helpers[:1], Weights())
    st1 = build(p1.ta, p1.hx, p1.pairs)
    start = _plan_of(p1, {0: 0})
    same, added = solve.augment(p1.ta, p1.hx, p1.pairs, st1, start, time.perf_counter() + 5)
    assert added == 0 and same.tolist() == start.tolist()


@settings(SETTINGS, max_examples=60)
@given(tasks=tasks_st(), helpers=helpers_st())
def test_augment_serves_more_and_breaks_no_constraint(tasks, helpers):
    """From the first-come plan, every chain applied serves one more; the plan stays
    feasible (re-checked independently)."""
    import time

    from sasaeai.matching import solve
    from sasaeai.matching.structure import build

    p = engine._prepare(tasks, helpers, Weights())
    st = build(p.ta, p.hx, p.pairs)
    start = solve.greedy(p.ta, p.hx, p.pairs)
    chosen, added = solve.augment(p.ta, p.hx, p.pairs, st, start, time.perf_counter() + 5)
    assert int((chosen >= 0).sum()) == int((start >= 0).sum()) + added
    assert_valid(engine._result(p, chosen, "batch:construct", {}), tasks, helpers)


def test_lp_guided_chains_and_augmenting_serve_more_than_the_plain_rounding():
    """Why they are there: at 2,000 × 800 the relaxed served LP's plain rounding serves
    1,332; each helper's best chain by LP value and then the augmenting ejection chains serve
    more than 1,400 — more than the search reached in 10 s without them (1,398)."""
    import time
    from dataclasses import replace

    from sasaeai.matching import solve
    from sasaeai.matching.structure import build

    tasks, helpers = town(2000, 800, seed=1)
    p = engine._prepare(tasks, helpers, Weights())
    st = build(p.ta, p.hx, p.pairs)
    relaxed = replace(st, edges=np.zeros((0, 2), dtype=st.edges.dtype))
    A, b, _cost, nx, ny = solve._lp_matrix(relaxed, p.pairs, len(tasks), 1000)
    x = solve._lp(np.concatenate([-np.ones(nx), np.zeros(ny)]), A, b, 60).x[:nx]
    rounded = int((solve.lp_round(p.ta, p.hx, p.pairs, x) >= 0).sum())
    guided = solve.chains(p.ta, p.hx, p.pairs, st, time.perf_counter() + 30, x=x)
    chosen, added = solve.augment(p.ta, p.hx, p.pairs, st, guided, time.perf_counter() + 60)
    served = int((chosen >= 0).sum())
    assert int((guided >= 0).sum()) > rounded
    assert added > 0 and served > 1400, (rounded, served)
    assert_valid(engine._result(p, chosen, "batch:construct", {}), tasks, helpers)


def test_blocks_either_way_remove_exactly_those_pairs():
    """The vectorised block test: a recipient who blocked a helper, a helper who blocked a
    recipient — those pairs go, every other pair stays (as `check()` has it)."""
    from sasaeai.matching.factories import make_helper, make_task

    helpers = [make_helper(id=1), make_helper(id=2, blocked_recipient_ids=frozenset({7})),
               make_helper(id=3)]
    tasks = [make_task(id=1, recipient_id=7), make_task(id=2, recipient_id=8, blocked_helper_ids=frozenset({3})),
             make_task(id=3, recipient_id=9, blocked_helper_ids=frozenset({99}))]
    vector = _vector_pairs(tasks, helpers)
    assert set(vector) == set(_scalar_pairs(tasks, helpers))
    assert set(vector) == {(0, 1), (0, 3), (1, 1), (1, 2), (2, 1), (2, 2), (2, 3)}


def test_timestamps_are_converted_once_per_distinct_moment_and_agree_across_time_zones():
    from datetime import UTC, datetime, timedelta, timezone

    from sasaeai.matching.arrays import _stamps

    jst = timezone(timedelta(hours=9))
    moments = [datetime(2026, 12, 1, 10, tzinfo=jst), datetime(2026, 12, 1, 1, tzinfo=UTC),
               datetime(2026, 12, 1, 10, 30, tzinfo=jst), datetime(2026, 12, 1, 10, tzinfo=jst)]
    assert _stamps(moments).tolist() == [m.timestamp() for m in moments]
    assert _stamps([]).size == 0


def test_the_chosen_candidates_are_made_when_read_and_equal_the_scalar_ones():
    tasks, helpers = town(60, 90, seed=4)
    w = Weights()
    a = assign_greedy(tasks, helpers, w)
    assert a.served > 20
    assert not a.candidates._made  # nothing explained yet
    by_task, by_helper = {t.id: t for t in tasks}, {h.id: h for h in helpers}
    tid = next(iter(a.candidates))
    c = a.candidates[tid]
    assert len(a.candidates._made) == 1 and a.candidates[tid] is c
    for tid, hid in a.pairs.items():
        c = a.candidates[tid]
        assert c.helper_id == hid and c.task_id == tid
        d = haversine_km(by_task[tid].place, by_helper[hid].home)
        assert abs(c.cost - make_candidate(by_task[tid], by_helper[hid], d, w).cost) <= 1e-3
    assert set(a.candidates) == set(a.pairs) and len(a.candidates) == a.served
    assert a.stats["distance_km"] == a.total_distance_km


@settings(SETTINGS, max_examples=40)
@given(tasks=tasks_st(), helpers=helpers_st())
def test_the_chain_lagrangian_is_never_above_the_optimum(tasks, helpers):
    """Every iterate of the Lagrangian bound, carried to the optimum's served count by its own
    slope, is at most the proven optimum's cost (caps dropped, conflicts kept exactly)."""
    from sasaeai.matching import solve
    from sasaeai.matching.structure import build

    exact = assign_batch(tasks, helpers, time_limit_s=5, strategy="exact")
    assert exact.stats["optimal"]
    p = engine._prepare(tasks, helpers, Weights())
    st = build(p.ta, p.hx, p.pairs)
    step = int_cost(Weights().load)
    optimum = solve.key_of(p.pairs, _chosen(p, exact), step)
    assert optimum[0] == exact.served
    lag = solve.ChainLagrangian(p.ta, p.hx, p.pairs, st, len(tasks), step)
    seen = []
    lag.ascend(lambda: exact.served, lambda: optimum[1], time.perf_counter() + 5, max_iterations=40,
               on_bound=lambda b, at, mu, _i: seen.append((b, at, mu)))
    tolerance = 1e-6 * max(1.0, abs(optimum[1]))
    for bound, at, mu in seen:
        assert at == exact.served and mu >= 0
        assert bound <= optimum[1] + tolerance
        # "At least one fewer served" is weaker still: the tangent is below the optimum there too.
        assert bound - mu <= optimum[1] + tolerance


def _chosen(p, assignment):
    """The task -> pair vector of an Assignment over the problem's pairs."""
    from sasaeai.matching import solve

    lo, hi = solve.task_ranges(p.pairs, len(p.tasks))
    index = {t.id: i for i, t in enumerate(p.tasks)}
    helper = {h.id: j for j, h in enumerate(p.helpers)}
    chosen = np.full(len(p.tasks), -1, dtype=np.int64)
    for task_id, helper_id in assignment.pairs.items():
        ti = index[task_id]
        ks = np.arange(lo[ti], hi[ti])
        chosen[ti] = int(ks[p.pairs.h[ks] == helper[helper_id]][0])
    return chosen


def _town_with_greedy(n_tasks, n_helpers, seed):
    """(tasks, helpers, problem, structure, load step, greedy's (served, integer cost))."""
    from sasaeai.matching import solve
    from sasaeai.matching.structure import build

    tasks, helpers = town(n_tasks, n_helpers, seed=seed)
    p = engine._prepare(tasks, helpers, Weights())
    st = build(p.ta, p.hx, p.pairs)
    step = int_cost(Weights().load)
    return tasks, helpers, p, st, step, solve.key_of(p.pairs, solve.greedy(p.ta, p.hx, p.pairs), step)


def test_the_chain_lagrangian_beats_the_flow_bound_where_helpers_are_scarce():
    """At a town with too few helpers the flow bound lets a helper be in two places at once;
    the chain sub-problems do not, and the bound rises above it within a few iterations."""
    from sasaeai.matching import solve

    tasks, _helpers, p, st, step, (served, cost) = _town_with_greedy(300, 100, seed=2)
    flow = solve.flow_cost_bound(st, p.pairs, len(tasks), step, served)
    lag = solve.ChainLagrangian(p.ta, p.hx, p.pairs, st, len(tasks), step)
    out = lag.ascend(lambda: served, lambda: cost, time.perf_counter() + 30, max_iterations=40)
    assert out["iterations"] == 40 and out["at"] == served
    assert flow < out["bound"] <= cost


def test_the_lp_worker_sends_chain_tangents_the_job_uses():
    import multiprocessing as mp

    from sasaeai.matching import solve

    tasks, helpers, p, st, step, (served, cost) = _town_with_greedy(120, 40, seed=3)
    served_now, cost_now = mp.Value("q", served, lock=False), mp.Value("q", cost, lock=False)
    parent, child = mp.Pipe(duplex=False)
    solve.lp_worker(child, st, p.pairs, len(tasks), step, served_now, 4.0, p.ta, p.hx, cost_now, chains=True)
    job = engine._LPJob()
    job.conn = parent
    job._read()
    assert job.chain_tangents and job.info["chain_bound_iterations"] >= 1
    exact = assign_batch(tasks, helpers, time_limit_s=20, strategy="exact")
    optimum = solve.key_of(p.pairs, _chosen(p, exact), step)
    assert job.chain_lb(optimum[0]) <= optimum[1]
