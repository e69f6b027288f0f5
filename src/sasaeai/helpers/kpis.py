"""Indicators from the helper register: helpers as a share of residents aged 65+ (担い手数) and
the share of new helpers under 65 (新規担い手の65歳未満割合)."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from sasaeai.kpis.periods import aware_range

from .models import HelperProfile


def population_65(municipality, area) -> int:
    return (area.population_65_plus if area is not None else municipality.population_65_plus) or 0


def registered_helpers(municipality, area, end):
    """Helpers registered by the end of the period and not suspended."""
    _lo, hi = aware_range(end, end)
    qs = HelperProfile.objects.filter(municipality=municipality, created_at__lt=hi, suspended_at__isnull=True)
    if area is not None:
        qs = qs.filter(area=area)
    return qs


def _helpers(municipality, area, start, end):
    return registered_helpers(municipality, area, end).select_related("user", "area").order_by("pk")


def _helpers_share(municipality, area, start, end):
    return registered_helpers(municipality, area, end).count(), population_65(municipality, area)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _new_with_age(municipality, area, start, end):
    lo, hi = aware_range(start, end)
    qs = HelperProfile.objects.filter(municipality=municipality, created_at__gte=lo, created_at__lt=hi,
                                      user__birth_date__isnull=False)
    if area is not None:
        qs = qs.filter(area=area)
    return qs


def _new_under_65(municipality, area, start, end):
    return (_new_with_age(municipality, area, start, end)
            .filter(user__birth_date__gt=_years_before(end, 65))
            .select_related("user", "area").order_by("pk"))


def _new_under_65_share(municipality, area, start, end):
    return (_new_under_65(municipality, area, start, end).count(),
            _new_with_age(municipality, area, start, end).count())


def _describe(profile):
    return [profile.user.display_name, profile.area.name if profile.area_id else "—",
            profile.created_at.date().isoformat()]


def indicators() -> list[dict]:
    headers = (_("Helper"), _("Daily-life area"), _("Registered on"))
    return [
        {
            "key": "helpers_share_65",
            "name": _("Helpers per residents aged 65+"),
            "definition": _(
                "Helpers registered by the end of the period and not suspended, divided by the residents "
                "aged 65+ of the municipality (or of the area). Source: helper register and population."),
            "unit": "percent", "period": "fiscal_year", "target": 5, "direction": "at_least",
            "per_area": True, "available": True, "order": 40,
            "compute": _helpers_share, "records": _helpers, "headers": headers, "describe": _describe,
        },
        {
            "key": "new_helpers_under_65",
            "name": _("New helpers under 65"),
            "definition": _(
                "Helpers who registered in the fiscal year and were under 65 at its end, divided by all "
                "helpers who registered in the year with a recorded date of birth. Source: helper register."),
            "unit": "percent", "period": "fiscal_year", "target": 30, "direction": "at_least",
            "per_area": True, "available": True, "order": 41,
            "compute": _new_under_65_share, "records": _new_under_65, "headers": headers, "describe": _describe,
        },
    ]
