"""Training (研修): courses (講座), their sessions — each an `events.Event` of type course or
joint training —, completions (修了) recorded by the organiser, and the certificate code
(修了証番号) anyone can check on the public verification page.

A completion of a course that grants a qualification adds a VERIFIED
`helpers.HelperQualification` to the person's helper profile; a person without a profile
keeps the completion with `qualification` empty, and it is applied when the profile is
created (`services.on_helper_profile_saved`)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sasaeai.helpers.qualifications import Qualification
from sasaeai.tenancy.models import Municipality

#: Certificate code alphabet: no 0/O, 1/I/L, so a code read aloud or typed from paper is unambiguous.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12  # 31**12 ≈ 7.9e17: guessing a code is not practical


def new_certificate_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """ABCD-EFGH-JKMN, as printed on the certificate."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


class CourseKind(models.TextChoices):
    """講座の種類."""

    DEMENTIA_SUPPORTER = "dementia_supporter", _("Dementia supporter course (認知症サポーター養成講座)")
    LIFE_SUPPORT = "life_support", _("Daily-life supporter training (生活支援サポーター養成研修)")
    SC_INITIAL = "sc_initial", _("SC initial training (生活支援コーディネーター初任者研修)")
    SC_IN_SERVICE = "sc_in_service", _("SC in-service training (生活支援コーディネーター現任者研修)")
    FIRST_AID = "first_aid", _("First-aid course (普通救命講習)")
    OTHER = "other", pgettext_lazy("course kind", "Other course (その他の講座)")


#: Kinds that train coordinators: their sessions are the "SC training sessions" KPI.
SC_KINDS = frozenset({CourseKind.SC_INITIAL, CourseKind.SC_IN_SERVICE})

#: The qualification a kind grants by default (the form starts with it).
DEFAULT_GRANTS = {
    CourseKind.DEMENTIA_SUPPORTER: Qualification.NINCHISHO_SUPPORTER,
    CourseKind.FIRST_AID: Qualification.FIRST_AID,
}


class CourseScope(models.TextChoices):
    """主催の範囲: a municipality's own course, or a prefectural or national one (SC courses)."""

    MUNICIPAL = "municipal", _("Municipal course")
    PREFECTURAL = "prefectural", _("Prefectural course")
    NATIONAL = "national", _("National course")


class Course(models.Model):
    """講座. Held by a municipality; a prefectural or national course (SC 初任者研修・現任者研修)
    is recorded by the municipality whose coordinators attend it, with its scope."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="courses",
                                     verbose_name=_("municipality"))
    scope = models.CharField(_("held by"), max_length=12, choices=CourseScope.choices,
                             default=CourseScope.MUNICIPAL)
    kind = models.CharField(pgettext_lazy("course", "kind of course"), max_length=20, choices=CourseKind.choices)
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), blank=True, max_length=3000)
    organiser_name = models.CharField(_("organiser name"), max_length=150, blank=True)
    grants = models.CharField(_("qualification granted"), max_length=32, choices=Qualification.choices, blank=True,
                              help_text=_("Completing the course adds this verified qualification to the "
                                          "helper profile."))
    valid_years = models.PositiveSmallIntegerField(
        _("valid for (years)"), null=True, blank=True,
        help_text=_("Leave empty when the completion does not expire."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    demo_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["municipality_id", "kind", "title", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_years__isnull=True) | Q(valid_years__gte=1),
                                   name="course_valid_years_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_sc_course(self) -> bool:
        return self.kind in SC_KINDS


class CourseSession(models.Model):
    """研修の回: one event (events.Event) of the course."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    event = models.OneToOneField("events.Event", on_delete=models.CASCADE, related_name="training_session")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("course session")
        verbose_name_plural = _("course sessions")
        ordering = ["event__starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.course_id}:{self.event_id}"


class Completion(models.Model):
    """修了: one person completed one course (at one session). At most one live (not revoked)
    completion per person and course: completing again returns the same one."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="completions")
    session = models.ForeignKey(CourseSession, on_delete=models.PROTECT, related_name="completions")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_completions")
    completed_on = models.DateField(_("completed on"))
    expires_on = models.DateField(pgettext_lazy("certificate", "valid until"), null=True, blank=True)
    walk_in = models.BooleanField(_("walk-in (not signed up)"), default=False)
    code = models.CharField(_("certificate code"), max_length=16, unique=True, default=new_certificate_code)
    holder_name = models.CharField(_("name on the certificate"), max_length=100)
    qualification = models.ForeignKey("helpers.HelperQualification", on_delete=models.SET_NULL, null=True,
                                      blank=True, related_name="+")
    applied_at = models.DateTimeField(_("added to the helper profile at"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    revoke_reason = models.CharField(_("reason"), max_length=300, blank=True)
    demo_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("course completion")
        verbose_name_plural = _("course completions")
        ordering = ["-completed_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "person"], condition=Q(revoked_at__isnull=True),
                                    name="completion_one_live_per_course"),
        ]

    def __str__(self) -> str:
        return f"{self.course_id}:{self.person_id}"

    @property
    def display_code(self) -> str:
        return format_code(self.code)
