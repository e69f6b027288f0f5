"""Work-like activities (就労的活動): tasks posted by partners, the ranked candidates of a task
(work staff only), placements, participation and one's own work interest — the same services
and scoping as the pages (a task the caller may not read → 404).

Partner staff see their tasks and, of a placement, the person's display name only."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Router, Schema

from sasaeai.tenancy.models import Area
from sasaeai.workactivity import selectors, services
from sasaeai.workactivity.models import PlacementStatus, TaskStatus, WorkCategory, WorkInterest
from sasaeai.workactivity.ranking import rank_task

from ..schemas import responses

PREFIX = "/workactivity"
MAX_ID = 2**53
router = Router(tags=["workactivity"])
ID = Path(..., ge=1, le=MAX_ID)


class WorkActivityTaskIn(Schema):
    partner_id: int = Field(..., ge=1, le=MAX_ID)
    title: str = Field(..., max_length=200)
    category: str = Field(..., max_length=10)
    area_id: int = Field(..., ge=1, le=MAX_ID)
    address: str = Field(..., max_length=200)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    date: dt.date
    start_time: dt.time
    end_time: dt.time
    weekly_until: dt.date | None = None
    slots: int = Field(..., ge=-1000, le=1000)
    description: str = Field("", max_length=4000)
    skills: list[str] = Field(default_factory=list, max_length=20)
    reward_text: str = Field("", max_length=200)
    reward_yen: int | None = Field(None, ge=0, le=1_000_000)
    publish: bool = False


class WorkActivityTaskOut(Schema):
    id: int
    municipality_id: int
    partner: str
    area: str
    title: str
    description: str
    category: str
    category_label: str
    address: str
    date: dt.date
    start_time: dt.time
    end_time: dt.time
    weekly_until: dt.date | None
    skills: list[str]
    reward: str
    slots: int
    placed: int
    status: str
    status_label: str


class WorkActivityCandidateOut(Schema):
    interest_id: int
    name: str
    area: str | None
    rank: int
    cost: float
    distance_km: float
    explanation: list[str]


class WorkActivityRefusalOut(Schema):
    interest_id: int
    name: str
    codes: list[str]
    explanation: list[str]


class WorkActivityCandidatesOut(Schema):
    date: dt.date
    candidates: list[WorkActivityCandidateOut]
    refused: list[WorkActivityRefusalOut]


class WorkActivityPlacementIn(Schema):
    interest_id: int = Field(..., ge=1, le=MAX_ID)


class WorkActivityPlacementOut(Schema):
    id: int
    task_id: int
    name: str
    status: str
    status_label: str


class WorkActivityParticipationIn(Schema):
    date: dt.date
    attended: bool
    hours: float | None = Field(None, ge=-100, le=100)


class WorkActivityParticipationOut(Schema):
    id: int
    placement_id: int
    date: dt.date
    attended: bool
    hours: float


class WorkActivityInterestIn(Schema):
    kinds: list[str] = Field(..., max_length=10)
    skills: list[str] = Field(default_factory=list, max_length=20)
    weekdays: list[int] = Field(..., max_length=7)
    available_from: dt.time
    available_until: dt.time
    area_id: int | None = Field(None, ge=1, le=MAX_ID)
    max_hours_per_week: float = Field(8, ge=-100, le=100)
    radius_km: float = Field(3, ge=-100, le=100)
    travel_mode: str = Field("walk", max_length=10)
    note: str = Field("", max_length=500)
    active: bool = True
    consent: bool = False


class WorkActivityInterestOut(Schema):
    id: int
    kinds: list[str]
    skills: list[str]
    weekdays: list[int]
    available_from: dt.time
    available_until: dt.time
    area_id: int | None
    max_hours_per_week: float
    radius_km: float
    travel_mode: str
    note: str
    active: bool


def _task_out(t) -> dict:
    placed = getattr(t, "n_placed", None)
    if placed is None:
        placed = t.placements.filter(status=PlacementStatus.CONFIRMED).count()
    return {"id": t.pk, "municipality_id": t.municipality_id, "partner": t.partner.organization.name,
            "area": t.area.name, "title": t.title, "description": t.description, "category": t.category,
            "category_label": str(WorkCategory(t.category).label), "address": t.address, "date": t.date,
            "start_time": t.start_time, "end_time": t.end_time, "weekly_until": t.weekly_until,
            "skills": t.skills, "reward": t.reward_label, "slots": t.slots, "placed": placed, "status": t.status,
            "status_label": str(TaskStatus(t.status).label)}


def _placement_out(p) -> dict:
    return {"id": p.pk, "task_id": p.task_id, "name": p.interest.user.display_name, "status": p.status,
            "status_label": str(PlacementStatus(p.status).label)}


def _interest_out(i) -> dict:
    return {"id": i.pk, "kinds": i.kinds, "skills": i.skills, "weekdays": i.weekdays,
            "available_from": i.available_from, "available_until": i.available_until, "area_id": i.area_id,
            "max_hours_per_week": i.max_hours_per_week, "radius_km": i.radius_km, "travel_mode": i.travel_mode,
            "note": i.note, "active": i.active}


def _task(request, task_id: int):
    return get_object_or_404(selectors.tasks_for(request.user), pk=task_id)


def _managed_task(request, task_id: int):
    task = _task(request, task_id)
    if not selectors.may_manage_task(request.user, task):
        raise PermissionDenied
    return task


@router.get("/tasks", response=responses(200, list[WorkActivityTaskOut]), summary="Work-like tasks you may see")
def list_tasks(request, status: str | None = None):
    qs = selectors.tasks_for(request.user)
    if status in TaskStatus.values:
        qs = qs.filter(status=status)
    return [_task_out(t) for t in qs.order_by("date", "start_time", "pk")[:500]]


@router.post("/tasks", response=responses(201, WorkActivityTaskOut), summary="Post a work-like task")
def create_task(request, payload: WorkActivityTaskIn):
    partner = get_object_or_404(selectors.postable_partners(request.user), pk=payload.partner_id)
    area = Area.objects.filter(pk=payload.area_id, municipality_id=partner.municipality_id).first()
    task = services.task_create(
        by=request.user, partner=partner, title=payload.title, category=payload.category, area=area,
        address=payload.address, lat=payload.lat, lon=payload.lon, date=payload.date,
        start_time=payload.start_time, end_time=payload.end_time, weekly_until=payload.weekly_until,
        slots=payload.slots, description=payload.description, skills=payload.skills,
        reward_text=payload.reward_text, reward_yen=payload.reward_yen, publish=payload.publish)
    return 201, _task_out(task)


@router.get("/tasks/{task_id}", response=responses(200, WorkActivityTaskOut), summary="One work-like task")
def get_task(request, task_id: int = ID):
    return _task_out(_task(request, task_id))


@router.get("/tasks/{task_id}/candidates", response=responses(200, WorkActivityCandidatesOut),
            summary="Ranked candidates with explanations (work staff)")
def task_candidates(request, task_id: int = ID):
    task = _managed_task(request, task_id)
    day = task.next_date()
    ranked, refused = rank_task(task, day, limit=50)
    return {"date": day,
            "candidates": [{"interest_id": r.interest.pk, "name": r.interest.user.display_name,
                            "area": r.interest.area.name if r.interest.area_id else None, "rank": n,
                            "cost": r.cost, "distance_km": r.distance_km, "explanation": r.labels}
                           for n, r in enumerate(ranked, 1)],
            "refused": [{"interest_id": r.interest.pk, "name": r.interest.user.display_name,
                         "codes": list(r.codes), "explanation": r.labels} for r in refused]}


@router.get("/tasks/{task_id}/placements", response=responses(200, list[WorkActivityPlacementOut]),
            summary="Placements of a task (work staff and the partner's staff)")
def task_placements(request, task_id: int = ID):
    task = _task(request, task_id)
    if not (selectors.may_manage_task(request.user, task) or selectors.is_task_partner(request.user, task)):
        raise PermissionDenied
    return [_placement_out(p) for p in selectors.placements_of_task(task)]


@router.post("/tasks/{task_id}/placements", response=responses(201, WorkActivityPlacementOut),
             summary="Confirm a candidate (work staff)")
def confirm_placement(request, payload: WorkActivityPlacementIn, task_id: int = ID):
    task = _managed_task(request, task_id)
    interest = get_object_or_404(WorkInterest.objects.select_related("user"), pk=payload.interest_id,
                                 municipality_id=task.municipality_id)
    ranked, _refused = rank_task(task, limit=None)
    position = next((n for n, r in enumerate(ranked, 1) if r.interest.pk == interest.pk), None)
    placement = services.placement_confirm(by=request.user, task=task, interest=interest, rank=position,
                                           reasons=ranked[position - 1].reasons if position else [])
    return 201, _placement_out(placement)


@router.post("/placements/{placement_id}/participation", response=responses(201, WorkActivityParticipationOut),
             summary="Record attendance and hours for one date")
def record_participation(request, payload: WorkActivityParticipationIn, placement_id: int = ID):
    placement = get_object_or_404(selectors.placements_for(request.user), pk=placement_id)
    if not selectors.may_record_participation(request.user, placement):
        raise PermissionDenied
    row = services.participation_record(by=request.user, placement=placement, date=payload.date,
                                        attended=payload.attended, hours=payload.hours)
    return 201, {"id": row.pk, "placement_id": placement.pk, "date": row.date, "attended": row.attended,
                 "hours": float(row.hours)}


@router.get("/me/interest", response=responses(200, WorkActivityInterestOut), summary="My work interest")
def my_interest(request):
    interest = selectors.interest_of(request.user)
    if interest is None:
        from django.http import Http404

        raise Http404
    return _interest_out(interest)


@router.put("/me/interest", response=responses(200, WorkActivityInterestOut), summary="Register or update my work interest")
def put_interest(request, payload: WorkActivityInterestIn):
    interest = selectors.interest_of(request.user)
    if payload.area_id:  # another municipality's area is refused by the service (invalid_area)
        area = get_object_or_404(Area, pk=payload.area_id)
    else:
        area = interest.area if interest else None
    interest = services.interest_save(
        user=request.user, kinds=payload.kinds, skills=payload.skills, weekdays=payload.weekdays,
        available_from=payload.available_from, available_until=payload.available_until, area=area,
        max_hours_per_week=payload.max_hours_per_week, radius_km=payload.radius_km,
        travel_mode=payload.travel_mode, note=payload.note, active=payload.active, consent=payload.consent)
    return _interest_out(interest)


@router.get("/me/placements", response=responses(200, list[WorkActivityPlacementOut]), summary="My placements")
def my_placements(request):
    return [_placement_out(p) for p in selectors.placements_of(request.user).select_related("interest__user")[:200]]
