"""Every write of the requests app. Each public function is one transaction: it validates
first, writes everything or nothing, and raises `ValidationError` (with a stable `code`)
or `PermissionDenied`. Notifications are queued on commit (see `integrations`).
Batch matching (proposal, line edits, confirm) lives in `batch.py` under the same contract."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasaeai.core.conflicts import retry_on_conflict
from sasaeai.helpers.categories import Category, required_qualifications
from sasaeai.matching.slots import slot_starts as _slot_starts

from . import selectors
from .integrations import (
    booking_completed,
    ensure_standards_agreed,
    notify_later,
    record_rating,
    require_matching_consent,
)
from .models import (
    BOOKED_STATES,
    CONVERSATION_CLOSED_STATES,
    LIVE_BOOKING_STATUSES,
    MAX_SLOTS,
    SLOT_MINUTES,
    TRANSITIONS,
    Block,
    Booking,
    BookingSlot,
    BookingStatus,
    EnteredBy,
    HelpRequest,
    Introduction,
    Message,
    Offer,
    OfferSource,
    OfferStatus,
    PaymentKind,
    PlaceKind,
    Recurrence,
    RequestStatus,
    Review,
    ReviewDirection,
    ReviewTag,
)

#: A cancellation closer than this to the start counts as late.
LATE_CANCEL = timedelta(hours=24)
#: A helper may check in from this long before the start.
CHECK_IN_EARLY = timedelta(minutes=60)

# --- helpers -------------------------------------------------------------------------------


def slot_starts(start: datetime, end: datetime) -> list[datetime]:
    """The 30-minute grid slots (UTC) that [start, end) touches — the engine's definition of
    "busy" (`sasaeai.matching.slots`), so matching and the database agree exactly."""
    return _slot_starts(start, end)


def check_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS.get(current, frozenset()):
        raise ValidationError(
            _("A request that is “%(current)s” cannot become “%(target)s”.") % {
                "current": RequestStatus(current).label, "target": RequestStatus(target).label},
            code="illegal_transition",
        )


def _set_status(req: HelpRequest, target: str) -> None:
    check_transition(req.status, target)
    req.status = target
    req.save(update_fields=["status", "updated_at"])


def _lock(req: HelpRequest) -> HelpRequest:
    """Re-read the request under a row lock (PostgreSQL; SQLite serialises writers)."""
    return (HelpRequest.objects.select_for_update(of=("self",))
            .select_related("recipient", "facility", "facility__location").get(pk=req.pk))


def _require_consent(req: HelpRequest) -> None:
    """The resident's matching consent; a care facility's spot shift has no resident (the
    facility posted it itself), so there is nothing to consent to."""
    if req.recipient_id is not None:
        require_matching_consent(req.recipient)


def matching_allowed(req: HelpRequest) -> bool:
    from .integrations import has_matching_consent

    return req.recipient_id is None or has_matching_consent(req.recipient)


def may_run(user, req: HelpRequest) -> bool:
    """Who runs a request's offers: its coordinators, and for a spot shift its facility staff."""
    return selectors.can_manage(user, req) or selectors.is_facility_staff(user, req)


def _profile_user_id(profile) -> int:
    return profile.user_id


def hard_refusals(req: HelpRequest, profile) -> list[str]:
    """Reasons a helper can never take this request, whoever decides."""
    from sasaeai.helpers.selectors import verified_qualifications

    codes = []
    if profile.municipality_id != req.municipality_id:
        codes.append("other_municipality")
    if getattr(profile, "suspended_at", None) is not None:
        codes.append("suspended")
    if not profile.is_identity_verified:
        codes.append("not_verified")
    if not profile.active:
        codes.append("inactive")
    needed = set(req.required_qualifications or ()) | set(required_qualifications(req.category))
    if needed - set(verified_qualifications(profile)):
        codes.append("missing_qualification")
    if _blocks_for(req).filter(helper=profile).exists():
        codes.append("blocked")
    return codes


def _blocks_for(req: HelpRequest):
    if req.recipient_id is not None:
        return Block.objects.filter(recipient_id=req.recipient_id)
    return Block.objects.filter(facility_id=req.facility_id)


_REFUSAL_MESSAGES = {
    "other_municipality": lambda: _("This helper is registered in another municipality."),
    "suspended": lambda: _("This helper is suspended."),
    "not_verified": lambda: _("This helper's identity has not been verified yet."),
    "missing_qualification": lambda: _("This request needs a qualification the helper does not hold (verified)."),
    "blocked": lambda: _("This helper and this recipient are not matched with each other."),
    "seats_full": lambda: _("Every helper this shift needs is already booked."),
    "inactive": lambda: _("This helper is not accepting requests at the moment."),
}


def _ensure_eligible(req: HelpRequest, profile) -> None:
    codes = hard_refusals(req, profile)
    if codes:
        raise ValidationError(_REFUSAL_MESSAGES[codes[0]](), code=codes[0])


def _ctx(req: HelpRequest) -> dict:
    """Notification context: ids and non-personal facts only."""
    return {"request_id": req.pk, "category": str(req.get_category_display()),
            "starts_at": timezone.localtime(req.starts_at).strftime("%Y-%m-%d %H:%M"),
            "url": f"/requests/{req.pk}/"}


# --- requests ---------------------------------------------------------------------------------


def validate_request_fields(*, category: str, starts_at: datetime, duration_minutes: int,
                            recurrence: str = Recurrence.ONCE, recurrence_until=None,
                            place_kind: str = PlaceKind.HOME, meeting_point: str = "",
                            payment_kind: str = PaymentKind.FREE, payment_amount: int = 0,
                            required_qualifications_: list | None = None, now=None) -> None:
    now = now or timezone.now()
    errors: dict[str, list] = {}
    if category not in Category.values:
        errors.setdefault("category", []).append(ValidationError(_("Choose a category."), code="bad_category"))
    if starts_at is None or timezone.is_naive(starts_at):
        errors.setdefault("starts_at", []).append(ValidationError(_("Enter the date and time."), code="bad_time"))
    elif starts_at <= now:
        errors.setdefault("starts_at", []).append(
            ValidationError(_("The date and time are in the past. Choose a time from now on."), code="in_past"))
    if not duration_minutes or duration_minutes <= 0:
        errors.setdefault("duration_minutes", []).append(
            ValidationError(_("The duration must be at least 30 minutes."), code="zero_duration"))
    elif duration_minutes % SLOT_MINUTES or duration_minutes > 12 * 60:
        errors.setdefault("duration_minutes", []).append(
            ValidationError(_("The duration goes in 30-minute steps, up to 12 hours."), code="bad_duration"))
    if recurrence == Recurrence.WEEKLY and recurrence_until is not None and starts_at is not None \
            and not timezone.is_naive(starts_at) and recurrence_until < timezone.localtime(starts_at).date():
        errors.setdefault("recurrence_until", []).append(
            ValidationError(_("“Repeat until” must be on or after the first date."), code="bad_recurrence"))
    if place_kind == PlaceKind.MEETING_POINT and not (meeting_point or "").strip():
        errors.setdefault("meeting_point", []).append(
            ValidationError(_("Say where to meet."), code="meeting_point_missing"))
    if payment_kind == PaymentKind.FREE and payment_amount:
        errors.setdefault("payment_amount", []).append(
            ValidationError(_("A free request has no amount."), code="bad_payment"))
    if payment_kind in (PaymentKind.YEN, PaymentKind.POINTS) and not payment_amount:
        errors.setdefault("payment_amount", []).append(
            ValidationError(_("Enter the amount."), code="bad_payment"))
    from sasaeai.helpers.qualifications import Qualification

    unknown = set(required_qualifications_ or ()) - set(Qualification.values)
    if unknown:
        errors.setdefault("required_qualifications", []).append(
            ValidationError(_("Unknown qualification."), code="bad_qualification"))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_request(*, user, recipient, category: str, starts_at: datetime, duration_minutes: int,
                   title: str = "", details: str = "", flexible_minutes: int = 0,
                   recurrence: str = Recurrence.ONCE, recurrence_until=None,
                   place_kind: str = PlaceKind.HOME, meeting_point: str = "",
                   meeting_lat: float | None = None, meeting_lon: float | None = None,
                   mobility: str = "", has_dementia: bool = False, allergies: str = "",
                   key_box: str = "", pets: str = "", notes: str = "",
                   required_qualifications: list | None = None, preferred_gender: str = "",
                   preferred_language: str = "", payment_kind: str = PaymentKind.FREE,
                   payment_amount: int = 0, share_phone: bool = False, draft: bool = False,
                   demo_key: str | None = None) -> HelpRequest:
    """Create a request for `recipient`, entered by the resident, a proxy or a coordinator
    (recorded). The category's minimum qualification is always added."""
    entered_by = selectors.acts_for(user, recipient)
    if entered_by is None:
        raise PermissionDenied(_("You cannot enter requests for this person."))
    validate_request_fields(
        category=category, starts_at=starts_at, duration_minutes=duration_minutes,
        recurrence=recurrence, recurrence_until=recurrence_until, place_kind=place_kind,
        meeting_point=meeting_point, payment_kind=payment_kind, payment_amount=payment_amount,
        required_qualifications_=required_qualifications,
    )
    quals = sorted(set(required_qualifications or ()) | set(_category_minimum(category)))
    req = HelpRequest(
        municipality_id=recipient.municipality_id, area_id=recipient.area_id, recipient=recipient,
        created_by=user, entered_by=entered_by, category=category,
        title=(title or "").strip() or str(Category(category).label), details=details,
        starts_at=starts_at, duration_minutes=duration_minutes, flexible_minutes=flexible_minutes,
        recurrence=recurrence, recurrence_until=recurrence_until if recurrence == Recurrence.WEEKLY else None,
        place_kind=place_kind, meeting_point=meeting_point if place_kind == PlaceKind.MEETING_POINT else "",
        meeting_lat=meeting_lat, meeting_lon=meeting_lon, mobility=mobility, has_dementia=has_dementia,
        allergies=allergies, key_box=key_box, pets=pets, notes=notes, required_qualifications=quals,
        preferred_gender=preferred_gender, preferred_language=preferred_language,
        payment_kind=payment_kind, payment_amount=payment_amount, share_phone=share_phone,
        status=RequestStatus.DRAFT if draft else RequestStatus.OPEN, demo_key=demo_key,
    )
    req.full_clean(exclude=["created_by", "cancelled_by"])
    req.save()
    if not draft:
        _after_open(req)
    return req


@transaction.atomic
def create_facility_request(*, user, facility, area, starts_at: datetime, duration_minutes: int,
                            slots: int = 1, category: str = Category.FACILITY_SPOT, title: str = "",
                            details: str = "", recurrence: str = Recurrence.ONCE, recurrence_until=None,
                            required_qualifications: list | None = None, preferred_language: str = "",
                            payment_kind: str = PaymentKind.FREE, payment_amount: int = 0,
                            draft: bool = False, demo_key: str | None = None) -> HelpRequest:
    """施設スポット支援: a care facility's staff post a short shift at the facility (no resident
    recipient) for `slots` helpers. The place is the facility's directory location; the
    shift is matched, offered, booked, checked in and reviewed like a home visit."""
    if facility is None or not selectors.facility_branches(user).filter(pk=facility.pk).exists():
        raise PermissionDenied(_("You cannot post shifts for this facility."))
    errors: dict[str, list] = {}
    loc = facility.location
    if loc is None:
        errors.setdefault("facility", []).append(ValidationError(
            _("This facility has no place on the map yet. Ask the coordinator to add it to the directory."),
            code="facility_without_location"))
    if area is None or area.municipality_id != facility.partner.municipality_id:
        errors.setdefault("area", []).append(ValidationError(_("Choose the daily-life area of the facility."),
                                                             code="bad_area"))
    if not isinstance(slots, int) or not 1 <= slots <= MAX_SLOTS:
        errors.setdefault("slots", []).append(ValidationError(
            _("A shift asks for 1 to %(max)d helpers.") % {"max": MAX_SLOTS}, code="bad_slots"))
    try:
        validate_request_fields(
            category=category, starts_at=starts_at, duration_minutes=duration_minutes, recurrence=recurrence,
            recurrence_until=recurrence_until, payment_kind=payment_kind, payment_amount=payment_amount,
            required_qualifications_=required_qualifications)
    except ValidationError as exc:
        for field, items in exc.error_dict.items():
            errors.setdefault(field, []).extend(items)
    if errors:
        raise ValidationError(errors)
    quals = sorted(set(required_qualifications or ()) | set(_category_minimum(category)))
    req = HelpRequest(
        municipality_id=facility.partner.municipality_id, area=area, recipient=None, facility=facility,
        slots=slots, created_by=user, entered_by=EnteredBy.FACILITY, category=category,
        title=(title or "").strip() or str(Category(category).label), details=details,
        starts_at=starts_at, duration_minutes=duration_minutes,
        recurrence=recurrence, recurrence_until=recurrence_until if recurrence == Recurrence.WEEKLY else None,
        place_kind=PlaceKind.FACILITY, meeting_point=f"{facility.name} {facility.address}".strip()[:200],
        meeting_lat=loc.lat, meeting_lon=loc.lon, required_qualifications=quals,
        preferred_language=preferred_language, payment_kind=payment_kind, payment_amount=payment_amount,
        status=RequestStatus.DRAFT if draft else RequestStatus.OPEN, demo_key=demo_key,
    )
    req.full_clean(exclude=["created_by", "cancelled_by"])
    req.save()
    if not draft:
        _after_open(req)
    return req


def _category_minimum(category: str) -> frozenset[str]:
    return required_qualifications(category) if category in Category.values else frozenset()


@transaction.atomic
def publish(req: HelpRequest, *, user) -> HelpRequest:
    """draft → open."""
    req = _lock(req)
    if not (selectors.is_recipient_side(user, req) or selectors.is_staff_for(user, req)
            or selectors.is_facility_staff(user, req)):
        raise PermissionDenied(_("You cannot change this request."))
    if req.status != RequestStatus.DRAFT:
        check_transition(req.status, RequestStatus.DRAFT)  # raises "illegal_transition"
    if req.starts_at <= timezone.now():
        raise ValidationError(_("The date and time are in the past. Choose a time from now on."),
                              code="in_past")
    _set_status(req, RequestStatus.OPEN)
    _after_open(req)
    return req


def _after_open(req: HelpRequest) -> None:
    """Apply the municipality's automatic offer rule, if any."""
    from .models import AutoOfferRule

    rule = AutoOfferRule.objects.filter(municipality_id=req.municipality_id, enabled=True).first()
    if rule is None or (rule.categories and req.category not in rule.categories):
        return
    if not matching_allowed(req):
        return
    candidates, _rejected = rank_candidates(req, limit=rule.top_n)
    if candidates:
        _offer(req, [c for c in candidates], by=None, source=OfferSource.AUTO)


@retry_on_conflict
@transaction.atomic
def cancel_request(req: HelpRequest, *, user, reason: str) -> HelpRequest:
    """Cancel by the recipient side or a coordinator; records who, why and whether late."""
    req = _lock(req)
    if not (selectors.is_recipient_side(user, req) or may_run(user, req)):
        raise PermissionDenied(_("You cannot cancel this request."))
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the request is cancelled.")]}, code="reason_required")
    _set_status(req, RequestStatus.CANCELLED)
    now = timezone.now()
    req.cancelled_by, req.cancelled_at, req.cancel_reason = user, now, reason.strip()[:300]
    req.cancelled_late = req.starts_at - now < LATE_CANCEL
    req.save(update_fields=["cancelled_by", "cancelled_at", "cancel_reason", "cancelled_late", "updated_at"])
    helpers = _withdraw_pending(req)
    for booking in selectors.live_bookings(req):
        _release(booking, BookingStatus.CANCELLED)
        helpers.append(booking.helper.user)
    notify_later(helpers, "request_cancelled", {**_ctx(req), "late": req.cancelled_late})
    return req


def _withdraw_pending(req: HelpRequest, *, except_offer: Offer | None = None) -> list:
    pending = Offer.objects.filter(request=req, status=OfferStatus.PENDING).select_related("helper__user")
    if except_offer is not None:
        pending = pending.exclude(pk=except_offer.pk)
    users = [o.helper.user for o in pending]
    pending.update(status=OfferStatus.WITHDRAWN, responded_at=timezone.now())
    return users


def _release(booking: Booking, status: str) -> None:
    booking.status = status
    booking.save(update_fields=["status"])
    BookingSlot.objects.filter(booking=booking).delete()


# --- matching and offers ------------------------------------------------------------------------


def rank_candidates(req: HelpRequest, *, limit: int | None = 10):
    """Instant mode: (candidates best first, each with `.profile`; rejections)."""
    from sasaeai.matching import rank

    from .matching_adapter import helpers_for, task_for

    task = task_for(req)
    helpers, profiles = helpers_for(req.municipality_id, [task])
    candidates, rejections = rank(task, helpers, limit=limit)
    out = []
    for c in candidates:
        profile = profiles.get(c.helper_id)
        if profile is not None and not hard_refusals(req, profile):
            out.append(_Ranked(c, profile))
    return out, rejections


class _Ranked:
    """An engine Candidate with its HelperProfile attached."""

    def __init__(self, candidate, profile):
        self.candidate, self.profile = candidate, profile

    def __getattr__(self, name):
        return getattr(self.candidate, name)


def reasons_json(candidate) -> list[dict]:
    return [{"code": r.code, "value": r.value if isinstance(r.value, int | float | str | bool) else str(r.value)}
            for r in getattr(candidate, "reasons", ())]


def _offer(req: HelpRequest, targets, *, by, source: str) -> list[Offer]:
    """Create offers for `targets` (HelperProfiles or _Ranked). Caller holds the transaction."""
    if req.status not in (RequestStatus.OPEN, RequestStatus.OFFERED):
        raise ValidationError(_("Only an open request can be offered to helpers."), code="not_open")
    if req.starts_at <= timezone.now():
        raise ValidationError(_("This request's time has passed."), code="in_past")
    _require_consent(req)
    created = []
    for rank_no, target in enumerate(targets, start=1):
        profile = getattr(target, "profile", target)
        _ensure_eligible(req, profile)
        existing = Offer.objects.filter(request=req, helper=profile).first()
        if existing is not None and existing.status == OfferStatus.PENDING:
            continue
        fields = dict(status=OfferStatus.PENDING, source=source, offered_by=by, rank=rank_no,
                      cost=getattr(target, "cost", None), distance_km=getattr(target, "distance_km", None),
                      reasons=reasons_json(target) if hasattr(target, "candidate") else [],
                      responded_at=None)
        if existing is not None:  # a declined or withdrawn offer is renewed
            for key, value in fields.items():
                setattr(existing, key, value)
            existing.save()
            created.append(existing)
        else:
            created.append(Offer.objects.create(request=req, helper=profile, **fields))
    if not created:
        raise ValidationError(_("These helpers already have an offer for this request."), code="no_new_offers")
    if req.status == RequestStatus.OPEN:
        _set_status(req, RequestStatus.OFFERED)
    notify_later([o.helper.user for o in created], "offer_received", _ctx(req))
    return created


@retry_on_conflict
@transaction.atomic
def offer_to(req: HelpRequest, profiles, *, by, source: str = OfferSource.MANUAL) -> list[Offer]:
    """A coordinator offers the request to these helpers (best first)."""
    req = _lock(req)
    if by is not None and not selectors.can_manage(by, req):
        raise PermissionDenied(_("You cannot offer this request."))
    return _offer(req, list(profiles), by=by, source=source)


@retry_on_conflict
@transaction.atomic
def offer_to_top(req: HelpRequest, *, by, n: int = 3) -> list[Offer]:
    """Offer to the engine's top `n` candidates."""
    req = _lock(req)
    if not may_run(by, req):
        raise PermissionDenied(_("You cannot offer this request."))
    _require_consent(req)
    candidates, _rejections = rank_candidates(req, limit=n)
    if not candidates:
        raise ValidationError(_("No helper can take this request at the moment."), code="no_candidates")
    return _offer(req, candidates, by=by, source=OfferSource.MANUAL)


@retry_on_conflict
@transaction.atomic
def withdraw_offer(offer: Offer, *, by) -> Offer:
    offer = Offer.objects.select_for_update(of=("self",)).select_related("request", "helper__user").get(pk=offer.pk)
    if not selectors.can_manage(by, offer.request):
        raise PermissionDenied(_("You cannot withdraw this offer."))
    if offer.status != OfferStatus.PENDING:
        raise ValidationError(_("Only an offer waiting for an answer can be withdrawn."), code="offer_not_pending")
    offer.status, offer.responded_at = OfferStatus.WITHDRAWN, timezone.now()
    offer.save(update_fields=["status", "responded_at"])
    _reopen_if_no_offers(offer.request)
    notify_later([offer.helper.user], "offer_withdrawn", _ctx(offer.request))
    return offer


def _reopen_if_no_offers(req: HelpRequest) -> None:
    req.refresh_from_db(fields=["status"])
    if req.status == RequestStatus.OFFERED and not Offer.objects.filter(
            request=req, status=OfferStatus.PENDING).exists():
        _set_status(req, RequestStatus.OPEN)


@retry_on_conflict
@transaction.atomic
def decline_offer(offer: Offer, *, user) -> Offer:
    offer = Offer.objects.select_for_update(of=("self",)).select_related("request", "helper").get(pk=offer.pk)
    if offer.helper.user_id != user.pk:
        raise PermissionDenied(_("This offer is not yours."))
    if offer.status != OfferStatus.PENDING:
        raise ValidationError(_("This offer is no longer waiting for an answer."), code="offer_not_pending")
    offer.status, offer.responded_at = OfferStatus.DECLINED, timezone.now()
    offer.save(update_fields=["status", "responded_at"])
    _reopen_if_no_offers(offer.request)
    return offer


@retry_on_conflict
def accept_offer(offer: Offer, *, user) -> Booking:
    """The helper accepts. The first valid accept wins; the other offers are withdrawn.
    The request row is locked, and the database constraints refuse a second live booking
    for the request or an overlapping booking for the helper even if the lock were missed.

    Matching never offers a helper whose time is taken (same slots as the database), so a
    "double_booked" refusal means another booking took the time meanwhile (a race): the
    refusal is recorded on the offer and the coordinator is told, in a transaction of its
    own after the refused one rolled back."""
    try:
        return _accept(offer, user=user)
    except ValidationError as exc:
        if getattr(exc, "code", None) == "double_booked":
            _record_refused_accept(offer.pk, exc.code)
        raise


def _record_refused_accept(offer_id: int, code: str) -> None:
    with transaction.atomic():
        offer = Offer.objects.select_for_update(of=("self",)).select_related("request").get(pk=offer_id)
        offer.refused_code, offer.refused_at = code, timezone.now()
        offer.save(update_fields=["refused_code", "refused_at"])
        notify_later(selectors.coordinators_for(offer.request, offered_by=offer.offered_by),
                     "accept_refused", {**_ctx(offer.request), "code": code})


#: What the coordinator sees on an offer whose accept was refused (`Offer.refused_code`).
ACCEPT_REFUSALS = {
    "double_booked": lambda: _("The helper tried to accept, but is already booked at this time "
                               "(another booking took it meanwhile). Offer the request to someone else."),
}


def accept_refusal_text(code: str) -> str:
    """The words for `Offer.refused_code` ("" when the offer was never refused)."""
    if not code:
        return ""
    return str(ACCEPT_REFUSALS.get(code, lambda: _("The helper could not accept this offer."))())


def _accept(offer: Offer, *, user) -> Booking:
    with transaction.atomic():
        req = _lock(HelpRequest(pk=Offer.objects.values_list("request_id", flat=True).get(pk=offer.pk)))
        offer = Offer.objects.select_for_update(of=("self",)).select_related("helper", "helper__user").get(pk=offer.pk)
        if offer.helper.user_id != user.pk:
            raise PermissionDenied(_("This offer is not yours."))
        if offer.status == OfferStatus.WITHDRAWN:
            raise ValidationError(_("This offer was withdrawn; another helper has it or it was cancelled."),
                                  code="offer_withdrawn")
        if offer.status != OfferStatus.PENDING:
            raise ValidationError(_("This offer is no longer waiting for an answer."), code="offer_not_pending")
        if req.status in BOOKED_STATES:
            raise ValidationError(_("Another helper has already accepted this request."), code="already_booked")
        if req.status != RequestStatus.OFFERED:
            raise ValidationError(_("This request is no longer open."), code="not_open")
        if req.starts_at <= timezone.now():
            raise ValidationError(_("This request's time has passed."), code="in_past")
        _require_consent(req)
        _ensure_eligible(req, offer.helper)
        seat = free_seat(req)
        if seat is None:  # cannot happen while the status is "offered"; the constraint backs it
            raise ValidationError(_REFUSAL_MESSAGES["seats_full"](), code="already_booked")
        booking = _book(req, offer.helper, offer=offer, seat=seat)
        offer.status, offer.responded_at = OfferStatus.ACCEPTED, timezone.now()
        offer.save(update_fields=["status", "responded_at"])
        if free_seat(req) is None:
            others = _withdraw_pending(req, except_offer=offer)
            _set_status(req, RequestStatus.BOOKED)
            notify_later(others, "offer_withdrawn", _ctx(req))
        else:  # a spot shift with places left stays offered to the others
            _reopen_if_no_offers(req)
        # "The address and notes are on the visit page": the helper's link is the booking page.
        notify_later([user], "booking_confirmed", {**_ctx(req), "url": f"/requests/bookings/{booking.pk}/"})
        notify_later(selectors.recipient_side_users(req), "helper_found", _ctx(req))
    return booking


def free_seat(req: HelpRequest) -> int | None:
    """The lowest of the request's `slots` seats no live booking holds, or None when full.
    Read under the request's row lock, so N concurrent accepts take N different seats; the
    unique constraint on (request, seat) refuses a second booking of one seat regardless."""
    taken = set(Booking.objects.filter(request=req, status__in=LIVE_BOOKING_STATUSES)
                .values_list("seat", flat=True))
    for seat in range(1, (req.slots or 1) + 1):
        if seat not in taken:
            return seat
    return None


def _book(req: HelpRequest, profile, *, offer: Offer | None, seat: int = 1) -> Booking:
    """Insert the booking and its slots; translate constraint violations into clear errors."""
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                request=req, helper=profile, offer=offer, municipality_id=req.municipality_id,
                starts_at=req.starts_at, ends_at=req.ends_at, status=BookingStatus.BOOKED, seat=seat,
            )
    except IntegrityError as exc:
        raise ValidationError(_("Another helper has already accepted this request."),
                              code="already_booked") from exc
    try:
        with transaction.atomic():
            BookingSlot.objects.bulk_create(
                [BookingSlot(helper=profile, slot_start=s, booking=booking)
                 for s in slot_starts(booking.starts_at, booking.ends_at)]
            )
    except IntegrityError as exc:
        raise ValidationError(_("You already have a booking at this time."), code="double_booked") from exc
    return booking


# --- the visit ----------------------------------------------------------------------------------


def _own_booking(booking: Booking, user) -> Booking:
    booking = (Booking.objects.select_for_update(of=("self",)).select_related("helper", "request")
               .get(pk=booking.pk))
    if booking.helper.user_id != user.pk:
        raise PermissionDenied(_("This booking is not yours."))
    return booking


def _location(lat, lon, consent: bool):
    if not consent or lat is None or lon is None:
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationError(_("The location is not valid."), code="bad_location")
    return lat, lon


@retry_on_conflict
@transaction.atomic
def check_in(booking: Booking, *, user, lat: float | None = None, lon: float | None = None,
             share_location: bool = False, agree_standards: bool = False) -> Booking:
    """チェックイン: booked → in_progress. The location is kept only if the helper agrees.
    The first visit with a recipient needs the community standards agreed (here or before)."""
    booking = _own_booking(booking, user)
    req = _lock(booking.request)
    if booking.status != BookingStatus.BOOKED:
        raise ValidationError(_("This visit cannot be checked in now (it is “%(status)s”).")
                              % {"status": booking.get_status_display()}, code="illegal_transition")
    now = timezone.now()
    if now < booking.starts_at - CHECK_IN_EARLY:
        raise ValidationError(_("It is too early to check in; you can check in from one hour before the start."),
                              code="too_early")
    if req.recipient_id is not None:
        ensure_standards_agreed(booking.helper, req.recipient, user=user, agree=agree_standards)
        _set_status(req, RequestStatus.IN_PROGRESS)
    else:
        _start_shift(req)
    booking.checked_in_lat, booking.checked_in_lon = _location(lat, lon, share_location)
    booking.location_consent = bool(share_location and booking.checked_in_lat is not None)
    booking.status, booking.checked_in_at = BookingStatus.IN_PROGRESS, now
    booking.save(update_fields=["status", "checked_in_at", "checked_in_lat", "checked_in_lon",
                                "location_consent"])
    notify_later(selectors.recipient_side_users(req), "helper_checked_in", _ctx(req))
    return booking


@retry_on_conflict
@transaction.atomic
def check_out(booking: Booking, *, user, lat: float | None = None, lon: float | None = None,
              share_location: bool = False) -> Booking:
    """チェックアウト: in_progress → completed."""
    booking = _own_booking(booking, user)
    req = _lock(booking.request)
    if booking.status != BookingStatus.IN_PROGRESS or booking.checked_in_at is None:
        raise ValidationError(_("Check in first: a visit cannot be checked out before it was checked in."),
                              code="illegal_transition")
    now = timezone.now()
    booking.checked_out_lat, booking.checked_out_lon = _location(lat, lon, share_location)
    booking.status, booking.checked_out_at, booking.completed_at = BookingStatus.COMPLETED, now, now
    booking.save(update_fields=["status", "checked_out_at", "checked_out_lat", "checked_out_lon",
                                "completed_at"])
    if req.recipient_id is not None:
        _set_status(req, RequestStatus.COMPLETED)
        _spawn_next_occurrence(req)
    else:
        _settle_shift(req)
    booking_completed(booking)
    notify_later(selectors.recipient_side_users(req), "visit_completed", _ctx(req))
    return booking


def _start_shift(req: HelpRequest) -> None:
    """The first helper checks in at a spot shift: the shift goes ahead with the helpers it
    has — places left unfilled are no longer offered (pending offers withdrawn)."""
    if req.status == RequestStatus.IN_PROGRESS:
        return
    if req.status in (RequestStatus.OPEN, RequestStatus.OFFERED):
        notify_later(_withdraw_pending(req), "offer_withdrawn", _ctx(req))
        _set_status(req, RequestStatus.BOOKED)
    _set_status(req, RequestStatus.IN_PROGRESS)


def _settle_shift(req: HelpRequest) -> None:
    """A spot shift in progress is completed once none of its helpers is still booked or
    checked in (each checked out, or marked as a no-show)."""
    if req.status != RequestStatus.IN_PROGRESS or Booking.objects.filter(
            request=req, status__in=[BookingStatus.BOOKED, BookingStatus.IN_PROGRESS]).exists():
        return
    if Booking.objects.filter(request=req, status=BookingStatus.COMPLETED).exists():
        _set_status(req, RequestStatus.COMPLETED)
        _spawn_next_occurrence(req)


def _spawn_next_occurrence(req: HelpRequest) -> HelpRequest | None:
    """A weekly request gets its next week's request (open) when this one is completed."""
    if req.recurrence != Recurrence.WEEKLY:
        return None
    nxt = req.starts_at + timedelta(days=7)
    if req.recurrence_until and timezone.localtime(nxt).date() > req.recurrence_until:
        return None
    if nxt <= timezone.now():
        return None
    copy = HelpRequest.objects.get(pk=req.pk)
    copy.pk = None
    copy.id = None
    copy.starts_at, copy.status, copy.demo_key = nxt, RequestStatus.OPEN, None
    copy.save()
    _after_open(copy)
    return copy


@transaction.atomic
def helper_cancel(booking: Booking, *, user, reason: str) -> Booking:
    """The helper gives a booking back before the visit; the request is open again."""
    booking = _own_booking(booking, user)
    req = _lock(booking.request)
    if booking.status != BookingStatus.BOOKED:
        raise ValidationError(_("Only a booked visit that has not started can be given back."),
                              code="illegal_transition")
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why you cannot come.")]}, code="reason_required")
    if req.status == RequestStatus.BOOKED:
        _set_status(req, RequestStatus.OPEN)
    elif req.recipient_id is not None:
        check_transition(req.status, RequestStatus.OPEN)  # raises "illegal_transition"
    _release(booking, BookingStatus.CANCELLED)
    if req.recipient_id is None:
        _settle_shift(req)
    if booking.offer_id:
        Offer.objects.filter(pk=booking.offer_id).update(status=OfferStatus.WITHDRAWN)
    late = booking.starts_at - timezone.now() < LATE_CANCEL
    notify_later(selectors.recipient_side_users(req), "helper_cancelled", {**_ctx(req), "late": late})
    return booking


@retry_on_conflict
@transaction.atomic
def mark_no_show(booking: Booking, *, by) -> Booking:
    """A coordinator records that the helper did not come."""
    booking = Booking.objects.select_for_update(of=("self",)).select_related("request").get(pk=booking.pk)
    req = _lock(booking.request)
    if not may_run(by, req):
        raise PermissionDenied(_("You cannot change this booking."))
    if booking.status != BookingStatus.BOOKED or timezone.now() < booking.starts_at:
        raise ValidationError(_("Only a booked visit whose start has passed can be marked as a no-show."),
                              code="illegal_transition")
    if req.recipient_id is not None:
        _set_status(req, RequestStatus.NO_SHOW)
        _release(booking, BookingStatus.NO_SHOW)
        return booking
    _release(booking, BookingStatus.NO_SHOW)
    # A spot shift is a no-show only when nobody is left on it.
    if not Booking.objects.filter(request=req, status__in=LIVE_BOOKING_STATUSES).exists():
        if req.status in (RequestStatus.OPEN, RequestStatus.OFFERED):
            _withdraw_pending(req)
            _set_status(req, RequestStatus.BOOKED)
        if req.status == RequestStatus.BOOKED:
            _set_status(req, RequestStatus.NO_SHOW)
    else:
        _settle_shift(req)
    return booking


@transaction.atomic
def dispute(req: HelpRequest, *, user, reason: str) -> HelpRequest:
    """Either side (or a coordinator) disputes a visit; the coordinator follows up."""
    req = _lock(req)
    bookings = selectors.live_bookings(req)
    is_helper = any(b.helper.user_id == user.pk for b in bookings)
    if not (is_helper or selectors.is_recipient_side(user, req) or may_run(user, req)):
        raise PermissionDenied(_("You cannot dispute this request."))
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say what went wrong.")]}, code="reason_required")
    _set_status(req, RequestStatus.DISPUTED)
    req.cancel_reason = reason.strip()[:300]
    req.save(update_fields=["cancel_reason", "updated_at"])
    for booking in bookings:
        booking.status = BookingStatus.DISPUTED
        booking.save(update_fields=["status"])
    return req


# --- reviews, messages, introductions ------------------------------------------------------------


@retry_on_conflict
@transaction.atomic
def review(booking: Booking, *, user, stars: int, comment: str = "", tags=()) -> Review:
    """評価: the recipient side reviews the helper; the helper reviews the visit. When both
    sides have reviewed, the request becomes "reviewed". Ratings of helpers feed matching."""
    booking = Booking.objects.select_for_update(of=("self",)).select_related("helper", "request").get(pk=booking.pk)
    req = _lock(booking.request)
    if booking.helper.user_id == user.pk:
        direction = ReviewDirection.OF_RECIPIENT
    elif selectors.is_recipient_side(user, req) or may_run(user, req):
        direction = ReviewDirection.OF_HELPER
    else:
        raise PermissionDenied(_("You cannot review this visit."))
    if booking.status != BookingStatus.COMPLETED:
        raise ValidationError(_("A visit can be reviewed once it is completed."), code="not_completed")
    if not isinstance(stars, int) or not 1 <= stars <= 5:
        raise ValidationError({"stars": [_("Give 1 to 5 stars.")]}, code="bad_stars")
    tags = list(dict.fromkeys(tags or ()))
    if set(tags) - set(ReviewTag.values):
        raise ValidationError({"tags": [_("Unknown tag.")]}, code="bad_tag")
    if Review.objects.filter(booking=booking, direction=direction).exists():
        raise ValidationError(_("This visit has already been reviewed from your side."), code="already_reviewed")
    obj = Review.objects.create(booking=booking, direction=direction, author=user, stars=stars,
                                comment=(comment or "").strip(), tags=tags)
    if direction == ReviewDirection.OF_HELPER:
        record_rating(booking.helper, stars, tags, source=f"review:{obj.pk}")
    if req.status == RequestStatus.COMPLETED and _all_reviewed(req):
        _set_status(req, RequestStatus.REVIEWED)
    return obj


def _all_reviewed(req: HelpRequest) -> bool:
    """Both sides reviewed every completed booking (one for a home visit; each helper of a shift)."""
    completed = Booking.objects.filter(request=req, status=BookingStatus.COMPLETED)
    n = completed.count()
    return n > 0 and Review.objects.filter(booking__in=completed).count() == 2 * n


def conversation_open(req: HelpRequest) -> bool:
    """New messages and introductions are refused once the request is closed
    (`CONVERSATION_CLOSED_STATES`); the page shows no message box then."""
    return req.status not in CONVERSATION_CLOSED_STATES


def _ensure_conversation_open(req: HelpRequest) -> None:
    # Re-read under the request's row lock: a message must not slip in after a concurrent
    # cancellation has committed.
    if not conversation_open(_lock(req)):
        raise ValidationError(_("This request is closed. New messages can no longer be sent."),
                              code="conversation_closed")


def may_message(user, req: HelpRequest, profile) -> bool:
    """The recipient side and a helper who has (had) an offer or booking may message."""
    if selectors.is_recipient_side(user, req) or selectors.is_staff_for(user, req) \
            or selectors.is_facility_staff(user, req):
        return True
    return profile.user_id == user.pk and (
        Offer.objects.filter(request=req, helper=profile).exists()
        or Booking.objects.filter(request=req, helper=profile).exists())


@transaction.atomic
def send_message(req: HelpRequest, *, user, helper, body: str) -> Message:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("Write a message.")]}, code="empty_message")
    if len(body) > 2000:
        raise ValidationError({"body": [_("The message is too long (2,000 characters at most).")]},
                              code="message_too_long")
    if not may_message(user, req, helper):
        raise PermissionDenied(_("You cannot write in this conversation."))
    _ensure_conversation_open(req)
    msg = Message.objects.create(request=req, helper=helper, sender=user, body=body)
    to = [helper.user] if user.pk != helper.user_id else selectors.recipient_side_users(req)
    notify_later([u for u in to if u.pk != user.pk], "message_received", {"request_id": req.pk, "url": f"/requests/{req.pk}/"})
    return msg


@transaction.atomic
def propose_introduction(req: HelpRequest, *, user, helper, mode: str, scheduled_at: datetime) -> Introduction:
    """顔合わせ before a first booking with this helper."""
    if not may_message(user, req, helper):
        raise PermissionDenied(_("You cannot arrange an introduction for this request."))
    _ensure_conversation_open(req)
    if mode not in Introduction.Mode.values:
        raise ValidationError({"mode": [_("Choose how to meet.")]}, code="bad_mode")
    if scheduled_at <= timezone.now():
        raise ValidationError({"scheduled_at": [_("Choose a time from now on.")]}, code="in_past")
    intro = Introduction.objects.create(request=req, helper=helper, proposed_by=user, mode=mode,
                                        scheduled_at=scheduled_at)
    to = [helper.user] if user.pk != helper.user_id else selectors.recipient_side_users(req)
    notify_later(to, "introduction_proposed", {"request_id": req.pk, "url": f"/requests/{req.pk}/"})
    return intro


@transaction.atomic
def answer_introduction(intro: Introduction, *, user, status: str) -> Introduction:
    intro = Introduction.objects.select_for_update(of=("self",)).select_related("request", "helper").get(pk=intro.pk)
    if not may_message(user, intro.request, intro.helper) or intro.proposed_by_id == user.pk and \
            status == Introduction.Status.AGREED:
        raise PermissionDenied(_("You cannot answer this introduction."))
    allowed = {Introduction.Status.PROPOSED: {Introduction.Status.AGREED, Introduction.Status.CANCELLED},
               Introduction.Status.AGREED: {Introduction.Status.DONE, Introduction.Status.CANCELLED}}
    if status not in allowed.get(intro.status, set()):
        raise ValidationError(_("This introduction cannot change that way."), code="illegal_transition")
    if status == Introduction.Status.AGREED:
        _ensure_conversation_open(intro.request)
    intro.status = status
    intro.save(update_fields=["status"])
    return intro


@transaction.atomic
def block(*, recipient=None, helper, side: str, by, facility=None) -> Block:
    """Never match this helper with this recipient (or care facility) again."""
    if (recipient is None) == (facility is None):
        raise ValidationError(_("A block is either for a resident or for a care facility."), code="bad_block")
    party = {"recipient": recipient} if recipient is not None else {"facility": facility}
    obj, _created = Block.objects.get_or_create(helper=helper, side=side, **party)
    Offer.objects.filter(helper=helper, status=OfferStatus.PENDING,
                         **{f"request__{k}": v for k, v in party.items()}) \
        .update(status=OfferStatus.WITHDRAWN, responded_at=timezone.now())
    return obj


__all__ = [
    "EnteredBy", "LIVE_BOOKING_STATUSES", "accept_offer", "cancel_request", "check_in", "check_out",
    "create_facility_request", "create_request", "decline_offer", "dispute", "helper_cancel",
    "mark_no_show", "offer_to", "offer_to_top", "publish", "rank_candidates", "review",
    "send_message", "withdraw_offer",
]
