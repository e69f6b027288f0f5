"""Councils (協議体): councils and members, meetings (agenda, attendance, minutes, public
summary), the local issue register with action plans, and policy proposals — the same
operations as the pages, with the same scoping (other municipality → 404)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Path, Router, Schema

from sasaeai.councils import selectors, services
from sasaeai.councils.models import (
    Action,
    IssueSource,
    IssueState,
    MeetingFormat,
    MeetingKind,
    ProposalStatus,
    ResolutionKind,
)

from ..auth import AUTH
from ..schemas import responses

PREFIX = ""
MAX_ID = 2**53
router = Router(tags=["councils"])
ID = Path(..., ge=1, le=MAX_ID)


def _anonymous(request):
    return True


OPEN = [*AUTH, _anonymous]


class MemberOut(Schema):
    id: int
    name: str
    organisation: str
    affiliation: int
    affiliation_label: str
    role: str
    counts_as_resident_private: bool
    term_start: dt.date
    term_end: dt.date | None
    has_account: bool


class CouncilOut(Schema):
    id: int
    municipality_id: int
    area_id: int
    layer: int
    name: str
    is_existing_gathering: bool
    gathering_note: str


class CouncilDetailOut(CouncilOut):
    members: list[MemberOut]


class MemberIn(Schema):
    name: str = Field(..., max_length=100)
    organisation: str = Field("", max_length=150)
    affiliation: int = Field(..., ge=-(2**31), le=2**31, description="SC survey Q16 code, 1–17")
    role: str = Field("member", max_length=12)
    counts_as_resident_private: bool | None = None
    term_start: dt.date
    term_end: dt.date | None = None


class AgendaOut(Schema):
    position: int
    title: str
    issue_id: int | None


class AttendanceOut(Schema):
    member_id: int | None
    guest_name: str
    present: bool


class MeetingOut(Schema):
    id: int
    council_id: int
    kind: str
    kind_label: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    format: str
    place: str
    has_public_summary: bool


class MeetingDetailOut(MeetingOut):
    online_url: str
    agenda: list[AgendaOut]
    attendance: list[AttendanceOut]
    internal_minutes: str
    public_summary: str
    decisions: str


class PublicSummaryOut(Schema):
    id: int
    council: str
    kind_label: str
    date: dt.date
    place: str
    title: str
    public_summary: str


class MeetingIn(Schema):
    kind: MeetingKind = MeetingKind.COUNCIL
    title: str = Field(..., max_length=200)
    starts_at: dt.datetime
    ends_at: dt.datetime | None = None
    format: MeetingFormat = MeetingFormat.IN_PERSON
    place: str = Field("", max_length=200)
    online_url: str = Field("", max_length=200)
    issue_ids: list[int] = Field([], max_length=50)
    other_items: list[str] = Field([], max_length=20)


class GuestIn(Schema):
    name: str = Field(..., max_length=100)
    organisation: str = Field("", max_length=150)


class AttendanceIn(Schema):
    members: dict[int, bool] = Field(..., description="member id → present")
    guests: list[GuestIn] = Field([], max_length=100)


class MinutesIn(Schema):
    internal_minutes: str = Field("", max_length=20000)
    public_summary: str = Field("", max_length=20000)
    decisions: str = Field("", max_length=20000)


class ActionOut(Schema):
    id: int
    parent_id: int | None
    title: str
    owner: str
    due_on: dt.date | None
    progress: int
    status: str
    children: list[ActionOut] = []


class IssueOut(Schema):
    id: int
    council_id: int
    title: str
    summary: str
    source: str
    needs_summary: str
    state: str
    state_label: str
    resolved_on: dt.date | None
    resolution_kind: str
    resolution_service_id: int | None
    escalated_to_id: int | None


class IssueDetailOut(IssueOut):
    plan_progress: int | None
    actions: list[ActionOut]


class IssueIn(Schema):
    title: str = Field(..., max_length=200)
    source: IssueSource
    summary: str = Field("", max_length=20000)
    needs_summary: str = Field("", max_length=20000)
    meeting_id: int | None = Field(None, ge=1, le=MAX_ID)


class MoveIn(Schema):
    state: IssueState


class ResolveIn(Schema):
    resolution_kind: str = Field("", max_length=20, description="how: " + ", ".join(ResolutionKind.values))
    resolved_on: dt.date | None = None
    note: str = Field("", max_length=20000)
    service_id: int | None = Field(None, ge=1, le=MAX_ID)


class ActionIn(Schema):
    title: str = Field(..., max_length=200)
    owner: str = Field("", max_length=100)
    due_on: dt.date | None = None
    parent_id: int | None = Field(None, ge=1, le=MAX_ID)
    progress: int = Field(0, ge=-(2**31), le=2**31)


class ActionUpdateIn(Schema):
    note: str = Field(..., max_length=500)
    on: dt.date | None = None
    progress: int | None = Field(None, ge=-(2**31), le=2**31)
    status: str | None = Field(None, max_length=12)


class ActionUpdateOut(Schema):
    id: int
    action_id: int
    on: dt.date
    note: str
    progress: int | None


class ProposalOut(Schema):
    id: int
    council_id: int
    title: str
    text: str
    addressee: str
    submitted_on: dt.date
    status: str
    plan: str
    issue_ids: list[int]


class ProposalIn(Schema):
    title: str = Field(..., max_length=200)
    text: str = Field(..., max_length=20000)
    addressee: str = Field(..., max_length=150)
    submitted_on: dt.date
    issue_ids: list[int] = Field([], max_length=50)


class ProposalStatusIn(Schema):
    status: ProposalStatus
    plan: str = Field("", max_length=200)


# --- helpers ----------------------------------------------------------------------------------


def _council_out(c) -> dict:
    return {"id": c.pk, "municipality_id": c.municipality_id, "area_id": c.area_id, "layer": c.area.layer,
            "name": c.name, "is_existing_gathering": c.is_existing_gathering, "gathering_note": c.gathering_note}


def _member_out(m) -> dict:
    return {"id": m.pk, "name": m.name, "organisation": m.organisation, "affiliation": m.affiliation,
            "affiliation_label": m.get_affiliation_display(), "role": m.role,
            "counts_as_resident_private": m.counts_as_resident_private, "term_start": m.term_start,
            "term_end": m.term_end, "has_account": m.user_id is not None}


def _meeting_out(m, detail=False) -> dict:
    out = {"id": m.pk, "council_id": m.council_id, "kind": m.kind, "kind_label": m.get_kind_display(),
           "title": m.title, "starts_at": m.starts_at, "ends_at": m.ends_at, "format": m.format, "place": m.place,
           "has_public_summary": bool(m.public_summary)}
    if detail:
        out.update({
            "online_url": m.online_url,
            "agenda": [{"position": a.position, "title": a.title, "issue_id": a.issue_id} for a in m.agenda.all()],
            "attendance": [{"member_id": a.member_id, "guest_name": a.guest_name, "present": a.present}
                           for a in m.attendance.all()],
            "internal_minutes": m.internal_minutes, "public_summary": m.public_summary, "decisions": m.decisions})
    return out


def _issue_out(i) -> dict:
    return {"id": i.pk, "council_id": i.council_id, "title": i.title, "summary": i.summary, "source": i.source,
            "needs_summary": i.needs_summary, "state": i.state, "state_label": i.get_state_display(),
            "resolved_on": i.resolved_on, "resolution_kind": i.resolution_kind,
            "resolution_service_id": i.resolution_service_id, "escalated_to_id": i.escalated_to_id}


def _node_out(n) -> dict:
    a = n.action
    return {"id": a.pk, "parent_id": a.parent_id, "title": a.title, "owner": a.owner, "due_on": a.due_on,
            "progress": n.progress, "status": a.status, "children": [_node_out(c) for c in n.children]}


def _issue_detail(i) -> dict:
    return {**_issue_out(i), "plan_progress": selectors.plan_progress(i),
            "actions": [_node_out(n) for n in selectors.action_tree(i)]}


def _proposal_out(p) -> dict:
    return {"id": p.pk, "council_id": p.council_id, "title": p.title, "text": p.text, "addressee": p.addressee,
            "submitted_on": p.submitted_on, "status": p.status, "plan": p.plan,
            "issue_ids": [i.pk for i in p.issues.all()]}


def _readable_council(request, council_id):
    return get_object_or_404(selectors.readable_councils(request.user), pk=council_id)


def _managed(request, obj):
    if not request.user.has_perm("councils.manage_council", obj):
        raise PermissionDenied
    return obj


# --- councils and members ----------------------------------------------------------------------


@router.get("/councils", response=responses(200, list[CouncilOut]), summary="Councils you may read")
def list_councils(request):
    return [_council_out(c) for c in selectors.readable_councils(request.user).order_by("pk")[:500]]


@router.get("/councils/{council_id}", response=responses(200, CouncilDetailOut))
def get_council(request, council_id: int = ID):
    c = _readable_council(request, council_id)
    return {**_council_out(c), "members": [_member_out(m) for m in c.members.all()]}


@router.post("/councils/{council_id}/members", response=responses(201, MemberOut))
def add_member(request, payload: MemberIn, council_id: int = ID):
    c = _managed(request, _readable_council(request, council_id))
    m = services.member_add(by=request.user, council=c, **payload.dict())
    return 201, _member_out(m)


# --- meetings ---------------------------------------------------------------------------------


@router.get("/councils/{council_id}/meetings", response=responses(200, list[MeetingOut]))
def list_meetings(request, council_id: int = ID):
    c = _readable_council(request, council_id)
    return [_meeting_out(m) for m in c.meetings.order_by("-starts_at")[:500]]


@router.post("/councils/{council_id}/meetings", response=responses(201, MeetingDetailOut),
             summary="Plan a meeting; its agenda is drawn from the issue register")
def create_meeting(request, payload: MeetingIn, council_id: int = ID):
    c = _managed(request, _readable_council(request, council_id))
    m = services.meeting_create(by=request.user, council=c, kind=payload.kind, title=payload.title,
                                starts_at=payload.starts_at, ends_at=payload.ends_at, format=payload.format,
                                place=payload.place, online_url=payload.online_url, issue_ids=payload.issue_ids,
                                extra_items=payload.other_items)
    return 201, _meeting_out(m, detail=True)


def _readable_meeting(request, meeting_id):
    return get_object_or_404(selectors.readable_meetings(request.user), pk=meeting_id)


@router.get("/council-meetings/{meeting_id}", response=responses(200, MeetingDetailOut),
            summary="A meeting with its internal minutes (council members and staff)")
def get_meeting(request, meeting_id: int = ID):
    return _meeting_out(_readable_meeting(request, meeting_id), detail=True)


@router.put("/council-meetings/{meeting_id}/attendance", response=responses(200, MeetingDetailOut))
def record_attendance(request, payload: AttendanceIn, meeting_id: int = ID):
    m = _managed(request, _readable_meeting(request, meeting_id))
    services.attendance_record(by=request.user, meeting=m, members=payload.members,
                               guests=[(g.name, g.organisation) for g in payload.guests])
    return _meeting_out(m, detail=True)


@router.put("/council-meetings/{meeting_id}/minutes", response=responses(200, MeetingDetailOut))
def save_minutes(request, payload: MinutesIn, meeting_id: int = ID):
    m = _managed(request, _readable_meeting(request, meeting_id))
    services.minutes_save(by=request.user, meeting=m, **payload.dict())
    return _meeting_out(m, detail=True)


@router.get("/council-meetings/{meeting_id}/summary", response=responses(200, PublicSummaryOut), auth=OPEN,
            summary="The public summary of a meeting (anyone)")
def get_public_summary(request, meeting_id: int = ID):
    m = get_object_or_404(selectors.public_meetings(), pk=meeting_id)
    return {"id": m.pk, "council": m.council.name, "kind_label": m.get_kind_display(),
            "date": timezone.localtime(m.starts_at).date(), "place": m.place, "title": m.title,
            "public_summary": m.public_summary}


# --- local issues -----------------------------------------------------------------------------


@router.get("/local-issues", response=responses(200, list[IssueOut]), summary="The local issue register")
def list_issues(request, state: IssueState | None = None):
    qs = selectors.readable_issues(request.user).order_by("-created_at")
    if state:
        qs = qs.filter(state=state)
    return [_issue_out(i) for i in qs[:500]]


@router.post("/councils/{council_id}/issues", response=responses(201, IssueOut))
def raise_issue(request, payload: IssueIn, council_id: int = ID):
    c = _readable_council(request, council_id)
    if not request.user.has_perm("councils.raise_issue", c):
        raise PermissionDenied
    meeting = get_object_or_404(c.meetings, pk=payload.meeting_id) if payload.meeting_id else None
    i = services.issue_raise(by=request.user, council=c, title=payload.title, source=payload.source,
                             summary=payload.summary, needs_summary=payload.needs_summary, meeting=meeting)
    return 201, _issue_out(i)


def _readable_issue(request, issue_id):
    return get_object_or_404(selectors.readable_issues(request.user), pk=issue_id)


@router.get("/local-issues/{issue_id}", response=responses(200, IssueDetailOut))
def get_issue(request, issue_id: int = ID):
    return _issue_detail(_readable_issue(request, issue_id))


@router.post("/local-issues/{issue_id}/move", response=responses(200, IssueOut))
def move_issue(request, payload: MoveIn, issue_id: int = ID):
    i = _managed(request, _readable_issue(request, issue_id))
    return _issue_out(services.issue_move(by=request.user, issue=i, state=payload.state))


@router.post("/local-issues/{issue_id}/resolve", response=responses(200, IssueOut))
def resolve_issue(request, payload: ResolveIn, issue_id: int = ID):
    from sasaeai.directory.selectors import editable_services

    i = _managed(request, _readable_issue(request, issue_id))
    service = None
    if payload.service_id:
        service = get_object_or_404(editable_services(request.user), pk=payload.service_id)
    return _issue_out(services.issue_resolve(by=request.user, issue=i, kind=payload.resolution_kind,
                                             on=payload.resolved_on, note=payload.note, service=service))


@router.post("/local-issues/{issue_id}/actions", response=responses(201, ActionOut))
def add_action(request, payload: ActionIn, issue_id: int = ID):
    i = _managed(request, _readable_issue(request, issue_id))
    parent = get_object_or_404(i.actions, pk=payload.parent_id) if payload.parent_id else None
    a = services.action_add(by=request.user, issue=i, title=payload.title, owner=payload.owner,
                            due_on=payload.due_on, parent=parent, progress=payload.progress)
    return 201, {"id": a.pk, "parent_id": a.parent_id, "title": a.title, "owner": a.owner, "due_on": a.due_on,
                 "progress": a.progress, "status": a.status, "children": []}


@router.post("/council-actions/{action_id}/updates", response=responses(201, ActionUpdateOut))
def update_action(request, payload: ActionUpdateIn, action_id: int = ID):
    a = get_object_or_404(Action.objects.filter(issue__in=selectors.readable_issues(request.user))
                          .select_related("issue", "issue__council"), pk=action_id)
    _managed(request, a.issue)
    u = services.action_update(by=request.user, action=a, note=payload.note, on=payload.on,
                               progress=payload.progress, status=payload.status)
    return 201, {"id": u.pk, "action_id": a.pk, "on": u.on, "note": u.note, "progress": u.progress}


# --- policy proposals -------------------------------------------------------------------------


@router.get("/policy-proposals", response=responses(200, list[ProposalOut]))
def list_proposals(request):
    return [_proposal_out(p) for p in selectors.readable_proposals(request.user).prefetch_related("issues")[:500]]


@router.post("/councils/{council_id}/proposals", response=responses(201, ProposalOut))
def submit_proposal(request, payload: ProposalIn, council_id: int = ID):
    c = _managed(request, _readable_council(request, council_id))
    p = services.proposal_submit(by=request.user, council=c, title=payload.title, text=payload.text,
                                 addressee=payload.addressee, submitted_on=payload.submitted_on,
                                 issues=payload.issue_ids)
    return 201, _proposal_out(p)


@router.put("/policy-proposals/{proposal_id}/status", response=responses(200, ProposalOut))
def decide_proposal(request, payload: ProposalStatusIn, proposal_id: int = ID):
    p = get_object_or_404(selectors.readable_proposals(request.user), pk=proposal_id)
    _managed(request, p)
    return _proposal_out(services.proposal_decide(by=request.user, proposal=p, status=payload.status,
                                                  plan=payload.plan))
