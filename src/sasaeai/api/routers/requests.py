"""Help requests, offers, bookings, reviews, messages and batch matching (same operations as
the pages). Sensitive fields are returned only to those allowed and every such response is
written to the access log."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from sasaeai.requests import batch as batch_services
from sasaeai.requests import selectors, services, texts
from sasaeai.requests.integrations import helper_may_see_phone, record_access
from sasaeai.requests.models import (
    Booking,
    MatchingRun,
    Message,
    Offer,
    ProposedAssignment,
)
from sasaeai.requests.presentation import explain_reasons, private_fields
from sasaeai.residents.selectors import residents_visible_to
from sasaeai.tenancy.models import Area, Municipality
from sasaeai.tenancy.selectors import municipality_ids

from ..errors import ApiError
from ..schemas import responses

PREFIX = ""
router = Router(tags=["requests"])


# --- schemas ------------------------------------------------------------------------------------


class PrivateOut(Schema):
    address: str
    meeting_point: str
    phone: str
    mobility: str
    has_dementia: bool
    allergies: str
    key_box: str
    pets: str
    notes: str


class RequestOut(Schema):
    id: int
    municipality_id: int
    area_id: int
    recipient_id: int | None = Field(None, description="The resident (home visits); null for a spot shift")
    facility_id: int | None = Field(None, description="The care facility's branch (spot shifts); null for a home visit")
    slots: int = Field(1, description="Helpers wanted")
    entered_by: str
    category: str
    title: str
    details: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    duration_minutes: int
    flexible_minutes: int
    recurrence: str
    recurrence_until: dt.date | None
    place_kind: str
    required_qualifications: list[str]
    preferred_gender: str
    preferred_language: str
    payment_kind: str
    payment_amount: int
    status: str
    cancelled_late: bool
    created_at: dt.datetime
    private: PrivateOut | None = None


class RequestIn(Schema):
    recipient_id: int
    category: str = Field(..., max_length=32)
    starts_at: dt.datetime
    duration_minutes: int = Field(..., ge=0, le=24 * 60)
    title: str = Field("", max_length=120)
    details: str = Field("", max_length=2000)
    flexible_minutes: int = Field(0, ge=0, le=240)
    recurrence: str = Field("once", pattern="^(once|weekly)$")
    recurrence_until: dt.date | None = None
    place_kind: str = Field("home", pattern="^(home|meeting_point)$")
    meeting_point: str = Field("", max_length=200)
    meeting_lat: float | None = Field(None, ge=20, le=46)
    meeting_lon: float | None = Field(None, ge=122, le=154)
    mobility: str = Field("", max_length=200)
    has_dementia: bool = False
    allergies: str = Field("", max_length=200)
    key_box: str = Field("", max_length=100)
    pets: str = Field("", max_length=100)
    notes: str = Field("", max_length=2000)
    required_qualifications: list[str] = Field(default_factory=list, max_length=20)
    preferred_gender: str = Field("", pattern="^(|female|male)$")
    preferred_language: str = Field("", max_length=8)
    payment_kind: str = Field("free", pattern="^(free|yen|points)$")
    payment_amount: int = Field(0, ge=0, le=1_000_000)
    share_phone: bool = False
    draft: bool = False


class RequestReasonIn(Schema):
    """Why a request is cancelled or disputed, or a booking given back."""

    reason: str = Field(..., min_length=1, max_length=300)


class CandidateOut(Schema):
    helper_id: int
    name: str
    cost: float
    distance_km: float
    travel_minutes: float
    explanation: str
    reasons: list[dict]


class CandidatesOut(Schema):
    candidates: list[CandidateOut]
    rejected: int


class OfferIn(Schema):
    helper_ids: list[int] = Field(default_factory=list, max_length=50)
    top: int | None = Field(None, ge=1, le=20)


class OfferOut(Schema):
    id: int
    request_id: int
    helper_id: int
    status: str
    source: str
    rank: int | None
    distance_km: float | None
    explanation: str
    created_at: dt.datetime
    refused_code: str = ""
    refused: str = ""


class BookingOut(Schema):
    id: int
    request_id: int
    helper_id: int
    seat: int = 1
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    checked_in_at: dt.datetime | None
    checked_out_at: dt.datetime | None
    location_consent: bool
    completed_at: dt.datetime | None


class VisitIn(Schema):
    share_location: bool = False
    agree_standards: bool = Field(False, description="Agree to the community standards (needed before the first visit with a recipient)")
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)


class BookingReviewIn(Schema):
    """A review after a completed visit (either side)."""

    stars: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=2000)
    tags: list[str] = Field(default_factory=list, max_length=10)


class ReviewOut(Schema):
    id: int
    booking_id: int
    direction: str
    stars: int
    comment: str
    tags: list[str]


class MessageIn(Schema):
    helper_id: int
    body: str = Field(..., min_length=1, max_length=2000)


class MessageOut(Schema):
    id: int
    helper_id: int
    sender_id: int | None
    body: str
    created_at: dt.datetime


class IntroductionIn(Schema):
    helper_id: int
    mode: str = Field(..., pattern="^(phone|video|in_person)$")
    scheduled_at: dt.datetime


class IntroductionOut(Schema):
    id: int
    helper_id: int
    mode: str
    scheduled_at: dt.datetime
    status: str


class RunIn(Schema):
    municipality_id: int
    day: dt.date
    area_id: int | None = None


class LineOut(Schema):
    id: int
    request_id: int
    helper_id: int | None
    cost: float | None
    distance_km: float | None
    explanation: str
    edited: bool
    override_codes: list[str] = []
    override: str = ""
    override_reason: str = ""


class ChoiceOut(Schema):
    helper_id: int
    name: str
    rank: int | None = None
    distance_km: float | None = None
    codes: list[str] = []
    explanation: str


class LineChoicesOut(Schema):
    line_id: int
    request_id: int
    helper_id: int | None
    feasible: list[ChoiceOut]
    override: list[ChoiceOut]
    refused: list[ChoiceOut]
    no_consent: bool
    override_reason_min: int


class QualityOut(Schema):
    """How good the proposal is: the method and the gap to the optimum (最適解との差)."""

    method: str
    method_label: str
    optimal: bool
    gap_percent: float | None
    text: str
    bound_served: int | None
    bound_cost: float | None
    seconds: float | None
    greedy_served: int | None


class RunOut(Schema):
    id: int
    municipality_id: int
    area_id: int | None
    day: dt.date
    status: str
    method: str
    stats: dict
    quality: QualityOut
    lines: list[LineOut]


class LineIn(Schema):
    helper_id: int | None = None
    override: bool = False
    override_reason: str = ""


class ConfirmOut(Schema):
    offered: int
    already_offered: int = Field(0, description="Lines offered by an earlier (interrupted) confirmation")
    skipped: list[dict]


class RequestsFacilityShiftIn(Schema):
    """施設スポット支援: a spot shift at a care facility (no resident recipient)."""

    facility_id: int
    area_id: int
    starts_at: dt.datetime
    duration_minutes: int = Field(..., ge=0, le=24 * 60)
    slots: int = Field(1, ge=0, le=100, description="Helpers wanted (1–20)")
    title: str = Field("", max_length=120)
    details: str = Field("", max_length=2000)
    recurrence: str = Field("once", pattern="^(once|weekly)$")
    recurrence_until: dt.date | None = None
    required_qualifications: list[str] = Field(default_factory=list, max_length=20)
    preferred_language: str = Field("", max_length=8)
    payment_kind: str = Field("free", pattern="^(free|yen|points)$")
    payment_amount: int = Field(0, ge=0, le=1_000_000)
    draft: bool = False


class RequestsFacilityBookingOut(Schema):
    """A helper booked for the facility's shift: name and the visit, nothing else."""

    id: int
    seat: int
    helper_id: int
    helper_name: str
    status: str
    checked_in_at: dt.datetime | None
    checked_out_at: dt.datetime | None


class RequestsFacilityOfferIn(Schema):
    top: int = Field(3, ge=1, le=20)


class RequestsFacilityOffersOut(Schema):
    """How many helpers the shift was offered to (who they are stays with the coordinator)."""

    offered: int


# --- helpers --------------------------------------------------------------------------------------


def _lang(request) -> str:
    return getattr(request, "LANGUAGE_CODE", "ja") or "ja"


def _request_out(request, req, *, with_private: bool = True) -> dict:
    data = {f: getattr(req, f) for f in RequestOut.model_fields if f not in ("private", "ends_at")}
    data["ends_at"] = req.ends_at
    data["private"] = None
    if with_private and selectors.may_see_private(request.user, req):
        is_helper_view = not (selectors.is_recipient_side(request.user, req)
                              or selectors.is_staff_for(request.user, req))
        fields = private_fields(req, booking_helper_view=is_helper_view,
                                reveal_phone=is_helper_view and helper_may_see_phone(request.user,
                                                                                     selectors.live_booking(req)))
        record_access(request, req.recipient, fields.pop("audited"), "matching")
        data["private"] = fields
    return data


def _visible(request, pk: int):
    return get_object_or_404(selectors.requests_visible_to(request.user).select_related("recipient"), pk=pk)


def _managed(request, pk: int):
    return get_object_or_404(selectors.managed_requests(request.user).select_related("recipient"), pk=pk)


def _offer_out(request, o: Offer) -> dict:
    return {"id": o.pk, "request_id": o.request_id, "helper_id": o.helper_id, "status": o.status,
            "source": o.source, "rank": o.rank, "distance_km": o.distance_km,
            "explanation": explain_reasons(o.reasons, _lang(request)), "created_at": o.created_at,
            "refused_code": o.refused_code, "refused": services.accept_refusal_text(o.refused_code)}


def _own_booking(request, booking_id: int) -> Booking:
    profile = selectors.helper_profile_of(request.user)
    booking = get_object_or_404(selectors.bookings_visible_to(request.user),
                                pk=booking_id)
    if profile is None or booking.helper_id != profile.pk:
        raise ApiError(403, "not_your_booking", str(texts.NOT_YOUR_BOOKING))
    return booking


def _line_out(request, ln: ProposedAssignment) -> dict:
    return {"id": ln.pk, "request_id": ln.request_id, "helper_id": ln.helper_id, "cost": ln.cost,
            "distance_km": ln.distance_km, "explanation": explain_reasons(ln.reasons, _lang(request)),
            "edited": ln.edited, "override_codes": list(ln.override_codes or ()),
            "override": batch_services.override_text(ln.override_codes, _lang(request)),
            "override_reason": ln.override_reason}


def _run_out(request, run: MatchingRun) -> dict:
    lines = [_line_out(request, ln) for ln in run.lines.all()]
    return {"id": run.pk, "municipality_id": run.municipality_id, "area_id": run.area_id, "day": run.day,
            "status": run.status, "method": run.method, "stats": run.stats,
            "quality": batch_services.quality(run), "lines": lines}


def _visible_run(request, run_id: int) -> MatchingRun:
    return selectors.visible_run(request.user, run_id)


def _helper_in(req, helper_id: int):
    from sasaeai.helpers.models import HelperProfile

    return get_object_or_404(HelperProfile, pk=helper_id, municipality_id=req.municipality_id)


# --- requests -------------------------------------------------------------------------------------


@router.get("/requests", response=responses(200, list[RequestOut]), summary="Requests you may see")
@paginate
def list_requests(request, status: str | None = None):
    qs = selectors.requests_visible_to(request.user).order_by("-starts_at", "-pk")
    if status:
        qs = qs.filter(status=status)
    return [_request_out(request, r, with_private=False) for r in qs[:500]]


@router.post("/requests", response=responses(201, RequestOut), summary="Create a request (resident, proxy or staff)")
def create_request(request, payload: RequestIn):
    recipient = get_object_or_404(residents_visible_to(request.user), pk=payload.recipient_id)
    data = payload.dict()
    data.pop("recipient_id")
    req = services.create_request(user=request.user, recipient=recipient, **data)
    return 201, _request_out(request, req)


@router.get("/requests/{request_id}", response=responses(200, RequestOut))
def get_request(request, request_id: int):
    return _request_out(request, _visible(request, request_id))


@router.post("/requests/{request_id}/publish", response=responses(200, RequestOut))
def publish(request, request_id: int):
    return _request_out(request, services.publish(_visible(request, request_id), user=request.user))


@router.post("/requests/{request_id}/cancel", response=responses(200, RequestOut))
def cancel(request, request_id: int, payload: RequestReasonIn):
    req = services.cancel_request(_visible(request, request_id), user=request.user, reason=payload.reason)
    return _request_out(request, req, with_private=False)


@router.post("/requests/{request_id}/dispute", response=responses(200, RequestOut))
def dispute(request, request_id: int, payload: RequestReasonIn):
    req = services.dispute(_visible(request, request_id), user=request.user, reason=payload.reason)
    return _request_out(request, req, with_private=False)


@router.get("/requests/{request_id}/candidates", response=responses(200, CandidatesOut),
            summary="Instant matching: ranked helpers with explanations (coordinators)")
def candidates(request, request_id: int, limit: int = 10):
    req = _managed(request, request_id)
    if not services.matching_allowed(req):
        raise ApiError(400, "no_consent", str(texts.NO_CONSENT))
    found, rejections = services.rank_candidates(req, limit=max(1, min(limit, 50)))
    return {"rejected": len(rejections), "candidates": [
        {"helper_id": c.profile.pk, "name": c.profile.user.display_name, "cost": c.cost,
         "distance_km": c.distance_km, "travel_minutes": c.travel_minutes,
         "reasons": services.reasons_json(c),
         "explanation": explain_reasons(services.reasons_json(c), _lang(request))} for c in found]}


@router.post("/requests/{request_id}/offers", response=responses(201, list[OfferOut]),
             summary="Offer to helpers (helper_ids) or to the engine's top N (coordinators)")
def make_offers(request, request_id: int, payload: OfferIn):
    req = _managed(request, request_id)
    if payload.top:
        created = services.offer_to_top(req, by=request.user, n=payload.top)
    else:
        if not payload.helper_ids:
            raise ApiError(400, "no_helpers", str(texts.CHOOSE_HELPER))
        profiles = [_helper_in(req, pk) for pk in dict.fromkeys(payload.helper_ids)]
        created = services.offer_to(req, profiles, by=request.user)
    return 201, [_offer_out(request, o) for o in created]


@router.get("/requests/{request_id}/offers", response=responses(200, list[OfferOut]))
def list_request_offers(request, request_id: int):
    req = _managed(request, request_id)
    return [_offer_out(request, o) for o in req.offers.all()]


@router.get("/requests/{request_id}/messages", response=responses(200, list[MessageOut]))
def list_messages(request, request_id: int):
    req = _visible(request, request_id)
    qs = Message.objects.filter(request=req)
    if not (selectors.is_recipient_side(request.user, req) or selectors.is_staff_for(request.user, req)):
        qs = qs.filter(helper=selectors.helper_profile_of(request.user))
    return list(qs)


@router.post("/requests/{request_id}/messages", response=responses(201, MessageOut))
def post_message(request, request_id: int, payload: MessageIn):
    req = _visible(request, request_id)
    return 201, services.send_message(req, user=request.user, helper=_helper_in(req, payload.helper_id),
                                      body=payload.body)


@router.post("/requests/{request_id}/introductions", response=responses(201, IntroductionOut),
             summary="Arrange an introduction call or meeting before a first booking")
def propose_introduction(request, request_id: int, payload: IntroductionIn):
    req = _visible(request, request_id)
    return 201, services.propose_introduction(req, user=request.user, helper=_helper_in(req, payload.helper_id),
                                              mode=payload.mode, scheduled_at=payload.scheduled_at)


class IntroductionAnswerIn(Schema):
    status: str = Field(..., pattern="^(agreed|done|cancelled)$")


@router.post("/requests/{request_id}/introductions/{intro_id}", response=responses(200, IntroductionOut),
             summary="Agree to, complete or cancel an introduction")
def answer_introduction(request, request_id: int, intro_id: int, payload: IntroductionAnswerIn):
    from sasaeai.requests.models import Introduction

    req = _visible(request, request_id)
    intro = get_object_or_404(Introduction, pk=intro_id, request=req)
    return services.answer_introduction(intro, user=request.user, status=payload.status)


@router.get("/municipalities/{municipality_id}/requests-board", response=responses(200, list[RequestOut]),
            summary="Open and offered requests of a municipality (coordinators)")
def board(request, municipality_id: int, area_id: int | None = None):
    ids = municipality_ids(request.user, selectors.COORDINATING_ROLES)
    if ids is not None and municipality_id not in ids:
        raise ApiError(404, "not_found", str(texts.NOT_FOUND))
    return [_request_out(request, r, with_private=False)
            for r in selectors.open_requests_board(request.user, municipality_id, area_id)[:1000]]


# --- care facilities' spot shifts (施設スポット支援) ----------------------------------------------------


def _own_shift(request, request_id: int):
    return get_object_or_404(selectors.facility_requests(request.user), pk=request_id)


@router.get("/facility-shifts", response=responses(200, list[RequestOut]),
            summary="Spot shifts of the care facilities you work for (facility staff)")
def facility_shifts(request):
    qs = selectors.facility_requests(request.user).order_by("-starts_at", "-pk")
    return [_request_out(request, r, with_private=False) for r in qs[:500]]


@router.post("/facility-shifts", response=responses(201, RequestOut),
             summary="Post a spot shift at your care facility (facility staff)")
def create_facility_shift(request, payload: RequestsFacilityShiftIn):
    facility = get_object_or_404(selectors.facility_branches(request.user), pk=payload.facility_id)
    area = get_object_or_404(Area, pk=payload.area_id, municipality_id=facility.partner.municipality_id)
    data = payload.dict()
    data.pop("facility_id")
    data.pop("area_id")
    req = services.create_facility_request(user=request.user, facility=facility, area=area, **data)
    return 201, _request_out(request, req, with_private=False)


@router.get("/facility-shifts/{request_id}/bookings", response=responses(200, list[RequestsFacilityBookingOut]),
            summary="The helpers booked for one of your spot shifts (facility staff)")
def facility_shift_bookings(request, request_id: int):
    req = _own_shift(request, request_id)
    return [{"id": b.pk, "seat": b.seat, "helper_id": b.helper_id, "helper_name": b.helper.user.display_name,
             "status": b.status, "checked_in_at": b.checked_in_at, "checked_out_at": b.checked_out_at}
            for b in req.bookings.select_related("helper__user").order_by("seat", "pk")]


@router.post("/facility-shifts/{request_id}/offers", response=responses(201, RequestsFacilityOffersOut),
             summary="Offer your spot shift to the engine's best candidates (facility staff)")
def facility_shift_offer(request, request_id: int, payload: RequestsFacilityOfferIn):
    req = _own_shift(request, request_id)
    return 201, {"offered": len(services.offer_to_top(req, by=request.user, n=payload.top))}


# --- offers and bookings ----------------------------------------------------------------------------


@router.get("/offers", response=responses(200, list[OfferOut]), summary="Offers waiting for my answer (helpers)")
def my_offers(request):
    return [_offer_out(request, o) for o in selectors.pending_offers_for(request.user)]


def _my_offer(request, offer_id: int) -> Offer:
    profile = selectors.helper_profile_of(request.user)
    if profile is None:
        raise ApiError(404, "not_found", str(texts.NOT_FOUND))
    return get_object_or_404(Offer, pk=offer_id, helper=profile)


@router.post("/offers/{offer_id}/accept", response=responses(201, BookingOut))
def accept(request, offer_id: int):
    return 201, services.accept_offer(_my_offer(request, offer_id), user=request.user)


@router.post("/offers/{offer_id}/decline", response=responses(200, OfferOut))
def decline(request, offer_id: int):
    return _offer_out(request, services.decline_offer(_my_offer(request, offer_id), user=request.user))


@router.post("/offers/{offer_id}/withdraw", response=responses(200, OfferOut))
def withdraw(request, offer_id: int):
    offer = get_object_or_404(Offer.objects.filter(request__in=selectors.managed_requests(request.user)), pk=offer_id)
    return _offer_out(request, services.withdraw_offer(offer, by=request.user))


@router.get("/bookings", response=responses(200, list[BookingOut]), summary="My bookings (helpers)")
def my_bookings(request, day: dt.date | None = None):
    return list(selectors.helper_bookings(request.user, day=day)[:500])


@router.get("/bookings/{booking_id}", response=responses(200, BookingOut))
def get_booking(request, booking_id: int):
    return get_object_or_404(selectors.bookings_visible_to(request.user),
                             pk=booking_id)


@router.post("/bookings/{booking_id}/check-in", response=responses(200, BookingOut))
def check_in(request, booking_id: int, payload: VisitIn):
    return services.check_in(_own_booking(request, booking_id), user=request.user, lat=payload.lat,
                             lon=payload.lon, share_location=payload.share_location,
                             agree_standards=payload.agree_standards)


@router.post("/bookings/{booking_id}/check-out", response=responses(200, BookingOut))
def check_out(request, booking_id: int, payload: VisitIn):
    return services.check_out(_own_booking(request, booking_id), user=request.user, lat=payload.lat,
                              lon=payload.lon, share_location=payload.share_location)


@router.post("/bookings/{booking_id}/give-back", response=responses(200, BookingOut))
def give_back(request, booking_id: int, payload: RequestReasonIn):
    return services.helper_cancel(_own_booking(request, booking_id), user=request.user, reason=payload.reason)


@router.post("/bookings/{booking_id}/no-show", response=responses(200, BookingOut))
def no_show(request, booking_id: int):
    booking = get_object_or_404(Booking.objects.filter(request__in=selectors.managed_requests(request.user)),
                                pk=booking_id)
    return services.mark_no_show(booking, by=request.user)


@router.post("/bookings/{booking_id}/reviews", response=responses(201, ReviewOut),
             summary="Review a completed visit (either side)")
def post_review(request, booking_id: int, payload: BookingReviewIn):
    booking = get_object_or_404(selectors.bookings_visible_to(request.user),
                                pk=booking_id)
    return 201, services.review(booking, user=request.user, stars=payload.stars, comment=payload.comment,
                                tags=payload.tags)


# --- batch matching ---------------------------------------------------------------------------------


@router.post("/matching/runs", response=responses(201, RunOut),
             summary="Propose a batch assignment of a day's open requests (coordinators)")
def run_batch(request, payload: RunIn):
    ids = municipality_ids(request.user, selectors.COORDINATING_ROLES)
    qs = Municipality.objects.all() if ids is None else Municipality.objects.filter(pk__in=ids)
    municipality = get_object_or_404(qs, pk=payload.municipality_id)
    area = get_object_or_404(Area, pk=payload.area_id, municipality=municipality) if payload.area_id else None
    run = batch_services.run_batch(municipality=municipality, day=payload.day, by=request.user, area=area)
    return 201, _run_out(request, run)


@router.get("/matching/runs/{run_id}", response=responses(200, RunOut))
def get_run(request, run_id: int):
    return _run_out(request, _visible_run(request, run_id))


@router.patch("/matching/runs/{run_id}/lines/{line_id}", response=responses(200, LineOut),
              summary="Change the proposed helper of one line (null: nobody)")
def edit_line(request, run_id: int, line_id: int, payload: LineIn):
    """A helper the engine ranks feasible is taken with its explanation; any other needs
    `override: true` and an `override_reason` (400 "override_required" /
    "override_reason_required"); hard refusals (qualification, suspension, block, consent,
    a time already taken) answer 400 even with an override."""
    run = _visible_run(request, run_id)
    line = get_object_or_404(ProposedAssignment, pk=line_id, run=run)
    helper = _helper_in(line.request, payload.helper_id) if payload.helper_id else None
    line = batch_services.edit_line(line, by=request.user, helper=helper, override=payload.override,
                                    override_reason=payload.override_reason)
    return _line_out(request, line)


@router.get("/matching/runs/{run_id}/lines/{line_id}/choices", response=responses(200, LineChoicesOut),
            summary="The helpers for one line: feasible ones ranked with explanations, those needing "
                    "an exception, and those that can never be chosen")
def line_choices(request, run_id: int, line_id: int):
    run = _visible_run(request, run_id)
    line = get_object_or_404(ProposedAssignment.objects.select_related("request", "request__recipient"),
                             pk=line_id, run=run)
    if not selectors.can_manage(request.user, line.request):
        raise ApiError(404, "not_found", str(texts.NOT_FOUND))
    choices = batch_services.line_choices(line, lang=_lang(request))

    def out(c, rank=None):
        return {"helper_id": c.profile.pk, "name": c.profile.user.display_name, "rank": rank,
                "distance_km": getattr(c.candidate, "distance_km", None), "codes": list(c.codes),
                "explanation": c.explanation}

    return {"line_id": line.pk, "request_id": line.request_id, "helper_id": line.helper_id,
            "feasible": [out(c, i) for i, c in enumerate(choices.feasible, start=1)],
            "override": [out(c) for c in choices.override], "refused": [out(c) for c in choices.refused],
            "no_consent": choices.no_consent, "override_reason_min": batch_services.OVERRIDE_REASON_MIN}


@router.post("/matching/runs/{run_id}/confirm", response=responses(200, ConfirmOut))
def confirm_run(request, run_id: int):
    return batch_services.confirm_run(_visible_run(request, run_id), by=request.user)


@router.post("/matching/runs/{run_id}/discard", response=responses(200, RunOut))
def discard_run(request, run_id: int):
    return _run_out(request, batch_services.discard_run(_visible_run(request, run_id), by=request.user))
