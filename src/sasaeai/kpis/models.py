"""KPI targets per municipality and fiscal year, and the anonymous yearly SC survey.

The survey keeps who answered and what was answered in two tables that cannot be joined:
`ScSurveyParticipation` (who, to refuse a second answer) has no answer, and `ScSurveyAnswer`
(what) has no user, no participation link, no timestamp and a random primary key, so neither
the row order nor a time can tie an answer to a person."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sasaeai.tenancy.models import Municipality

SCALE = [MinValueValidator(1), MaxValueValidator(5)]


class KpiTarget(models.Model):
    """目標値: a municipality's own target for one indicator in one fiscal year (年度), replacing
    the declared default."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="kpi_targets",
                                     verbose_name=_("municipality"))
    key = models.CharField(_("indicator"), max_length=64)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(0)])
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("set by"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "key", "fiscal_year"], name="kpi_target_unique",
                                    violation_error_message=_("This indicator already has a target for that year.")),
            models.CheckConstraint(condition=Q(target__gte=0), name="kpi_target_nonnegative",
                                   violation_error_message=_("A target cannot be negative.")),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.fiscal_year}"


class ScSurvey(models.Model):
    """SC満足度調査: the yearly anonymous survey of a municipality's coordinators."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="sc_surveys",
                                     verbose_name=_("municipality"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))

    class Meta:
        verbose_name = _("SC survey")
        verbose_name_plural = _("SC surveys")
        constraints = [models.UniqueConstraint(fields=["municipality", "fiscal_year"], name="sc_survey_unique")]

    def __str__(self) -> str:
        return f"SC survey {self.fiscal_year}"


class ScSurveyParticipation(models.Model):
    """回答済みの記録: that a coordinator answered (to refuse a second answer). Holds nothing of
    the answer and no time."""

    survey = models.ForeignKey(ScSurvey, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "user"], name="sc_survey_one_answer_per_person",
                                               violation_error_message=_("You have already answered this survey."))]

    def __str__(self) -> str:
        return f"participation #{self.pk}"


class ScSurveyAnswer(models.Model):
    """回答: one anonymous answer. No user, no participation, no timestamp; a random key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(ScSurvey, on_delete=models.CASCADE, related_name="answers")
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction with the work"), validators=SCALE)
    evaluation_clear = models.PositiveSmallIntegerField(_("knowing how the work is evaluated"), validators=SCALE)
    support = models.PositiveSmallIntegerField(_("support from the municipality"), validators=SCALE)

    class Meta:
        ordering = ["satisfaction", "evaluation_clear", "support", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1, satisfaction__lte=5) & Q(evaluation_clear__gte=1, evaluation_clear__lte=5)
                & Q(support__gte=1, support__lte=5),
                name="sc_survey_answer_scale"),
        ]

    def __str__(self) -> str:
        return "SC survey answer"
