"""Every write of the training app. Each public function is one transaction; refusals are
`ValidationError` with a stable `code` (nothing written) or `PermissionDenied`.

Completion → qualification: a course that grants a qualification adds a VERIFIED
`HelperQualification` to the person's helper profile in the same transaction (a submitted
claim of the same code is verified instead; an already verified one is kept, never doubled).
A person without a helper profile keeps the completion with `qualification` empty; when the
profile is created later, `on_helper_profile_saved` applies every pending completion."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasaeai.events import services as event_services
from sasaeai.events.models import Event, EventType, SignUpStatus
from sasaeai.helpers.qualifications import Qualification
from sasaeai.notifications.services import notify

from . import selectors
from .models import DEFAULT_GRANTS, Completion, Course, CourseKind, CourseScope, CourseSession

#: Event types a course session may be.
SESSION_TYPES = (EventType.COURSE, EventType.JOINT_TRAINING)


def _invalid(field: str, message, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


# --- Courses ----------------------------------------------------------------------------------


@transaction.atomic
def create_course(*, by, municipality, title: str, kind: str, scope: str = CourseScope.MUNICIPAL,
                  description: str = "", organiser_name: str = "", grants: str | None = None,
                  valid_years=None, demo_key: str | None = None) -> Course:
    """A course of `municipality`. `grants=None` takes the kind's default qualification
    (認知症サポーター for the dementia supporter course); "" grants none."""
    if by is not None and not selectors.can_create_in(by, municipality):
        raise PermissionDenied
    title = (title or "").strip()
    if not title:
        raise _invalid("title", _("Give the course a title."), "required")
    if kind not in CourseKind.values:
        raise _invalid("kind", _("Choose a kind of course."), "invalid_kind")
    if scope not in CourseScope.values:
        raise _invalid("scope", _("Choose who holds the course."), "invalid_scope")
    if grants is None:
        grants = DEFAULT_GRANTS.get(kind, "")
    if grants and grants not in Qualification.values:
        raise _invalid("grants", _("Unknown qualification."), "invalid_qualification")
    if valid_years in ("", None):
        valid_years = None
    else:
        try:
            valid_years = int(valid_years)
        except (TypeError, ValueError):
            valid_years = 0
        if not 1 <= valid_years <= 50:
            raise _invalid("valid_years", _("The validity must be between 1 and 50 years, or empty."),
                           "invalid_validity")
    return Course.objects.create(
        municipality=municipality, scope=scope, kind=kind, title=title[:150], description=(description or "")[:3000],
        organiser_name=(organiser_name or "").strip()[:150], grants=grants, valid_years=valid_years,
        created_by=by, demo_key=demo_key)


@transaction.atomic
def add_session(*, by, course: Course, starts_at, ends_at, capacity, place: str = "", online_url: str = "",
                area=None, event_type: str = EventType.COURSE, is_public: bool = True, title: str = "",
                demo_key: str | None = None) -> CourseSession:
    """A session of the course: an event of type course (or joint training) created through the
    events app — sign-ups, the waiting list and attendance are the events app's."""
    if by is not None and not selectors.can_manage_course(by, course):
        raise PermissionDenied
    if event_type not in SESSION_TYPES:
        raise _invalid("event_type", _("A course session is a course or a joint training."), "invalid_type")
    if course.is_sc_course:
        is_public = False  # SC training is for coordinators, never listed for residents
    event = event_services.create_event(
        by=by, municipality=course.municipality, title=(title or course.title), event_type=event_type,
        starts_at=starts_at, ends_at=ends_at, capacity=capacity, area=area,
        organiser_name=course.organiser_name or course.municipality.name, place=place, online_url=online_url,
        description=course.description, is_public=is_public, demo_key=demo_key)[0]
    return CourseSession.objects.create(course=course, event=event)


@transaction.atomic
def attach_event(*, by, course: Course, event: Event) -> CourseSession:
    """Make an existing course event of the same municipality a session of the course."""
    if by is not None and (not selectors.can_manage_course(by, course)
                           or not event_services.selectors.can_manage(by, event)):
        raise PermissionDenied
    if event.municipality_id != course.municipality_id:
        raise _invalid("event", _("This event is in another municipality."), "other_municipality")
    if event.event_type not in SESSION_TYPES:
        raise _invalid("event", _("A course session is a course or a joint training."), "invalid_type")
    if CourseSession.objects.filter(event=event).exists():
        raise _invalid("event", _("This event is already a session of a course."), "already_session")
    return CourseSession.objects.create(course=course, event=event)


# --- Completions ------------------------------------------------------------------------------


def _apply_qualification(completion: Completion, *, by=None) -> bool:
    """Add the course's qualification to the person's helper profile (caller holds the
    transaction). True when the completion is now applied."""
    from sasaeai.helpers.models import HelperProfile, HelperQualification, QualificationStatus

    course = completion.course
    if not course.grants or completion.applied_at is not None:
        return completion.applied_at is not None
    profile = HelperProfile.objects.filter(user_id=completion.person_id).first()
    if profile is None:
        return False
    now = timezone.now()
    note = _("Training completion %(code)s") % {"code": completion.display_code}
    live = (HelperQualification.objects.select_for_update()
            .filter(profile=profile, code=course.grants,
                    status__in=[QualificationStatus.SUBMITTED, QualificationStatus.VERIFIED]).first())
    if live is not None and live.status == QualificationStatus.VERIFIED and (
            live.expires_on is None or (completion.expires_on and live.expires_on >= completion.expires_on)):
        qual = live  # already held at least as long: keep it, do not add a second one
    elif live is not None:
        live.status, live.reviewed_by, live.reviewed_at = QualificationStatus.VERIFIED, by, now
        live.obtained_on, live.expires_on = completion.completed_on, completion.expires_on
        live.certificate_number, live.review_note = completion.code, note[:300]
        live.document_note = live.document_note or note[:300]
        live.save()
        qual = live
    else:
        qual = HelperQualification.objects.create(
            profile=profile, code=course.grants, status=QualificationStatus.VERIFIED, document_note=note[:300],
            certificate_number=completion.code, obtained_on=completion.completed_on,
            expires_on=completion.expires_on, reviewed_by=by, reviewed_at=now, review_note=note[:300])
    completion.qualification, completion.applied_at = qual, now
    completion.save(update_fields=["qualification", "applied_at"])
    return True


def _expiry(course: Course, on: dt.date) -> dt.date | None:
    if not course.valid_years:
        return None
    try:
        return on.replace(year=on.year + course.valid_years)
    except ValueError:  # 29 February
        return on.replace(year=on.year + course.valid_years, day=28)


@transaction.atomic
def record_completion(*, by, session: CourseSession, person, walk_in: bool = False,
                      completed_on: dt.date | None = None, demo_key: str | None = None) -> tuple[Completion, bool]:
    """The organiser records that `person` completed the course at `session`. Returns
    (completion, created). A person without a confirmed sign-up or an attendance at the session
    is accepted only as a walk-in (当日参加), recorded as such (and as the event's attendance).
    Completing again returns the existing completion: no second certificate or qualification."""
    if by is not None and not selectors.can_record(by, session):
        raise PermissionDenied
    session = CourseSession.objects.select_related("course", "event").get(pk=session.pk)
    event = Event.objects.select_for_update().get(pk=session.event_id)
    course = session.course
    if person is None:
        raise _invalid("person", _("Choose a person."), "required")
    if event.cancelled_at:
        raise _invalid("session", _("This session has been cancelled."), "event_cancelled")
    if event.starts_at > timezone.now():
        raise _invalid("session", _("This session has not started yet: completion is recorded after it."),
                       "session_not_started")
    existing = Completion.objects.filter(course=course, person=person, revoked_at__isnull=True).first()
    if existing is not None:
        return existing, False
    signed_up = event.signups.filter(person=person, status=SignUpStatus.CONFIRMED).exists()
    attended = event.attendances.filter(person=person).first()
    if not signed_up and attended is None and not walk_in:
        raise _invalid("person", _("This person has not signed up for this session. Record them as a walk-in."),
                       "not_signed_up")
    if attended is None:
        # Attendance goes with completion; the events app records a walk-in as such.
        event_services.record_attendance(by=None, event=event, person=person, walk_in=not signed_up)
        is_walk_in = not signed_up
    else:
        is_walk_in = attended.walk_in
    on = completed_on or timezone.localtime(event.starts_at).date()
    try:
        with transaction.atomic():
            completion = Completion.objects.create(
                course=course, session=session, person=person, completed_on=on, expires_on=_expiry(course, on),
                walk_in=is_walk_in, holder_name=(getattr(person, "display_name", "") or "")[:100],
                recorded_by=by, demo_key=demo_key)
    except IntegrityError:  # a concurrent tick of the same person
        return Completion.objects.get(course=course, person=person, revoked_at__isnull=True), False
    _apply_qualification(completion, by=by)
    notify(person, "training.completed", {"title": course.title, "url": "/training/mine/"})
    return completion, True


@transaction.atomic
def revoke_completion(*, by, completion: Completion, reason: str) -> Completion:
    """Withdraw a completion recorded in error: the certificate shows as not valid, and the
    qualification it verified is withdrawn from the helper profile."""
    from sasaeai.helpers.models import HelperQualification, QualificationStatus

    completion = Completion.objects.select_for_update().select_related("course").get(pk=completion.pk)
    if by is not None and not selectors.can_manage_course(by, completion.course):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", _("Give a reason."), "reason_required")
    if completion.revoked_at is not None:
        raise _invalid("completion", _("This completion is already withdrawn."), "already_revoked")
    completion.revoked_at, completion.revoked_by, completion.revoke_reason = timezone.now(), by, reason[:300]
    completion.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    if completion.qualification_id:
        HelperQualification.objects.filter(pk=completion.qualification_id, certificate_number=completion.code,
                                           status=QualificationStatus.VERIFIED).update(
            status=QualificationStatus.REJECTED, review_note=reason[:300], reviewed_at=timezone.now(),
            reviewed_by=by)
    return completion


def apply_pending(user) -> int:
    """Apply the completions of `user` not yet on the helper profile (after registration)."""
    n = 0
    with transaction.atomic():
        for c in Completion.objects.filter(person=user, revoked_at__isnull=True, applied_at__isnull=True,
                                           course__grants__gt="").select_related("course"):
            n += _apply_qualification(c)
    return n


def on_helper_profile_saved(sender, instance, created, raw=False, **kwargs) -> None:
    """post_save of HelperProfile: a new helper receives the qualifications of courses completed
    before registering."""
    if created and not raw:
        apply_pending(instance.user)
