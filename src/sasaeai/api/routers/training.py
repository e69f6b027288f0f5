"""Training (研修): courses and their sessions (staff), record a completion (the session's
organiser), the caller's own completions, and the public certificate check — the same services
and scoping as the pages (a course or session the caller may not read → 404)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Router, Schema

from sasaeai.training import selectors, services
from sasaeai.training.models import CourseKind

from ..auth import AUTH
from ..schemas import responses

PREFIX = ""
MAX_ID = 2**53
router = Router(tags=["training"])
ID = Path(..., ge=1, le=MAX_ID)


def _anonymous(request):
    return True


OPEN = [*AUTH, _anonymous]


class TrainingCourseOut(Schema):
    id: int
    municipality_id: int
    kind: str
    kind_label: str
    scope: str
    title: str
    organiser_name: str
    grants: str
    valid_years: int | None


class TrainingSessionOut(Schema):
    id: int
    course_id: int
    event_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    cancelled: bool


class TrainingCourseDetailOut(TrainingCourseOut):
    sessions: list[TrainingSessionOut]


class TrainingCompletionIn(Schema):
    person_id: int = Field(..., ge=1, le=MAX_ID)
    walk_in: bool = Field(False, description="the person did not sign up (当日参加)")


class TrainingCompletionOut(Schema):
    id: int
    course_id: int
    session_id: int
    person_id: int
    completed_on: dt.date
    expires_on: dt.date | None
    walk_in: bool
    certificate_code: str
    qualification_applied: bool
    created: bool = Field(False, description="false when the person had already completed the course")


class TrainingVerificationOut(Schema):
    code: str
    course: str
    kind: str
    organiser: str
    completed_on: dt.date
    expires_on: dt.date | None
    holder: str = Field(..., description="the holder's first character, the rest masked")
    valid: bool
    state: str


def _course_out(c) -> dict:
    return {"id": c.pk, "municipality_id": c.municipality_id, "kind": c.kind, "kind_label": str(CourseKind(c.kind).label),
            "scope": c.scope, "title": c.title, "organiser_name": c.organiser_name, "grants": c.grants,
            "valid_years": c.valid_years}


def _session_out(s) -> dict:
    e = s.event
    return {"id": s.pk, "course_id": s.course_id, "event_id": s.event_id, "starts_at": e.starts_at, "ends_at": e.ends_at,
            "place": e.place or e.online_url, "cancelled": e.cancelled_at is not None}


def _completion_out(c, created: bool = False) -> dict:
    return {"id": c.pk, "course_id": c.course_id, "session_id": c.session_id, "person_id": c.person_id,
            "completed_on": c.completed_on, "expires_on": c.expires_on, "walk_in": c.walk_in,
            "certificate_code": c.display_code, "qualification_applied": c.applied_at is not None, "created": created}


def _staff(request) -> None:
    if not selectors.can_read_courses(request.user):
        raise PermissionDenied


@router.get("/training/courses", response=responses(200, list[TrainingCourseOut]), summary="Courses you may see")
def list_courses(request):
    _staff(request)
    return [_course_out(c) for c in selectors.courses_for(request.user)[:500]]


@router.get("/training/courses/{course_id}", response=responses(200, TrainingCourseDetailOut))
def get_course(request, course_id: int = ID):
    _staff(request)
    course = get_object_or_404(selectors.courses_for(request.user), pk=course_id)
    return {**_course_out(course), "sessions": [_session_out(s) for s in selectors.sessions_of(course)]}


@router.post("/training/sessions/{session_id}/completions", response=responses(201, TrainingCompletionOut),
             summary="Record that a participant completed the course (idempotent)")
def record_completion(request, payload: TrainingCompletionIn, session_id: int = ID):
    _staff(request)
    session = selectors.session_for(request.user, session_id)
    if session is None:
        raise Http404
    if not selectors.can_record(request.user, session):
        raise PermissionDenied
    person = get_object_or_404(get_user_model(), pk=payload.person_id)
    completion, created = services.record_completion(by=request.user, session=session, person=person,
                                                     walk_in=payload.walk_in)
    return 201, _completion_out(completion, created)


@router.get("/training/my/completions", response=responses(200, list[TrainingCompletionOut]))
def my_completions(request):
    return [_completion_out(c) for c in selectors.completions_of_person(request.user)[:500]]


@router.get("/training/verify/{code}", response=responses(200, TrainingVerificationOut), auth=OPEN,
            summary="Check a certificate code (public)")
def verify(request, code: str = Path(..., min_length=1, max_length=40)):
    result = selectors.verification(code)
    if result is None:
        raise Http404
    return result
