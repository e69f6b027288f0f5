"""Batch matching (一括マッチング): propose, edit a line, confirm, discard.

Every write here follows `services.py`'s contract: each public function is one transaction,
validates first, writes everything or nothing, and raises `ValidationError` (stable `code`)
or `PermissionDenied`. `line_choices` is the read behind the edit-line page and API.

Editing a line never skips the checks (issue 9 §5). The helpers offered for a line are the
engine's ranking for that request, with the run's *other* lines counted as the helpers'
commitments, so one helper is never proposed twice for the same time. Choosing a helper the
engine rejects needs an explicit exception (手動で例外) with a reason; it is stored on the line
and audit-logged. Some refusals can never be overridden: a missing qualification, a
suspended/unverified/inactive helper, a block on either side, no matching consent, and a
time the helper is already booked or proposed for (the database would refuse that booking).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _

from sasaeai.core.conflicts import retry_on_conflict

from . import selectors
from .models import MatchingRun, Offer, OfferSource, OfferStatus, ProposedAssignment, RequestStatus
from .services import (
    _REFUSAL_MESSAGES,
    _lock,
    _offer,
    _Ranked,
    hard_refusals,
    reasons_json,
)

#: Engine rejection codes a coordinator may override with a reason (手動で例外).
OVERRIDABLE = frozenset({"missing_skill", "out_of_radius", "unavailable", "weekly_cap", "travel_time"})
#: Engine rejection codes that can never be overridden (the rest are hard refusals of
#: `services.hard_refusals`): the database would refuse an overlapping booking anyway.
NEVER_OVERRIDE = frozenset({"inactive", "not_verified", "missing_qualification", "blocked", "overlap"})
#: Shortest reason accepted for an exception (characters, after trimming).
OVERRIDE_REASON_MIN = 10

_ENGINE_REFUSAL_MESSAGES = {
    "overlap": lambda: _("This helper is already booked or proposed at this time."),
}


# --- reads ------------------------------------------------------------------------------------

#: The parts of a batch run's `method` (engine names) in words.
METHOD_LABELS = {
    "cp-sat": gettext_lazy("exact solver (CP-SAT)"),
    "construct": gettext_lazy("serve-more construction"),
    "matching": gettext_lazy("one request per helper at least cost"),
    "lp": gettext_lazy("LP rounding"),
    "lns": gettext_lazy("large-neighbourhood search"),
    "greedy": gettext_lazy("first come, first served (nothing better found)"),
}


def default_time_limit(n_requests: int) -> float:
    """Seconds a batch run of `n_requests` may take, preparation included: the setting
    SASAEAI_MATCHING_TIME_LIMIT_S when it is set, else the engine's default (10 s up to
    2,000 requests, growing to 60 s at 10,000)."""
    from sasaeai.matching import default_time_limit as engine_default

    limit = getattr(settings, "SASAEAI_MATCHING_TIME_LIMIT_S", None)
    return float(limit) if limit is not None else engine_default(n_requests)


def quality(run: MatchingRun) -> dict:
    """How good the proposal is, in words: the method and the gap to the optimum.

    「最適解」 when proven optimal, 「最適解との差 0.4 % 以内」 with a bound, otherwise that no
    bound was computed. Also the figures (bound on served, on cost) for the API."""
    stats = run.stats or {}
    method = run.method or ""
    parts = method.split(":", 1)[1].split("+") if method.startswith("batch:") else [method] if method else []
    label = "・".join(str(METHOD_LABELS.get(p, p)) for p in parts if p) if (get_language() or "ja").startswith("ja") \
        else " + ".join(str(METHOD_LABELS.get(p, p)) for p in parts if p)
    gap = stats.get("gap_percent")
    optimal = bool(stats.get("optimal"))
    if optimal or gap == 0.0:
        text = pgettext("matching quality", "Optimal")
    elif gap is not None:
        text = _("Within %(gap)s %% of the optimum") % {"gap": f"{gap:.1f}"}
    elif not method:
        text = ""
    else:
        text = pgettext("matching quality", "No bound available in the time limit")
    return {"method": method, "method_label": label, "optimal": optimal, "gap_percent": gap,
            "text": text, "bound_served": stats.get("bound_served"),
            "bound_cost": stats.get("bound_cost"), "seconds": stats.get("seconds"),
            "greedy_served": stats.get("greedy_served")}


@dataclass
class Choice:
    """One helper on the edit-line page: ranked (feasible), needing an exception, or refused."""

    profile: object
    codes: tuple[str, ...] = ()
    candidate: object | None = None
    explanation: str = ""


@dataclass
class LineChoices:
    feasible: list[Choice] = field(default_factory=list)  # best first, with explanations
    override: list[Choice] = field(default_factory=list)  # need an exception with a reason
    refused: list[Choice] = field(default_factory=list)  # never (hard refusals)
    no_consent: bool = False


def _line_problem(line: ProposedAssignment):
    """(task, helpers, profiles) for one line: the engine's view of the line's request, with
    every other line of the run that has a helper added to that helper's commitments and
    weekly hours (the proposal is one plan: a helper is not proposed twice at once)."""
    from sasaeai.matching.model import Commitment, Point

    from .matching_adapter import helpers_for, task_for

    task = task_for(line.request)
    helpers, profiles = helpers_for(line.request.municipality_id, [task])
    extra: dict[int, list] = {}
    others = (ProposedAssignment.objects.filter(run_id=line.run_id, helper__isnull=False)
              .exclude(pk=line.pk).select_related("request", "request__recipient"))
    for other in others:
        lat, lon = other.request.place_point
        extra.setdefault(other.helper_id, []).append(
            Commitment(other.request.starts_at, other.request.ends_at, Point(lat, lon)))
    if extra:
        helpers = [
            dataclasses.replace(
                h, commitments=tuple(sorted(h.commitments + tuple(extra[h.id]), key=lambda c: c.start)),
                hours_booked_in_week=h.hours_booked_in_week + sum(
                    (c.end - c.start).total_seconds() / 3600 for c in extra[h.id]),
            ) if h.id in extra else h
            for h in helpers
        ]
    return task, helpers, profiles


def _has_consent(req) -> bool:
    from .services import matching_allowed

    return matching_allowed(req)


def line_choices(line: ProposedAssignment, *, lang: str | None = None) -> LineChoices:
    """The helpers a coordinator may put on this line: feasible ones ranked by the engine
    with their explanations, those that need an exception (with the engine's reasons), and
    those that can never be chosen (with the hard reason)."""
    from sasaeai.matching import explain, explain_rejection, rank
    from sasaeai.matching.model import Rejection

    lang = lang or get_language() or "ja"
    req = line.request
    task, helpers, profiles = _line_problem(line)
    candidates, rejections = rank(task, helpers)
    out = LineChoices(no_consent=not _has_consent(req))
    for c in candidates:
        profile = profiles[c.helper_id]
        hard = hard_refusals(req, profile)
        if hard:
            out.refused.append(Choice(profile, tuple(hard), explanation=refusal_text(hard[0])))
        else:
            out.feasible.append(Choice(profile, (), c, explain(c, lang)))
    for r in rejections:
        profile = profiles[r.helper_id]
        hard = hard_refusals(req, profile) + [c for c in r.codes if c in NEVER_OVERRIDE]
        if hard:
            out.refused.append(Choice(profile, tuple(dict.fromkeys(hard)), explanation=refusal_text(hard[0])))
        else:
            out.override.append(Choice(profile, r.codes, explanation=explain_rejection(Rejection(r.helper_id, r.codes), lang)))
    return out


def refusal_text(code: str) -> str:
    if code in _REFUSAL_MESSAGES:
        return str(_REFUSAL_MESSAGES[code]())
    if code in _ENGINE_REFUSAL_MESSAGES:
        return str(_ENGINE_REFUSAL_MESSAGES[code]())
    from sasaeai.matching import explain_rejection
    from sasaeai.matching.model import Rejection

    return explain_rejection(Rejection(0, (code,)), get_language() or "ja")


def override_text(codes, lang: str | None = None) -> str:
    """The engine's reasons for an exception, in words (「活動範囲外・対応分野外」)."""
    from sasaeai.matching import explain_rejection
    from sasaeai.matching.model import Rejection

    return explain_rejection(Rejection(0, tuple(codes or ())), lang or get_language() or "ja")


# --- writes -----------------------------------------------------------------------------------


def run_batch(*, municipality, day, by, area=None, time_limit_s: float | None = None) -> MatchingRun:
    """Propose an assignment of the municipality's open requests of `day` (OR-Tools).

    The engine returns within `time_limit_s` (default `default_time_limit(n)`) with a bound;
    the method and the gap are kept in the run's stats (see `quality`). The engine runs
    outside any transaction (on SQLite a write transaction would hold the database's one
    write lock for the whole search); the run and its lines are then written in one.
    A proposal changes nothing else: `confirm_run` re-checks every line when it books."""
    from sasaeai.matching import assign_batch

    from .integrations import has_matching_consent
    from .matching_adapter import helpers_for, task_for

    if not selectors.covers_area(by, municipality.pk, area.pk if area else None,
                                 selectors.COORDINATING_ROLES):
        raise PermissionDenied(_("You cannot run matching here."))
    qs = selectors.open_requests_board(by, municipality.pk, area.pk if area else None).filter(
        starts_at__date=day, status=RequestStatus.OPEN, starts_at__gt=timezone.now(),
        # Spot shifts want several helpers each; batch matching assigns one helper per request,
        # so they are offered from their own page (instant ranking), never from a batch run.
        facility__isnull=True)
    reqs = [r for r in qs.select_related("recipient") if has_matching_consent(r.recipient)]
    skipped_consent = qs.count() - len(reqs)
    tasks = [task_for(r) for r in reqs]
    helpers, profiles = helpers_for(municipality.pk, tasks)
    if time_limit_s is None:
        time_limit_s = default_time_limit(len(tasks))
    assignment = assign_batch(tasks, helpers, time_limit_s=time_limit_s) if tasks else None
    with transaction.atomic():
        return _write_run(municipality, area, day, by, reqs, profiles, assignment, skipped_consent)


def _write_run(municipality, area, day, by, reqs, profiles, assignment, skipped_consent) -> MatchingRun:
    run = MatchingRun.objects.create(
        municipality=municipality, area=area, day=day, created_by=by,
        method=getattr(assignment, "method", "") if assignment else "",
        stats={**(dict(assignment.stats) if assignment else {}), "requests": len(reqs),
               "served": len(assignment.pairs) if assignment else 0,
               "skipped_no_consent": skipped_consent},
    )
    for r in reqs:
        helper_id = assignment.pairs.get(r.pk) if assignment else None
        cand = assignment.candidates.get(r.pk) if assignment and helper_id is not None else None
        ProposedAssignment.objects.create(
            run=run, request=r, helper=profiles.get(helper_id) if helper_id is not None else None,
            cost=getattr(cand, "cost", None), distance_km=getattr(cand, "distance_km", None),
            reasons=reasons_json(cand) if cand else [],
        )
    return run


def _refuse(code: str, message: str):
    raise ValidationError(message, code=code)


@transaction.atomic
def edit_line(line: ProposedAssignment, *, by, helper, override: bool = False,
              override_reason: str = "") -> ProposedAssignment:
    """The coordinator changes a proposed helper (or clears it with None).

    A helper the engine ranks as feasible is taken with its explanation. Otherwise the
    choice needs `override=True` and a reason of at least OVERRIDE_REASON_MIN characters
    (code "override_required" / "override_reason_required"); it is stored as an exception
    and audit-logged. Hard refusals are refused even with an override."""
    from sasaeai.matching import Weights, check
    from sasaeai.matching.geo import haversine_km
    from sasaeai.matching.scoring import make_candidate

    line = ProposedAssignment.objects.select_for_update(of=("self",)).select_related(
        "run", "request", "request__recipient").get(pk=line.pk)
    if not selectors.can_manage(by, line.request):
        raise PermissionDenied(_("You cannot change this proposal."))
    if line.run.status != MatchingRun.Status.PROPOSED:
        raise ValidationError(_("This proposal has already been confirmed or discarded."), code="run_closed")
    req = line.request
    codes: tuple[str, ...] = ()
    cand = None
    reason = (override_reason or "").strip()
    if helper is not None:
        if not _has_consent(req):
            _refuse("no_consent", _("This person has not consented to matching; nobody can be proposed."))
        hard = hard_refusals(req, helper)
        if hard:
            _refuse(hard[0], refusal_text(hard[0]))
        task, helpers, _profiles = _line_problem(line)
        engine_helper = next((h for h in helpers if h.id == helper.pk), None)
        if engine_helper is None:  # not matchable (e.g. no home point or account closed)
            _refuse("inactive", refusal_text("inactive"))
        codes = check(task, engine_helper)
        never = [c for c in codes if c in NEVER_OVERRIDE]
        if never:
            _refuse(never[0], refusal_text(never[0]))
        if codes and not override:
            raise ValidationError(
                _("This helper does not fit this request: %(reasons)s. To choose them anyway, "
                  "mark it as an exception and give the reason.") % {"reasons": override_text(codes)},
                code="override_required")
        if codes and len(reason) < OVERRIDE_REASON_MIN:
            raise ValidationError({"override_reason": [ValidationError(
                _("Give the reason for the exception (at least %(n)d characters).") % {"n": OVERRIDE_REASON_MIN},
                code="override_reason_required")]})
        if not codes:
            cand = make_candidate(task, engine_helper, haversine_km(engine_helper.home, task.place), Weights())
    line.helper, line.edited = helper, True
    line.cost = getattr(cand, "cost", None)
    line.distance_km = getattr(cand, "distance_km", None)
    line.reasons = reasons_json(cand) if cand is not None else []
    line.override_codes = list(codes)
    line.override_reason = reason[:300] if codes else ""
    line.save(update_fields=["helper", "edited", "cost", "distance_km", "reasons", "override_codes",
                             "override_reason"])
    if codes:
        from sasaeai.safety.events import audit

        # Ids and codes only: the reason stays on the line (it may name people).
        audit(by, "matching.line_override", municipality_id=req.municipality_id, target=line,
              details={"run_id": line.run_id, "request_id": req.pk, "helper_id": helper.pk,
                       "codes": list(codes)})
    return line


@retry_on_conflict
def confirm_run(run: MatchingRun, *, by) -> dict:
    """Turn the proposal into offers (one per line with a helper) in ONE transaction: a
    confirmation interrupted at any point (a killed worker, a lost connection) leaves the run as it
    was, and nobody is told anything before the commit (notifications are queued on commit).
    Lines whose request changed meanwhile are skipped and reported, each inside a savepoint.

    Confirming an already confirmed run finishes what is missing and offers nothing twice: lines
    whose helper already holds a live offer for the request count as `already_offered` (runs
    confirmed line by line before this change could be left half-done)."""
    with transaction.atomic():
        run = MatchingRun.objects.select_for_update().get(pk=run.pk)
        if not selectors.covers_area(by, run.municipality_id, run.area_id, selectors.COORDINATING_ROLES):
            raise PermissionDenied(_("You cannot confirm this proposal."))
        if run.status == MatchingRun.Status.DISCARDED:
            raise ValidationError(_("This proposal has already been confirmed or discarded."), code="run_closed")
        if run.status == MatchingRun.Status.PROPOSED:
            run.status, run.confirmed_at = MatchingRun.Status.CONFIRMED, timezone.now()
            run.save(update_fields=["status", "confirmed_at"])
        offered, already, skipped = 0, 0, []
        lines = run.lines.select_related("request", "helper").filter(helper__isnull=False).order_by("request_id")
        live = set(Offer.objects.filter(request__in=lines.values("request_id"),
                                        status__in=(OfferStatus.PENDING, OfferStatus.ACCEPTED))
                   .values_list("request_id", "helper_id"))
        for line in lines:  # in request order: the same lock order as every other writer
            if (line.request_id, line.helper_id) in live:
                already += 1
                continue
            try:
                with transaction.atomic():
                    req = _lock(line.request)
                    if not selectors.can_manage(by, req):
                        raise PermissionDenied
                    target = _Ranked(_LineCandidate(line), line.helper)
                    _offer(req, [target], by=by, source=OfferSource.BATCH)
                    offered += 1
            except (ValidationError, PermissionDenied) as exc:
                code = getattr(exc, "code", None) or "forbidden"
                skipped.append({"request_id": line.request_id, "code": code})
    return {"offered": offered, "already_offered": already, "skipped": skipped}


class _LineCandidate:
    def __init__(self, line: ProposedAssignment):
        self.cost, self.distance_km = line.cost, line.distance_km
        self.reasons = tuple(_R(r["code"], r["value"]) for r in (line.reasons or []))


class _R:
    def __init__(self, code, value):
        self.code, self.value = code, value


@transaction.atomic
def discard_run(run: MatchingRun, *, by) -> MatchingRun:
    run = MatchingRun.objects.select_for_update().get(pk=run.pk)
    if not selectors.covers_area(by, run.municipality_id, run.area_id, selectors.COORDINATING_ROLES):
        raise PermissionDenied(_("You cannot change this proposal."))
    if run.status != MatchingRun.Status.PROPOSED:
        raise ValidationError(_("This proposal has already been confirmed or discarded."), code="run_closed")
    run.status = MatchingRun.Status.DISCARDED
    run.save(update_fields=["status"])
    return run


__all__ = ["OVERRIDABLE", "OVERRIDE_REASON_MIN", "confirm_run", "discard_run", "edit_line",
           "line_choices", "run_batch"]
