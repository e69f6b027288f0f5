"""Coordinators' exchange (SCの相談・交流の場): spaces, threads and replies, reactions,
reports and moderation, SC Café sessions. An anonymous post's author is never in a response
unless the caller moderates (`author_id` is null, `author` is 「匿名のコーディネーター」)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema

from sasaeai.exchange import selectors, services
from sasaeai.exchange.models import CafeSession

from ..errors import ApiError
from ..schemas import responses

PREFIX = ""
MAX_ID = 2**53
router = Router(tags=["exchange"])
ID = Path(..., ge=1, le=MAX_ID)


class SpaceOut(Schema):
    id: int
    name: str
    scope: str
    prefecture: str
    is_member: bool


class PostOut(Schema):
    id: int
    space_id: int
    thread_id: int | None
    kind: str
    kind_label: str
    topic: str
    title: str
    body: str
    anonymous: bool
    author: str = Field(..., description="display label; 「匿名のコーディネーター」 for an anonymous post")
    author_id: int | None = Field(None, description="null unless the post is signed or the caller moderates")
    accepted_answer_id: int | None
    area_type: str
    population: int | None
    what_was_done: str
    result: str
    attachment_url: str
    hidden: bool
    helpful: int
    me_too: int
    created_at: dt.datetime


class ThreadOut(PostOut):
    replies: list[PostOut]


class ThreadIn(Schema):
    body: str = Field(..., max_length=5000)
    kind: Literal["question", "discussion", "practice"] = "question"
    title: str = Field("", max_length=150)
    topic: str = Field("", max_length=50)
    anonymous: bool = False
    area_type: Literal["", "urban", "suburban", "rural", "island"] = ""
    population: int | None = Field(None, ge=0, le=50_000_000)
    what_was_done: str = Field("", max_length=5000)
    result: str = Field("", max_length=5000)
    attachment_url: str = Field("", max_length=200)


class ReplyIn(Schema):
    body: str = Field(..., max_length=5000)
    anonymous: bool = False


class ReactionIn(Schema):
    kind: Literal["helpful", "me_too"]


class ReactionOut(Schema):
    kind: str
    active: bool


class ExchangeReasonIn(Schema):
    reason: str = Field(..., max_length=500)


class ModerateIn(ExchangeReasonIn):
    action: Literal["hide", "restore"]


class ExchangeEventOut(Schema):
    id: int
    post_id: int
    action: str
    reason: str
    at: dt.datetime


class AuthorOut(Schema):
    user_id: int
    display_name: str
    municipality: str


class CafeOut(Schema):
    id: int
    space_id: int
    title: str
    starts_at: dt.datetime
    recording_url: str
    registered: bool
    surveyed: bool


class SurveyIn(Schema):
    satisfaction: int = Field(..., ge=-(2**31), le=2**31, description="5 very satisfied … 1 very dissatisfied")
    watched: Literal["live", "later", "none"]
    comment: str = Field("", max_length=2000)


class SurveyOut(Schema):
    id: int
    satisfaction: int
    watched: str


class ExchangeSearchQuery(Schema):
    q: str = Field("", max_length=100)
    kind: Literal["", "question", "discussion", "practice"] = ""


def _post_out(user, p) -> dict:
    counts = selectors.reaction_counts(p)
    return {"id": p.pk, "space_id": p.space_id, "thread_id": p.thread_id, "kind": p.kind,
            "kind_label": p.get_kind_display(), "topic": p.topic, "title": p.title, "body": p.body,
            "anonymous": p.anonymous, "author": selectors.author_label(user, p),
            "author_id": p.author_id if selectors.sees_author(user, p) else None,
            "accepted_answer_id": p.accepted_answer_id, "area_type": p.area_type, "population": p.population,
            "what_was_done": p.what_was_done, "result": p.result, "attachment_url": p.attachment_url,
            "hidden": p.hidden, "helpful": counts["helpful"], "me_too": counts["me_too"], "created_at": p.created_at}


def _refusal(exc: PermissionDenied) -> ApiError:
    return ApiError(403, getattr(exc, "code", "forbidden"), str(exc.args[0]) if exc.args else "")


def _run(fn):
    try:
        return fn()
    except PermissionDenied as exc:
        if isinstance(exc, services.NotMember | services.AuthorHidden):
            raise _refusal(exc) from None
        raise


def _space(request, space_id):
    return get_object_or_404(selectors.readable_spaces(request.user), pk=space_id)


def _post(request, post_id):
    return get_object_or_404(selectors.visible_posts(request.user), pk=post_id)


@router.get("/exchange/spaces", response=responses(200, list[SpaceOut]))
def list_spaces(request):
    return [{"id": s.pk, "name": s.name, "scope": s.scope, "prefecture": s.prefecture,
             "is_member": selectors.is_member(request.user, s)} for s in selectors.readable_spaces(request.user)]


@router.get("/exchange/spaces/{space_id}/posts", response=responses(200, list[PostOut]),
            summary="Threads of a space, newest first; `q` searches text, topic and signed authors' names")
def list_posts(request, filters: Query[ExchangeSearchQuery], space_id: int = ID):
    space = _space(request, space_id)
    qs = selectors.threads(request.user, space, kind=filters.kind or None, q=filters.q)
    return [_post_out(request.user, p) for p in qs.select_related("author")[:100]]


@router.post("/exchange/spaces/{space_id}/posts", response=responses(201, PostOut),
             summary="Post a question, discussion or good practice (one text box is enough)")
def create_post(request, payload: ThreadIn, space_id: int = ID):
    space = _space(request, space_id)
    post = _run(lambda: services.post_thread(by=request.user, space=space, **payload.dict()))
    return 201, _post_out(request.user, post)


@router.get("/exchange/posts/{post_id}", response=responses(200, ThreadOut))
def get_post(request, post_id: int = ID):
    p = _post(request, post_id)
    out = _post_out(request.user, p)
    out["replies"] = [_post_out(request.user, r) for r in selectors.replies(request.user, p).select_related("author")]
    return out


@router.post("/exchange/posts/{post_id}/replies", response=responses(201, PostOut))
def reply(request, payload: ReplyIn, post_id: int = ID):
    thread = _post(request, post_id)
    r = _run(lambda: services.post_reply(by=request.user, thread=thread, body=payload.body,
                                         anonymous=payload.anonymous))
    return 201, _post_out(request.user, r)


@router.post("/exchange/posts/{post_id}/accept", response=responses(200, PostOut),
             summary="The asker accepts this reply as the answer")
def accept(request, post_id: int = ID):
    r = _post(request, post_id)
    thread = services.accept_answer(by=request.user, reply=r)
    return _post_out(request.user, thread)


@router.post("/exchange/posts/{post_id}/reactions", response=responses(200, ReactionOut),
             summary="Toggle 「役に立った」 or 「私も」")
def react(request, payload: ReactionIn, post_id: int = ID):
    p = _post(request, post_id)
    active = _run(lambda: services.react(by=request.user, post=p, kind=payload.kind))
    return {"kind": payload.kind, "active": active}


@router.post("/exchange/posts/{post_id}/reports", response=responses(201, ExchangeEventOut))
def report(request, payload: ExchangeReasonIn, post_id: int = ID):
    p = _post(request, post_id)
    e = _run(lambda: services.report(by=request.user, post=p, reason=payload.reason))
    return 201, {"id": e.pk, "post_id": e.post_id, "action": e.action, "reason": e.reason, "at": e.at}


@router.post("/exchange/posts/{post_id}/moderation", response=responses(200, ExchangeEventOut),
             summary="Hide or restore a post, with a reason (moderators)")
def moderate(request, payload: ModerateIn, post_id: int = ID):
    if not selectors.is_moderator(request.user):
        raise PermissionDenied
    p = _post(request, post_id)
    e = services.set_hidden(by=request.user, post=p, hidden=payload.action == "hide", reason=payload.reason)
    return {"id": e.pk, "post_id": e.post_id, "action": e.action, "reason": e.reason, "at": e.at}


@router.get("/exchange/posts/{post_id}/author", response=responses(200, AuthorOut),
            summary="Who wrote a post — for an anonymous one, moderators only (recorded)")
def get_author(request, post_id: int = ID):
    p = _post(request, post_id)
    user = _run(lambda: services.reveal_author(by=request.user, post=p))
    town = p.author_municipality.name if p.author_municipality_id else ""
    return {"user_id": user.pk, "display_name": user.display_name, "municipality": town}


def _cafe(request, cafe_id):
    return get_object_or_404(CafeSession.objects.filter(space__in=selectors.readable_spaces(request.user)), pk=cafe_id)


def _cafe_out(user, c) -> dict:
    return {"id": c.pk, "space_id": c.space_id, "title": c.title, "starts_at": c.starts_at,
            "recording_url": c.recording_url, "registered": c.registrations.filter(user=user).exists(),
            "surveyed": c.surveys.filter(user=user).exists()}


@router.get("/exchange/spaces/{space_id}/cafes", response=responses(200, list[CafeOut]))
def list_cafes(request, space_id: int = ID):
    space = _space(request, space_id)
    return [_cafe_out(request.user, c) for c in selectors.cafes(request.user, space)[:100]]


@router.post("/exchange/cafes/{cafe_id}/registration", response=responses(200, CafeOut))
def register_cafe(request, cafe_id: int = ID):
    c = _cafe(request, cafe_id)
    _run(lambda: services.register_cafe(by=request.user, session=c))
    return _cafe_out(request.user, c)


@router.post("/exchange/cafes/{cafe_id}/survey", response=responses(201, SurveyOut),
             summary="Post-event survey: five-level satisfaction and whether one watched live, later or not")
def answer_survey(request, payload: SurveyIn, cafe_id: int = ID):
    c = _cafe(request, cafe_id)
    s = _run(lambda: services.answer_survey(by=request.user, session=c, satisfaction=payload.satisfaction,
                                            watched=payload.watched, comment=payload.comment))
    return 201, {"id": s.pk, "satisfaction": s.satisfaction, "watched": s.watched}

