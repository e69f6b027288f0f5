"""Hard constraints (必須条件).

`check(task, helper)` returns every failing rejection code (empty tuple = feasible). The batch
and greedy modes additionally call `conflict()` between two tasks given to the same helper:
two tasks conflict when they share a 30-minute grid slot (the database's no-double-booking
rule, `slots.py`) or when the gap between them is shorter than the travel time from the first
place to the second in the helper's travel mode. "overlap" with an existing commitment means
the same thing: a shared slot, so the engine never proposes a helper the database would refuse.
"""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np

from .geo import haversine_km, haversine_matrix, travel_minutes
from .model import HelperCandidate, Point, Task
from .qualifications import closure
from .slots import SLOT_SECONDS, busy_slots, slots_collide

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
    """True when one helper cannot do both (a shared slot, or too little time to travel)."""
    return slots_collide(a_start, a_end, b_start, b_end) or not (
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
    task_slots = busy_slots(task.start, task.end) if helper.commitments else frozenset()
    for c in helper.commitments:
        if not task_slots.isdisjoint(c.busy()):
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


class HelperMasks:
    """Per-helper NumPy vectors for the cheap constraints, built once per helper list.

    `row(task, dist, idx)` is True where a helper is active, verified, within radius, has the
    task's skill and (closed) qualifications; `idx` restricts it to a subset of helpers.
    """

    def __init__(self, helpers: list[HelperCandidate]):
        self.helpers = helpers
        n = len(helpers)
        self.ok = np.fromiter((h.active and h.verified for h in helpers), dtype=bool, count=n)
        self.radius = np.fromiter((h.radius_km for h in helpers), dtype=float, count=n)
        self._skill: dict[str, np.ndarray] = {}
        self._qual: dict[frozenset[str], np.ndarray] = {}
        self._closed: list[frozenset[str]] | None = None

    def skill(self, category: str) -> np.ndarray:
        m = self._skill.get(category)
        if m is None:
            m = np.fromiter((category in h.skills for h in self.helpers), dtype=bool,
                            count=len(self.helpers))
            self._skill[category] = m
        return m

    def qualified(self, required: frozenset[str]) -> np.ndarray:
        m = self._qual.get(required)
        if m is None:
            if self._closed is None:
                self._closed = [closure(h.qualifications) for h in self.helpers]
            m = np.fromiter((required <= c for c in self._closed), dtype=bool,
                            count=len(self.helpers))
            self._qual[required] = m
        return m

    def row(self, task: Task, dist: np.ndarray, idx: np.ndarray | None = None) -> np.ndarray:
        sel = slice(None) if idx is None else idx
        m = (dist <= self.radius[sel]) & self.ok[sel] & self.skill(task.category)[sel]
        if task.required_qualifications:
            m &= self.qualified(task.required_qualifications)[sel]
        return m


def static_mask(
    tasks: list[Task], helpers: list[HelperCandidate], dist: np.ndarray,
    masks: HelperMasks | None = None,
) -> np.ndarray:
    """Vectorised pre-filter (tasks × helpers) for the cheap constraints.

    active, verified, skill, qualification and radius are evaluated with NumPy; the remaining
    constraints (blocked, availability, cap, commitments) are checked per surviving pair.
    Pass the same `masks` for successive chunks of tasks against the same helpers.
    """
    masks = masks or HelperMasks(helpers)
    out = np.zeros(dist.shape, dtype=bool)
    for i, t in enumerate(tasks):
        out[i] = masks.row(t, dist[i])
    return out


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
    # Shared 30-minute grid slot (slots.py): first slot of one before the slot after the other.
    first = np.floor(starts / SLOT_SECONDS)
    stop = np.ceil(ends / SLOT_SECONDS)
    shared = (first[:, None] < stop[None, :]) & (first[None, :] < stop[:, None])
    c = ~(a_then_b | a_then_b.T) | shared
    np.fill_diagonal(c, False)
    return c
