"""The matching engine (マッチング): pure Python/NumPy/OR-Tools, no Django imports.

Public API (see docs/matching.md):
    rank(task, helpers, weights=Weights(), limit=None) -> (candidates, rejections)
    check(task, helper) -> tuple of rejection codes
    assign_batch(tasks, helpers, weights=Weights(), time_limit_s=None) -> Assignment
    default_time_limit(n_requests) -> the shipped limit (10 s up to 2,000 requests, 60 s at 10,000)
    assign_greedy(tasks, helpers, weights=Weights()) -> Assignment
    explain(candidate, lang="ja") -> str
    busy_slots(start, end) / slot_starts(start, end) -> the 30-minute slots an interval holds
"""

from .constraints import check, conflict
from .engine import assign_batch, assign_greedy, default_time_limit, rank
from .explain import explain, explain_rejection
from .model import (
    REJECTION_CODES,
    TRAVEL_MODES,
    TRAVEL_OVERHEAD_MIN,
    TRAVEL_SPEED_KMH,
    Assignment,
    Candidate,
    Commitment,
    HelperCandidate,
    Interval,
    Point,
    Reason,
    Rejection,
    Task,
    Weights,
)
from .qualifications import GRAPH, closure
from .slots import SLOT_MINUTES, busy_slots, slot_starts, slots_collide

__all__ = [
    "GRAPH",
    "REJECTION_CODES",
    "SLOT_MINUTES",
    "TRAVEL_MODES",
    "TRAVEL_OVERHEAD_MIN",
    "TRAVEL_SPEED_KMH",
    "Assignment",
    "Candidate",
    "Commitment",
    "HelperCandidate",
    "Interval",
    "Point",
    "Reason",
    "Rejection",
    "Task",
    "Weights",
    "assign_batch",
    "assign_greedy",
    "busy_slots",
    "check",
    "closure",
    "conflict",
    "default_time_limit",
    "explain",
    "explain_rejection",
    "rank",
    "slot_starts",
    "slots_collide",
]
