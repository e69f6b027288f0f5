"""Events (催し・おためしボランティア): list and read (public events also anonymously), sign up
(waiting list when full), confirm an offered place, cancel, and record attendance — the same
services and scoping as the pages (an event the caller may not read → 404)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Router, Schema

from sasaeai.events import selectors, services
from sasaeai.events.models import EventType, SignUp, SignUpStatus

from ..auth import AUTH
from ..schemas import responses

PREFIX = ""
MAX_ID = 2**53
router = Router(tags=["events"])
ID = Path(..., ge=1, le=MAX_ID)


def _anonymous(request):
    return True


OPEN = [*AUTH, _anonymous]


class EventOut(Schema):
    id: int
    municipality_id: int
    area_id: int | None
    event_type: str
    event_type_label: str
    title: str
    organiser_name: str
    place: str
    online_url: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    places_left: int
    cancelled: bool


class EventSignUpIn(Schema):
    join_waiting_list: bool = Field(True, description="when full, join the waiting list instead of refusing")
    as_helper: bool = False
    person_id: int | None = Field(None, ge=1, le=MAX_ID, description="someone you sign up for (proxy, staff)")


class EventSignUpOut(Schema):
    id: int
    event_id: int
    status: str
    status_label: str
    offer_deadline: dt.datetime | None


class EventAttendanceIn(Schema):
    person_id: int = Field(..., ge=1, le=MAX_ID)
    walk_in: bool = False


class EventAttendanceOut(Schema):
    id: int
    event_id: int
    person_id: int
    method: str
    walk_in: bool


def _event_out(e) -> dict:
    held = e.signups.filter(status__in=[SignUpStatus.CONFIRMED, SignUpStatus.OFFERED]).count()
    return {"id": e.pk, "municipality_id": e.municipality_id, "area_id": e.area_id, "event_type": e.event_type,
            "event_type_label": str(EventType(e.event_type).label), "title": e.title,
            "organiser_name": e.organiser_name, "place": e.place, "online_url": e.online_url,
            "starts_at": e.starts_at, "ends_at": e.ends_at, "capacity": e.capacity,
            "places_left": max(0, e.capacity - held), "cancelled": e.cancelled_at is not None}


def _signup_out(s) -> dict:
    return {"id": s.pk, "event_id": s.event_id, "status": s.status,
            "status_label": str(SignUpStatus(s.status).label), "offer_deadline": s.offer_deadline}


def _event(request, event_id):
    return get_object_or_404(selectors.events_for(request.user), pk=event_id)


def _own_signup(request, signup_id):
    s = get_object_or_404(SignUp.objects.filter(event__in=selectors.events_for(request.user)), pk=signup_id)
    if request.user.pk not in (s.person_id, s.signed_up_by_id) and not selectors.can_manage(request.user, s.event):
        raise PermissionDenied
    return s


@router.get("/events", response=responses(200, list[EventOut]), auth=OPEN, summary="Upcoming events you may see")
def list_events(request, municipality_id: int | None = None):
    return [_event_out(e) for e in selectors.upcoming_for(request.user, municipality_id=municipality_id)[:500]]


@router.get("/events/{event_id}", response=responses(200, EventOut), auth=OPEN)
def get_event(request, event_id: int = ID):
    return _event_out(_event(request, event_id))


@router.post("/events/{event_id}/signups", response=responses(201, EventSignUpOut),
             summary="Sign up (or join the waiting list when full)")
def sign_up(request, payload: EventSignUpIn, event_id: int = ID):
    event = _event(request, event_id)
    person = None
    if payload.person_id:
        person = get_object_or_404(get_user_model(), pk=payload.person_id)
    s = services.sign_up(by=request.user, event=event, person=person, as_helper=payload.as_helper,
                         join_waiting_list=payload.join_waiting_list)
    return 201, _signup_out(s)


@router.get("/my/event-signups", response=responses(200, list[EventSignUpOut]))
def my_signups(request):
    return [_signup_out(s) for s in selectors.signups_of(request.user)[:500]]


@router.post("/event-signups/{signup_id}/cancel", response=responses(200, EventSignUpOut))
def cancel_signup(request, signup_id: int = ID):
    return _signup_out(services.cancel_signup(by=request.user, signup=_own_signup(request, signup_id)))


@router.post("/event-signups/{signup_id}/confirm", response=responses(200, EventSignUpOut),
             summary="Confirm a place offered from the waiting list")
def confirm_signup(request, signup_id: int = ID):
    return _signup_out(services.confirm_offer(by=request.user, signup=_own_signup(request, signup_id)))


@router.post("/events/{event_id}/attendance", response=responses(201, EventAttendanceOut))
def record_attendance(request, payload: EventAttendanceIn, event_id: int = ID):
    event = _event(request, event_id)
    if not selectors.can_manage(request.user, event):
        raise PermissionDenied
    person = get_object_or_404(get_user_model(), pk=payload.person_id)
    a = services.record_attendance(by=request.user, event=event, person=person, walk_in=payload.walk_in)
    return 201, {"id": a.pk, "event_id": a.event_id, "person_id": a.person_id, "method": a.method,
                 "walk_in": a.walk_in}
