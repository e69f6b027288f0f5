"""Every write of the kpis app. Each public function is one transaction: it validates first,
writes everything or nothing, and raises `ValidationError` (with a stable `code`)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sasaeai.tenancy.models import Municipality, Role

from . import registry
from .models import KpiTarget, ScSurvey, ScSurveyAnswer, ScSurveyParticipation
from .periods import fiscal_year_of, today

#: Roles that answer the SC survey (生活支援コーディネーター).
SC_ROLES = frozenset({Role.COORDINATOR_L1, Role.COORDINATOR_L2})
#: How far ahead a target may be set: the running fiscal year and the next one.
YEARS_AHEAD = 1
MAX_TARGET = Decimal("9999999999")


def fiscal_years(municipality: Municipality) -> list[int]:
    """The fiscal years that exist for the municipality: from the year it joined the platform
    to the year after the running one."""
    first = fiscal_year_of(municipality.created_at.date()) if municipality.created_at else fiscal_year_of(today())
    last = fiscal_year_of(today()) + YEARS_AHEAD
    return list(range(min(first, last), last + 1))


def _field(field: str, message, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)}, code=code)


def check_fiscal_year(municipality, fiscal_year) -> int:
    """The fiscal year as a number, refused when it does not exist for the municipality."""
    try:
        fiscal_year = int(fiscal_year)
    except (TypeError, ValueError):
        raise _field("fiscal_year", _("Give the fiscal year as a number, e.g. 2026."), "invalid_fiscal_year") from None
    years = fiscal_years(municipality)
    if fiscal_year not in years:
        raise _field("fiscal_year", _(
            "Fiscal year %(year)s does not exist for %(name)s: choose %(first)s to %(last)s."
        ) % {"year": fiscal_year, "name": municipality.name, "first": years[0], "last": years[-1]},
            "fiscal_year_unknown")
    return fiscal_year


def target_set(*, municipality: Municipality, key: str, fiscal_year, target, by) -> KpiTarget:
    """Set the municipality's target of one indicator for one fiscal year (replacing the default)."""
    indicator = registry.get(str(key))
    if indicator is None:
        raise _field("key", _("Unknown indicator."), "indicator_unknown")
    fiscal_year = check_fiscal_year(municipality, fiscal_year)
    try:
        value = Decimal(str(target).strip())
    except (InvalidOperation, ValueError):
        raise _field("target", _("Give the target as a number."), "invalid_target") from None
    if not value.is_finite() or value < 0 or value > MAX_TARGET:
        raise _field("target", _("The target must be a number from 0 upwards."), "invalid_target")
    if indicator.unit == "percent" and value > 100:
        raise _field("target", _("A percentage target cannot exceed 100."), "invalid_target")
    if indicator.unit == "score" and value > 5:
        raise _field("target", _("A score target is between 0 and 5."), "invalid_target")
    with transaction.atomic():
        row, _created = KpiTarget.objects.update_or_create(
            municipality=municipality, key=indicator.key, fiscal_year=fiscal_year,
            defaults={"target": value.quantize(Decimal("0.01")), "set_by": by},
        )
    return row


def target_reset(*, municipality: Municipality, key: str, fiscal_year) -> int:
    """Go back to the declared default target."""
    fiscal_year = check_fiscal_year(municipality, fiscal_year)
    with transaction.atomic():
        deleted, _rows = KpiTarget.objects.filter(municipality=municipality, key=key, fiscal_year=fiscal_year).delete()
    return deleted


def survey_for(municipality: Municipality, fiscal_year: int) -> ScSurvey:
    """The year's survey (the system runs one per municipality and fiscal year)."""
    survey, _created = ScSurvey.objects.get_or_create(municipality=municipality, fiscal_year=fiscal_year)
    return survey


def _score(field: str, value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 5:
        raise _field(field, _("Choose an answer from 1 to 5."), "invalid_answer")
    return number


def survey_answer(*, user, municipality: Municipality, satisfaction, evaluation_clear, support) -> None:
    """Record one coordinator's anonymous answer to the running year's survey. The
    participation (who) and the answer (what) are written in one transaction but keep no
    link; a second answer by the same person is refused by the participation's unique
    constraint, also when two arrive at the same moment."""
    from sasaeai.tenancy.selectors import memberships_of

    if not any(m.role in SC_ROLES and m.municipality_id == municipality.pk for m in memberships_of(user)):
        raise ValidationError(_("Only the municipality's coordinators answer this survey."), code="not_a_coordinator")
    scores = {
        "satisfaction": _score("satisfaction", satisfaction),
        "evaluation_clear": _score("evaluation_clear", evaluation_clear),
        "support": _score("support", support),
    }
    survey = survey_for(municipality, fiscal_year_of(today()))
    try:
        with transaction.atomic():
            ScSurveyParticipation.objects.create(survey=survey, user=user)
            ScSurveyAnswer.objects.create(survey=survey, **scores)
    except IntegrityError:
        raise ValidationError(_("You have already answered this year's survey. Thank you."),
                              code="survey_already_answered") from None


def has_answered(user, municipality: Municipality) -> bool:
    return ScSurveyParticipation.objects.filter(
        survey__municipality=municipality, survey__fiscal_year=fiscal_year_of(today()), user=user).exists()
