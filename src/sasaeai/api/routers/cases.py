"""Support cases (個別支援・つなぎ直し): referral, answer, "what matters to me", plan, options,
follow-ups, closure and caseload. A case is care data: every read is access-logged."""

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from sasaeai.cases import selectors, services
from sasaeai.cases.models import (
    Case,
    CaseOption,
    CaseStatus,
    FollowUp,
    LifeDomain,
    OptionKind,
    OptionStatus,
    Outcome,
    ReferrerKind,
)
from sasaeai.cases.presentation import log_reads, wellbeing_change
from sasaeai.safety.consent import has_consent

from ..errors import ApiError
from ..schemas import responses

PREFIX = "/cases"
router = Router(tags=["cases"])


def _forbid():
    from django.utils.translation import gettext as _

    raise ApiError(403, "forbidden", _("You are not allowed to do this."))


class Ons4In(Schema):
    """ONS4 answers; the service refuses anything but whole numbers 0–10 with a message."""

    life_satisfaction: int | None = None
    worthwhile: int | None = None
    happiness: int | None = None
    anxiety: int | None = None


class OptionOut(Schema):
    id: int
    kind: str
    label: str
    status: str
    service_id: int | None = None
    help_request_id: int | None = None
    helper_id: int | None = None
    chosen_on: date | None = None
    tried_on: date | None = None
    continuing_since: date | None = None
    stopped_on: date | None = None


class GoalOut(Schema):
    id: int
    text: str
    options: list[OptionOut]


class FollowUpOut(Schema):
    id: int
    due_on: date
    done_on: date | None = None
    cancelled: bool
    note: str


class WellbeingRowOut(Schema):
    key: str
    before: int | None = None
    after: int | None = None
    change: int | None = None


class CaseSummaryOut(Schema):
    id: int
    municipality_id: int
    area_id: int
    resident_id: int
    resident_name: str
    status: str
    referrer_kind: str
    referred_at: datetime
    escalated_at: datetime | None = None
    coordinator_id: int | None = None
    version: int


class CaseOut(CaseSummaryOut):
    referrer_name: str
    reason: str
    decline_reason: str
    what_matters: str
    domains: dict[str, str]
    conversation_on: date | None = None
    connected_on: date | None = None
    closed_on: date | None = None
    outcome: str
    outcome_note: str
    goals: list[GoalOut]
    follow_ups: list[FollowUpOut]
    wellbeing: list[WellbeingRowOut]


def _summary(case: Case) -> dict:
    return {"id": case.pk, "municipality_id": case.municipality_id, "area_id": case.area_id,
            "resident_id": case.resident_id,
            "resident_name": f"{case.resident.family_name} {case.resident.given_name}", "status": case.status,
            "referrer_kind": case.referrer_kind, "referred_at": case.referred_at, "escalated_at": case.escalated_at,
            "coordinator_id": case.coordinator_id, "version": case.version}


def _full(case: Case) -> dict:
    goals = [{"id": g.pk, "text": g.text, "options": [{
        "id": o.pk, "kind": o.kind, "label": o.label, "status": o.status, "service_id": o.service_id,
        "help_request_id": o.help_request_id, "helper_id": o.helper_id, "chosen_on": o.chosen_on,
        "tried_on": o.tried_on, "continuing_since": o.continuing_since, "stopped_on": o.stopped_on}
        for o in g.options.all()]} for g in case.goals.prefetch_related("options")]
    return {**_summary(case), "referrer_name": case.referrer_name, "reason": case.reason,
            "decline_reason": case.decline_reason, "what_matters": case.what_matters,
            "domains": {str(d.value): getattr(case, f) for d, f in Case.DOMAIN_FIELDS.items()},
            "conversation_on": case.conversation_on, "connected_on": case.connected_on, "closed_on": case.closed_on,
            "outcome": case.outcome, "outcome_note": case.outcome_note, "goals": goals,
            "follow_ups": [{"id": f.pk, "due_on": f.due_on, "done_on": f.done_on, "cancelled": f.cancelled,
                            "note": f.note} for f in case.follow_ups.all()],
            "wellbeing": [{k: r[k] for k in ("key", "before", "after", "change")}
                          for r in wellbeing_change(case)["rows"]]}


def _worker(request):
    if not selectors.may_work_cases(request.user):
        _forbid()


def _case(request, case_id: int) -> Case:
    _worker(request)
    return get_object_or_404(selectors.cases_for(request.user), pk=case_id)


def _answer(request, case: Case):
    case = selectors.cases_for(request.user).get(pk=case.pk)
    log_reads(request, [case])
    return _full(case)


@router.get("", response=responses(200, list[CaseSummaryOut]), summary="Cases you work on (at most 200)")
def list_cases(request, status: CaseStatus | None = None):
    _worker(request)
    qs = selectors.cases_for(request.user).order_by("-referred_at", "-pk")
    if status:
        qs = qs.filter(status=status)
    cases = list(qs[:200])
    log_reads(request, cases, services.LOG_STATUS_FIELDS)
    return [_summary(c) for c in cases]


class ReferralIn(Schema):
    resident_id: int
    referrer_kind: ReferrerKind
    referrer_name: str = Field("", max_length=120)
    reason: str = Field(..., max_length=2000)


@router.post("", response=responses(201, CaseSummaryOut), summary="Refer a resident to the area's coordinator")
def refer(request, payload: ReferralIn):
    if not selectors.may_refer(request.user):
        _forbid()
    case = services.refer(by=request.user, resident=payload.resident_id, referrer_kind=payload.referrer_kind,
                          referrer_name=payload.referrer_name, reason=payload.reason)
    return 201, _summary(case)


class ReferralOut(Schema):
    id: int
    resident_id: int
    referred_at: datetime
    shared: bool = Field(description="The resident consented to sharing with you; else the status is null")
    status: str | None = None


@router.get("/referrals", response=responses(200, list[ReferralOut]), summary="Referrals you entered")
def my_referrals(request):
    if not selectors.may_refer(request.user):
        _forbid()
    out, shown = [], []
    for case in selectors.referrals_by(request.user).order_by("-referred_at", "-pk")[:200]:
        purpose = services.REFERRER_PURPOSE.get(case.referrer_kind)
        shared = purpose is not None and has_consent(case.resident_id, purpose)
        if shared:
            shown.append(case)
        out.append({"id": case.pk, "resident_id": case.resident_id, "referred_at": case.referred_at,
                    "shared": shared, "status": case.status if shared else None})
    log_reads(request, shown, services.LOG_STATUS_FIELDS)
    return out


class CaseloadCoordinatorOut(Schema):
    coordinator_id: int | None = None
    name: str
    active: int


class CaseloadAreaOut(Schema):
    area_id: int
    area: str
    referred: int
    active: int
    by_status: dict[str, int]


class CaseloadOut(Schema):
    per_coordinator: list[CaseloadCoordinatorOut]
    per_area: list[CaseloadAreaOut]


@router.get("/caseload", response=responses(200, CaseloadOut), summary="Caseload per coordinator and per area")
def caseload(request, municipality_id: int | None = None):
    _worker(request)
    load = selectors.caseload(request.user, municipality_id)
    return {"per_coordinator": [{"coordinator_id": r["coordinator_id"], "name": r["coordinator__display_name"] or "",
                                 "active": r["active"]} for r in load["per_coordinator"]],
            "per_area": load["per_area"]}


@router.get("/{case_id}", response=responses(200, CaseOut), summary="One case (access-logged)")
def get_case(request, case_id: int):
    return _answer(request, _case(request, case_id))


class VersionIn(Schema):
    version: int | None = Field(None, description="The version you saw; an older one is refused (stale)")


@router.post("/{case_id}/accept", response=responses(200, CaseOut), summary="Accept the referral")
def accept(request, case_id: int, payload: VersionIn | None = None):
    case = services.accept(_case(request, case_id), by=request.user, version=payload.version if payload else None)
    return _answer(request, case)


class DeclineIn(VersionIn):
    reason: str = Field(..., max_length=1000)


@router.post("/{case_id}/decline", response=responses(200, CaseOut), summary="Decline the referral")
def decline(request, case_id: int, payload: DeclineIn):
    case = services.decline(_case(request, case_id), by=request.user, reason=payload.reason, version=payload.version)
    return _answer(request, case)


class ConversationIn(VersionIn):
    what_matters: str = Field(..., max_length=4000)
    domains: dict[LifeDomain, str] = Field(default_factory=dict)
    ons4: Ons4In
    on: date | None = None


@router.post("/{case_id}/conversation", response=responses(200, CaseOut),
             summary="Record the “what matters to me” conversation with ONS4")
def conversation(request, case_id: int, payload: ConversationIn):
    case = services.record_conversation(
        _case(request, case_id), by=request.user, what_matters=payload.what_matters,
        domains={str(k.value): v for k, v in payload.domains.items()}, ons4=payload.ons4.dict(), on=payload.on,
        version=payload.version)
    return _answer(request, case)


class OptionIn(Schema):
    kind: OptionKind
    service_id: int | None = None
    help_request_id: int | None = None
    helper_id: int | None = None
    label: str = Field("", max_length=200)


class GoalIn(VersionIn):
    text: str = Field(..., max_length=300)
    options: list[OptionIn] = Field(..., max_length=10)


@router.post("/{case_id}/goals", response=responses(200, CaseOut), summary="Add a goal with its options")
def add_goal(request, case_id: int, payload: GoalIn):
    case = _case(request, case_id)
    services.add_goal(case, by=request.user, text=payload.text, options=[o.dict() for o in payload.options],
                      version=payload.version)
    return _answer(request, case)


class OptionStepIn(Schema):
    status: OptionStatus
    on: date | None = None


@router.post("/{case_id}/options/{option_id}", response=responses(200, CaseOut),
             summary="An option was chosen, tried, is continuing or stopped")
def update_option(request, case_id: int, option_id: int, payload: OptionStepIn):
    case = _case(request, case_id)
    option = get_object_or_404(CaseOption, pk=option_id, goal__case=case)
    services.update_option(option, by=request.user, status=payload.status, on=payload.on)
    return _answer(request, case)


class CaseFollowUpIn(Schema):
    due_on: date


@router.post("/{case_id}/follow-ups", response=responses(200, CaseOut), summary="Schedule a follow-up")
def schedule_follow_up(request, case_id: int, payload: CaseFollowUpIn):
    case = _case(request, case_id)
    services.schedule_follow_up(case, by=request.user, due_on=payload.due_on)
    return _answer(request, case)


class FollowUpDoneIn(Schema):
    note: str = Field("", max_length=2000)
    on: date | None = None


@router.post("/{case_id}/follow-ups/{follow_up_id}/done", response=responses(200, CaseOut),
             summary="Record a follow-up as done")
def complete_follow_up(request, case_id: int, follow_up_id: int, payload: FollowUpDoneIn):
    case = _case(request, case_id)
    found = get_object_or_404(FollowUp, pk=follow_up_id, case=case)
    services.complete_follow_up(found, by=request.user, note=payload.note, on=payload.on)
    return _answer(request, case)


class CloseIn(VersionIn):
    outcome: Outcome
    note: str = Field("", max_length=2000)
    ons4: Ons4In | None = None
    on: date | None = None


@router.post("/{case_id}/close", response=responses(200, CaseOut), summary="Close the case with an outcome")
def close(request, case_id: int, payload: CloseIn):
    case = services.close(_case(request, case_id), by=request.user, outcome=payload.outcome, note=payload.note,
                          ons4=payload.ons4.dict() if payload.ons4 else None, on=payload.on,
                          version=payload.version)
    return _answer(request, case)
