"""Municipalities and areas."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from sasaeai.tenancy import selectors, services
from sasaeai.tenancy.models import Area

from ..errors import ApiError
from ..schemas import responses

PREFIX = ""
router = Router(tags=["tenancy"])


class MunicipalityOut(Schema):
    id: int
    code: str
    name: str
    name_kana: str
    prefecture: str
    population: int
    population_65_plus: int
    population_75_plus: int
    is_synthetic: bool


class MunicipalityIn(Schema):
    code: str = Field(..., min_length=1, max_length=6, description="全国地方公共団体コード (6 digits)")
    name: str = Field(..., min_length=1, max_length=100)
    name_kana: str = Field(..., min_length=1, max_length=100)
    prefecture: str = Field(..., min_length=2, max_length=2)
    population: int = Field(..., ge=0, le=50_000_000)
    population_65_plus: int = Field(..., ge=0, le=50_000_000)
    population_75_plus: int = Field(..., ge=0, le=50_000_000)
    center_lat: float = Field(..., ge=-90, le=90)
    center_lon: float = Field(..., ge=-180, le=180)


class AreaOut(Schema):
    id: int
    municipality_id: int
    layer: int
    name: str
    name_kana: str
    parent_id: int | None
    center_lat: float
    center_lon: float
    population_65_plus: int


class AreaIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    name_kana: str = Field("", max_length=100)
    center_lat: float = Field(..., ge=-90, le=90)
    center_lon: float = Field(..., ge=-180, le=180)
    population_65_plus: int = Field(0, ge=0, le=50_000_000)
    boundary: dict | None = None


def _forbid():
    raise ApiError(403, "forbidden", _("You are not allowed to do this."))


@router.get("/municipalities", response=responses(200, list[MunicipalityOut]), summary="Municipalities you belong to")
@paginate
def list_municipalities(request):
    return selectors.municipalities_for(request.user)


@router.post("/municipalities", response=responses(201, MunicipalityOut), summary="Create a municipality (operators)")
def create_municipality(request, payload: MunicipalityIn):
    if not request.user.has_perm("tenancy.add_municipality"):
        _forbid()
    return 201, services.create_municipality(**payload.dict())


@router.get("/municipalities/{municipality_id}", response=responses(200, MunicipalityOut))
def get_municipality(request, municipality_id: int):
    return get_object_or_404(selectors.municipalities_for(request.user), pk=municipality_id)


@router.get("/municipalities/{municipality_id}/areas", response=responses(200, list[AreaOut]))
@paginate
def list_areas(request, municipality_id: int):
    municipality = get_object_or_404(selectors.municipalities_for(request.user), pk=municipality_id)
    return Area.objects.filter(municipality=municipality).order_by("layer", "name")


@router.post("/municipalities/{municipality_id}/areas", response=responses(201, AreaOut),
             summary="Add a layer-2 area (municipal administrators)")
def create_area(request, municipality_id: int, payload: AreaIn):
    municipality = get_object_or_404(selectors.municipalities_for(request.user), pk=municipality_id)
    if not request.user.has_perm("tenancy.add_area", municipality):
        _forbid()
    return 201, services.create_area(municipality=municipality, **payload.dict())


@router.get("/areas/{area_id}", response=responses(200, AreaOut))
def get_area(request, area_id: int):
    return get_object_or_404(selectors.areas_for(request.user), pk=area_id)
