"""Needs register (困りごと) and the gap table.

The register is for coordinators, the 地域包括支援センター and municipal staff, scoped to their
areas; a need naming a resident is care data and every read of it is access-logged. The gap
table is open to everybody, with counts of people suppressed below k for viewers other than
the owning coordinator and municipal staff."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema

from sasaeai.needs import api_messages as msg
from sasaeai.needs import gaps, selectors, services
from sasaeai.needs.categories import NeedCategory, label
from sasaeai.needs.models import Need, NeedStatus
from sasaeai.residents.selectors import residents_for_staff
from sasaeai.tenancy.models import Area, Municipality

from ..auth import AUTH
from ..errors import ApiError
from ..schemas import responses

PREFIX = "/needs"
MAX_ID = 2**53
router = Router(tags=["needs"])


def _anonymous(request):
    return True


OPEN = [*AUTH, _anonymous]


class NeedOut(Schema):
    id: int
    municipality_id: int
    area_id: int
    area: str
    category: str
    category_label: str
    description: str
    resident_id: int | None
    resident_name: str | None
    h3_cell: str
    source: str
    source_label: str
    urgency: str
    urgency_label: str
    status: str
    status_label: str
    status_changed_at: datetime
    duplicate_of_id: int | None
    noticed_on: date
    created_at: datetime
    connections: list[dict]


class NeedIn(Schema):
    municipality_id: int = Field(..., ge=1, le=MAX_ID)
    category: str = Field(..., max_length=16)
    description: str = Field(..., max_length=2000)
    source: str = Field(..., max_length=16)
    urgency: str = Field("normal", max_length=8)
    area_id: int | None = Field(None, ge=1, le=MAX_ID)
    resident_id: int | None = Field(None, ge=1, le=MAX_ID)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    noticed_on: date | None = None


class StatusIn(Schema):
    status: str = Field(..., max_length=12)
    note: str = Field("", max_length=500)


class ConnectIn(Schema):
    resource_id: int | None = Field(None, ge=1, le=MAX_ID)
    help_request_id: int | None = Field(None, ge=1, le=MAX_ID)


class NeedFilters(Schema):
    municipality_id: int | None = Field(None, ge=1, le=MAX_ID)
    area_id: int | None = Field(None, ge=1, le=MAX_ID)
    category: str | None = Field(None, max_length=16)
    status: str | None = Field(None, max_length=12)
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)


class GapCellOut(Schema):
    area_id: int
    category: str
    values: dict[str, int | None]
    per_1000_aged_65_plus: dict[str, float | None]
    indicator: float | None
    band: int | None


class GapTableOut(Schema):
    municipality_id: int
    k: int | None
    areas: list[dict]
    categories: list[dict]
    cells: list[GapCellOut]
    row_totals: dict[str, dict[str, int | None]]
    col_totals: dict[str, dict[str, int | None]]
    totals: dict[str, int | None]


def _out(request, need: Need) -> dict:
    if need.resident_id:
        from sasaeai.safety.audit import record_access

        record_access(request, need.resident, ["need"], "care_coordination")
    return {
        "id": need.pk, "municipality_id": need.municipality_id, "area_id": need.area_id, "area": need.area.name,
        "category": need.category, "category_label": label(need.category), "description": need.description,
        "resident_id": need.resident_id,
        "resident_name": f"{need.resident.family_name} {need.resident.given_name}" if need.resident_id else None,
        "h3_cell": need.h3_cell, "source": need.source, "source_label": need.get_source_display(),
        "urgency": need.urgency, "urgency_label": need.get_urgency_display(), "status": need.status,
        "status_label": need.get_status_display(), "status_changed_at": need.status_changed_at,
        "duplicate_of_id": need.duplicate_of_id, "noticed_on": need.noticed_on, "created_at": need.created_at,
        "connections": [{"kind": link.content_type.model, "id": link.object_id} for link in need.links.all()],
    }


def _visible(request, need_id: int) -> Need:
    return get_object_or_404(selectors.needs_for(request.user).select_related("area", "resident"), pk=need_id)


@router.get("", response=responses(200, list[NeedOut]), summary="Needs of your areas")
def list_needs(request, filters: Query[NeedFilters]):
    qs = selectors.needs_for(request.user).select_related("area", "resident").prefetch_related("links__content_type")
    if filters.municipality_id:
        qs = qs.filter(municipality_id=filters.municipality_id)
    if filters.area_id:
        qs = qs.filter(area_id=filters.area_id)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return [_out(request, n) for n in qs[filters.offset:filters.offset + filters.limit]]


@router.post("", response=responses(201, NeedOut), summary="Record a need")
def create_need(request, payload: NeedIn):
    municipality = Municipality.objects.filter(pk=payload.municipality_id).first()
    if municipality is None or not request.user.has_perm("needs.add_need", municipality):
        raise PermissionDenied
    area = Area.objects.filter(pk=payload.area_id).first() if payload.area_id else None
    if payload.area_id and area is None:
        message = str(msg.BAD_AREA)
        raise ApiError(400, "invalid_area", message, {"area_id": [message]})
    resident = None
    if payload.resident_id:
        from sasaeai.residents.models import Resident

        resident = residents_for_staff(request.user).filter(pk=payload.resident_id).first()
        if resident is None:
            other = Resident.objects.filter(pk=payload.resident_id).exclude(municipality=municipality).exists()
            message = str(msg.OTHER_MUNICIPALITY if other else msg.NOT_IN_AREAS)
            raise ApiError(400, "resident_other_municipality" if other else "resident_not_found", message,
                           {"resident_id": [message]})
    need = services.need_create(by=request.user, municipality=municipality, category=payload.category,
                                description=payload.description, source=payload.source, urgency=payload.urgency,
                                area=area, resident=resident, lat=payload.lat, lon=payload.lon,
                                noticed_on=payload.noticed_on)
    return 201, _out(request, need)


@router.get("/gaps", response=responses(200, GapTableOut), auth=OPEN, summary="The gap table of a municipality")
def gap_table(request, municipality_id: int = Query(..., ge=1, le=MAX_ID)):
    municipality = get_object_or_404(Municipality, pk=municipality_id)
    viewer = gaps.viewer_for(request.user, municipality)
    table = gaps.build(municipality, viewer)
    return {
        "municipality_id": municipality.pk, "k": viewer.k,
        "areas": [{"id": a.pk, "name": a.name, "population_65_plus": a.population_65_plus,
                   "band": table.area_bands[a.pk], "indicator": table.area_indicators[a.pk]} for a in table.areas],
        "categories": [{"code": c, "label": label(c)} for c in NeedCategory.values],
        "cells": [{"area_id": c.area_id, "category": c.category, "values": c.values,
                   "per_1000_aged_65_plus": c.rates, "indicator": c.indicator, "band": c.band}
                  for c in table.cells.values()],
        "row_totals": {m: {str(a): v for a, v in rows.items()} for m, rows in table.row_totals.items()},
        "col_totals": table.col_totals, "totals": table.totals,
    }


@router.get("/{need_id}", response=responses(200, NeedOut), summary="One need")
def get_need(request, need_id: int = Path(..., ge=1, le=MAX_ID)):
    return _out(request, _visible(request, need_id))


@router.post("/{need_id}/status", response=responses(200, NeedOut), summary="Change a need's status")
def change_need_status(request, payload: StatusIn, need_id: int = Path(..., ge=1, le=MAX_ID)):
    need = _visible(request, need_id)
    if not request.user.has_perm("needs.change_need", need):
        raise PermissionDenied
    if payload.status not in NeedStatus.values:
        message = str(msg.UNKNOWN_STATUS)
        raise ApiError(400, "invalid_status", message, {"status": [message]})
    return _out(request, services.need_change_status(need=need, by=request.user, to=payload.status,
                                                     note=payload.note))


@router.post("/{need_id}/connections", response=responses(201, NeedOut),
             summary="Connect a need to a resource or a help request")
def connect_need(request, payload: ConnectIn, need_id: int = Path(..., ge=1, le=MAX_ID)):
    from sasaeai.directory.selectors import visible_services
    from sasaeai.requests.selectors import requests_visible_to

    need = _visible(request, need_id)
    if not request.user.has_perm("needs.change_need", need):
        raise PermissionDenied
    if payload.resource_id:
        target = visible_services(request.user).filter(pk=payload.resource_id).first()
    elif payload.help_request_id:
        target = requests_visible_to(request.user).filter(pk=payload.help_request_id).first()
    else:
        message = str(msg.TARGET_REQUIRED)
        raise ApiError(400, "target_required", message, {"resource_id": [message]})
    if target is None:
        message = str(msg.TARGET_NOT_FOUND)
        raise ApiError(400, "target_not_found", message, {"resource_id": [message]})
    services.need_connect(need=need, by=request.user, target=target)
    return 201, _out(request, Need.objects.select_related("area", "resident").get(pk=need.pk))
