"""Value types of the matching engine (マッチング・エンジンのデータ型).

Everything here is a frozen dataclass so inputs can be hashed, cached and shared between
modes. Datetimes are timezone-aware; the engine never converts time zones, it only compares
instants. Distances are kilometres, durations minutes (travel) or hours (weekly caps).

No Django imports: the web layer converts its models into these types (see docs/matching.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# ---------------------------------------------------------------------------------------------
# Travel model (移動モデル). Straight-line (haversine) distance times DETOUR_FACTOR approximates
# the road/footpath distance; divided by the mode's speed plus a fixed overhead (parking, waiting
# for a bus, locking a bicycle) it gives the minutes needed between two places.
# ---------------------------------------------------------------------------------------------
TRAVEL_SPEED_KMH: dict[str, float] = {
    "walk": 4.0,  # elderly-friendly walking pace, 徒歩
    "bicycle": 12.0,  # 自転車
    "car": 25.0,  # town traffic incl. lights, 自動車
    "transit": 15.0,  # bus/train door to door average, 公共交通
}
TRAVEL_OVERHEAD_MIN: dict[str, float] = {"walk": 0.0, "bicycle": 2.0, "car": 5.0, "transit": 10.0}
DETOUR_FACTOR = 1.3
TRAVEL_MODES = tuple(TRAVEL_SPEED_KMH)


@dataclass(frozen=True, slots=True)
class Point:
    """A WGS84 position (緯度・経度) in decimal degrees."""

    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Interval:
    """A half-open time interval [start, end) with aware datetimes."""

    start: datetime
    end: datetime

    def contains(self, start: datetime, end: datetime) -> bool:
        return self.start <= start and end <= self.end

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True, slots=True)
class Task:
    """One help request occurrence to be served (依頼) — a single time window at one place."""

    id: int
    recipient_id: int
    category: str
    start: datetime
    end: datetime
    place: Point
    required_qualifications: frozenset[str] = frozenset()
    preferred_gender: str | None = None
    preferred_languages: frozenset[str] = frozenset()
    blocked_helper_ids: frozenset[int] = frozenset()
    previous_helper_ids: tuple[int, ...] = ()  # most recent first, for continuity (継続性)
    created_at: datetime | None = None

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600.0

    @property
    def minutes(self) -> int:
        return int(round((self.end - self.start).total_seconds() / 60.0))


@dataclass(frozen=True, slots=True)
class Commitment:
    """An existing booking of a helper (既存の予定): blocks time and has a place to travel from.

    `slots` are the 30-minute grid slots it holds (see `slots.py`); empty means "the slots
    [start, end) touches". The web layer passes the slots the database holds.
    """

    start: datetime
    end: datetime
    place: Point
    slots: frozenset[int] = frozenset()

    def busy(self) -> frozenset[int]:
        from .slots import busy_slots

        return self.slots or busy_slots(self.start, self.end)


@dataclass(frozen=True, slots=True)
class HelperCandidate:
    """A helper as the engine sees them (担い手). `qualifications` may be raw or closed."""

    id: int
    home: Point
    radius_km: float
    travel_mode: str  # "walk" | "bicycle" | "car" | "transit"
    skills: frozenset[str]
    qualifications: frozenset[str]
    verified: bool
    availability: tuple[Interval, ...]
    weekly_hours_cap: float
    hours_booked_in_week: float
    commitments: tuple[Commitment, ...]
    rating: float | None
    rating_count: int
    recent_assignments: int
    gender: str | None
    languages: frozenset[str]
    blocked_recipient_ids: frozenset[int]
    active: bool = True


@dataclass(frozen=True, slots=True)
class Weights:
    """Cost weights (スコアの重み). The cost is in "kilometre equivalents": lower is better.

    cost = distance_per_km·km
           − continuity (previous helper of this recipient; half for an older previous helper)
           + rating·(5 − smoothed rating)
           + fairness_recent·recent_assignments
           + load·(k − 1) for the k-th task of one helper inside one batch
           + gender_mismatch / language_mismatch when a preference is not met
    """

    distance_per_km: float = 1.0
    continuity: float = 3.0
    rating: float = 1.5
    rating_prior_mean: float = 4.0  # Bayesian smoothing: prior mean …
    rating_prior_count: float = 5.0  # … worth this many ratings
    fairness_recent: float = 0.3
    load: float = 1.0
    gender_mismatch: float = 4.0
    language_mismatch: float = 3.0


@dataclass(frozen=True, slots=True)
class Reason:
    """One structured explanation item, e.g. Reason("distance_km", 2.1)."""

    code: str
    value: Any = True


@dataclass(frozen=True, slots=True)
class Candidate:
    """A feasible (task, helper) pair with its cost and why (候補と理由)."""

    helper_id: int
    task_id: int
    cost: float
    distance_km: float
    travel_minutes: float
    reasons: tuple[Reason, ...] = ()

    def reason(self, code: str, default: Any = None) -> Any:
        for r in self.reasons:
            if r.code == code:
                return r.value
        return default


@dataclass(frozen=True, slots=True)
class Rejection:
    """A helper that cannot take the task, with every failing hard-constraint code (除外理由)."""

    helper_id: int
    codes: tuple[str, ...]


class ChosenCandidates(Mapping):
    """task id -> the chosen Candidate, each made (with its reasons) when first read.

    A batch of 10,000 builds its answer without making 10,000 explanations at once; the run
    page and the stored lines read the ones they show (0.2–0.4 s at 10,000 requests)."""

    def __init__(self, keys: dict[int, int], make: Callable[[int], Candidate]):
        self._keys = keys  # task id -> pair index
        self._make = make
        self._made: dict[int, Candidate] = {}

    def __getitem__(self, task_id: int) -> Candidate:
        c = self._made.get(task_id)
        if c is None:
            c = self._made[task_id] = self._make(self._keys[task_id])
        return c

    def __iter__(self) -> Iterator[int]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return f"ChosenCandidates({len(self)} tasks)"


@dataclass(frozen=True)
class Assignment:
    """Result of a batch or greedy run (割当て結果)."""

    pairs: dict[int, int]  # task_id -> helper_id
    candidates: Mapping[int, Candidate]  # task_id -> the chosen candidate (ChosenCandidates)
    unassigned: tuple[int, ...]
    total_cost: float  # sum of candidate costs + in-batch load penalties
    method: str  # "greedy", or "batch:" + parts of cp-sat/construct/lp/lns, or "batch:greedy"
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def served(self) -> int:
        return len(self.pairs)

    @property
    def total_distance_km(self) -> float:
        return round(sum(c.distance_km for c in self.candidates.values()), 3)


# Rejection codes, in the order check() reports them.
REJECTION_CODES = (
    "inactive",
    "not_verified",
    "missing_skill",
    "missing_qualification",
    "blocked",
    "out_of_radius",
    "unavailable",
    "weekly_cap",
    "overlap",
    "travel_time",
)
