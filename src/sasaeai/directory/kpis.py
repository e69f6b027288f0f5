"""Indicators from the directory: the support map kept up to date (資源マップの更新) — published
resources verified within the last six months."""

from django.utils.translation import gettext_lazy as _

from sasaeai.kpis.periods import aware_range

from .models import Service, Status


def _published(municipality, area):
    qs = Service.objects.filter(municipality=municipality, status=Status.PUBLISHED)
    return qs if area is None else qs.filter(area=area)


def _verified(municipality, area, start, end):
    lo, hi = aware_range(start, end)
    return (_published(municipality, area).filter(last_verified_at__gte=lo, last_verified_at__lt=hi)
            .select_related("area").order_by("name", "pk"))


def _freshness(municipality, area, start, end):
    return _verified(municipality, area, start, end).count(), _published(municipality, area).count()


def _describe(service):
    return [service.name, service.area.name, service.last_verified_at.date().isoformat()]


def indicators() -> list[dict]:
    return [{
        "key": "support_map_fresh",
        "name": _("Support map verified in the last six months"),
        "definition": _(
            "Published resources of the support map whose last verification falls in the six months "
            "up to the end of the period, divided by all published resources. Source: the directory's "
            "verification dates."),
        "unit": "percent", "period": "six_months", "target": 100, "direction": "at_least",
        "per_area": True, "available": True, "order": 70,
        "compute": _freshness, "records": _verified,
        "headers": (_("Resource"), _("Daily-life area"), _("Last verified")), "describe": _describe,
    }]
