"""Reads of the training app, scoped to the viewer inside the query.

* Staff of a municipality (coordinators, support centres, municipal administrators) read its
  courses, sessions and completions; an operator reads all.
* Coordinators and municipal administrators of the municipality (and the operator) manage its
  courses (create, add sessions); recording completions at a session is for whoever manages
  that session's event (`events.selectors.can_manage`: its organiser, the coordinators covering
  its area, the administrators).
* A person reads their own completions and downloads their own certificates.
* Anyone checks a certificate code on the public page (`verification`), which discloses only the
  course, the date, the validity and the holder's initial."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.db.models import Q, QuerySet
from django.utils import timezone

from sasaeai.events import selectors as event_selectors
from sasaeai.tenancy.models import Role
from sasaeai.tenancy.selectors import is_operator, municipality_ids

from .models import CODE_ALPHABET, CODE_LENGTH, Completion, Course, CourseSession

READ_ROLES = frozenset({Role.COORDINATOR_L1, Role.COORDINATOR_L2, Role.SUPPORT_CENTER, Role.MUNICIPAL_ADMIN})
MANAGE_ROLES = frozenset({Role.COORDINATOR_L1, Role.COORDINATOR_L2, Role.MUNICIPAL_ADMIN})


def _authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def _muni_q(user, roles, field: str = "municipality_id") -> Q | None:
    """None: no restriction (operator); Q(pk__in=[]) when the user has no such role."""
    if not _authenticated(user):
        return Q(pk__in=[])
    if is_operator(user):
        return None
    ids = municipality_ids(user, roles)
    if ids is None:
        return None
    return Q(**{f"{field}__in": list(ids)})


def courses_for(user) -> QuerySet[Course]:
    q = _muni_q(user, READ_ROLES)
    qs = Course.objects.all() if q is None else Course.objects.filter(q)
    return qs.select_related("municipality")


def can_read_courses(user) -> bool:
    return _authenticated(user) and (is_operator(user) or bool(municipality_ids(user, READ_ROLES)))


def can_create(user) -> bool:
    return _authenticated(user) and (is_operator(user) or bool(municipality_ids(user, MANAGE_ROLES)))


def can_create_in(user, municipality) -> bool:
    if not _authenticated(user):
        return False
    if is_operator(user):
        return True
    ids = municipality_ids(user, MANAGE_ROLES)
    return ids is None or municipality.pk in ids


def can_manage_course(user, course: Course) -> bool:
    return can_create_in(user, course.municipality)


def can_record(user, session: CourseSession) -> bool:
    """Completions at a session: whoever manages its event (the organiser)."""
    return _authenticated(user) and event_selectors.can_manage(user, session.event)


def sessions_of(course: Course) -> QuerySet[CourseSession]:
    return course.sessions.select_related("event", "event__area").order_by("event__starts_at", "pk")


def session_for(user, pk: int) -> CourseSession | None:
    return CourseSession.objects.filter(course__in=courses_for(user), pk=pk).select_related(
        "course", "event", "course__municipality").first()


def completions_of_person(user) -> QuerySet[Completion]:
    if not _authenticated(user):
        return Completion.objects.none()
    return Completion.objects.filter(person=user).select_related("course", "session__event").order_by(
        "-completed_on", "-pk")


def certificate_for(user, pk: int) -> Completion | None:
    """The holder's own certificate, or one of a course the user manages (printing for the person)."""
    c = Completion.objects.filter(pk=pk).select_related("course", "course__municipality", "session__event").first()
    if c is None or not _authenticated(user):
        return None
    if c.person_id == user.pk or can_manage_course(user, c.course):
        return c
    return None


def is_valid(completion: Completion, on: dt.date | None = None) -> bool:
    on = on or timezone.localdate()
    return completion.revoked_at is None and (completion.expires_on is None or completion.expires_on >= on)


def normalise_code(raw: str) -> str:
    """What people type from paper: full-width, lower case, hyphens and spaces are accepted."""
    text = unicodedata.normalize("NFKC", raw or "").upper()
    return "".join(ch for ch in text if ch.isalnum())[:32]


def looks_like_code(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)


def masked_name(name: str) -> str:
    """Minimal disclosure on the public page: the first character, the rest masked (山＊＊＊)."""
    name = (name or "").strip()
    if not name:
        return "＊"
    return name[0] + "＊" * min(max(len(name) - 1, 1), 4)


def verification(raw_code: str) -> dict | None:
    """What the public page shows for a code, or None when no certificate has it."""
    code = normalise_code(raw_code)
    if not looks_like_code(code):
        return None
    c = Completion.objects.filter(code=code).select_related("course", "course__municipality").first()
    if c is None:
        return None
    today = timezone.localdate()
    state = "revoked" if c.revoked_at else ("expired" if c.expires_on and c.expires_on < today else "valid")
    return {"code": c.display_code, "course": c.course.title, "kind": c.course.get_kind_display(),
            "organiser": c.course.organiser_name or c.course.municipality.name,
            "completed_on": c.completed_on, "expires_on": c.expires_on, "holder": masked_name(c.holder_name),
            "valid": state == "valid", "state": state}


def courses_with_counts(user) -> QuerySet[Course]:
    from django.db.models import Count

    return courses_for(user).annotate(
        n_sessions=Count("sessions", distinct=True),
        n_completions=Count("completions", filter=Q(completions__revoked_at__isnull=True), distinct=True),
    )
