"""Writes of the exchange. Every refusal is a ValidationError or PermissionDenied with a
stable code and a translated message; nothing is written when one is raised."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from . import selectors
from .models import (
    CafeRegistration,
    CafeSession,
    CafeSurvey,
    ModerationEvent,
    Moderator,
    Post,
    PostKind,
    Reaction,
    Satisfaction,
    Space,
    Watched,
)

THREAD_KINDS = {PostKind.QUESTION, PostKind.DISCUSSION, PostKind.PRACTICE}


class NotMember(PermissionDenied):
    code = "not_space_member"

    def __init__(self):
        super().__init__(_("You are not a member of this exchange space: it is for life support coordinators "
                           "of its prefecture (or of the whole country)."))


class AuthorHidden(PermissionDenied):
    code = "anonymous_author_hidden"

    def __init__(self):
        super().__init__(_("The author of an anonymous post is visible only to the exchange's moderators."))


def _need_member(user, space: Space) -> None:
    if not selectors.is_member(user, space):
        raise NotMember()


def _text(value: str, field: str = "body") -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: ValidationError(_("Write something before posting."), code="empty_post")})
    return value


@transaction.atomic
def post_thread(*, by, space: Space, body: str, kind: str = PostKind.QUESTION, title: str = "", topic: str = "",
                anonymous: bool = False, **practice) -> Post:
    """One text box is enough: the title defaults to the first line of the text."""
    _need_member(by, space)
    if kind not in THREAD_KINDS:
        raise ValidationError({"kind": ValidationError(_("Choose question, discussion or good practice."),
                                                       code="invalid_kind")})
    body = _text(body)
    title = (title or "").strip() or body.splitlines()[0][:60]
    fields = {k: v for k, v in practice.items()
              if k in {"area_type", "population", "what_was_done", "result", "attachment_url"} and v not in (None, "")}
    post = Post(space=space, kind=kind, title=title[:150], topic=(topic or "").strip()[:50], body=body, author=by,
                author_municipality=selectors.home_municipality(by), anonymous=bool(anonymous), **fields)
    post.full_clean(exclude=["author", "space", "author_municipality"])
    post.save()
    return post


@transaction.atomic
def post_reply(*, by, thread: Post, body: str, anonymous: bool = False) -> Post:
    if thread.thread_id is not None:
        raise ValidationError(_("Reply to the thread, not to a reply."), code="invalid_thread")
    _need_member(by, thread.space)
    body = _text(body)
    reply = Post(space=thread.space, thread=thread, kind=PostKind.REPLY, body=body, author=by,
                 author_municipality=selectors.home_municipality(by), anonymous=bool(anonymous))
    reply.full_clean(exclude=["author", "space", "thread", "author_municipality"])
    reply.save()
    if thread.author_id != by.pk:
        from sasaeai.notifications.services import notify

        # No author in the context: an anonymous reply must not be revealed by a notification.
        notify(thread.author, "exchange_reply", {
            "subject": _("A new reply in the coordinators' exchange"),
            "body": _("Your post “%(title)s” has a new reply.") % {"title": thread.title},
            "url": reverse("exchange:thread", args=[thread.pk]),
        })
    return reply


@transaction.atomic
def accept_answer(*, by, reply: Post) -> Post:
    if reply.thread_id is None:
        raise ValidationError(_("Accept a reply, not a thread."), code="not_a_reply")
    thread = Post.objects.select_for_update().get(pk=reply.thread_id)
    if thread.author_id != by.pk:
        raise PermissionDenied(_("Only who asked the question may accept an answer."))
    if thread.kind != PostKind.QUESTION:
        raise ValidationError(_("Only a question has an accepted answer."), code="not_a_question")
    thread.accepted_answer = reply
    thread.save(update_fields=["accepted_answer"])
    return thread


def react(*, by, post: Post, kind: str) -> bool:
    """Toggle a reaction; True when it is now set."""
    _need_member(by, post.space)
    if kind not in Reaction.Kind.values:
        raise ValidationError({"kind": ValidationError(_("Unknown reaction."), code="invalid_reaction")})
    with transaction.atomic():
        deleted, _rows = Reaction.objects.filter(post=post, user=by, kind=kind).delete()
        if deleted:
            return False
        try:
            with transaction.atomic():
                Reaction.objects.create(post=post, user=by, kind=kind)
        except IntegrityError:
            pass
    return True


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(_("Give a reason."), code="reason_required")})
    return reason[:500]


@transaction.atomic
def report(*, by, post: Post, reason: str) -> ModerationEvent:
    if not selectors.can_read(by, post.space):
        raise NotMember()
    return ModerationEvent.objects.create(post=post, by=by, action=ModerationEvent.Action.REPORT,
                                          reason=_reason(reason))


@transaction.atomic
def set_hidden(*, by, post: Post, hidden: bool, reason: str) -> ModerationEvent:
    if not selectors.is_moderator(by):
        raise PermissionDenied(_("Only the exchange's moderators may hide or restore posts."))
    reason = _reason(reason)
    post = Post.objects.select_for_update().get(pk=post.pk)
    post.hidden = hidden
    post.save(update_fields=["hidden"])
    action = ModerationEvent.Action.HIDE if hidden else ModerationEvent.Action.RESTORE
    return ModerationEvent.objects.create(post=post, by=by, action=action, reason=reason)


@transaction.atomic
def reveal_author(*, by, post: Post, reason: str = ""):
    """The author of an anonymous post, for a moderator; recorded in the audit trail."""
    if not selectors.is_moderator(by):
        raise AuthorHidden()
    if post.anonymous:
        ModerationEvent.objects.create(post=post, by=by, action=ModerationEvent.Action.REVEAL,
                                       reason=(reason or "").strip()[:500] or pgettext("exchange", "Moderation"))
    return post.author


def appoint_moderator(*, by, user) -> Moderator:
    from sasaeai.tenancy.selectors import is_operator

    if not is_operator(by):
        raise PermissionDenied(_("Only the operator appoints moderators."))
    moderator, _created = Moderator.objects.get_or_create(user=user, defaults={"appointed_by": by})
    return moderator


def create_space(*, by, name: str, scope: str, prefecture: str = "") -> Space:
    from sasaeai.tenancy.selectors import is_operator

    if by is not None and not is_operator(by):
        raise PermissionDenied(_("Only the operator sets up exchange spaces."))
    space = Space(name=_text(name, "name"), scope=scope, prefecture=prefecture if scope == "prefecture" else "")
    space.full_clean()
    space.save()
    return space


#: How long an SC Café lasts when the organiser does not say.
CAFE_MINUTES = 60


@transaction.atomic
def create_cafe(*, by, space: Space, title: str, starts_at, join_url: str = "", minutes=CAFE_MINUTES,
                capacity=100, demo_key: str | None = None) -> CafeSession:
    """An SC Café held by a coordinator of the space: an online SC network meeting of the
    organiser's municipality (staff only, never shown to residents) whose sign-up is the
    registration."""
    from sasaeai.events import services as events
    from sasaeai.events.models import EventType, OrganiserKind

    _need_member(by, space)
    title = _text(title, "title")[:150]
    if starts_at is None or starts_at <= timezone.now():
        raise ValidationError({"starts_at": ValidationError(_("An SC Café is planned for a future date and time."),
                                                            code="invalid_times")})
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        minutes = 0
    if not 15 <= minutes <= 480:
        raise ValidationError({"minutes": ValidationError(_("An SC Café lasts between 15 minutes and 8 hours."),
                                                          code="invalid_times")})
    join_url = (join_url or "").strip()
    session = CafeSession(space=space, title=title, starts_at=starts_at, join_url=join_url, organiser=by,
                          demo_key=demo_key)
    session.full_clean(exclude=["space", "organiser", "event", "demo_key"])
    [event] = events.create_event(
        by=by, municipality=selectors.home_municipality(by), title=pgettext("exchange", "SC Café: %(title)s")
        % {"title": title}, event_type=EventType.SC_NETWORK, starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=minutes), capacity=capacity, organiser_kind=OrganiserKind.SC,
        organiser_name=space.name, online_url=join_url, place="" if join_url else pgettext("exchange", "Online"),
        description=space.name, is_public=False)
    session.event = event
    session.save()
    return session


@transaction.atomic
def register_cafe(*, by, session: CafeSession) -> CafeRegistration:
    """Register for an SC Café: the event's sign-up (a full café puts the coordinator on its
    waiting list, promoted when someone cancels). Registering twice is harmless."""
    from sasaeai.events import services as events
    from sasaeai.events.models import LIVE

    _need_member(by, session.space)
    if session.event_id and not session.event.signups.filter(person=by, status__in=LIVE).exists():
        if session.event.starts_at <= timezone.now():
            raise ValidationError(_("This SC Café has already taken place: watch the recording instead."),
                                  code="event_past")
        try:
            with transaction.atomic():
                events.sign_up(by=by, event=session.event, join_waiting_list=True)
        except ValidationError as exc:  # a concurrent double submit signed up first: registered
            codes = {e.code for errs in getattr(exc, "error_dict", {}).values() for e in errs}
            if codes != {"already_signed_up"}:
                raise
    reg, _created = CafeRegistration.objects.get_or_create(session=session, user=by)
    return reg


def can_manage_cafe(user, session: CafeSession) -> bool:
    from sasaeai.tenancy.selectors import is_operator

    return bool(getattr(user, "is_authenticated", False) and (
        session.organiser_id == user.pk or selectors.is_moderator(user) or is_operator(user)))


@transaction.atomic
def set_recording(*, by, session: CafeSession, url: str) -> CafeSession:
    """After the SC Café, its organiser (or a moderator) adds the recording link; registered
    coordinators are told it is there."""
    from django.core.validators import URLValidator

    from sasaeai.notifications.services import notify

    if not can_manage_cafe(by, session):
        raise PermissionDenied(_("Only who holds the SC Café (or a moderator) adds its recording."))
    session = CafeSession.objects.select_for_update().get(pk=session.pk)
    if session.starts_at > timezone.now():
        raise ValidationError({"recording_url": ValidationError(
            _("The recording link is added after the SC Café has taken place."), code="not_yet")})
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError({"recording_url": ValidationError(_("Enter a valid link (https://…)."),
                                                                code="invalid_url")}) from None
    first = not session.recording_url
    session.recording_url = url
    session.save(update_fields=["recording_url"])
    if first:
        for reg in session.registrations.select_related("user").exclude(user=by):
            notify(reg.user, "exchange_recording", {
                "subject": _("The recording of the SC Café is available"),
                "body": session.title,
                "url": reverse("exchange:cafe", args=[session.pk]),
            })
    return session


@transaction.atomic
def answer_survey(*, by, session: CafeSession, satisfaction, watched: str, comment: str = "") -> CafeSurvey:
    _need_member(by, session.space)
    if session.starts_at > timezone.now():
        raise ValidationError(_("The survey opens when the SC Café has started."), code="survey_not_open")
    try:
        satisfaction = int(satisfaction)
    except (TypeError, ValueError):
        satisfaction = 0
    errors = {}
    if satisfaction not in Satisfaction.values:
        errors["satisfaction"] = ValidationError(_("Choose one of the five levels of satisfaction."),
                                                 code="invalid_survey")
    if watched not in Watched.values:
        errors["watched"] = ValidationError(_("Say whether you watched live, later or not at all."),
                                            code="invalid_survey")
    if errors:
        raise ValidationError(errors)
    if CafeSurvey.objects.filter(session=session, user=by).exists():
        raise ValidationError(_("You have already answered the survey of this SC Café."), code="survey_answered")
    try:
        with transaction.atomic():
            return CafeSurvey.objects.create(session=session, user=by, satisfaction=satisfaction, watched=watched,
                                             comment=(comment or "").strip()[:2000])
    except IntegrityError:
        raise ValidationError(_("You have already answered the survey of this SC Café."),
                              code="survey_answered") from None


def weekly_digest(*, since) -> int:
    """週次ダイジェスト: to every coordinator, the titles of the week's new threads in the spaces
    they belong to (no authors). Returns the number of notifications sent."""
    from sasaeai.notifications.services import notify
    from sasaeai.tenancy.models import Membership

    new = list(Post.objects.filter(thread__isnull=True, hidden=False, created_at__gte=since)
               .select_related("space").order_by("space_id", "-created_at"))
    if not new:
        return 0
    users = {m.user for m in Membership.objects.filter(role__in=selectors.PARTICIPANT_ROLES)
             .select_related("user", "municipality") if m.user.is_active}
    sent = 0
    for user in users:
        titles = [p.title for p in new if selectors.is_member(user, p.space)][:20]
        if not titles:
            continue
        notify(user, "exchange_digest", {
            "subject": _("This week in the coordinators' exchange"),
            "body": "\n".join(f"・{t}" for t in titles),
            "url": reverse("exchange:spaces"),
        })
        sent += 1
    return sent
