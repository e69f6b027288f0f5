"""Rank people for a work-like task with the matching engine's instant mode
(`sasaeai.matching.engine.rank`), the same adaptation as `requests/matching_adapter.py`:

* the task's next date becomes an engine `Task` (category = kind of work, place = the task's point);
* every active `WorkInterest` of the municipality becomes a `HelperCandidate`: the kinds of work
  wanted are its "skills" (a person who does not want farm work is rejected as `missing_skill`),
  its weekdays and hours on that date its availability, its confirmed placements on other tasks
  its commitments (so nobody is placed twice at the same time) and their hours this week count
  against the weekly limit; attended dates of the last 30 days are its recent assignments
  (fairness). Work needs no identity check or rating, so `verified=True`, `rating=None`.
* The engine's cost (distance, fairness) is then lowered by `SKILL_BONUS_KM` per skill the task
  wants and the person offers — a preference, never a condition — and re-sorted.

Explanations are labels made here with gettext from the engine's reasons (distance, travel time,
recent work, matching skills); rejections show the engine's codes as labels too.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sasaeai.matching.model import Commitment, HelperCandidate, Interval, Point, Task

from .models import (
    TOKYO,
    PlacementStatus,
    TravelMode,
    WorkInterest,
    WorkParticipation,
    WorkPlacement,
    WorkSkill,
)

#: Kilometre-equivalents taken off the cost for each wanted skill the person has.
SKILL_BONUS_KM = 1.0
RECENT_DAYS = 30


@dataclass
class Ranked:
    interest: WorkInterest
    cost: float
    distance_km: float
    travel_minutes: float
    matched_skills: list[str]
    labels: list[str]
    reasons: list[dict] = field(default_factory=list)


@dataclass
class Refused:
    interest: WorkInterest
    codes: tuple[str, ...]
    labels: list[str]


def _week(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def engine_task(task, day: dt.date) -> Task:
    start, end = task.window(day)
    return Task(id=task.pk, recipient_id=0, category=task.category, start=start, end=end,
                place=Point(task.lat, task.lon), created_at=task.created_at)


def candidates_for(task, day: dt.date, interests=None) -> tuple[list[HelperCandidate], dict[int, WorkInterest]]:
    """(HelperCandidates, {interest id: WorkInterest}) for the task's municipality on `day`.
    People already confirmed for this task are left out. A handful of queries whatever the size."""
    if interests is None:
        interests = (WorkInterest.objects.filter(municipality_id=task.municipality_id, active=True)
                     .exclude(placements__task=task, placements__status=PlacementStatus.CONFIRMED)
                     .select_related("user", "area", "user__helper_profile"))
    interests = [i for i in interests if i.home_point is not None]
    ids = [i.pk for i in interests]
    monday, sunday = _week(day)
    hours: dict[int, float] = defaultdict(float)
    commitments: dict[int, list[Commitment]] = defaultdict(list)
    for p in (WorkPlacement.objects.filter(interest_id__in=ids, status=PlacementStatus.CONFIRMED)
              .exclude(task=task).select_related("task")):
        for d in p.task.occurrences():
            if monday <= d <= sunday:
                hours[p.interest_id] += p.task.hours
            if abs((d - day).days) <= 1:
                s, e = p.task.window(d)
                commitments[p.interest_id].append(Commitment(s, e, Point(p.task.lat, p.task.lon)))
    recent: dict[int, int] = defaultdict(int)
    since = timezone.localdate() - dt.timedelta(days=RECENT_DAYS)
    for interest_id in WorkParticipation.objects.filter(placement__interest_id__in=ids, attended=True,
                                                        date__gte=since).values_list("placement__interest_id",
                                                                                     flat=True):
        recent[interest_id] += 1
    out = []
    for i in interests:
        lat, lon = i.home_point
        avail = ()
        if day.weekday() in (i.weekdays or []):
            avail = (Interval(dt.datetime.combine(day, i.available_from, tzinfo=TOKYO),
                              dt.datetime.combine(day, i.available_until, tzinfo=TOKYO)),)
        out.append(HelperCandidate(
            id=i.pk, home=Point(lat, lon), radius_km=float(i.radius_km), travel_mode=i.travel_mode,
            skills=frozenset(i.kinds or ()), qualifications=frozenset(), verified=True, availability=avail,
            weekly_hours_cap=float(i.max_hours_per_week), hours_booked_in_week=round(hours[i.pk], 3),
            commitments=tuple(sorted(commitments[i.pk], key=lambda c: c.start)), rating=None, rating_count=0,
            recent_assignments=recent[i.pk], gender=None, languages=frozenset(), blocked_recipient_ids=frozenset(),
            active=i.active))
    return out, {i.pk: i for i in interests}


REFUSAL_LABELS = {
    "inactive": lambda: _("Not looking for work now"),
    "missing_skill": lambda: _("Does not want this kind of work"),
    "out_of_radius": lambda: _("Too far for them"),
    "unavailable": lambda: _("Not available on that day and time"),
    "weekly_cap": lambda: _("Over their hours a week"),
    "overlap": lambda: _("Placed elsewhere at that time"),
    "travel_time": lambda: _("Not enough time to travel from other work"),
}


def refusal_labels(codes) -> list[str]:
    return [str(REFUSAL_LABELS[c]()) if c in REFUSAL_LABELS else c for c in codes]


def _labels(candidate, interest: WorkInterest, matched: list[str]) -> list[str]:
    mode = dict(TravelMode.choices).get(interest.travel_mode, "")
    out = [_("%(km).1f km away") % {"km": candidate.distance_km},
           _("%(minutes)d min (%(mode)s)") % {"minutes": round(candidate.travel_minutes), "mode": mode},
           _("Available then")]
    if matched:
        out.append(_("Good at: %(skills)s") % {"skills": "、".join(str(WorkSkill(s).label) for s in matched)})
    load = candidate.reason("load", 0) or 0
    if load:
        out.append(ngettext("Worked %(n)d day in the last 30 days", "Worked %(n)d days in the last 30 days",
                            load) % {"n": load})
    else:
        out.append(_("No work in the last 30 days"))
    return out


def rank_task(task, day: dt.date | None = None, *, limit: int | None = 20) -> tuple[list[Ranked], list[Refused]]:
    """Candidates best first (engine cost minus the skill bonus, then interest id) and refusals."""
    from sasaeai.matching import rank

    day = day or task.next_date()
    et = engine_task(task, day)
    helpers, interests = candidates_for(task, day)
    candidates, rejections = rank(et, helpers)
    wanted = set(task.skills or ())
    ranked = []
    for c in candidates:
        interest = interests[c.helper_id]
        matched = [s for s in WorkSkill.values if s in wanted and s in (interest.skills or ())]
        cost = round(c.cost - SKILL_BONUS_KM * len(matched), 3)
        reasons = [{"code": r.code, "value": r.value} for r in c.reasons
                   if isinstance(r.value, int | float | str | bool)]
        reasons.append({"code": "skills", "value": ",".join(matched)})
        ranked.append(Ranked(interest, cost, c.distance_km, c.travel_minutes, matched,
                             _labels(c, interest, matched), reasons))
    ranked.sort(key=lambda r: (r.cost, r.interest.pk))
    refused = [Refused(interests[r.helper_id], r.codes, refusal_labels(r.codes)) for r in rejections]
    return (ranked[:limit] if limit else ranked), refused


def busy_codes(task, interest: WorkInterest, day: dt.date) -> tuple[str, ...]:
    """The engine's time conflicts ("overlap", "travel_time") of one person for the task."""
    from sasaeai.matching.constraints import check

    helpers, _i = candidates_for(task, day, interests=[interest])
    if not helpers:
        return ()
    return tuple(c for c in check(engine_task(task, day), helpers[0]) if c == "overlap")
