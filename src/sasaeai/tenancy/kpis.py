"""Indicators from the tenancy data: the SC's annual turnover (生活支援コーディネーターの離職率),
from the periods of coordinator memberships (`Membership.history`)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sasaeai.kpis.periods import aware_range

from .models import Membership, Role

SC_ROLES = (Role.COORDINATOR_L1, Role.COORDINATOR_L2)


def _coordinators(municipality, area):
    qs = Membership.history.filter(municipality=municipality, role__in=SC_ROLES)
    if area is not None:
        qs = qs.filter(role=Role.COORDINATOR_L2, areas=area)
    return qs


def _leavers(municipality, area, start, end):
    from sasaeai.accounts.models import User

    lo, hi = aware_range(start, end)
    left = _coordinators(municipality, area).filter(ended_at__gte=lo, ended_at__lt=hi).values("user_id")
    # Still a coordinator at the end of the period (e.g. moved from layer 2 to layer 1): not a leaver.
    still = (Membership.history.filter(municipality=municipality, role__in=SC_ROLES, started_at__lt=hi)
             .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=hi)).values("user_id"))
    return User.objects.filter(pk__in=left).exclude(pk__in=still).order_by("display_name", "pk")


def _turnover(municipality, area, start, end):
    lo, hi = aware_range(start, end)
    in_post = (_coordinators(municipality, area).filter(started_at__lt=hi)
               .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=lo)))
    denominator = in_post.values("user_id").distinct().count()
    return _leavers(municipality, area, start, end).count(), denominator


def _describe(user):
    return [user.display_name]


def indicators() -> list[dict]:
    return [{
        "key": "sc_turnover",
        "name": _("SC annual turnover"),
        "definition": _(
            "Coordinators (layer 1 and 2) whose last coordinator membership ended in the fiscal year, "
            "divided by the coordinators in post at any time in the year. A change between layer 1 and "
            "layer 2 is not a departure. Source: the periods of the staff memberships."),
        "unit": "percent", "period": "fiscal_year", "target": 5, "direction": "at_most",
        "per_area": True, "available": True, "order": 10,
        "compute": _turnover, "records": _leavers,
        "headers": (_("Coordinator who left"),), "describe": _describe,
    }]
