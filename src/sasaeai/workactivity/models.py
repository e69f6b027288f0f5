"""就労的活動 (work-like activities): tasks that healthy older people can do for a small reward or
none, posted by partners (協力事業者), filled by a work coordinator (就労的活動支援コーディネーター)
from candidates ranked by the matching engine.

* `WorkTask` (就労的活動の仕事): posted by a partner (or by staff for a partner): schedule (one date,
  or weekly until a date), place, skills wanted, reward, slots, status draft → open → filled → closed.
* `WorkInterest` (就労の希望): a light profile an older resident keeps themselves — kinds of work
  wanted, weekdays and hours, where from and how far. It does not need a helper profile.
* `WorkPlacement` (就労の決定): a confirmed candidate for a task; one per task and person
  (constraint), never more confirmed than the task's slots (the task row is locked).
* `WorkParticipation` (参加記録): attended / no-show and hours per placement and date.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sasaeai.tenancy.models import Area, Municipality

TOKYO = ZoneInfo("Asia/Tokyo")
#: Japan's extent, as tenancy validates it (own copy so migrations do not follow other apps).
LATITUDE = [MinValueValidator(20.0), MaxValueValidator(46.0)]
LONGITUDE = [MinValueValidator(122.0), MaxValueValidator(154.1)]
#: A weekly task is offered for at most this many weeks ahead.
MAX_WEEKS = 52


class WorkCategory(models.TextChoices):
    """就労的活動の種類."""

    NURSERY = "nursery", _("Nursery helper (保育補助)")
    FARM = "farm", _("Farm work (農作業)")
    CLEANING = "cleaning", _("Cleaning (清掃)")
    SHOP = "shop", _("Shop assistance (店舗補助)")
    OTHER = "other", pgettext_lazy("work category", "Other work (その他の仕事)")


class WorkSkill(models.TextChoices):
    """Skills a task wants and a person offers (得意なこと)."""

    CHILDREN = "children", pgettext_lazy("work skill", "Good with children")
    FARMING = "farming", pgettext_lazy("work skill", "Farming or gardening")
    CLEANING = "cleaning", pgettext_lazy("work skill", "Tidy cleaning")
    CASHIER = "cashier", pgettext_lazy("work skill", "Shop till or serving customers")
    COOKING = "cooking", pgettext_lazy("work skill", "Cooking")
    LIFTING = "lifting", pgettext_lazy("work skill", "Can lift and carry")
    DRIVING = "driving", pgettext_lazy("work skill", "Driving")
    COMPUTER = "computer", pgettext_lazy("work skill", "Computer or smartphone")


class TaskStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("work task", "Draft (下書き)")
    OPEN = "open", pgettext_lazy("work task", "Open: looking for people (募集中)")
    FILLED = "filled", pgettext_lazy("work task", "Filled (充足)")
    CLOSED = "closed", pgettext_lazy("work task", "Closed (終了)")


class WorkTask(models.Model):
    """就労的活動の仕事: one task of a partner with its schedule, place, reward and slots."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="work_tasks",
                                     verbose_name=_("municipality"))
    partner = models.ForeignKey("partners.PartnerProfile", on_delete=models.CASCADE, related_name="work_tasks",
                                verbose_name=_("partner"))
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("daily-life area"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what the work is"), max_length=4000, blank=True)
    category = models.CharField(_("kind of work"), max_length=10, choices=WorkCategory.choices)
    address = models.CharField(_("address"), max_length=200)
    lat = models.FloatField(_("latitude"), validators=LATITUDE)
    lon = models.FloatField(_("longitude"), validators=LONGITUDE)
    location = models.ForeignKey("directory.Location", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("directory place"))
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    weekly_until = models.DateField(_("every week until"), null=True, blank=True)
    skills = models.JSONField(_("skills wanted"), default=list, blank=True)
    reward_text = models.CharField(_("reward"), max_length=200, blank=True)
    reward_yen = models.PositiveIntegerField(_("reward (yen)"), null=True, blank=True)
    slots = models.PositiveSmallIntegerField(_("people needed"))
    status = models.CharField(_("status"), max_length=8, choices=TaskStatus.choices, default=TaskStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("posted by"))
    created_at = models.DateTimeField(default=timezone.now)
    demo_key = models.CharField(max_length=60, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("work-like task")
        verbose_name_plural = _("work-like tasks")
        ordering = ["date", "start_time", "pk"]
        indexes = [models.Index(fields=["municipality", "status", "date"], name="worktask_muni_status_date")]
        constraints = [
            models.CheckConstraint(condition=Q(slots__gte=1), name="worktask_slots_positive"),
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="worktask_ends_after_start"),
            models.CheckConstraint(condition=Q(weekly_until__isnull=True) | Q(weekly_until__gte=F("date")),
                                   name="worktask_weekly_until_after_date"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def hours(self) -> float:
        start = dt.datetime.combine(self.date, self.start_time)
        end = dt.datetime.combine(self.date, self.end_time)
        return (end - start).total_seconds() / 3600

    def occurrences(self) -> list[dt.date]:
        """Every date of the task: one, or weekly from `date` until `weekly_until`."""
        if not self.weekly_until:
            return [self.date]
        out, day = [], self.date
        while day <= self.weekly_until and len(out) < MAX_WEEKS:
            out.append(day)
            day += dt.timedelta(days=7)
        return out

    def next_date(self, today: dt.date | None = None) -> dt.date:
        """The next date the task happens on (or its last one when all have passed)."""
        today = today or timezone.localdate()
        days = self.occurrences()
        return next((d for d in days if d >= today), days[-1])

    def window(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """Aware [start, end) of the task on `day`, Japan time."""
        return (dt.datetime.combine(day, self.start_time, tzinfo=TOKYO),
                dt.datetime.combine(day, self.end_time, tzinfo=TOKYO))

    @property
    def reward_label(self) -> str:
        from django.utils.translation import gettext

        if self.reward_yen is not None:
            yen = gettext("%(yen)s yen") % {"yen": f"{self.reward_yen:,}"}
            return f"{self.reward_text} ({yen})" if self.reward_text else yen
        return self.reward_text or gettext("No reward (無償)")

    @property
    def skill_labels(self) -> list[str]:
        return [str(WorkSkill(c).label) for c in self.skills if c in WorkSkill.values]


class TravelMode(models.TextChoices):
    """How the person gets to work (the engine's travel modes)."""

    WALK = "walk", pgettext_lazy("work travel", "On foot (徒歩)")
    BICYCLE = "bicycle", pgettext_lazy("work travel", "Bicycle (自転車)")
    CAR = "car", pgettext_lazy("work travel", "Car (自動車)")
    TRANSIT = "transit", pgettext_lazy("work travel", "Public transport (公共交通)")


class WorkInterest(models.Model):
    """就労の希望: what an older resident wants to do, when and how far. Kept by the person;
    seen by the work coordinators of the municipality (never by partners, who see only the
    display name of a confirmed placement)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="work_interest",
                                verbose_name=_("user"))
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="work_interests",
                                     verbose_name=_("municipality"))
    area = models.ForeignKey(Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("daily-life area"))
    kinds = models.JSONField(_("kinds of work wanted"), default=list)
    skills = models.JSONField(_("what I am good at"), default=list, blank=True)
    weekdays = models.JSONField(_("weekdays"), default=list, help_text=_("0 = Monday … 6 = Sunday"))
    available_from = models.TimeField(_("available from"), default=dt.time(9))
    available_until = models.TimeField(_("available until"), default=dt.time(17))
    max_hours_per_week = models.FloatField(_("at most hours a week"), default=8,
                                           validators=[MinValueValidator(0.5), MaxValueValidator(40)])
    home_lat = models.FloatField(_("latitude"), null=True, blank=True, validators=LATITUDE)
    home_lon = models.FloatField(_("longitude"), null=True, blank=True, validators=LONGITUDE)
    radius_km = models.FloatField(_("how far I can go (km)"), default=3.0,
                                  validators=[MinValueValidator(0.1), MaxValueValidator(50)])
    travel_mode = models.CharField(_("travel mode"), max_length=10, choices=TravelMode.choices,
                                   default=TravelMode.WALK)
    note = models.CharField(_("anything the coordinator should know"), max_length=500, blank=True)
    active = models.BooleanField(_("looking for work now"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    demo_key = models.CharField(max_length=60, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("work interest")
        verbose_name_plural = _("work interests")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(available_until__gt=F("available_from")),
                                   name="workinterest_hours_order"),
            models.CheckConstraint(condition=(Q(home_lat__isnull=True) & Q(home_lon__isnull=True))
                                   | (Q(home_lat__isnull=False) & Q(home_lon__isnull=False)),
                                   name="workinterest_home_both_or_neither"),
        ]

    def __str__(self) -> str:
        return f"work interest #{self.pk}"

    @property
    def home_point(self) -> tuple[float, float] | None:
        """Where the person starts from: their own point, else the helper profile's home,
        else the centre of their area."""
        if self.home_lat is not None and self.home_lon is not None:
            return (self.home_lat, self.home_lon)
        profile = getattr(self.user, "helper_profile", None)
        if profile is not None and profile.home_point is not None:
            return profile.home_point
        if self.area_id is not None:
            return (self.area.center_lat, self.area.center_lon)
        return None

    @property
    def kind_labels(self) -> list[str]:
        return [str(WorkCategory(c).label) for c in self.kinds if c in WorkCategory.values]

    @property
    def skill_labels(self) -> list[str]:
        return [str(WorkSkill(c).label) for c in self.skills if c in WorkSkill.values]


class PlacementStatus(models.TextChoices):
    CONFIRMED = "confirmed", pgettext_lazy("work placement", "Confirmed (決定)")
    WITHDRAWN = "withdrawn", pgettext_lazy("work placement", "Withdrawn (取消)")


class WorkPlacement(models.Model):
    """就労の決定: a person confirmed for a task (weekly tasks: every date of the task)."""

    task = models.ForeignKey(WorkTask, on_delete=models.CASCADE, related_name="placements",
                             verbose_name=_("work-like task"))
    interest = models.ForeignKey(WorkInterest, on_delete=models.CASCADE, related_name="placements",
                                 verbose_name=_("person"))
    status = models.CharField(_("status"), max_length=10, choices=PlacementStatus.choices,
                              default=PlacementStatus.CONFIRMED)
    #: The engine's reasons when the coordinator confirmed (codes and values, no labels).
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank when confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    demo_key = models.CharField(max_length=60, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("work placement")
        verbose_name_plural = _("work placements")
        ordering = ["task", "confirmed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["task", "interest"], name="workplacement_once_per_person",
                                    violation_error_message=_("This person is already placed on this task.")),
        ]

    def __str__(self) -> str:
        return f"placement #{self.pk}"


class WorkParticipation(models.Model):
    """参加記録: whether the person came on one date of the task, and for how many hours."""

    placement = models.ForeignKey(WorkPlacement, on_delete=models.CASCADE, related_name="participations",
                                  verbose_name=_("work placement"))
    date = models.DateField(_("date"))
    attended = models.BooleanField(_("attended"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2, default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("work participation")
        verbose_name_plural = _("work participations")
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "date"], name="workparticipation_once_per_date"),
            models.CheckConstraint(condition=Q(hours__gte=0) & Q(hours__lte=24), name="workparticipation_hours_range"),
            models.CheckConstraint(condition=Q(attended=True) | Q(hours=0), name="workparticipation_no_show_no_hours"),
        ]

    def __str__(self) -> str:
        return f"participation #{self.pk}"
