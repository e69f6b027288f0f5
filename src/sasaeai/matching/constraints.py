"""Hard constraints (必須条件).

`check(task, helper)` returns every failing rejection code (empty tuple = feasible). The batch
and greedy modes additionally call `conflict()` between two tasks given to the same helper:
two tasks conflict when they overlap or when the gap between them is shorter than the travel
time from the first place to the second in the helper's travel mode.
"""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np

from .geo import haversine_km, haversine_matrix, travel_minutes
from .model import HelperCandidate, Point, Task
from .qualifications import closure

# Hours are compared with this tolerance so 1.5 + 0.5 <= 2.0 holds in floating point.
HOURS_EPS = 1e-6


def required_gap_seconds(distance_km: float, mode: str) -> int:
    """Whole seconds needed between two places (rounded up, so float noise cannot squeeze in)."""
    return int(math.ceil(travel_minutes(distance_km, mode) * 60.0 - 1e-6))


def gap_ok(
    end_a: datetime, place_a: Point, start_b: datetime, place_b: Point, mode: str
) -> bool:
    """True when a helper finishing at `place_a` at `end_a` can start at `place_b` at `start_b`."""
    gap = (start_b - end_a).total_seconds()
    return gap >= required_gap_seconds(haversine_km(place_a, place_b), mode)


def conflict(a_start, a_end, a_place, b_start, b_end, b_place, mode: str) -> bool:
    """True when one helper cannot do both (overlap, or too little time to travel between)."""
    return not (
        gap_ok(a_end, a_place, b_start, b_place, mode)
        or gap_ok(b_end, b_place, a_start, a_place, mode)
    )


def _time_codes(task: Task, helper: HelperCandidate) -> list[str]:
    codes: list[str] = []
    if not any(iv.contains(task.start, task.end) for iv in helper.availability):
        codes.append("unavailable")
    if helper.hours_booked_in_week + task.hours > helper.weekly_hours_cap + HOURS_EPS:
        codes.append("weekly_cap")
    overlap = travel = False
    for c in helper.commitments:
        if c.start < task.end and task.start < c.end:
            overlap = True
        elif conflict(c.start, c.end, c.place, task.start, task.end, task.place, helper.travel_mode):
            travel = True
    if overlap:
        codes.append("overlap")
    if travel:
        codes.append("travel_time")
    return codes


def check(
    task: Task, helper: HelperCandidate, distance_km: float | None = None
) -> tuple[str, ...]:
    """Every hard constraint `helper` fails for `task`, in REJECTION_CODES order."""
    codes: list[str] = []
    if not helper.active:
        codes.append("inactive")
    if not helper.verified:
        codes.append("not_verified")
    if task.category not in helper.skills:
        codes.append("missing_skill")
    if task.required_qualifications and not (
        task.required_qualifications <= closure(helper.qualifications)
    ):
        codes.append("missing_qualification")
    if helper.id in task.blocked_helper_ids or task.recipient_id in helper.blocked_recipient_ids:
        codes.append("blocked")
    if distance_km is None:
        distance_km = haversine_km(helper.home, task.place)
    if distance_km > helper.radius_km:
        codes.append("out_of_radius")
    codes.extend(_time_codes(task, helper))
    return tuple(codes)


def static_mask(
    tasks: list[Task], helpers: list[HelperCandidate], dist: np.ndarray, cache: dict | None = None
) -> np.ndarray:
    """Vectorised pre-filter (tasks × helpers) for the cheap constraints.

    active, verified, skill, qualification and radius are evaluated with NumPy; the remaining
    constraints (blocked, availability, cap, commitments) are checked per surviving pair.
    Pass the same `cache` dict for successive chunks of tasks against the same helpers.
    """
    n_h = len(helpers)
    cache = {} if cache is None else cache
    if "ok" not in cache:
        cache["ok"] = np.fromiter((h.active and h.verified for h in helpers), dtype=bool, count=n_h)
        cache["radius"] = np.fromiter((h.radius_km for h in helpers), dtype=float, count=n_h)
        cache["skill"] = {}
        cache["qual"] = {}
        cache["closed"] = None
    mask = (dist <= cache["radius"][None, :]) & cache["ok"][None, :]
    skill_masks: dict[str, np.ndarray] = cache["skill"]
    qual_masks: dict[frozenset[str], np.ndarray] = cache["qual"]
    closed = cache["closed"]
    for i, t in enumerate(tasks):
        m = skill_masks.get(t.category)
        if m is None:
            m = np.fromiter((t.category in h.skills for h in helpers), dtype=bool, count=n_h)
            skill_masks[t.category] = m
        row = mask[i] & m
        if t.required_qualifications:
            q = qual_masks.get(t.required_qualifications)
            if q is None:
                if closed is None:
                    closed = cache["closed"] = [closure(h.qualifications) for h in helpers]
                q = np.fromiter(
                    (t.required_qualifications <= c for c in closed), dtype=bool, count=n_h
                )
                qual_masks[t.required_qualifications] = q
            row &= q
        mask[i] = row
    return mask


def distance_matrix(tasks: list[Task], helpers: list[HelperCandidate]) -> np.ndarray:
    """Haversine km from every task place to every helper home: (tasks, helpers)."""
    from .geo import coords

    return haversine_matrix(coords([t.place for t in tasks]), coords([h.home for h in helpers]))


def conflict_matrix(tasks: list[Task], mode: str) -> np.ndarray:
    """Boolean (n, n) matrix: True where one helper (travelling by `mode`) cannot do both tasks.

    Same semantics as `conflict()`, vectorised: the required gap is rounded up to whole seconds.
    """
    from .geo import coords
    from .model import DETOUR_FACTOR, TRAVEL_OVERHEAD_MIN, TRAVEL_SPEED_KMH

    n = len(tasks)
    if n == 0:
        return np.zeros((0, 0), dtype=bool)
    starts = np.array([t.start.timestamp() for t in tasks])
    ends = np.array([t.end.timestamp() for t in tasks])
    dist = haversine_matrix(coords([t.place for t in tasks]), coords([t.place for t in tasks]))
    # Same-place pairs need no travel; the scalar haversine gives exactly 0 there too.
    speed = TRAVEL_SPEED_KMH.get(mode, TRAVEL_SPEED_KMH["walk"])
    overhead = TRAVEL_OVERHEAD_MIN.get(mode, 0.0)
    minutes = np.where(dist > 0.0, dist * DETOUR_FACTOR / speed * 60.0 + overhead, 0.0)
    need = np.ceil(minutes * 60.0 - 1e-6)
    a_then_b = (starts[None, :] - ends[:, None]) >= need  # row i before column j
    c = ~(a_then_b | a_then_b.T)
    np.fill_diagonal(c, False)
    return c
