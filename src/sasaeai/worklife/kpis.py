"""KPI indicators of the worklife app (contract: `indicators() -> list[dict]`, see the kpis app):
the share of consulted employees still employed 6 and 12 months after the interview, for the
employers of the municipality. Computed from the consultations, their follow-ups and the dates
employees left work (`selectors.retention_ids`)."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Consultation
from .selectors import retention_ids
from .services import add_months


def _cohort(municipality, start: date, end: date, months: int):
    """Consultations whose `months` horizon falls in the period (interview `months` earlier)."""
    return Consultation.objects.filter(employer__municipality=municipality,
                                       interviewed_on__gte=add_months(start, -months),
                                       interviewed_on__lte=add_months(end, -months))


def _ids(municipality, start, end, months):
    today = min(end, timezone.localdate())
    return retention_ids(_cohort(municipality, start, end, months), months, today)


def _compute(months):
    def compute(m, a, s, e):
        kept, known = _ids(m, s, e, months)
        return len(kept), len(known)

    return compute


def _records(months):
    def records(m, a, s, e):
        kept, _known = _ids(m, s, e, months)
        return Consultation.objects.filter(pk__in=kept).order_by("interviewed_on", "pk")

    return records


def _describe(c):
    return [c.reference, c.interviewed_on.strftime("%Y-%m") if c.interviewed_on else ""]


NAMES = {
    6: _("Consulted employees still employed after 6 months"),
    12: _("Consulted employees still employed after 12 months"),
}
DEFINITIONS = {
    6: _("Employees of the municipality's employers who consulted a work-support care manager and are still "
         "employed 6 months after the interview, divided by those whose employment at that time is known (a "
         "follow-up or employment check on or after that day, or the date they left work). Source: work-care "
         "consultations."),
    12: _("Employees of the municipality's employers who consulted a work-support care manager and are still "
          "employed 12 months after the interview, divided by those whose employment at that time is known (a "
          "follow-up or employment check on or after that day, or the date they left work). Source: work-care "
          "consultations."),
}


def indicators() -> list[dict]:
    return [{
        "key": f"worklife_still_employed_{months}_months", "name": NAMES[months], "definition": DEFINITIONS[months],
        "unit": "percent", "period": "fiscal_year", "target": None, "direction": "at_least", "per_area": False,
        "available": True, "compute": _compute(months), "records": _records(months),
        "describe": _describe, "headers": (_("Reference"), _("Interview month")),
    } for months in (6, 12)]
