"""Community resources (地域資源): search and suggestions.

Reading is open to everybody: anonymous callers see published public resources only;
professionals and editors see more, as the directory's visibility rules say.
"""

from __future__ import annotations

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema

from sasaeai.directory import api_messages as msg
from sasaeai.directory import selectors, services
from sasaeai.directory.models import Category, Cost, Target
from sasaeai.directory.schedules import describe
from sasaeai.tenancy.models import Municipality

from ..auth import AUTH
from ..errors import ApiError
from ..schemas import responses

PREFIX = ""
MAX_ID = 2**53
router = Router(tags=["directory"])


def _anonymous(request):
    """Lets the call through without credentials: the visibility rules then allow only
    published public resources."""
    return True


OPEN = [*AUTH, _anonymous]


class ScheduleOut(Schema):
    kind: str
    weekday: int | None
    week_of_month: int | None
    date: str | None
    opens_at: str
    closes_at: str
    closed_on_holidays: bool
    text: str


class ResourceOut(Schema):
    id: int
    hsds_id: str
    municipality_id: int
    area_id: int
    area: str
    name: str
    name_kana: str
    description: str
    category: str
    category_label: str
    targets: list[str]
    tags: list[str]
    cost: str
    cost_amount: int | None
    cost_text: str
    capacity: int | None
    organization: str | None
    place: str | None
    address: str | None
    lat: float | None
    lon: float | None
    h3_cell: str | None
    accessibility: str | None
    contact_name: str
    contact_phone: str
    url: str
    visibility: str
    status: str
    last_verified_at: datetime | None
    stale: bool
    schedules: list[ScheduleOut]
    distance_km: float | None = None


class ResourcePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[ResourceOut]


class SearchQuery(Schema):
    q: str = Field("", max_length=200, description="Keywords; hiragana/katakana and full/half width are folded.")
    municipality: str | None = Field(None, max_length=20, description="Municipality code (6 digits) or id.")
    category: Category | None = None
    area: int | None = Field(None, ge=1, le=MAX_ID, description="Layer-2 area id.")
    target: Target | None = None
    cost: Cost | None = None
    open_at: datetime | None = Field(None, description="ISO datetime; evaluated in Asia/Tokyo with holidays.")
    near: str | None = Field(None, description="lat,lon — results within radius_km, nearest first.")
    radius_km: float = Field(5.0, gt=0, le=selectors.MAX_RADIUS_KM)
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=100)


class SuggestionIn(Schema):
    municipality: str = Field(..., max_length=20)
    resource_id: int | None = Field(None, ge=1, le=MAX_ID)
    proposed: dict[str, str | int | float | None]
    comment: str = Field("", max_length=1000)


class SuggestionOut(Schema):
    id: int
    state: str
    resource_id: int | None


def parse_near(value: str | None) -> tuple[float, float] | None:
    if not value:
        return None
    try:
        lat, lon = (float(part) for part in value.split(","))
        if lat != lat or lon != lon:  # NaN
            raise ValueError
    except ValueError:
        raise ApiError(422, "invalid_near", str(msg.NEAR_INVALID), {"near": [str(msg.NOT_A_POSITION)]}) from None
    from sasaeai.directory.models import validate_in_japan

    try:
        validate_in_japan(lat, lon)
    except Exception:  # noqa: BLE001 - ValidationError → a 422 with its message
        raise ApiError(422, "outside_japan", str(msg.POSITION_OUTSIDE_JAPAN), {"near": [str(msg.OUTSIDE_JAPAN)]}) from None
    return lat, lon


def find_municipality(value: str | None) -> Municipality | None:
    if not value:
        return None
    qs = Municipality.objects.all()
    found = qs.filter(code=value).first() or (
        qs.filter(pk=int(value)).first() if value.isascii() and value.isdigit() and int(value) <= MAX_ID else None)
    if found is None:
        raise ApiError(404, "not_found", str(msg.NO_MUNICIPALITY))
    return found


def resource_out(service, near=None) -> dict:
    loc = service.location
    return {
        "id": service.pk, "hsds_id": str(service.hsds_id), "municipality_id": service.municipality_id,
        "area_id": service.area_id, "area": service.area.name, "name": service.name,
        "name_kana": service.name_kana, "description": service.description, "category": service.category,
        "category_label": service.get_category_display(), "targets": service.target_list,
        "tags": service.tag_list, "cost": service.cost, "cost_amount": service.cost_amount,
        "cost_text": service.cost_display(), "capacity": service.capacity,
        "organization": service.organization.name if service.organization_id else None,
        "place": loc.name if loc else None, "address": loc.address if loc else None,
        "lat": loc.lat if loc else None, "lon": loc.lon if loc else None,
        "h3_cell": loc.h3_cell if loc else None, "accessibility": loc.accessibility if loc else None,
        "contact_name": service.contact_name, "contact_phone": service.contact_phone, "url": service.url,
        "visibility": service.visibility, "status": service.status,
        "last_verified_at": service.last_verified_at, "stale": service.is_stale(),
        "schedules": [
            {"kind": s.kind, "weekday": s.weekday, "week_of_month": s.week_of_month,
             "date": s.date.isoformat() if s.date else None, "opens_at": s.opens_at.strftime("%H:%M"),
             "closes_at": s.closes_at.strftime("%H:%M"), "closed_on_holidays": s.closed_on_holidays,
             "text": describe(s)}
            for s in service.schedules.all()
        ],
        "distance_km": selectors.distance_km(service, near),
    }


@router.get("/resources", response=responses(200, ResourcePage), auth=OPEN,
            summary="Search community resources")
def list_resources(request, filters: Query[SearchQuery]):
    near = parse_near(filters.near)
    if filters.open_at is not None and not (1900 <= filters.open_at.year <= 2200):
        raise ApiError(422, "invalid_input", str(msg.BAD_OPEN_AT), {"open_at": [str(msg.BAD_OPEN_AT)]})
    municipality = find_municipality(filters.municipality)
    params = selectors.SearchParams(
        q=filters.q, municipality_id=municipality.pk if municipality else None,
        category=filters.category, area_id=filters.area, target=filters.target, cost=filters.cost,
        open_at=filters.open_at, near=near, radius_km=filters.radius_km,
    )
    qs = selectors.search(request.user, params).select_related(
        "location", "area", "organization").prefetch_related("schedules")
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    items = [resource_out(s, near) for s in qs[start:start + filters.page_size]]
    return {"count": count, "page": filters.page, "page_size": filters.page_size, "items": items}


@router.get("/resources/{resource_id}", response=responses(200, ResourceOut), auth=OPEN)
def get_resource(request, resource_id: int = Path(..., ge=1, le=MAX_ID)):
    qs = selectors.visible_services(request.user, published_only=False).select_related(
        "location", "area", "organization").prefetch_related("schedules")
    return resource_out(get_object_or_404(qs, pk=resource_id))


@router.post("/resource-suggestions", response=responses(201, SuggestionOut),
             summary="Suggest a change to a resource, or a new place (logged-in users)")
def suggest(request, payload: SuggestionIn):
    municipality = find_municipality(payload.municipality)
    if municipality is None:
        raise ApiError(422, "invalid_input", str(msg.NO_MUNICIPALITY), {"municipality": [str(msg.NO_MUNICIPALITY)]})
    service = None
    if payload.resource_id is not None:
        service = get_object_or_404(selectors.visible_services(request.user), pk=payload.resource_id,
                                    municipality=municipality)
    suggestion = services.submit_suggestion(by=request.user, municipality=municipality,
                                            proposed=dict(payload.proposed), service=service,
                                            comment=payload.comment)
    return 201, {"id": suggestion.pk, "state": suggestion.state, "resource_id": suggestion.service_id}
