"""Cost of a feasible (task, helper) pair and its structured reasons (スコアと理由).

All costs are quantised to thousandths (`COST_SCALE`) so the CP-SAT model (integers) and the
Python totals agree exactly.
"""

from __future__ import annotations

from .geo import travel_minutes
from .model import Candidate, HelperCandidate, Reason, Task, Weights

COST_SCALE = 1000


def smoothed_rating(rating: float | None, count: int, weights: Weights) -> float:
    """Bayesian average: the prior mean counts as `rating_prior_count` ratings.

    A helper with one 5-star review is not ranked above one with forty 4.9s.
    """
    if rating is None or count <= 0:
        return weights.rating_prior_mean
    c = weights.rating_prior_count
    return (c * weights.rating_prior_mean + count * rating) / (c + count)


def cost_terms(
    task: Task, helper: HelperCandidate, distance_km: float, weights: Weights
) -> dict[str, float]:
    """The additive cost terms (lower is better) for one pair, before quantisation."""
    terms = {"distance": weights.distance_per_km * distance_km}
    if task.previous_helper_ids and helper.id in task.previous_helper_ids:
        most_recent = task.previous_helper_ids[0] == helper.id
        terms["continuity"] = -weights.continuity * (1.0 if most_recent else 0.5)
    else:
        terms["continuity"] = 0.0
    terms["rating"] = weights.rating * (
        5.0 - smoothed_rating(helper.rating, helper.rating_count, weights)
    )
    terms["fairness"] = weights.fairness_recent * max(0, helper.recent_assignments)
    terms["gender"] = (
        weights.gender_mismatch
        if task.preferred_gender and helper.gender != task.preferred_gender
        else 0.0
    )
    terms["language"] = (
        weights.language_mismatch
        if task.preferred_languages and not (task.preferred_languages & helper.languages)
        else 0.0
    )
    return terms


def int_cost(cost: float) -> int:
    return int(round(cost * COST_SCALE))


def load_penalty_int(n_tasks: int, weights: Weights) -> int:
    """In-batch fairness: the k-th task of one helper costs load·(k−1) extra (convex)."""
    step = int_cost(weights.load)
    return step * n_tasks * (n_tasks - 1) // 2


def make_candidate(
    task: Task, helper: HelperCandidate, distance_km: float, weights: Weights
) -> Candidate:
    """A Candidate with quantised cost and reasons, for a pair already known to be feasible."""
    terms = cost_terms(task, helper, distance_km, weights)
    cost = int_cost(sum(terms.values())) / COST_SCALE
    minutes = travel_minutes(distance_km, helper.travel_mode)
    reasons: list[Reason] = [
        Reason("distance_km", round(distance_km, 1)),
        Reason("travel_minutes", int(round(minutes))),
        Reason("travel_mode", helper.travel_mode),
    ]
    if terms["continuity"] < 0:
        if task.previous_helper_ids[0] == helper.id:
            reasons.append(Reason("continuity", True))
        else:
            reasons.append(Reason("continuity_earlier", True))
    if helper.rating is not None and helper.rating_count > 0:
        reasons.append(Reason("rating", round(helper.rating, 1)))
        reasons.append(Reason("rating_count", helper.rating_count))
    else:
        reasons.append(Reason("new_helper", True))
    if task.preferred_languages:
        common = sorted(task.preferred_languages & helper.languages)
        if common:
            reasons.append(Reason("language", common[0]))
        else:
            reasons.append(Reason("language_mismatch", sorted(task.preferred_languages)[0]))
    if task.preferred_gender:
        if helper.gender == task.preferred_gender:
            reasons.append(Reason("gender", helper.gender))
        else:
            reasons.append(Reason("gender_mismatch", task.preferred_gender))
    reasons.append(Reason("load", max(0, helper.recent_assignments)))
    return Candidate(
        helper_id=helper.id,
        task_id=task.id,
        cost=cost,
        distance_km=round(distance_km, 3),
        travel_minutes=round(minutes, 1),
        reasons=tuple(reasons),
    )
