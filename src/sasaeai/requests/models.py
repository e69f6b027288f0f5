"""Help requests (依頼), offers (打診), bookings (予約), reviews (評価) and messages.

The database itself guarantees the two booking invariants, on SQLite and PostgreSQL alike:

* one request never has two live bookings — a partial unique constraint on
  `Booking(request)` for the live statuses;
* one helper is never booked twice for overlapping time — every booking writes one
  `BookingSlot(helper, slot_start)` row per 30-minute slot it touches, in the same
  transaction, under a unique constraint. Two overlapping bookings share a slot, so the
  second insert fails and its whole transaction rolls back.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sasaeai.helpers.categories import Category
from sasaeai.matching.slots import SLOT_MINUTES  # noqa: F401  re-exported: one slot definition
from sasaeai.tenancy.models import LATITUDE, LONGITUDE


class RequestStatus(models.TextChoices):
    """依頼の状態."""

    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    OFFERED = "offered", _("Offered to helpers")
    BOOKED = "booked", _("Booked")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    REVIEWED = "reviewed", _("Reviewed")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("No-show")
    DISPUTED = "disputed", _("Disputed")


#: The state machine: from -> allowed targets. Anything else is refused ("illegal_transition").
TRANSITIONS: dict[str, frozenset[str]] = {
    RequestStatus.DRAFT: frozenset({RequestStatus.OPEN, RequestStatus.CANCELLED}),
    RequestStatus.OPEN: frozenset({RequestStatus.OFFERED, RequestStatus.BOOKED, RequestStatus.CANCELLED}),
    RequestStatus.OFFERED: frozenset({RequestStatus.OPEN, RequestStatus.BOOKED, RequestStatus.CANCELLED}),
    RequestStatus.BOOKED: frozenset({
        RequestStatus.IN_PROGRESS, RequestStatus.CANCELLED, RequestStatus.NO_SHOW, RequestStatus.OPEN,
    }),
    RequestStatus.IN_PROGRESS: frozenset({RequestStatus.COMPLETED, RequestStatus.DISPUTED}),
    RequestStatus.COMPLETED: frozenset({RequestStatus.REVIEWED, RequestStatus.DISPUTED}),
    RequestStatus.REVIEWED: frozenset({RequestStatus.DISPUTED}),
    RequestStatus.CANCELLED: frozenset(),
    RequestStatus.NO_SHOW: frozenset({RequestStatus.DISPUTED}),
    RequestStatus.DISPUTED: frozenset(),
}

#: Request statuses in which a live booking exists.
BOOKED_STATES = frozenset({
    RequestStatus.BOOKED, RequestStatus.IN_PROGRESS, RequestStatus.COMPLETED, RequestStatus.REVIEWED,
})

#: Request statuses in which the conversation is closed: no new message or introduction (the
#: request ended without a visit, or a coordinator took it over as a dispute). What was
#: written stays readable.
CONVERSATION_CLOSED_STATES = frozenset({
    RequestStatus.CANCELLED, RequestStatus.NO_SHOW, RequestStatus.DISPUTED,
})


class EnteredBy(models.TextChoices):
    """誰が入力したか."""

    SELF = "self", _("The resident")
    PROXY = "proxy", _("A family member or proxy")
    COORDINATOR = "coordinator", _("A coordinator")
    FACILITY = "facility", _("The care facility's staff")


class Recurrence(models.TextChoices):
    ONCE = "once", _("One-off")
    WEEKLY = "weekly", _("Every week")


class PlaceKind(models.TextChoices):
    HOME = "home", _("At home")
    MEETING_POINT = "meeting_point", _("At a meeting point")
    FACILITY = "facility", _("At the care facility")


#: Most helpers one spot shift may ask for.
MAX_SLOTS = 20


class PaymentKind(models.TextChoices):
    FREE = "free", _("Free (volunteer)")
    YEN = "yen", _("Paid in yen")
    POINTS = "points", _("Volunteer points")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class HelpRequest(models.Model):
    """依頼: one standardized request for help."""

    #: Fields only a booked helper (and staff) may read; every read is audited.
    SENSITIVE_FIELDS = ("mobility", "has_dementia", "allergies", "key_box", "pets", "notes", "address")

    municipality = models.ForeignKey("tenancy.Municipality", on_delete=models.CASCADE,
                                     related_name="help_requests", verbose_name=_("municipality"))
    area = models.ForeignKey("tenancy.Area", on_delete=models.PROTECT, related_name="help_requests",
                             verbose_name=_("daily-life area"))
    #: Exactly one of `recipient` (a resident: home visits) and `facility` (a care facility's
    #: branch: spot shifts, 施設スポット支援) is set — a database check constraint.
    recipient = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="help_requests", verbose_name=_("recipient"))
    facility = models.ForeignKey("partners.PartnerBranch", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="spot_requests", verbose_name=_("care facility"))
    #: How many helpers the request wants (a spot shift may want 2+; a home visit wants one).
    slots = models.PositiveSmallIntegerField(_("helpers wanted"), default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("entered by (user)"))
    entered_by = models.CharField(_("entered by"), max_length=12, choices=EnteredBy.choices)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    title = models.CharField(_("what is needed"), max_length=120)
    details = models.TextField(_("details"), blank=True, max_length=2000)
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"))
    flexible_minutes = models.PositiveIntegerField(
        _("start may move by (minutes)"), default=0,
        help_text=_("How much earlier or later the helper may come."))
    recurrence = models.CharField(_("recurrence"), max_length=8, choices=Recurrence.choices,
                                  default=Recurrence.ONCE)
    recurrence_until = models.DateField(_("repeat until"), null=True, blank=True)
    place_kind = models.CharField(_("place"), max_length=16, choices=PlaceKind.choices,
                                  default=PlaceKind.HOME)
    meeting_point = models.CharField(_("meeting point"), max_length=200, blank=True)
    meeting_lat = models.FloatField(_("meeting point latitude"), null=True, blank=True, validators=LATITUDE)
    meeting_lon = models.FloatField(_("meeting point longitude"), null=True, blank=True, validators=LONGITUDE)
    # What the helper must know (sensitive).
    mobility = models.CharField(_("mobility"), max_length=200, blank=True)
    has_dementia = models.BooleanField(_("lives with dementia"), default=False)
    allergies = models.CharField(_("allergies"), max_length=200, blank=True)
    key_box = models.CharField(_("key box"), max_length=100, blank=True)
    pets = models.CharField(_("pets"), max_length=100, blank=True)
    notes = models.TextField(_("other things the helper must know"), blank=True, max_length=2000)
    required_qualifications = models.JSONField(_("required qualifications"), default=list, blank=True)
    preferred_gender = models.CharField(_("preferred helper gender"), max_length=8,
                                        choices=Gender.choices, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=8, blank=True)
    payment_kind = models.CharField(_("payment"), max_length=8, choices=PaymentKind.choices,
                                    default=PaymentKind.FREE)
    payment_amount = models.PositiveIntegerField(_("amount (yen or points)"), default=0)
    share_phone = models.BooleanField(_("the recipient allows sharing the phone number"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=RequestStatus.choices,
                              default=RequestStatus.OPEN, db_index=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="+", verbose_name=_("cancelled by"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    cancelled_late = models.BooleanField(_("cancelled late"), default=False)
    demo_key = models.CharField(max_length=40, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["municipality", "status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0) & Q(duration_minutes__lte=12 * 60),
                name="request_duration_positive",
                violation_error_message=_("The duration must be between 30 minutes and 12 hours."),
            ),
            models.CheckConstraint(
                condition=Q(payment_amount__gte=0), name="request_payment_non_negative",
            ),
            models.CheckConstraint(
                condition=(Q(recipient__isnull=False) & Q(facility__isnull=True))
                | (Q(recipient__isnull=True) & Q(facility__isnull=False)),
                name="request_recipient_xor_facility",
                violation_error_message=_("A request is either for a resident or for a care facility."),
            ),
            models.CheckConstraint(
                condition=Q(slots__gte=1) & Q(slots__lte=MAX_SLOTS) & (Q(facility__isnull=False) | Q(slots=1)),
                name="request_slots_range",
                violation_error_message=_("A home visit wants one helper; a spot shift 1 to 20."),
            ),
        ]

    def __str__(self) -> str:
        return f"request #{self.pk} ({self.category})"

    @property
    def is_facility(self) -> bool:
        """A care facility's spot shift (no resident recipient)."""
        return self.facility_id is not None

    @property
    def party_id(self) -> int:
        """The other side of the visit for blocks and matching: the resident's id, or the
        negative id of the facility (so the two never collide in the engine's sets)."""
        return self.recipient_id if self.recipient_id is not None else -self.facility_id

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def place_point(self) -> tuple[float, float]:
        if self.place_kind in (PlaceKind.MEETING_POINT, PlaceKind.FACILITY) and self.meeting_lat is not None:
            return (self.meeting_lat, self.meeting_lon)
        if self.recipient_id is None:
            loc = self.facility.location
            return (loc.lat, loc.lon)
        return (self.recipient.lat, self.recipient.lon)


class AutoOfferRule(models.Model):
    """自動打診ルール: a municipality may offer new requests to the top candidates automatically."""

    municipality = models.OneToOneField("tenancy.Municipality", on_delete=models.CASCADE,
                                        related_name="auto_offer_rule", verbose_name=_("municipality"))
    enabled = models.BooleanField(_("offer new requests automatically"), default=False)
    top_n = models.PositiveSmallIntegerField(_("offer to this many candidates"), default=3)
    categories = models.JSONField(_("only these categories (empty: all)"), default=list, blank=True)

    class Meta:
        verbose_name = _("automatic offer rule")
        verbose_name_plural = _("automatic offer rules")

    def __str__(self) -> str:
        return f"auto-offer rule #{self.pk}"


class OfferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class OfferSource(models.TextChoices):
    MANUAL = "manual", _("Offered by a coordinator")
    AUTO = "auto", _("Offered automatically")
    BATCH = "batch", _("From batch matching")


class Offer(models.Model):
    """打診: a request offered to one helper, with the engine's explanation."""

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="offers",
                                verbose_name=_("request"))
    helper = models.ForeignKey("helpers.HelperProfile", on_delete=models.CASCADE, related_name="offers",
                               verbose_name=_("helper"))
    status = models.CharField(_("status"), max_length=10, choices=OfferStatus.choices,
                              default=OfferStatus.PENDING, db_index=True)
    source = models.CharField(pgettext_lazy("offer source", "source"), max_length=8, choices=OfferSource.choices,
                              default=OfferSource.MANUAL)
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("offered by"))
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    cost = models.FloatField(_("matching cost"), null=True, blank=True)
    distance_km = models.FloatField(_("distance (km)"), null=True, blank=True)
    reasons = models.JSONField(_("why this helper"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    #: Why the helper's last accept was refused by the database (e.g. "double_booked": another
    #: booking took the time meanwhile); the coordinator is notified and sees it on the offer.
    refused_code = models.CharField(_("accept refused because"), max_length=32, blank=True)
    refused_at = models.DateTimeField(_("accept refused at"), null=True, blank=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["request_id", "rank", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "helper"], name="offer_once_per_helper",
                                    violation_error_message=_("This helper already has an offer for this request.")),
        ]

    def __str__(self) -> str:
        return f"offer #{self.pk} ({self.status})"


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("No-show")
    DISPUTED = "disputed", _("Disputed")


#: Booking statuses that hold the request (at most one such booking per request).
LIVE_BOOKING_STATUSES = (BookingStatus.BOOKED, BookingStatus.IN_PROGRESS, BookingStatus.COMPLETED,
                         BookingStatus.DISPUTED)


class Booking(models.Model):
    """予約: one helper booked for one request."""

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="bookings",
                                verbose_name=_("request"))
    helper = models.ForeignKey("helpers.HelperProfile", on_delete=models.PROTECT, related_name="bookings",
                               verbose_name=_("helper"))
    offer = models.OneToOneField(Offer, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="booking", verbose_name=_("offer"))
    municipality = models.ForeignKey("tenancy.Municipality", on_delete=models.CASCADE,
                                     related_name="bookings", verbose_name=_("municipality"))
    #: Which of the request's `slots` this booking holds (1 for a home visit). Live bookings
    #: of one request never share a seat (constraint), so N live bookings ≤ N seats.
    seat = models.PositiveSmallIntegerField(_("place in the shift"), default=1)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(_("status"), max_length=12, choices=BookingStatus.choices,
                              default=BookingStatus.BOOKED, db_index=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_lat = models.FloatField(null=True, blank=True, validators=LATITUDE)
    checked_in_lon = models.FloatField(null=True, blank=True, validators=LONGITUDE)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    checked_out_lat = models.FloatField(null=True, blank=True, validators=LATITUDE)
    checked_out_lon = models.FloatField(null=True, blank=True, validators=LONGITUDE)
    location_consent = models.BooleanField(_("the helper agreed to share the location"), default=False)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["helper", "starts_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "seat"], condition=Q(status__in=LIVE_BOOKING_STATUSES),
                name="one_live_booking_per_request",
                violation_error_message=_("This request already has a helper."),
            ),
            models.CheckConstraint(condition=Q(seat__gte=1), name="booking_seat_positive"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="booking_ends_after_start"),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True) | (
                    Q(checked_in_at__isnull=False) & Q(checked_out_at__gte=models.F("checked_in_at"))),
                name="booking_checkout_after_checkin",
                violation_error_message=_("Check-out cannot come before check-in."),
            ),
        ]

    def __str__(self) -> str:
        return f"booking #{self.pk} ({self.status})"


class BookingSlot(models.Model):
    """One 30-minute slot of a helper's time held by a live booking. The unique constraint
    is what makes double booking impossible."""

    helper = models.ForeignKey("helpers.HelperProfile", on_delete=models.CASCADE, related_name="+")
    slot_start = models.DateTimeField()
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="slots")

    class Meta:
        verbose_name = _("booked slot")
        verbose_name_plural = _("booked slots")
        constraints = [
            models.UniqueConstraint(fields=["helper", "slot_start"], name="helper_slot_once",
                                    violation_error_message=_("The helper is already booked at this time.")),
        ]

    def __str__(self) -> str:
        return f"slot {self.slot_start:%Y-%m-%d %H:%M}"


class Block(models.Model):
    """A recipient (or a care facility) who does not want a helper again, or a helper who does
    not want to visit them again. Matching never pairs them. Exactly one of `recipient` and
    `facility` is set."""

    class Side(models.TextChoices):
        RECIPIENT = "recipient", _("By the recipient")
        HELPER = "helper", _("By the helper")

    recipient = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="+")
    facility = models.ForeignKey("partners.PartnerBranch", on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="+")
    helper = models.ForeignKey("helpers.HelperProfile", on_delete=models.CASCADE, related_name="+")
    side = models.CharField(_("blocked by"), max_length=10, choices=Side.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "helper", "side"], name="block_once"),
            models.UniqueConstraint(fields=["facility", "helper", "side"], name="block_facility_once"),
            models.CheckConstraint(
                condition=(Q(recipient__isnull=False) & Q(facility__isnull=True))
                | (Q(recipient__isnull=True) & Q(facility__isnull=False)),
                name="block_recipient_xor_facility"),
        ]

    def __str__(self) -> str:
        return f"block #{self.pk}"

    @property
    def party_id(self) -> int:
        return self.recipient_id if self.recipient_id is not None else -self.facility_id


class ReviewTag(models.TextChoices):
    """Fixed tags; the first three are safety or conduct concerns that flag a helper."""

    UNSAFE = "unsafe", _("Felt unsafe")
    RUDE = "rude", _("Rude")
    LATE = "late", _("Late")
    NO_SHOW = "no_show", _("Did not come")
    EXCELLENT = "excellent", _("Excellent")
    KIND = "kind", pgettext_lazy("review tag", "Kind")
    PUNCTUAL = "punctual", _("Punctual")
    CAREFUL = "careful", _("Careful")
    GOOD_TALK = "good_talk", _("Good company")
    CLEAR_INSTRUCTIONS = "clear_instructions", _("Clear instructions")


class ReviewDirection(models.TextChoices):
    OF_HELPER = "of_helper", _("The recipient's side reviews the helper")
    OF_RECIPIENT = "of_recipient", _("The helper reviews the visit")


class Review(models.Model):
    """評価: one review per side per booking."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="reviews",
                                verbose_name=_("booking"))
    direction = models.CharField(_("direction"), max_length=14, choices=ReviewDirection.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+", verbose_name=_("author"))
    stars = models.PositiveSmallIntegerField(_("stars"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["booking", "direction"], name="review_once_per_side",
                                    violation_error_message=_("This visit has already been reviewed from this side.")),
            models.CheckConstraint(condition=Q(stars__gte=1) & Q(stars__lte=5), name="review_stars_1_5",
                                   violation_error_message=_("Give 1 to 5 stars.")),
        ]

    def __str__(self) -> str:
        return f"review #{self.pk} ({self.stars})"


class Message(models.Model):
    """連絡: a message about one request between the recipient's side and the helper."""

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="messages",
                                verbose_name=_("request"))
    helper = models.ForeignKey("helpers.HelperProfile", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("helper (conversation)"))
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+", verbose_name=_("sender"))
    body = models.TextField(_("message"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"message #{self.pk}"


class Introduction(models.Model):
    """顔合わせ: an introduction call or meeting before a first booking."""

    class Mode(models.TextChoices):
        PHONE = "phone", _("Phone call")
        VIDEO = "video", _("Video call")
        IN_PERSON = "in_person", _("Meeting in person")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        AGREED = "agreed", _("Agreed")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="introductions")
    helper = models.ForeignKey("helpers.HelperProfile", on_delete=models.CASCADE, related_name="+")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    mode = models.CharField(_("how"), max_length=10, choices=Mode.choices)
    scheduled_at = models.DateTimeField(_("when"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")
        ordering = ["scheduled_at"]

    def __str__(self) -> str:
        return f"introduction #{self.pk}"


class MatchingRun(models.Model):
    """一括マッチング: a batch proposal for one municipality's open requests of one day."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed")
        DISCARDED = "discarded", _("Discarded")

    municipality = models.ForeignKey("tenancy.Municipality", on_delete=models.CASCADE,
                                     related_name="matching_runs")
    area = models.ForeignKey("tenancy.Area", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    day = models.DateField(_("day"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    method = models.CharField(_("method"), max_length=32, blank=True)
    stats = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"matching run #{self.pk}"


class ProposedAssignment(models.Model):
    """One line of a batch proposal: a request and the proposed helper (or none)."""

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="lines")
    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="+")
    helper = models.ForeignKey("helpers.HelperProfile", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")
    cost = models.FloatField(null=True, blank=True)
    distance_km = models.FloatField(null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    edited = models.BooleanField(default=False)
    #: A coordinator's explicit exception (手動で例外): the engine's failing codes for the chosen
    #: helper and the reason given. Empty for a feasible choice. Audited ("matching.line_override").
    override_codes = models.JSONField(_("exception to the matching rules"), default=list, blank=True)
    override_reason = models.CharField(_("reason for the exception"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("proposed assignment")
        verbose_name_plural = _("proposed assignments")
        ordering = ["request__starts_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["run", "request"], name="proposal_line_once")]

    def __str__(self) -> str:
        return f"proposal line #{self.pk}"
