"""Every write of the events app. Each public function is one transaction; sign-up changes lock
the event row first (`select_for_update`), so places and waiting positions follow arrival
order even under concurrent requests. Refusals are `ValidationError` with a stable `code`
(nothing written) or `PermissionDenied`."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sasaeai.notifications.services import notify
from sasaeai.tenancy.models import Membership, Role

from . import selectors
from .models import (
    HOLDS_PLACE,
    LIVE,
    Attendance,
    AttendanceMethod,
    Event,
    EventType,
    FollowUp,
    FollowUpStatus,
    OrganiserKind,
    SignUp,
    SignUpChannel,
    SignUpStatus,
)
from .signals import event_help_completed

#: How long a person promoted from the waiting list has to confirm the place.
OFFER_HOURS = 24


def _invalid(field: str, message, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def _locked(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _held(event: Event) -> int:
    return event.signups.filter(status__in=HOLDS_PLACE).count()


# --- Events -----------------------------------------------------------------------------------


@transaction.atomic
def create_event(*, by, municipality, title: str, event_type: str, starts_at, ends_at, capacity,
                 area=None, organiser_kind: str = OrganiserKind.SC, organiser_name: str = "", place: str = "",
                 online_url: str = "", description: str = "", is_public: bool = True,
                 repeat_weekly: int = 0, source=None, demo_key: str | None = None) -> list[Event]:
    """Create an event, or a weekly series of `repeat_weekly + 1` events (one per date)."""
    if by is not None and not selectors.can_create_in(by, municipality):
        raise PermissionDenied
    title = (title or "").strip()
    if not title:
        raise _invalid("title", _("This field is required."), "required")
    if event_type not in EventType.values:
        raise _invalid("event_type", _("Choose a type of event."), "invalid_type")
    if organiser_kind not in OrganiserKind.values:
        raise _invalid("organiser_kind", _("Choose an organiser."), "invalid_organiser")
    try:
        capacity = int(capacity)
    except (TypeError, ValueError):
        capacity = 0
    if capacity < 1 or capacity > 10_000:
        raise _invalid("capacity", _("Capacity must be between 1 and 10,000."), "invalid_capacity")
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        raise _invalid("ends_at", _("An event must end after it starts."), "invalid_times")
    if not place.strip() and not online_url.strip():
        raise _invalid("place", _("Give a place or an online link."), "place_required")
    if area is not None and area.municipality_id != municipality.pk:
        raise _invalid("area", _("This area is not in the municipality."), "invalid_area")
    repeat = max(0, min(int(repeat_weekly or 0), 52))
    series = uuid.uuid4().hex if repeat else ""
    extra = {}
    if source is not None:
        from django.contrib.contenttypes.models import ContentType

        extra = {"source_type": ContentType.objects.get_for_model(source), "source_id": source.pk}
    out = []
    for i in range(repeat + 1):
        shift = dt.timedelta(weeks=i)
        out.append(Event.objects.create(
            municipality=municipality, area=area, event_type=event_type, title=title[:150],
            description=description, organiser_kind=organiser_kind,
            organiser_name=(organiser_name or "").strip()[:150] or municipality.name,
            organiser=by if by is not None and organiser_kind == OrganiserKind.SC else None,
            place=place.strip(), online_url=online_url.strip(), starts_at=starts_at + shift,
            ends_at=ends_at + shift, capacity=capacity, is_public=is_public, series=series,
            demo_key=f"{demo_key}-{i}" if demo_key and repeat else demo_key, **extra))
    return out


def programme_place(service) -> str:
    location = getattr(service, "location", None)
    return " ".join(p for p in (getattr(location, "name", ""), getattr(location, "address", "")) if p)


def publish_programme(*, by, service, starts_at, ends_at, capacity, place: str = "", repeat_weekly: int = 0,
                      event_type: str = EventType.SALON) -> list[Event]:
    """Publish a directory programme (directory.Service) as events: its name, provider, place and
    area. Published (public) events of a programme appear on the weekly calendar PDF."""
    if getattr(service, "status", "published") != "published" or getattr(service, "visibility", "public") != "public":
        raise _invalid("service", _("Only a published, public programme can be published as events."),
                       "programme_not_public")
    return create_event(by=by, municipality=service.municipality, title=service.name, event_type=event_type,
                        starts_at=starts_at, ends_at=ends_at, capacity=capacity,
                        area=getattr(service, "area", None), organiser_kind=OrganiserKind.PARTNER,
                        organiser_name=str(getattr(service, "organization", "") or service.name),
                        place=place or programme_place(service) or service.name,
                        description=getattr(service, "description", "") or "", repeat_weekly=repeat_weekly,
                        source=service)


@transaction.atomic
def cancel_event(*, by, event: Event, reason: str = "") -> Event:
    """The organiser cancels: every live sign-up is cancelled and its person notified."""
    if by is not None and not selectors.can_manage(by, event):
        raise PermissionDenied
    event = _locked(event)
    if event.cancelled_at:
        raise ValidationError(_("This event is already cancelled."), code="already_cancelled")
    now = timezone.now()
    event.cancelled_at = now
    event.save(update_fields=["cancelled_at", "updated_at"])
    for s in event.signups.filter(status__in=LIVE).select_related("person"):
        s.status, s.cancelled_at, s.cancelled_by_organiser = SignUpStatus.CANCELLED, now, True
        s.save(update_fields=["status", "cancelled_at", "cancelled_by_organiser"])
        notify(s.person, "events.event_cancelled", {"title": event.title, "reason": reason[:300],
                                                    "url": reverse("events:detail", args=[event.pk])})
    return event


# --- Sign-ups ---------------------------------------------------------------------------------


def _may_sign_up_for(by, person, event: Event) -> str:
    """The channel of a sign-up made by `by` for `person`, or PermissionDenied."""
    if by is None or by.pk == person.pk:
        return SignUpChannel.SELF
    if selectors.can_manage(by, event) or (
            selectors.municipality_ids(by, selectors.READ_ROLES - {Role.PARTNER}) or set()) >= {event.municipality_id}:
        return SignUpChannel.PHONE
    from sasaeai.residents.selectors import residents_acted_for

    if residents_acted_for(by).filter(user=person).exists():
        return SignUpChannel.PROXY
    raise PermissionDenied


@transaction.atomic
def sign_up(*, by, event: Event, person=None, as_helper: bool = False, join_waiting_list: bool = True) -> SignUp:
    """Sign up `person` (default: `by`). A full event puts the person on the waiting list when
    `join_waiting_list`, else refuses with `event_full` (the page then offers the list)."""
    person = person or by
    channel = _may_sign_up_for(by, person, event)
    event = _locked(event)
    if not selectors.events_for(person).filter(pk=event.pk).exists() and channel == SignUpChannel.SELF:
        raise PermissionDenied
    if event.cancelled_at:
        raise _invalid("event", _("This event has been cancelled."), "event_cancelled")
    if event.starts_at <= timezone.now():
        raise _invalid("event", _("This event has already started or is over: sign-up is closed."), "event_past")
    if event.signups.filter(person=person, status__in=LIVE).exists():
        raise _invalid("event", _("You are already signed up for this event."), "already_signed_up")
    full = _held(event) >= event.capacity
    if full and not join_waiting_list:
        raise _invalid("event", _("This event is full. You can join the waiting list instead."), "event_full")
    try:
        with transaction.atomic():
            signup = SignUp.objects.create(
                event=event, person=person, signed_up_by=by, channel=channel, as_helper=bool(as_helper),
                status=SignUpStatus.WAITING if full else SignUpStatus.CONFIRMED)
    except IntegrityError:
        raise _invalid("event", _("You are already signed up for this event."), "already_signed_up") from None
    return signup


def _promote(event: Event, now) -> SignUp | None:
    """Offer freed places to the first of the waiting list, in arrival order (event locked)."""
    promoted = None
    while _held(event) < event.capacity:
        nxt = event.signups.filter(status=SignUpStatus.WAITING).order_by("id").first()
        if nxt is None:
            break
        deadline = min(now + dt.timedelta(hours=OFFER_HOURS), event.starts_at)
        nxt.status, nxt.offer_deadline = SignUpStatus.OFFERED, deadline
        nxt.save(update_fields=["status", "offer_deadline"])
        notify(nxt.person, "events.place_offered", {
            "title": event.title, "deadline": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M"),
            "url": reverse("events:detail", args=[event.pk])})
        promoted = promoted or nxt
    return promoted


@transaction.atomic
def cancel_signup(*, by, signup: SignUp) -> SignUp:
    """Cancel by the person (or their proxy, or staff); a freed place goes to the waiting list."""
    event = _locked(signup.event)
    signup = SignUp.objects.select_for_update().get(pk=signup.pk)
    organiser = by is not None and selectors.can_manage(by, event)
    if by is not None and by.pk != signup.person_id and by.pk != signup.signed_up_by_id and not organiser:
        raise PermissionDenied
    if signup.status not in LIVE:
        raise _invalid("signup", _("This sign-up is not active."), "not_active")
    signup.status, signup.cancelled_at = SignUpStatus.CANCELLED, timezone.now()
    signup.cancelled_by_organiser = bool(organiser and by.pk != signup.person_id)
    signup.save(update_fields=["status", "cancelled_at", "cancelled_by_organiser"])
    if signup.cancelled_by_organiser:
        notify(signup.person, "events.signup_cancelled", {"title": event.title,
                                                          "url": reverse("events:detail", args=[event.pk])})
    if event.starts_at > timezone.now():
        _promote(event, timezone.now())
    return signup


@transaction.atomic
def confirm_offer(*, by, signup: SignUp) -> SignUp:
    """The promoted person confirms the offered place before the deadline."""
    _locked(signup.event)
    signup = SignUp.objects.select_for_update().get(pk=signup.pk)
    if by is not None and by.pk not in (signup.person_id, signup.signed_up_by_id):
        raise PermissionDenied
    if signup.status != SignUpStatus.OFFERED:
        raise _invalid("signup", _("No place is offered on this sign-up."), "no_offer")
    if signup.offer_deadline and signup.offer_deadline < timezone.now():
        raise _invalid("signup", _("The time to confirm this place has passed."), "offer_expired")
    signup.status = SignUpStatus.CONFIRMED
    signup.save(update_fields=["status"])
    return signup


def expire_offers(now=None) -> int:
    """Offers past their deadline expire; their places go to the next on the waiting list."""
    now = now or timezone.now()
    n = 0
    for event_id in SignUp.objects.filter(status=SignUpStatus.OFFERED, offer_deadline__lt=now).values_list(
            "event_id", flat=True).distinct():
        with transaction.atomic():
            event = Event.objects.select_for_update().get(pk=event_id)
            n += event.signups.filter(status=SignUpStatus.OFFERED, offer_deadline__lt=now).update(
                status=SignUpStatus.EXPIRED)
            if event.starts_at > now:
                _promote(event, now)
    return n


def send_reminders(now=None) -> int:
    """Remind confirmed participants of events taking place tomorrow (Asia/Tokyo), once."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + dt.timedelta(days=1)
    n = 0
    due = SignUp.objects.filter(status=SignUpStatus.CONFIRMED, reminder_sent_at__isnull=True,
                                event__cancelled_at__isnull=True,
                                event__starts_at__date=tomorrow).select_related("event", "person")
    for s in due:
        with transaction.atomic():
            if SignUp.objects.filter(pk=s.pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now):
                notify(s.person, "events.reminder", {
                    "title": s.event.title, "when": timezone.localtime(s.event.starts_at).strftime("%Y-%m-%d %H:%M"),
                    "place": s.event.place or s.event.online_url, "url": reverse("events:detail", args=[s.event_id])})
                n += 1
    return n


def run_monitors(now=None) -> dict:
    """One round of the events' timers (called by `sasaeai run_event_monitors`)."""
    return {"offers_expired": expire_offers(now), "reminders_sent": send_reminders(now)}


# --- Attendance and follow-ups ----------------------------------------------------------------


@transaction.atomic
def record_attendance(*, by, event: Event, person, method: str = AttendanceMethod.LIST,
                      walk_in: bool = False) -> Attendance:
    """Record that a person attended. A person without a confirmed sign-up is accepted only
    as a walk-in (当日参加), recorded as such."""
    if by is not None and not selectors.can_manage(by, event):
        raise PermissionDenied
    if method not in AttendanceMethod.values:
        raise _invalid("method", _("Unknown way of recording attendance."), "invalid_method")
    event = _locked(event)
    if event.cancelled_at:
        raise _invalid("event", _("This event has been cancelled."), "event_cancelled")
    signup = event.signups.filter(person=person, status=SignUpStatus.CONFIRMED).first()
    if signup is None and not walk_in:
        raise _invalid("person", _("This person has not signed up. Record them as a walk-in."), "not_signed_up")
    if event.attendances.filter(person=person).exists():
        raise _invalid("person", _("Attendance is already recorded for this person."), "already_attended")
    att = Attendance.objects.create(event=event, person=person, signup=signup, method=method,
                                    walk_in=signup is None, recorded_by=by)
    if event.event_type == EventType.TRIAL_VOLUNTEERING:
        FollowUp.objects.get_or_create(event=event, person=person)
    if signup is not None and signup.as_helper:
        transaction.on_commit(lambda: event_help_completed.send(sender=Attendance, attendance=att, event=event,
                                                                person=person))
    return att


def check_in(*, by, code: str) -> Attendance:
    """The door: the organiser scans a participant's QR code (the sign-up's check-in code)."""
    signup = SignUp.objects.filter(checkin_code=(code or "").strip()[:32]).select_related("event", "person").first()
    if signup is None:
        raise _invalid("code", _("This check-in code is not valid."), "unknown_code")
    if by is not None and not selectors.can_manage(by, signup.event):
        raise PermissionDenied
    if signup.status != SignUpStatus.CONFIRMED:
        raise _invalid("code", _("This sign-up is not confirmed."), "not_confirmed")
    return record_attendance(by=by, event=signup.event, person=signup.person, method=AttendanceMethod.QR)


@transaction.atomic
def complete_followup(*, by, followup: FollowUp, note: str = "") -> FollowUp:
    if by is not None and not selectors.can_manage(by, followup.event):
        raise PermissionDenied
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    if followup.status == FollowUpStatus.DONE:
        raise _invalid("followup", _("This follow-up is already done."), "already_done")
    followup.status, followup.done_at, followup.done_by = FollowUpStatus.DONE, timezone.now(), by
    followup.note = (note or "").strip()[:2000]
    followup.save(update_fields=["status", "done_at", "done_by", "note"])
    notify(followup.person, "events.followup", {"title": followup.event.title,
                                                "url": reverse("events:followup", args=[followup.pk])})
    return followup


def helper_prefill(followup: FollowUp) -> dict:
    """What the helper registration form starts with: the municipality and area of the trial,
    the person's name, the trial's type of activity."""
    return {"municipality": followup.event.municipality, "area": followup.event.area,
            "display_name": getattr(followup.person, "display_name", "") or "",
            "trial": followup.event.title}


@transaction.atomic
def register_helper_from_followup(*, by, followup: FollowUp):
    """The participant registers as a helper from the follow-up: a helper membership in the
    trial's municipality (area pre-filled) and a helper profile. Idempotent."""
    from sasaeai.helpers.services import get_or_create_own_profile

    followup = FollowUp.objects.select_for_update().select_related("event").get(pk=followup.pk)
    if by is None or by.pk != followup.person_id:
        raise PermissionDenied
    event = followup.event
    membership = Membership.objects.filter(user=by, municipality=event.municipality, role=Role.HELPER).first()
    if membership is None:
        membership = Membership.objects.create(user=by, municipality=event.municipality, role=Role.HELPER)
        if event.area_id and event.area.layer == 2:
            membership.areas.add(event.area)
        from sasaeai.tenancy.selectors import forget_memberships

        forget_memberships(by)
    profile = get_or_create_own_profile(by)
    if followup.registered_helper_at is None:
        followup.registered_helper_at = timezone.now()
        followup.save(update_fields=["registered_helper_at"])
    return profile
