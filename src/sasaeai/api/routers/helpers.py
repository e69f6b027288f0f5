"""Helpers: own profile, availability, qualifications, identity; coordinator review and vetting."""

import datetime as dt

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from sasaeai.helpers import messages as msg
from sasaeai.helpers import selectors, services
from sasaeai.helpers.models import HelperQualification
from sasaeai.tenancy.selectors import municipality_ids

from ..errors import ApiError
from ..schemas import responses

PREFIX = "/helpers"
router = Router(tags=["helpers"])


class QualificationOut(Schema):
    id: int
    profile_id: int
    code: str
    status: str
    certificate_number: str
    document_note: str
    obtained_on: dt.date | None
    expires_on: dt.date | None
    submitted_at: dt.datetime
    reviewed_at: dt.datetime | None
    review_note: str


#: Wall-clock time in Asia/Tokyo, "HH:MM" (seconds allowed on input). Not the OpenAPI "time"
#: format, which demands a UTC offset: these are local times of a weekly pattern.
CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"


def _clock(value: dt.time | None) -> str | None:
    return None if value is None else value.strftime("%H:%M")


def _parse_clock(value: str | None) -> dt.time | None:
    return None if value is None else dt.time.fromisoformat(value)


class RuleIn(Schema):
    weekday: int = Field(..., ge=0, le=6, description="0 = Monday … 6 = Sunday")
    start_time: str = Field(..., pattern=CLOCK, description="Asia/Tokyo wall-clock time, HH:MM")
    end_time: str = Field(..., pattern=CLOCK, description="Asia/Tokyo wall-clock time, HH:MM")


class RuleOut(Schema):
    weekday: int
    start_time: str = Field(..., description="HH:MM, Asia/Tokyo")
    end_time: str = Field(..., description="HH:MM, Asia/Tokyo")

    @staticmethod
    def resolve_start_time(obj):
        return _clock(obj.start_time)

    @staticmethod
    def resolve_end_time(obj):
        return _clock(obj.end_time)


class ExceptionIn(Schema):
    date: dt.date
    start_time: str | None = Field(None, pattern=CLOCK, description="HH:MM; omit both times for a day off")
    end_time: str | None = Field(None, pattern=CLOCK)
    available: bool = False
    note: str = Field("", max_length=200)


class ExceptionOut(Schema):
    id: int
    date: dt.date
    start_time: str | None
    end_time: str | None
    available: bool
    note: str

    @staticmethod
    def resolve_start_time(obj):
        return _clock(obj.start_time)

    @staticmethod
    def resolve_end_time(obj):
        return _clock(obj.end_time)


class BoundedPagination(LimitOffsetPagination):
    """limit/offset with upper bounds (an unbounded integer overflows the database)."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=200)
        offset: int = Field(0, ge=0, le=1_000_000)


class ProfileOut(Schema):
    id: int
    user_id: int
    display_name: str
    municipality_id: int
    area_id: int | None
    home_postal_code: str
    home_address: str
    home_lat: float | None
    home_lon: float | None
    radius_km: float
    travel_mode: str
    skills: list[str]
    subtasks: list[str]
    languages: list[str]
    gender: str
    max_hours_per_week: float
    has_insurance: bool
    insurance_note: str
    insurance_expires_on: dt.date | None
    training_done: bool
    training_completed_on: dt.date | None
    bio: str
    active: bool
    identity_status: str
    identity_verified_at: dt.datetime | None
    suspended_at: dt.datetime | None
    suspension_reason: str
    rating_avg: float | None
    rating_count: int
    verified_qualifications: list[str]

    @staticmethod
    def resolve_display_name(obj):
        return obj.user.display_name

    @staticmethod
    def resolve_verified_qualifications(obj):
        return sorted(selectors.verified_qualifications(obj))


class StaffProfileOut(ProfileOut):
    """What coordinators see: the profile plus the flag raised from ratings."""

    flagged_at: dt.datetime | None
    flag_reason: str


class ProfileIn(Schema):
    area_id: int | None = None
    home_postal_code: str | None = Field(None, max_length=20, description="郵便番号; 〒, hyphens and full-width digits are accepted")
    home_address: str | None = Field(None, max_length=200)
    home_lat: float | None = Field(None, ge=-90, le=90)
    home_lon: float | None = Field(None, ge=-180, le=180)
    radius_km: float | None = Field(None, gt=0, le=100)
    travel_mode: str | None = None
    skills: list[str] | None = None
    subtasks: list[str] | None = None
    languages: list[str] | None = None
    gender: str | None = None
    max_hours_per_week: float | None = Field(None, ge=0, le=60)
    has_insurance: bool | None = None
    insurance_note: str | None = Field(None, max_length=200)
    insurance_expires_on: dt.date | None = None
    training_done: bool | None = None
    training_completed_on: dt.date | None = None
    bio: str | None = Field(None, max_length=1000)
    active: bool | None = None


class QualificationIn(Schema):
    code: str = Field(..., max_length=32)
    certificate_number: str = Field("", max_length=50)
    document_note: str = Field("", max_length=300)
    obtained_on: dt.date | None = None
    expires_on: dt.date | None = None


class IdentityIn(Schema):
    document: str = Field(..., max_length=20)


class VettingDecisionIn(Schema):
    """A coordinator's decision on a qualification or an identity check."""

    approve: bool
    note: str = Field("", max_length=300)


class VettingReasonIn(Schema):
    """Why a helper is suspended, reinstated or a flag cleared (the service's limits)."""

    reason: str = Field(..., min_length=3, max_length=2000)


class IntervalOut(Schema):
    start: dt.datetime
    end: dt.datetime


def _own(request):
    profile = services.get_or_create_own_profile(request.user)
    if profile is None:
        raise ApiError(404, "not_a_helper", msg.NOT_A_HELPER)
    return profile


def _require_reviewer(request):
    ids = municipality_ids(request.user, selectors.REVIEWER_ROLES)
    if ids is not None and not ids:
        raise ApiError(403, "forbidden", msg.ONLY_COORDINATORS)


def _staff_profile(request, profile_id):
    _require_reviewer(request)
    profile = selectors.profile_for_staff(request.user, profile_id)
    if profile is None:
        raise Http404
    return profile


# --- the helper's own profile ------------------------------------------------------------------

@router.get("/me", response=responses(200, ProfileOut), summary="My helper profile")
def get_me(request):
    return _own(request)


@router.patch("/me", response=responses(200, ProfileOut), summary="Update my helper profile")
def update_me(request, payload: ProfileIn):
    profile = _own(request)
    data = payload.dict(exclude_unset=True)
    if "area_id" in data:
        from sasaeai.tenancy.models import Area

        area_id = data.pop("area_id")
        data["area"] = None if area_id is None else Area.objects.filter(
            pk=area_id, municipality_id=profile.municipality_id, layer=2).first()
        if area_id is not None and data["area"] is None:
            raise ApiError(400, "area_other_municipality", msg.AREA_OTHER_MUNICIPALITY)
    for key in ("travel_mode", "gender", "insurance_note", "bio", "home_postal_code", "home_address"):
        if key in data and data[key] is None:
            data[key] = "" if key != "travel_mode" else profile.travel_mode
    for key in ("skills", "subtasks", "languages"):
        if key in data and data[key] is None:
            data[key] = []
    return services.update_profile(profile, request.user, **data)


@router.get("/me/availability", response=responses(200, list[RuleOut]), summary="My weekly availability")
def get_rules(request):
    return list(_own(request).availability_rules.all())


@router.put("/me/availability", response=responses(200, list[RuleOut]), summary="Replace my weekly availability")
def put_rules(request, payload: list[RuleIn]):
    profile = _own(request)
    return services.set_weekly_availability(
        profile, request.user, [(r.weekday, _parse_clock(r.start_time), _parse_clock(r.end_time)) for r in payload]
    )


@router.get("/me/availability/intervals", response=responses(200, list[IntervalOut]),
            summary="My free windows between two times (rules and exceptions applied)")
def my_intervals(request, start: dt.datetime, end: dt.datetime):
    if start.tzinfo is None or end.tzinfo is None:
        raise ApiError(400, "naive_datetime", msg.NAIVE_DATETIME)
    if end <= start or end - start > dt.timedelta(days=62):
        raise ApiError(400, "invalid_range", msg.INVALID_RANGE)
    return [{"start": s, "end": e} for s, e in selectors.availability_intervals(_own(request), start, end)]


@router.get("/me/exceptions", response=responses(200, list[ExceptionOut]))
def list_exceptions(request):
    return list(_own(request).availability_exceptions.order_by("date", "start_time"))


@router.post("/me/exceptions", response=responses(201, ExceptionOut), summary="Add a day off or an extra window")
def add_exception(request, payload: ExceptionIn):
    profile = _own(request)
    data = payload.dict()
    data["start_time"], data["end_time"] = _parse_clock(data["start_time"]), _parse_clock(data["end_time"])
    return 201, services.add_exception(profile, request.user, **data)


@router.delete("/me/exceptions/{exception_id}", response=responses(204, None))
def delete_exception(request, exception_id: int):
    profile = _own(request)
    services.remove_exception(get_object_or_404(profile.availability_exceptions, pk=exception_id), request.user)
    return 204, None


@router.get("/me/qualifications", response=responses(200, list[QualificationOut]))
def my_qualifications(request):
    return list(_own(request).qualifications.order_by("code", "-submitted_at"))


@router.post("/me/qualifications", response=responses(201, QualificationOut), summary="Submit a qualification")
def submit_qualification(request, payload: QualificationIn):
    profile = _own(request)
    return 201, services.submit_qualification(profile, request.user, **payload.dict())


@router.post("/me/identity", response=responses(200, ProfileOut), summary="Ask for an identity check")
def submit_identity(request, payload: IdentityIn):
    return services.submit_identity(_own(request), request.user, payload.document)


# --- coordinators ---------------------------------------------------------------------------------

@router.get("", response=responses(200, list[StaffProfileOut]), summary="Helpers I may review")
@paginate(BoundedPagination)
def list_helpers(request, status: str | None = None):
    """status: pending_identity | flagged | suspended | matchable"""
    _require_reviewer(request)
    qs = selectors.profiles_for_staff(request.user)
    if status == "pending_identity":
        qs = qs.filter(identity_status="submitted")
    elif status == "flagged":
        qs = qs.filter(flagged_at__isnull=False)
    elif status == "suspended":
        qs = qs.filter(suspended_at__isnull=False)
    elif status == "matchable":
        qs = qs.filter(active=True, suspended_at__isnull=True, identity_status="verified")
    elif status:
        raise ApiError(400, "invalid_status", msg.UNKNOWN_STATUS)
    return qs.prefetch_related("qualifications").order_by("pk")


@router.get("/qualifications/pending", response=responses(200, list[QualificationOut]),
            summary="Qualifications waiting for review")
@paginate(BoundedPagination)
def pending_qualifications(request):
    _require_reviewer(request)
    return selectors.pending_qualifications(request.user)


@router.post("/qualifications/{qualification_id}/review", response=responses(200, QualificationOut),
             summary="Verify or reject a qualification")
def review_qualification(request, qualification_id: int, payload: VettingDecisionIn):
    _require_reviewer(request)
    qualification = get_object_or_404(
        HelperQualification.objects.filter(profile__in=selectors.profiles_for_staff(request.user)),
        pk=qualification_id,
    )
    return services.review_qualification(qualification, request.user, payload.approve, payload.note)


@router.get("/{profile_id}", response=responses(200, StaffProfileOut))
def get_helper(request, profile_id: int):
    return _staff_profile(request, profile_id)


@router.get("/{profile_id}/qualifications", response=responses(200, list[QualificationOut]))
def helper_qualifications(request, profile_id: int):
    return list(_staff_profile(request, profile_id).qualifications.order_by("code", "-submitted_at"))


@router.post("/{profile_id}/identity/review", response=responses(200, StaffProfileOut))
def review_identity(request, profile_id: int, payload: VettingDecisionIn):
    return services.review_identity(_staff_profile(request, profile_id), request.user, payload.approve, payload.note)


@router.post("/{profile_id}/suspend", response=responses(200, StaffProfileOut), summary="Suspend a helper")
def suspend(request, profile_id: int, payload: VettingReasonIn):
    return services.suspend_audited(_staff_profile(request, profile_id), request.user, payload.reason)


@router.post("/{profile_id}/reinstate", response=responses(200, StaffProfileOut), summary="Reinstate a helper")
def reinstate(request, profile_id: int, payload: VettingReasonIn):
    return services.reinstate_audited(_staff_profile(request, profile_id), request.user, payload.reason)


@router.post("/{profile_id}/clear-flag", response=responses(200, StaffProfileOut), summary="Clear a helper's flag")
def clear_flag(request, profile_id: int, payload: VettingReasonIn):
    return services.clear_flag(_staff_profile(request, profile_id), request.user, payload.reason)
