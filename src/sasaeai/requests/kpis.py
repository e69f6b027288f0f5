"""Indicators from the help requests: participation (参加率) — helpers plus the residents served
— as a share of the residents aged 65+."""

from django.db.models import CharField, Value
from django.utils.translation import gettext_lazy as _

from sasaeai.helpers.kpis import population_65, registered_helpers
from sasaeai.kpis.periods import aware_range
from sasaeai.residents.models import Resident

from .models import Booking, BookingStatus


def _completed(municipality, area, start, end):
    lo, hi = aware_range(start, end)
    qs = Booking.objects.filter(municipality=municipality, status=BookingStatus.COMPLETED,
                                starts_at__gte=lo, starts_at__lt=hi)
    if area is not None:
        qs = qs.filter(request__recipient__area=area)
    return qs


def _served(municipality, area, start, end):
    """Residents with at least one completed booking in the period (driven from the bookings,
    which are few, rather than from every resident)."""
    served = _completed(municipality, area, start, end).filter(
        request__recipient__isnull=False).values("request__recipient_id")
    return Resident.objects.filter(municipality=municipality, pk__in=served)


def _participants(municipality, area, start, end):
    """One row per participant: ("helper" | "served", id, area name). A person who is both is
    counted in each role, as the seed's indicator adds the two groups."""
    kind = CharField()
    helpers = registered_helpers(municipality, area, end).annotate(kind=Value("helper", output_field=kind)) \
        .values_list("kind", "pk", "area__name").order_by()
    served = _served(municipality, area, start, end).annotate(kind=Value("served", output_field=kind)) \
        .values_list("kind", "pk", "area__name").order_by()
    return helpers.union(served, all=True).order_by("kind", "pk")


def _participation(municipality, area, start, end):
    helpers = registered_helpers(municipality, area, end).count()
    served = (_completed(municipality, area, start, end).filter(request__recipient__isnull=False)
              .values("request__recipient_id").distinct().count())
    return helpers + served, population_65(municipality, area)


def _describe(row):
    kind, pk, area = row
    label = _("Helper") if kind == "helper" else _("Resident served")
    return [str(label), f"#{pk}", area or "—"]


def indicators() -> list[dict]:
    return [{
        "key": "participation_share_65",
        "name": _("Participation (helpers and people served) per residents aged 65+"),
        "definition": _(
            "Registered helpers plus the residents who received at least one completed help in the "
            "fiscal year, divided by the residents aged 65+. Source: helper register, bookings, population."),
        "unit": "percent", "period": "fiscal_year", "target": 10, "direction": "at_least",
        "per_area": True, "available": True, "order": 42,
        "compute": _participation, "records": _participants,
        "headers": (_("Role"), _("Reference"), _("Daily-life area")), "describe": _describe,
    }]
