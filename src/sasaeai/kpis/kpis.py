"""Indicators of the kpis app itself: SC satisfaction from the anonymous yearly survey, and
the partner and event indicators that wait for their source apps ("no data yet").

Also the place of the report-section hook: any app's kpis.py may define
`report_sections(municipality, fiscal_year) -> list[dict(title, columns, rows)]`."""

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from .models import KpiTarget, ScSurveyAnswer
from .periods import fiscal_year_of

#: Fewer answers than this are not shown: with two SCs each would know the other's answer.
SURVEY_MIN_ANSWERS = 3


def _answers(municipality, area, start, end):
    qs = ScSurveyAnswer.objects.filter(survey__municipality=municipality, survey__fiscal_year=fiscal_year_of(start))
    if qs.count() < SURVEY_MIN_ANSWERS:
        return qs.none()
    return qs.order_by("satisfaction", "id")


def _satisfaction(municipality, area, start, end):
    totals = ScSurveyAnswer.objects.filter(
        survey__municipality=municipality, survey__fiscal_year=fiscal_year_of(start),
    ).aggregate(total=Sum("satisfaction"), n=Count("id"))
    n = totals["n"] or 0
    if n < SURVEY_MIN_ANSWERS:
        return None, 0
    return totals["total"], n


def _describe_answer(answer):
    return [str(answer.satisfaction), str(answer.evaluation_clear), str(answer.support)]


def _no_data(municipality, area, start, end):
    return None, None


def _no_records(municipality, area, start, end):
    return KpiTarget.objects.none()


def indicators() -> list[dict]:
    waiting = {"unit": "count", "period": "fiscal_year", "direction": "at_least", "per_area": False,
               "available": False, "compute": _no_data, "records": _no_records}
    declared = [
        {
            "key": "sc_satisfaction",
            "name": _("SC satisfaction"),
            "definition": _(
                "Average answer (1–5) of the coordinators to “How satisfied are you with your work as a "
                "coordinator?” in the fiscal year's anonymous survey. Shown from 3 answers. Source: the "
                "SC survey (answers are kept apart from who answered)."),
            "unit": "score", "period": "fiscal_year", "target": 4.0, "direction": "at_least",
            "per_area": False, "available": True, "order": 20,
            "compute": _satisfaction, "records": _answers,
            "headers": (_("Satisfaction"), _("Knows how the work is evaluated"), _("Support from the municipality")),
            "describe": _describe_answer,
        },
    ]
    # Declared here as "no data yet" only until the app that holds the source declares it.
    from django.apps import apps

    if not apps.is_installed("sasaeai.partners"):
        declared += [
            {**waiting, "key": "partner_agreements", "target": 5, "order": 80,
             "name": _("Agreements with companies and universities"),
             "definition": _("Agreements (協定) signed with companies and universities in the fiscal year. "
                             "Source: the partners register, not built yet.")},
        ]
    if not apps.is_installed("sasaeai.events"):
        declared += [
            {**waiting, "key": "trial_volunteering_events", "target": 10, "order": 81,
             "name": _("Trial volunteering events"),
             "definition": _("Trial volunteering events (ボランティア体験会) held in the fiscal year. "
                             "Source: the events register, not built yet.")},
            {**waiting, "key": "trial_volunteering_participants", "target": 100, "order": 82,
             "name": _("Participants in trial volunteering"),
             "definition": _("People who took part in trial volunteering events in the fiscal year. "
                             "Source: the events register, not built yet.")},
        ]
    return declared
