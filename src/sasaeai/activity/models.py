"""The coordinator's activity log (活動記録) and the area's handover notes (引き継ぎ).

Both belong to the area and the municipality, never to the coordinator who typed them: access
follows the area (tenancy memberships in force), so a successor given the area sees what the
predecessor saw. `recorded_by` / `written_by` say who, for the timesheet and the record.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sasaeai.tenancy.models import Area, Municipality

#: Minutes in a day: no one works more, and an entry of more is a typo.
MINUTES_PER_DAY = 24 * 60


class Function(models.TextChoices):
    """The coordinator's functions (生活支援コーディネーターの機能) plus the other working time."""

    RESOURCE_DEVELOPMENT = "resource_development", _("Resource development (資源開発)")
    NETWORK_BUILDING = "network_building", _("Network building (ネットワーク構築)")
    MATCHING = "matching", _("Matching needs and activities (ニーズと取組のマッチング)")
    OUTREACH = "outreach", _("Awareness and publicity (普及啓発・広報)")
    HELPER_TRAINING = "helper_training", _("Training of helpers (担い手の養成・研修)")
    DIRECT_SUPPORT = "direct_support", _("Direct support (直接支援)")
    ADMINISTRATION = "administration", _("Office work (事務)")
    TRAINING_ATTENDED = "training_attended", _("Attending training (研修受講)")


#: The coordination functions of the programme: the numerator of the coordination share.
COORDINATION_FUNCTIONS = frozenset({
    Function.RESOURCE_DEVELOPMENT, Function.NETWORK_BUILDING, Function.MATCHING, Function.OUTREACH,
    Function.HELPER_TRAINING,
})


class ActivityEntry(models.Model):
    """活動記録: time a coordinator spent on one function in one area on one day, optionally
    linked to what it was about (a need, case, resource, council meeting, partner, help request)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("municipality"))
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="activity_entries",
                             verbose_name=_("area"))
    date = models.DateField(pgettext_lazy("activity", "date"), db_index=True)
    minutes = models.PositiveSmallIntegerField(pgettext_lazy("activity", "minutes"))
    function = models.CharField(pgettext_lazy("activity", "function"), max_length=24, choices=Function.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    link_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("linked record type"))
    link_id = models.PositiveBigIntegerField(_("linked record"), null=True, blank=True)
    link = GenericForeignKey("link_type", "link_id")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="activity_entries", verbose_name=pgettext_lazy("activity", "coordinator"))
    created_at = models.DateTimeField(default=timezone.now)
    demo_key = models.CharField(max_length=80, null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("activity entry")
        verbose_name_plural = _("activity entries")
        ordering = ["-date", "-created_at", "-pk"]
        indexes = [
            models.Index(fields=["municipality", "area", "date"], name="activity_area_date"),
            models.Index(fields=["recorded_by", "date"], name="activity_coordinator_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1) & Q(minutes__lte=MINUTES_PER_DAY), name="activity_minutes_in_a_day",
                violation_error_message=_("An entry is between 1 minute and 24 hours."),
            ),
            models.CheckConstraint(
                condition=Q(link_type__isnull=True, link_id__isnull=True)
                | Q(link_type__isnull=False, link_id__isnull=False),
                name="activity_link_complete",
                violation_error_message=_("A link names both the kind of record and the record."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_function_display()} {self.minutes}"

    @property
    def is_coordination(self) -> bool:
        return self.function in COORDINATION_FUNCTIONS


class NoteSection(models.TextChoices):
    """Sections of an area's handover notes (引き継ぎメモ)."""

    PEOPLE = "people", _("Key people and how to reach them")
    COMMITMENTS = "commitments", _("Ongoing commitments and promises")
    ISSUES = "issues", _("Open issues and what was tried")
    RELATIONSHIPS = "relationships", _("Organisations and relationships")
    PRACTICAL = "practical", _("Practical tips (places, schedules, customs)")
    OTHER = "other", _("Other")


class HandoverNote(models.Model):
    """引き継ぎメモ: one version of one section of an area's handover notes. Versions are
    append-only; the current text of a section is its highest version. Who wrote each version
    and when stays on the record."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("municipality"))
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="handover_notes",
                             verbose_name=_("area"))
    section = models.CharField(pgettext_lazy("handover note", "section"), max_length=16, choices=NoteSection.choices)
    version = models.PositiveIntegerField(pgettext_lazy("handover note", "version"))
    text = models.TextField(pgettext_lazy("handover note", "text"), max_length=5000, blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("written by"))
    written_at = models.DateTimeField(_("written at"), default=timezone.now)
    demo_key = models.CharField(max_length=80, null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("handover note")
        verbose_name_plural = _("handover notes")
        ordering = ["area_id", "section", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["area", "section", "version"], name="handover_note_one_version",
                                    violation_error_message=_("This version of the note already exists.")),
            models.CheckConstraint(condition=Q(version__gte=1), name="handover_note_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.area_id}/{self.section} v{self.version}"
