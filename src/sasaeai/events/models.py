"""Events (催し), sign-ups (参加申込) with a waiting list (キャンセル待ち), attendance (出席) and
the follow-ups after trial volunteering (おためしボランティア後のフォローアップ).

Capacity is held by sign-ups that are confirmed or offered (a place offered to the first of the
waiting list, to be confirmed before a deadline). Every change of a sign-up locks the event row
(`select_for_update`), so places are given in arrival order; a partial unique constraint keeps
one live sign-up per person and event on both engines."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sasaeai.tenancy.models import Area, Municipality


class EventType(models.TextChoices):
    """催しの種類."""

    TRIAL_VOLUNTEERING = "trial_volunteering", _("Trial volunteering (おためしボランティア)")
    COURSE = "course", _("Course (講座)")
    SALON = "salon", _("Salon or gathering (サロン・集い)")
    EXERCISE = "exercise", _("Exercise class (体操教室)")
    INFORMATION = "information", _("Information session (説明会)")
    COUNCIL_PUBLIC = "council_public", _("Council public event (協議体の公開行事)")
    SC_NETWORK = "sc_network", _("SC network meeting (SC連絡会)")
    JOINT_TRAINING = "joint_training", _("Multi-agency joint training (多職種合同研修)")


#: Types for staff only: never shown to residents, whatever `is_public` says.
STAFF_ONLY_TYPES = frozenset({EventType.SC_NETWORK, EventType.JOINT_TRAINING})


class OrganiserKind(models.TextChoices):
    """主催者の種類."""

    SC = "sc", _("Life support coordinator (生活支援コーディネーター)")
    PARTNER = "partner", _("Partner organisation (民間企業・NPO・社協)")
    RESIDENT_GROUP = "resident_group", _("Resident group (住民グループ)")


def new_token() -> str:
    return secrets.token_urlsafe(16)


class Event(models.Model):
    """催し: one date and time; a recurring event is a series of events sharing `series`."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="events")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    event_type = models.CharField(_("type"), max_length=30, choices=EventType.choices)
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    organiser_kind = models.CharField(_("organiser"), max_length=20, choices=OrganiserKind.choices,
                                      default=OrganiserKind.SC)
    organiser_name = models.CharField(_("organiser name"), max_length=150)
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="organised_events")
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("capacity"))
    is_public = models.BooleanField(_("public"), default=True)
    series = models.CharField(max_length=32, blank=True, default="", db_index=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # A directory programme published as this event (generic: no migration dependency).
    source_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    demo_key = models.CharField(max_length=60, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["municipality", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="event_capacity_positive"),
            models.UniqueConstraint(fields=["demo_key"], name="event_demo_key_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_to_residents(self) -> bool:
        return self.is_public and self.event_type not in STAFF_ONLY_TYPES


class SignUpStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed (参加確定)")
    WAITING = "waiting", _("On the waiting list (キャンセル待ち)")
    OFFERED = "offered", _("Place offered, please confirm (繰り上げ・要確認)")
    CANCELLED = "cancelled", pgettext_lazy("sign-up status", "Cancelled (取消)")
    EXPIRED = "expired", _("Offer expired (期限切れ)")


#: Statuses that hold a place at the event.
HOLDS_PLACE = (SignUpStatus.CONFIRMED, SignUpStatus.OFFERED)
LIVE = (SignUpStatus.CONFIRMED, SignUpStatus.OFFERED, SignUpStatus.WAITING)


class SignUpChannel(models.TextChoices):
    SELF = "self", _("By the person (本人)")
    PROXY = "proxy", _("By a family member or proxy (家族・代理人)")
    PHONE = "phone", _("By phone, entered by staff (電話・職員入力)")


class SignUp(models.Model):
    """参加申込. Its id is the arrival order: sign-ups are written under the event's row lock."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="signups")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_signups")
    signed_up_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+")
    channel = models.CharField(max_length=10, choices=SignUpChannel.choices, default=SignUpChannel.SELF)
    status = models.CharField(max_length=12, choices=SignUpStatus.choices)
    as_helper = models.BooleanField(default=False, help_text="helps run the event (earns points)")
    offer_deadline = models.DateTimeField(null=True, blank=True)
    checkin_code = models.CharField(max_length=32, unique=True, default=new_token)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by_organiser = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], condition=Q(status__in=["confirmed", "offered", "waiting"]),
                                    name="signup_one_live_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}:{self.person_id}:{self.status}"


class AttendanceMethod(models.TextChoices):
    QR = "qr", _("QR code at the door")
    LIST = "list", _("Tick list")


class Attendance(models.Model):
    """出席: one per person and event; a person without a sign-up is a walk-in (当日参加)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_attendances")
    signup = models.ForeignKey(SignUp, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    method = models.CharField(max_length=10, choices=AttendanceMethod.choices)
    walk_in = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="attendance_once_per_person")]

    def __str__(self) -> str:
        return f"{self.event_id}:{self.person_id}"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("To follow up")
    DONE = "done", _("Followed up")


class FollowUp(models.Model):
    """おためしボランティア後のフォローアップ: the SC's task for one participant of a trial."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="followups")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_followups")
    status = models.CharField(max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    note = models.TextField(blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    registered_helper_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="followup_once_per_person")]

    def __str__(self) -> str:
        return f"{self.event_id}:{self.person_id}:{self.status}"
