"""Reads of the events app, scoped to the viewer inside the query.

* Anyone, anonymous visitors too, reads the public events (not SC network meetings or joint
  trainings, which are for staff only) of every municipality.
* Staff of a municipality (coordinators, support centres, municipal administrators) and its
  partners read all its events; an operator reads all.
* A person reads the events they are signed up for.
* A coordinator reads the SC Cafés (exchange) of the spaces they take part in.
Coordinators covering the event's area, municipal administrators, operators and the event's
organiser account manage an event (attendance, follow-ups, cancellation)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from sasaeai.tenancy.models import Role
from sasaeai.tenancy.selectors import area_ids, is_operator, municipality_ids

from .models import STAFF_ONLY_TYPES, Event, FollowUp, FollowUpStatus, SignUp, SignUpStatus

READ_ROLES = frozenset({Role.COORDINATOR_L1, Role.COORDINATOR_L2, Role.SUPPORT_CENTER, Role.MUNICIPAL_ADMIN,
                        Role.PARTNER})
MANAGE_ROLES = frozenset({Role.COORDINATOR_L1, Role.COORDINATOR_L2, Role.MUNICIPAL_ADMIN})
NOTHING = Q(pk__in=[])
PUBLIC_Q = Q(is_public=True) & ~Q(event_type__in=list(STAFF_ONLY_TYPES))


def _authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def readable_q(user) -> Q:
    if not _authenticated(user):
        return PUBLIC_Q
    if is_operator(user):
        return Q()
    q = PUBLIC_Q | Q(signups__person=user, signups__status__in=["confirmed", "offered", "waiting"])
    ids = municipality_ids(user, READ_ROLES)
    if ids:
        q |= Q(municipality_id__in=ids)
    from sasaeai.exchange import selectors as exchange

    if exchange.is_participant(user) or exchange.is_moderator(user):
        # SC Cafés are events of the organiser's municipality read by every coordinator of
        # the exchange space they are held in (across municipalities).
        q |= Q(sc_cafe__space__in=exchange.readable_spaces(user))
    return q


def manageable_q(user) -> Q:
    if not _authenticated(user):
        return NOTHING
    if is_operator(user):
        return Q()
    q = Q(organiser=user)
    for mid in municipality_ids(user, MANAGE_ROLES) or ():
        covered = area_ids(user, mid, MANAGE_ROLES)
        if covered is None:
            q |= Q(municipality_id=mid)
        else:
            q |= Q(municipality_id=mid, area_id__in=covered) | Q(municipality_id=mid, area__isnull=True)
    return q


def events_for(user) -> QuerySet[Event]:
    return Event.objects.filter(readable_q(user)).distinct().select_related("municipality", "area")


def upcoming_for(user, *, municipality_id=None, area_id=None) -> QuerySet[Event]:
    qs = events_for(user).filter(ends_at__gte=timezone.now(), cancelled_at__isnull=True)
    if municipality_id:
        qs = qs.filter(municipality_id=municipality_id)
    if area_id:
        qs = qs.filter(area_id=area_id)
    return qs


def public_events(municipality) -> QuerySet[Event]:
    return Event.objects.filter(PUBLIC_Q, municipality=municipality)


def managed_events(user) -> QuerySet[Event]:
    return Event.objects.filter(manageable_q(user)).distinct()


def can_manage(user, event: Event) -> bool:
    return managed_events(user).filter(pk=event.pk).exists()


def can_create(user) -> bool:
    return _authenticated(user) and (is_operator(user) or bool(municipality_ids(user, MANAGE_ROLES)))


def can_create_in(user, municipality) -> bool:
    if not _authenticated(user):
        return False
    ids = municipality_ids(user, MANAGE_ROLES)
    return ids is None or municipality.pk in ids


def signups_of(user) -> QuerySet[SignUp]:
    if not _authenticated(user):
        return SignUp.objects.none()
    return SignUp.objects.filter(person=user).select_related("event").order_by("-event__starts_at", "id")


def waiting_list(event: Event) -> QuerySet[SignUp]:
    return event.signups.filter(status=SignUpStatus.WAITING).order_by("id")


def open_followups(user) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(status=FollowUpStatus.OPEN, event__in=managed_events(user)).select_related(
        "event", "person")


def followups_of_person(user) -> QuerySet[FollowUp]:
    if not _authenticated(user):
        return FollowUp.objects.none()
    return FollowUp.objects.filter(person=user).select_related("event")


def _month(day):
    import datetime as dt

    first = day.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(first, dt.time.min, tzinfo=tz), dt.datetime.combine(nxt, dt.time.min, tzinfo=tz))


def programme_events(municipality, *, area=None, day=None) -> QuerySet[Event]:
    """Public, not cancelled events published from directory programmes in the month of `day`
    (default today, Asia/Tokyo): what the weekly calendar PDF lists with their dates."""
    from django.contrib.contenttypes.models import ContentType

    from sasaeai.directory.models import Service

    start, end = _month(day or timezone.localdate())
    qs = public_events(municipality).filter(source_type=ContentType.objects.get_for_model(Service),
                                            cancelled_at__isnull=True, starts_at__gte=start, starts_at__lt=end)
    if area is not None:
        qs = qs.filter(area=area)
    return qs.order_by("starts_at", "pk")


def programme_events_version(municipality, *, area=None) -> str:
    """Changes whenever `programme_events` could (for the printouts' cache)."""
    from django.db.models import Count, Max

    agg = programme_events(municipality, area=area).aggregate(n=Count("pk"), t=Max("updated_at"))
    return f"{agg['n']}:{agg['t'].isoformat() if agg['t'] else ''}"
