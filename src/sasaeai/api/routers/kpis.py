"""KPI values of a municipality and its targets (staff only in this round)."""

from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from sasaeai.kpis import selectors, services
from sasaeai.kpis.presentation import value_text

from ..errors import ApiError
from ..schemas import responses

PREFIX = "/kpis"
router = Router(tags=["kpis"])


class IndicatorValueOut(Schema):
    key: str
    name: str
    definition: str
    unit: str
    period: str
    direction: str
    available: bool
    start: str
    end: str
    numerator: float | None
    denominator: float | None
    value: float | None
    value_text: str
    target: float | None
    met: bool | None


class DashboardOut(Schema):
    municipality_id: int
    area_id: int | None
    fiscal_year: int
    indicators: list[IndicatorValueOut]


class TargetIn(Schema):
    key: str = Field(..., min_length=1, max_length=64)
    fiscal_year: int = Field(..., ge=1900, le=9999)
    target: float = Field(..., ge=0, le=9_999_999_999)


class TargetOut(Schema):
    key: str
    fiscal_year: int
    target: float


def _municipality(request, municipality_id: int):
    municipality = selectors.viewable_municipalities(request.user).filter(pk=municipality_id).first()
    if municipality is None:
        raise ApiError(404, "not_found", _("Not found."))
    return municipality


@router.get("/municipalities/{municipality_id}", response=responses(200, DashboardOut),
            summary="Every indicator of a municipality (or one layer-2 area) for a fiscal year")
def get_dashboard(request, municipality_id: int, fiscal_year: int | None = None, area_id: int | None = None):
    municipality = _municipality(request, municipality_id)
    area = None
    if area_id is not None:
        area = municipality.areas.filter(pk=area_id, layer=2).first()
        if area is None:
            raise ApiError(404, "not_found", _("Not found."))
    year = services.check_fiscal_year(municipality, fiscal_year) if fiscal_year is not None \
        else selectors.current_fiscal_year()
    measures = selectors.dashboard(municipality, area, year, with_trend=False)
    return {"municipality_id": municipality.pk, "area_id": area.pk if area else None, "fiscal_year": year,
            "indicators": [{
                "key": m.indicator.key, "name": str(m.indicator.name), "definition": str(m.indicator.definition),
                "unit": m.indicator.unit, "period": m.indicator.period, "direction": m.indicator.direction,
                "available": m.indicator.available, "start": m.start.isoformat(), "end": m.end.isoformat(),
                "numerator": m.numerator, "denominator": m.denominator, "value": m.value,
                "value_text": value_text(m), "target": m.target, "met": m.met,
            } for m in measures]}


@router.put("/municipalities/{municipality_id}/targets", response=responses(200, TargetOut),
            summary="Set a municipality's target of one indicator for a fiscal year (administrators)")
def set_target(request, municipality_id: int, payload: TargetIn):
    municipality = _municipality(request, municipality_id)
    if not selectors.can_set_targets(request.user, municipality):
        raise ApiError(403, "forbidden", _("You are not allowed to do this."))
    row = services.target_set(municipality=municipality, key=payload.key, fiscal_year=payload.fiscal_year,
                              target=payload.target, by=request.user)
    return {"key": row.key, "fiscal_year": row.fiscal_year, "target": float(row.target)}
