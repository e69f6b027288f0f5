"""All writes about helpers. Reviews are done by a coordinator of the helper's municipality
(a layer-2 coordinator only for helpers of their areas); a helper edits only their own profile."""

from __future__ import annotations

import datetime as dt
import logging
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasaeai.tenancy.models import Membership, Role

from . import postal
from .categories import Category, HouseworkTask
from .models import (
    AvailabilityException,
    AvailabilityRule,
    HelperEvent,
    HelperProfile,
    HelperQualification,
    HelperRating,
    IdentityDocument,
    IdentityStatus,
    QualificationStatus,
)
from .qualifications import Qualification
from .selectors import REVIEWER_ROLES, TOKYO, profiles_for_staff

logger = logging.getLogger("sasaeai.helpers")

#: How many of the most recent ratings the rolling average uses.
ROLLING_WINDOW = 20
#: A rolling average below this flags the helper to the coordinator.
FLAG_THRESHOLD = 3.5
#: Review tags that flag a helper at once, whatever the stars.
SAFETY_TAGS = frozenset({"unsafe", "theft", "abuse", "harassment", "injury", "safety_concern"})

LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
EDITABLE_FIELDS = {
    "area", "home_lat", "home_lon", "radius_km", "travel_mode", "skills", "subtasks", "languages",
    "gender", "max_hours_per_week", "has_insurance", "insurance_note", "insurance_expires_on",
    "training_done", "training_completed_on", "bio", "active", "home_postal_code", "home_address",
}


def _now():
    return timezone.now()


def _event(profile, kind, by=None, reason=""):
    HelperEvent.objects.create(profile=profile, kind=kind, by=by, reason=reason)


def _notify(user, kind, context):
    from sasaeai.notifications import notify

    notify(user, kind, context)


def _require_self(profile: HelperProfile, by) -> None:
    if by is None or profile.user_id != by.pk:
        raise PermissionDenied(_("You can only change your own helper profile."))


def _require_reviewer(profile: HelperProfile, by) -> None:
    if by is None or not profiles_for_staff(by, REVIEWER_ROLES).filter(pk=profile.pk).exists():
        raise PermissionDenied(_("Only a coordinator of this helper's municipality can do this."))
    if by.pk == profile.user_id:
        raise PermissionDenied(_("You cannot review your own helper profile."))


def _field_error(field: str, message, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise _field_error("reason", _("Give a reason."), "reason_required")
    return reason[:2000]


# --- profile -----------------------------------------------------------------------------

@transaction.atomic
def create_profile(user, municipality, **fields) -> HelperProfile:
    """Start a helper profile; the user must hold the helper role in that municipality."""
    if not Membership.objects.filter(user=user, municipality=municipality, role=Role.HELPER).exists():
        raise ValidationError(_("This person is not registered as a helper in this municipality."),
                              code="not_a_helper")
    if HelperProfile.objects.filter(user=user).exists():
        raise ValidationError(_("This person already has a helper profile."), code="profile_exists")
    profile = HelperProfile(user=user, municipality=municipality, languages=["ja"])
    _apply(profile, {"area": fields.pop("area", None), **fields})
    profile.save()
    return profile


def get_or_create_own_profile(user) -> HelperProfile | None:
    """The user's profile, created on first use in the first municipality where they are a helper."""
    existing = HelperProfile.objects.filter(user=user).first()
    if existing is not None:
        return existing
    membership = Membership.objects.filter(user=user, role=Role.HELPER).order_by("pk").first()
    if membership is None:
        return None
    area = membership.areas.filter(layer=2).order_by("pk").first()
    try:
        return create_profile(user, membership.municipality, area=area)
    except (ValidationError, IntegrityError):
        return HelperProfile.objects.filter(user=user).first()


def _clean_codes(values, choices, field) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str) or not isinstance(values, list | tuple | set | frozenset):
        raise _field_error(field, _("Give a list of codes."), "invalid_codes")
    allowed = set(choices.values)
    bad = [v for v in values if v not in allowed]
    if bad:
        raise _field_error(field, _("Unknown code: %(code)s") % {"code": str(bad[0])[:40]}, "unknown_code")
    ordered = [v for v in choices.values if v in set(values)]
    return ordered


def _place_home(profile: HelperProfile, fields: dict, before: tuple) -> None:
    """A new postal code without a point placed on the map (no JavaScript, or the marker left
    where it was) puts the home at the postal code's approximate point; a point must lie in Japan."""
    from sasaeai.tenancy.models import JAPAN_LAT, JAPAN_LON

    old_code, old_point = before
    point = (profile.home_lat, profile.home_lon)
    if profile.home_postal_code and (point == (None, None) or (
            profile.home_postal_code != old_code and point == old_point)):
        try:
            place = postal.lookup(profile.home_postal_code)
        except ValidationError:
            place = None
        found = postal.approximate_point(place, fallback_area=profile.area,
                                         fallback_municipality=profile.municipality)
        if found is not None:
            profile.home_lat, profile.home_lon = found.lat, found.lon
    if "home_lat" in fields or "home_lon" in fields:
        lat, lon = profile.home_lat, profile.home_lon
        if lat is not None and lon is not None and not (
                JAPAN_LAT[0] <= lat <= JAPAN_LAT[1] and JAPAN_LON[0] <= lon <= JAPAN_LON[1]):
            raise _field_error("home_lat", _("Place the point in Japan on the map."), "home_outside_japan")


def _apply(profile: HelperProfile, fields: dict) -> None:
    before = (profile.home_postal_code, (profile.home_lat, profile.home_lon))
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))},
                              code="not_editable")
    for name, value in fields.items():
        if name == "skills":
            value = _clean_codes(value, Category, "skills")
        elif name == "subtasks":
            value = _clean_codes(value, HouseworkTask, "subtasks")
        elif name == "languages":
            if isinstance(value, str) or not isinstance(value, list | tuple):
                raise _field_error("languages", _("Give a list of language codes."), "invalid_codes")
            cleaned = []
            for code in value:
                code = str(code).strip()
                if not LANGUAGE_RE.match(code):
                    raise _field_error("languages", _("Not a language code: %(c)s") % {"c": code[:20]}, "invalid_language")
                if code not in cleaned:
                    cleaned.append(code)
            value = cleaned
        elif name == "area" and value is not None:
            if value.municipality_id != profile.municipality_id or value.layer != 2:
                raise _field_error("area", _("Choose a daily-life area of your municipality."), "area_other_municipality")
        elif name == "home_postal_code" and value:
            try:
                value = postal.normalize(value)
            except ValidationError as exc:
                raise _field_error(name, exc.messages[0], exc.code) from None
        elif name == "home_address":
            value = str(value or "").strip()
        setattr(profile, name, value)
    _place_home(profile, fields, before)
    if profile.home_lat is None and profile.home_lon is None and profile.area is not None:
        # No home point given: the area's centre stands in (approximate, as the form explains).
        profile.home_lat, profile.home_lon = profile.area.center_lat, profile.area.center_lon
    if "subtasks" in fields and profile.subtasks and Category.HOUSEWORK not in profile.skills:
        raise _field_error("subtasks", _("Housework sub-tasks need the housework skill."), "subtasks_without_housework")
    profile.full_clean(exclude=["user", "municipality", "identity_verified_by", "suspended_by"])


@transaction.atomic
def update_profile(profile: HelperProfile, by, **fields) -> HelperProfile:
    """The helper edits their own profile (skills, area, radius, languages, …)."""
    _require_self(profile, by)
    profile = HelperProfile.objects.select_for_update().get(pk=profile.pk)
    _apply(profile, fields)
    profile.save()
    return profile


# --- availability --------------------------------------------------------------------------

def _parse_rule(rule) -> tuple[int, dt.time, dt.time]:
    if isinstance(rule, dict):
        weekday, start, end = rule.get("weekday"), rule.get("start_time"), rule.get("end_time")
    else:
        weekday, start, end = rule
    if isinstance(start, str):
        start = dt.time.fromisoformat(start)
    if isinstance(end, str):
        end = dt.time.fromisoformat(end)
    if not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise _field_error("weekday", _("Unknown weekday."), "invalid_weekday")
    if not isinstance(start, dt.time) or not isinstance(end, dt.time) or end <= start:
        raise _field_error("end_time", _("The end time must be after the start time."), "invalid_times")
    return weekday, start.replace(second=0, microsecond=0, tzinfo=None), end.replace(second=0, microsecond=0,
                                                                                       tzinfo=None)


@transaction.atomic
def set_weekly_availability(profile: HelperProfile, by, rules) -> list[AvailabilityRule]:
    """Replace the weekly pattern. Each rule is (weekday 0=Mon…6=Sun, start, end) in Tokyo time."""
    _require_self(profile, by)
    parsed = sorted(_parse_rule(r) for r in rules)
    if len(parsed) > 50:
        raise ValidationError(_("At most 50 weekly time slots."), code="too_many_rules")
    for (d1, _s1, e1), (d2, s2, _e2) in zip(parsed, parsed[1:], strict=False):
        if d1 == d2 and s2 < e1:
            raise ValidationError(_("Two time slots on the same day overlap."), code="overlapping_rules")
    HelperProfile.objects.select_for_update().filter(pk=profile.pk).first()
    AvailabilityRule.objects.filter(profile=profile).delete()
    return AvailabilityRule.objects.bulk_create(
        AvailabilityRule(profile=profile, weekday=d, start_time=s, end_time=e) for d, s, e in parsed
    )


@transaction.atomic
def add_exception(profile: HelperProfile, by, date: dt.date, start_time=None, end_time=None,
                  available: bool = False, note: str = "") -> AvailabilityException:
    """A day off (no times), a removed window (available=False with times) or an extra window."""
    _require_self(profile, by)
    if (start_time is None) != (end_time is None):
        raise _field_error("end_time", _("Give both times or neither."), "invalid_times")
    if start_time is not None and end_time <= start_time:
        raise _field_error("end_time", _("The end time must be after the start time."), "invalid_times")
    if available and start_time is None:
        raise _field_error("start_time", _("An extra available window needs its times."), "invalid_times")
    today = timezone.localtime(_now(), TOKYO).date()
    if date < today:
        raise _field_error("date", _("The date is in the past."), "date_in_past")
    return AvailabilityException.objects.create(
        profile=profile, date=date, start_time=start_time, end_time=end_time, available=available,
        note=(note or "")[:200],
    )


def remove_exception(exception: AvailabilityException, by) -> None:
    _require_self(exception.profile, by)
    exception.delete()


# --- qualifications ------------------------------------------------------------------------

@transaction.atomic
def submit_qualification(profile: HelperProfile, by, code: str, document_note: str = "",
                         certificate_number: str = "", obtained_on=None, expires_on=None) -> HelperQualification:
    """The helper declares a qualification; it counts only once a coordinator verifies it."""
    _require_self(profile, by)
    if code not in Qualification.values:
        raise _field_error("code", _("Unknown qualification."), "unknown_qualification")
    today = timezone.localtime(_now(), TOKYO).date()
    if expires_on is not None and expires_on < today:
        raise _field_error("expires_on", _("This qualification has already expired."), "already_expired")
    if obtained_on is not None and obtained_on > today:
        raise _field_error("obtained_on", _("The date obtained is in the future."), "future_date")
    if profile.qualifications.filter(code=code, status__in=["submitted", "verified"]).exists():
        raise _field_error("code", _("This qualification is already submitted or verified."), "qualification_duplicate")
    try:
        with transaction.atomic():
            return HelperQualification.objects.create(
                profile=profile, code=code, document_note=(document_note or "")[:300],
                certificate_number=(certificate_number or "")[:50], obtained_on=obtained_on,
                expires_on=expires_on,
            )
    except IntegrityError as exc:
        raise _field_error("code", _("This qualification is already submitted or verified."), "qualification_duplicate") from exc


@transaction.atomic
def review_qualification(qualification: HelperQualification, by, approve: bool, note: str = "") -> HelperQualification:
    """A coordinator verifies or rejects a submitted qualification (a rejection needs a note)."""
    qualification = HelperQualification.objects.select_for_update(of=("self",)).select_related("profile").get(
        pk=qualification.pk
    )
    _require_reviewer(qualification.profile, by)
    if qualification.status != QualificationStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted qualification can be reviewed."), code="not_submitted")
    if not approve:
        note = _reason(note)
    qualification.status = QualificationStatus.VERIFIED if approve else QualificationStatus.REJECTED
    qualification.reviewed_by = by
    qualification.reviewed_at = _now()
    qualification.review_note = (note or "")[:300]
    qualification.save()
    kind = HelperEvent.Kind.QUALIFICATION_VERIFIED if approve else HelperEvent.Kind.QUALIFICATION_REJECTED
    _event(qualification.profile, kind, by, f"{qualification.code}: {qualification.review_note}".strip(": "))
    _notify(qualification.profile.user, "helpers.qualification_reviewed", {
        "qualification": qualification.get_code_display(), "verified": approve,
        "note": qualification.review_note, "url": "/helpers/me/",
    })
    return qualification


@transaction.atomic
def expire_qualifications(today: dt.date | None = None) -> int:
    """Mark verified qualifications past their expiry date as expired (run daily)."""
    today = today or timezone.localtime(_now(), TOKYO).date()
    rows = list(
        HelperQualification.objects.select_for_update(of=("self",)).select_related("profile__user").filter(
            status=QualificationStatus.VERIFIED, expires_on__lt=today,
        )
    )
    for q in rows:
        q.status = QualificationStatus.EXPIRED
        q.save(update_fields=["status"])
        _event(q.profile, HelperEvent.Kind.QUALIFICATION_EXPIRED, None, q.code)
        _notify(q.profile.user, "helpers.qualification_expired", {
            "qualification": q.get_code_display(), "expires_on": q.expires_on, "url": "/helpers/me/",
        })
    return len(rows)


# --- identity ---------------------------------------------------------------------------------

@transaction.atomic
def submit_identity(profile: HelperProfile, by, document: str) -> HelperProfile:
    """The helper says which identity document they will show to the coordinator."""
    _require_self(profile, by)
    if document not in IdentityDocument.values:
        raise _field_error("document", _("Choose an identity document."), "invalid_document")
    profile = HelperProfile.objects.select_for_update().get(pk=profile.pk)
    if profile.identity_status == IdentityStatus.VERIFIED:
        raise ValidationError(_("Your identity is already verified."), code="identity_already_verified")
    profile.identity_status = IdentityStatus.SUBMITTED
    profile.identity_document = document
    profile.identity_submitted_at = _now()
    profile.save(update_fields=["identity_status", "identity_document", "identity_submitted_at", "updated_at"])
    _event(profile, HelperEvent.Kind.IDENTITY_SUBMITTED, by)
    return profile


@transaction.atomic
def review_identity(profile: HelperProfile, by, approve: bool, note: str = "") -> HelperProfile:
    """A coordinator confirms (or rejects) the helper's identity after seeing the document."""
    profile = HelperProfile.objects.select_for_update().get(pk=profile.pk)
    _require_reviewer(profile, by)
    if profile.identity_status != IdentityStatus.SUBMITTED:
        raise ValidationError(_("There is no identity submission to review."), code="identity_not_submitted")
    if not approve:
        note = _reason(note)
    profile.identity_review_note = (note or "")[:300]
    if approve:
        profile.identity_status = IdentityStatus.VERIFIED
        profile.identity_verified_at = _now()
        profile.identity_verified_by = by
    else:
        profile.identity_status = IdentityStatus.REJECTED
        profile.identity_verified_at = None
        profile.identity_verified_by = None
    profile.save()
    _event(profile, HelperEvent.Kind.IDENTITY_VERIFIED if approve else HelperEvent.Kind.IDENTITY_REJECTED,
           by, profile.identity_review_note)
    _notify(profile.user, "helpers.identity_reviewed", {"verified": approve, "note": profile.identity_review_note,
                                                         "url": "/helpers/me/"})
    return profile


# --- suspension -------------------------------------------------------------------------------

@transaction.atomic
def suspend(profile: HelperProfile, by, reason: str) -> HelperProfile:
    """Suspend a helper: from this commit on, `matchable_profiles` no longer returns them."""
    reason = _reason(reason)
    profile = HelperProfile.objects.select_for_update().get(pk=profile.pk)
    _require_reviewer(profile, by)
    if profile.suspended_at is not None:
        raise ValidationError(_("This helper is already suspended."), code="already_suspended")
    profile.suspended_at = _now()
    profile.suspended_by = by
    profile.suspension_reason = reason
    profile.save(update_fields=["suspended_at", "suspended_by", "suspension_reason", "updated_at"])
    _event(profile, HelperEvent.Kind.SUSPENDED, by, reason)
    _notify(profile.user, "helpers.suspended", {"url": "/helpers/me/"})
    return profile


@transaction.atomic
def reinstate(profile: HelperProfile, by, reason: str) -> HelperProfile:
    reason = _reason(reason)
    profile = HelperProfile.objects.select_for_update().get(pk=profile.pk)
    _require_reviewer(profile, by)
    if profile.suspended_at is None:
        raise ValidationError(_("This helper is not suspended."), code="not_suspended")
    profile.suspended_at = None
    profile.suspended_by = None
    profile.suspension_reason = ""
    profile.save(update_fields=["suspended_at", "suspended_by", "suspension_reason", "updated_at"])
    _event(profile, HelperEvent.Kind.REINSTATED, by, reason)
    _notify(profile.user, "helpers.reinstated", {"url": "/helpers/me/"})
    return profile


# --- ratings and flags --------------------------------------------------------------------------

def rolling_average(stars_newest_first, window: int = ROLLING_WINDOW) -> float | None:
    recent = list(stars_newest_first)[:window]
    return round(sum(recent) / len(recent), 2) if recent else None


@transaction.atomic
def record_rating(profile: HelperProfile, stars: int, tags=(), source: str = "") -> HelperProfile:
    """Add one rating; the rolling average covers the last ROLLING_WINDOW ratings. The helper is
    flagged to coordinators when that average drops below FLAG_THRESHOLD or a safety tag is given.
    `source` (e.g. "review:42") makes the call idempotent per review."""
    if isinstance(stars, bool) or not isinstance(stars, int) or not 1 <= stars <= 5:
        raise _field_error("stars", _("Stars must be between 1 and 5."), "invalid_stars")
    tags = sorted({str(t) for t in (tags or ())})
    profile = HelperProfile.objects.select_for_update().get(pk=profile.pk)
    source = (source or "")[:64]
    if source and HelperRating.objects.filter(profile=profile, source=source).exists():
        return profile
    HelperRating.objects.create(profile=profile, stars=stars, tags=tags, source=source)
    recent = HelperRating.objects.filter(profile=profile).order_by("-created_at", "-pk").values_list(
        "stars", flat=True
    )[:ROLLING_WINDOW]
    profile.rating_avg = rolling_average(recent)
    profile.rating_count = HelperRating.objects.filter(profile=profile).count()
    reasons = []
    safety = sorted(set(tags) & SAFETY_TAGS)
    if safety:
        reasons.append(_("Safety concern reported: %(tags)s") % {"tags": ", ".join(safety)})
    if profile.rating_avg is not None and profile.rating_avg < FLAG_THRESHOLD:
        reasons.append(_("Rolling average %(avg).2f is below %(limit).1f") % {
            "avg": profile.rating_avg, "limit": FLAG_THRESHOLD})
    fields = ["rating_avg", "rating_count", "updated_at"]
    if reasons:
        reason = "; ".join(reasons)[:300]
        newly = profile.flagged_at is None
        profile.flagged_at = _now()
        profile.flag_reason = reason
        fields += ["flagged_at", "flag_reason"]
        if newly or safety:
            _event(profile, HelperEvent.Kind.FLAGGED, None, reason)
            for reviewer in reviewers_of(profile):
                _notify(reviewer, "helpers.flagged", {"safety": bool(safety), "url": f"/helpers/staff/{profile.pk}/"})
    profile.save(update_fields=fields)
    return profile


def reviewers_of(profile: HelperProfile):
    """Coordinators who review this helper: layer-1 coordinators and municipal administrators
    of the municipality, and layer-2 coordinators of the helper's area (or without areas)."""
    from django.contrib.auth import get_user_model

    memberships = Membership.objects.filter(municipality_id=profile.municipality_id, role__in=REVIEWER_ROLES,
                                            user__is_active=True).prefetch_related("areas")
    ids = set()
    for m in memberships:
        area_ids = {a.pk for a in m.areas.all()}
        if m.role != Role.COORDINATOR_L2 or not area_ids or profile.area_id in area_ids:
            ids.add(m.user_id)
    return list(get_user_model().objects.filter(pk__in=ids).exclude(pk=profile.user_id).order_by("pk"))


@transaction.atomic
def clear_flag(profile: HelperProfile, by, reason: str) -> HelperProfile:
    """A coordinator has looked into the flag and records what was done."""
    reason = _reason(reason)
    profile = HelperProfile.objects.select_for_update().get(pk=profile.pk)
    _require_reviewer(profile, by)
    if profile.flagged_at is None:
        raise ValidationError(_("This helper is not flagged."), code="not_flagged")
    profile.flagged_at = None
    profile.flag_reason = ""
    profile.save(update_fields=["flagged_at", "flag_reason", "updated_at"])
    _event(profile, HelperEvent.Kind.FLAG_CLEARED, by, reason)
    return profile


def suspend_audited(profile: HelperProfile, by, reason: str) -> HelperProfile:
    """What the pages and the API call: `suspend` plus the safety app's audit trail
    (`sasaeai.safety.vetting.suspend` wraps `suspend` and writes an AuditEvent)."""
    from sasaeai.safety import vetting

    return vetting.suspend(profile, by=by, reason=reason)


def reinstate_audited(profile: HelperProfile, by, reason: str) -> HelperProfile:
    from sasaeai.safety import vetting

    return vetting.reinstate(profile, by=by, reason=reason)
