"""KPI indicators of the cases app (contract: `indicators() -> list[dict]`, see the kpis app).
Each computes in the database with two aggregate counts."""

from datetime import date, timedelta

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from .models import Case, CaseStatus, Outcome
from .selectors import ESCALATE_AFTER_DAYS


def _base(municipality, area, **filters):
    qs = Case.objects.filter(municipality=municipality, **filters)
    return qs.filter(area=area) if area is not None else qs


def _referred(municipality, area, start: date, end: date):
    return _base(municipality, area, referred_at__date__gte=start, referred_at__date__lte=end)


def _answered_in_time(municipality, area, start, end):
    return _referred(municipality, area, start, end).filter(
        answered_at__isnull=False, answered_at__lte=F("referred_at") + timedelta(days=ESCALATE_AFTER_DAYS))


def _closed(municipality, area, start, end):
    return _base(municipality, area, status=CaseStatus.CLOSED, closed_on__gte=start, closed_on__lte=end)


def _closed_connected(municipality, area, start, end):
    return _closed(municipality, area, start, end).filter(outcome=Outcome.CONNECTED_CONTINUING)


def indicators() -> list[dict]:
    return [
        {"key": "case_referrals_answered_in_14_days",
         "name": _("Referrals answered within 14 days"),
         "definition": _("Referrals (個別支援の紹介) received in the period that the SC accepted or declined within "
                         "14 days, divided by all referrals received in the period. Source: support cases."),
         "unit": "percent", "period": "fiscal_year", "target": 100, "direction": "at_least", "per_area": True,
         "available": True,
         "compute": lambda m, a, s, e: (_answered_in_time(m, a, s, e).count(), _referred(m, a, s, e).count()),
         "records": _answered_in_time},
        {"key": "cases_closed_connected",
         "name": _("Cases closed connected and continuing"),
         "definition": _("Support cases closed in the period with the outcome “connected and continuing”, divided "
                         "by all support cases closed in the period. Source: support cases."),
         "unit": "percent", "period": "fiscal_year", "target": None, "direction": "at_least", "per_area": True,
         "available": True,
         "compute": lambda m, a, s, e: (_closed_connected(m, a, s, e).count(), _closed(m, a, s, e).count()),
         "records": _closed_connected},
    ]
