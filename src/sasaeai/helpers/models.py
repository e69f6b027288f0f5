"""Helpers (担い手): profile, qualifications and their verification, weekly availability,
ratings and the vetting history (identity, suspension, flags)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sasaeai.tenancy.models import Area, Municipality

from .qualifications import Qualification

#: Own validators (not tenancy's) so this app's migrations do not follow other apps' edits.
HOME_LAT = [MinValueValidator(-90), MaxValueValidator(90)]
HOME_LON = [MinValueValidator(-180), MaxValueValidator(180)]



class TravelMode(models.TextChoices):
    """移動手段."""

    WALK = "walk", _("On foot (徒歩)")
    BICYCLE = "bicycle", _("Bicycle (自転車)")
    CAR = "car", _("Car (自動車)")
    TRANSIT = "transit", _("Public transport (公共交通)")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other or not stated")


class IdentityStatus(models.TextChoices):
    """本人確認の状態."""

    NONE = "none", _("Not submitted")
    SUBMITTED = "submitted", _("Submitted, awaiting review")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class IdentityDocument(models.TextChoices):
    """本人確認書類 (only the kind is recorded, never the number on it)."""

    DRIVING_LICENCE = "driving_licence", _("Driving licence (運転免許証)")
    MY_NUMBER_CARD = "my_number_card", _("My Number card, front side only (マイナンバーカード)")
    PASSPORT = "passport", _("Passport (パスポート)")
    RESIDENCE_CARD = "residence_card", _("Residence card (在留カード)")
    HEALTH_INSURANCE = "health_insurance", _("Health insurance card (健康保険証)")
    OTHER = "other", _("Other")


class HelperProfile(models.Model):
    """担い手プロフィール: what a helper can do, where and when."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="helper_profile",
        verbose_name=_("user"),
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="helper_profiles", verbose_name=_("municipality"),
    )
    area = models.ForeignKey(
        Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="helper_profiles",
        verbose_name=_("daily-life area"),
    )
    home_postal_code = models.CharField(
        _("postal code"), max_length=7, blank=True,
        help_text=_("Seven digits; the address is filled in from it."),
    )
    home_address = models.CharField(
        _("address (up to the town)"), max_length=200, blank=True,
        help_text=_("Up to the town name is enough; no house number is needed."),
    )
    home_lat = models.FloatField(_("home latitude"), null=True, blank=True, validators=HOME_LAT,
                                 help_text=_("Leave empty to use the centre of your area."))
    home_lon = models.FloatField(_("home longitude"), null=True, blank=True, validators=HOME_LON)
    radius_km = models.FloatField(
        _("service radius (km)"), default=3.0, validators=[MinValueValidator(0.1), MaxValueValidator(100)],
    )
    travel_mode = models.CharField(_("travel mode"), max_length=10, choices=TravelMode.choices,
                                   default=TravelMode.WALK)
    skills = models.JSONField(_("skills"), default=list, blank=True,
                              help_text=_("Category codes of the help this person offers."))
    subtasks = models.JSONField(_("housework sub-tasks"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True,
                                 help_text=_("Language codes such as ja, en, zh, ko, vi, pt."))
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    max_hours_per_week = models.FloatField(
        _("maximum hours per week"), default=10, validators=[MinValueValidator(0), MaxValueValidator(60)],
    )
    has_insurance = models.BooleanField(_("covered by volunteer activity insurance"), default=False)
    insurance_note = models.CharField(_("insurance (policy name)"), max_length=200, blank=True)
    insurance_expires_on = models.DateField(_("insurance valid until"), null=True, blank=True)
    training_done = models.BooleanField(_("helper orientation completed"), default=False)
    training_completed_on = models.DateField(_("orientation completed on"), null=True, blank=True)
    bio = models.TextField(_("about me"), blank=True, max_length=1000)
    active = models.BooleanField(_("accepting requests"), default=True,
                                 help_text=_("A helper may pause without losing the profile."))

    identity_status = models.CharField(_("identity verification"), max_length=10,
                                       choices=IdentityStatus.choices, default=IdentityStatus.NONE)
    identity_document = models.CharField(_("identity document"), max_length=20,
                                         choices=IdentityDocument.choices, blank=True)
    identity_submitted_at = models.DateTimeField(_("identity submitted at"), null=True, blank=True)
    identity_verified_at = models.DateTimeField(_("identity verified at"), null=True, blank=True)
    identity_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("identity verified by"),
    )
    identity_review_note = models.CharField(_("identity review note"), max_length=300, blank=True)

    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("suspended by"),
    )
    suspension_reason = models.TextField(_("suspension reason"), blank=True)

    rating_avg = models.FloatField(_("rolling average rating"), null=True, blank=True)
    rating_count = models.PositiveIntegerField(_("number of ratings"), default=0)
    flagged_at = models.DateTimeField(_("flagged at"), null=True, blank=True)
    flag_reason = models.CharField(_("flag reason"), max_length=300, blank=True)

    demo_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("helper profile")
        verbose_name_plural = _("helper profiles")
        ordering = ["municipality_id", "pk"]
        indexes = [models.Index(fields=["municipality", "suspended_at"], name="helper_muni_susp_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(radius_km__gt=0), name="helper_radius_positive",
                violation_error_message=_("The service radius must be positive."),
            ),
            models.CheckConstraint(
                condition=Q(max_hours_per_week__gte=0), name="helper_hours_nonnegative",
                violation_error_message=_("The maximum hours per week cannot be negative."),
            ),
            models.CheckConstraint(
                condition=(Q(home_lat__isnull=True) & Q(home_lon__isnull=True))
                | (Q(home_lat__isnull=False) & Q(home_lon__isnull=False)),
                name="helper_home_both_or_neither",
                violation_error_message=_("Give both latitude and longitude, or neither."),
            ),
        ]

    def __str__(self) -> str:
        return f"helper #{self.pk}"

    @property
    def home_point(self) -> tuple[float, float] | None:
        """(lat, lon) the matching uses: the home, or else the centre of the helper's area."""
        if self.home_lat is not None and self.home_lon is not None:
            return (self.home_lat, self.home_lon)
        if self.area_id is not None:
            return (self.area.center_lat, self.area.center_lon)
        return None

    @property
    def skill_labels(self) -> list[str]:
        from .categories import Category

        return [str(Category(c).label) for c in self.skills if c in Category.values]

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None

    @property
    def is_identity_verified(self) -> bool:
        return self.identity_verified_at is not None and self.identity_status == IdentityStatus.VERIFIED


class QualificationStatus(models.TextChoices):
    """資格確認の状態: submitted → verified / rejected / expired."""

    SUBMITTED = "submitted", _("Submitted, awaiting review")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired")


class HelperQualification(models.Model):
    """担い手の資格: one claimed qualification and its verification by a coordinator."""

    profile = models.ForeignKey(HelperProfile, on_delete=models.CASCADE, related_name="qualifications",
                                verbose_name=_("helper"))
    code = models.CharField(_("qualification"), max_length=32, choices=Qualification.choices)
    status = models.CharField(_("status"), max_length=10, choices=QualificationStatus.choices,
                              default=QualificationStatus.SUBMITTED)
    document_note = models.CharField(
        _("document note"), max_length=300, blank=True,
        help_text=_("How the document can be checked, e.g. the certificate number and issuing body."),
    )
    certificate_number = models.CharField(_("certificate number"), max_length=50, blank=True)
    obtained_on = models.DateField(_("obtained on"), null=True, blank=True)
    expires_on = models.DateField(pgettext_lazy("qualification", "valid until"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=300, blank=True)
    demo_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("helper qualification")
        verbose_name_plural = _("helper qualifications")
        ordering = ["profile_id", "code", "-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "code"], condition=Q(status__in=["submitted", "verified"]),
                name="helper_qualification_one_live",
                violation_error_message=_("This qualification is already submitted or verified."),
            ),
            models.CheckConstraint(
                condition=Q(status="submitted") | Q(reviewed_at__isnull=False) | Q(status="expired"),
                name="helper_qualification_reviewed_when_decided",
                violation_error_message=_("A decided qualification needs a review time."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.status})"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class AvailabilityRule(models.Model):
    """毎週の活動可能時間: weekday and local (Asia/Tokyo) wall-clock window."""

    profile = models.ForeignKey(HelperProfile, on_delete=models.CASCADE, related_name="availability_rules",
                                verbose_name=_("helper"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("weekly availability")
        verbose_name_plural = _("weekly availability")
        ordering = ["profile_id", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="availability_rule_positive",
                violation_error_message=_("The end time must be after the start time."),
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0) & Q(weekday__lte=6), name="availability_rule_weekday",
                violation_error_message=_("Unknown weekday."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.start_time}-{self.end_time}"


class AvailabilityException(models.Model):
    """例外日: a date on which the weekly pattern changes.

    available=False without times: the whole day off; with times: that window removed.
    available=True (times required): an extra window on that date.
    """

    profile = models.ForeignKey(HelperProfile, on_delete=models.CASCADE,
                                related_name="availability_exceptions", verbose_name=_("helper"))
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("until"), null=True, blank=True)
    available = models.BooleanField(_("available"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("availability exception")
        verbose_name_plural = _("availability exceptions")
        ordering = ["profile_id", "date", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(start_time__isnull=True) & Q(end_time__isnull=True) & Q(available=False))
                | (Q(start_time__isnull=False) & Q(end_time__isnull=False)
                   & Q(end_time__gt=models.F("start_time"))),
                name="availability_exception_times",
                violation_error_message=_(
                    "Give both times with the end after the start; only a day off may omit them."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {'+' if self.available else '-'}"


class HelperRating(models.Model):
    """評価: one rating of a helper (from a review after a completed booking)."""

    profile = models.ForeignKey(HelperProfile, on_delete=models.CASCADE, related_name="ratings",
                                verbose_name=_("helper"))
    stars = models.PositiveSmallIntegerField(_("stars"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    tags = models.JSONField(_("tags"), default=list, blank=True)
    source = models.CharField(pgettext_lazy("rating source", "source"), max_length=64, blank=True,
                              help_text=_("What the rating came from, e.g. review:42 (unique per helper)."))
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("helper rating")
        verbose_name_plural = _("helper ratings")
        ordering = ["profile_id", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(stars__gte=1) & Q(stars__lte=5), name="helper_rating_stars_range",
                                   violation_error_message=_("Stars must be between 1 and 5.")),
            models.UniqueConstraint(fields=["profile", "source"], condition=~Q(source=""),
                                    name="helper_rating_unique_source",
                                    violation_error_message=_("This review was already counted.")),
        ]

    def __str__(self) -> str:
        return f"{self.stars}★ for helper #{self.profile_id}"


class HelperEvent(models.Model):
    """担い手の審査履歴: identity checks, suspensions, reinstatements, flags."""

    class Kind(models.TextChoices):
        IDENTITY_SUBMITTED = "identity_submitted", _("Identity submitted")
        IDENTITY_VERIFIED = "identity_verified", _("Identity verified")
        IDENTITY_REJECTED = "identity_rejected", _("Identity rejected")
        QUALIFICATION_VERIFIED = "qualification_verified", _("Qualification verified")
        QUALIFICATION_REJECTED = "qualification_rejected", _("Qualification rejected")
        QUALIFICATION_EXPIRED = "qualification_expired", _("Qualification expired")
        SUSPENDED = "suspended", _("Suspended")
        REINSTATED = "reinstated", _("Reinstated")
        FLAGGED = "flagged", _("Flagged")
        FLAG_CLEARED = "flag_cleared", _("Flag cleared")

    profile = models.ForeignKey(HelperProfile, on_delete=models.CASCADE, related_name="events",
                                verbose_name=_("helper"))
    kind = models.CharField(_("event"), max_length=32, choices=Kind.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+", verbose_name=pgettext_lazy("done by", "by"))
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("helper event")
        verbose_name_plural = _("helper events")
        ordering = ["profile_id", "-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} for helper #{self.profile_id}"
