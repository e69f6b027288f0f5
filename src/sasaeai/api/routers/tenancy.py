"""Municipalities and areas, and their staff administration."""

from datetime import datetime

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


# --- Staff and area administration (municipal administrators of the municipality, operators) ---


class StaffOut(Schema):
    membership_id: int
    user_id: int
    display_name: str
    email: str | None
    role: str
    role_label: str
    area_ids: list[int]
    second_factor: bool
    active: bool
    started_at: datetime
    ended_at: datetime | None
    last_login: datetime | None


class InviteIn(Schema):
    email: str = Field(..., min_length=3, max_length=254)
    display_name: str = Field(..., min_length=1, max_length=100)
    role: str = Field(..., max_length=32)
    area_ids: list[int] = Field(default_factory=list, max_length=100)


class MembershipChangeIn(Schema):
    role: str = Field(..., max_length=32)
    area_ids: list[int] = Field(default_factory=list, max_length=100)
    reason: str = Field("", max_length=500)


class ReasonIn(Schema):
    reason: str = Field("", max_length=500)


class AreaChangeIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    name_kana: str | None = Field(None, max_length=100)
    center_lat: float | None = Field(None, ge=-90, le=90)
    center_lon: float | None = Field(None, ge=-180, le=180)
    population_65_plus: int | None = Field(None, ge=0, le=50_000_000)
    reason: str = Field("", max_length=500)


class AuditOut(Schema):
    at: datetime
    actor_id: int | None
    action: str
    action_label: str
    target_type: str
    target_id: int | None
    details: dict


def _staff_out(m) -> dict:
    return {
        "membership_id": m.pk, "user_id": m.user_id, "display_name": m.user.display_name, "email": m.user.email,
        "role": m.role, "role_label": str(m.get_role_display()), "area_ids": sorted(a.pk for a in m.areas.all()),
        "second_factor": bool(getattr(m, "second_factor", False)), "active": m.ended_at is None,
        "started_at": m.started_at, "ended_at": m.ended_at, "last_login": m.user.last_login,
    }


def _managed(request, municipality_id: int):
    return get_object_or_404(selectors.managed_municipalities(request.user), pk=municipality_id)


def _membership(request, membership_id: int):
    return get_object_or_404(selectors.managed_memberships(request.user), pk=membership_id)


def _areas(municipality_id: int, ids: list[int]) -> list[Area]:
    areas = list(Area.objects.filter(pk__in=set(ids)))
    if len(areas) != len(set(ids)) or any(a.municipality_id != municipality_id for a in areas):
        raise ApiError(400, "area_foreign", _("Choose daily-life areas of this municipality."))
    return areas


def _row(membership):
    return _staff_out(selectors.staff_of(membership.municipality).get(pk=membership.pk))


@router.get("/municipalities/{municipality_id}/staff", response=responses(200, list[StaffOut]),
            summary="Staff of a municipality (municipal administrators, operators)")
@paginate
def list_staff(request, municipality_id: int):
    return [_staff_out(m) for m in selectors.staff_of(_managed(request, municipality_id))]


@router.post("/municipalities/{municipality_id}/staff", response=responses(201, StaffOut),
             summary="Invite a staff member (sends a one-time link)")
def invite_staff(request, municipality_id: int, payload: InviteIn):
    municipality = _managed(request, municipality_id)
    invitation = services.staff_invite(
        by=request.user, municipality=municipality, email=payload.email, display_name=payload.display_name,
        role=payload.role, areas=_areas(municipality.pk, payload.area_ids), request=request,
    )
    return 201, _row(invitation.membership)


@router.put("/memberships/{membership_id}", response=responses(200, StaffOut),
            summary="Change a staff member's role and areas (a new role starts a new membership)")
def change_membership(request, membership_id: int, payload: MembershipChangeIn):
    membership = _membership(request, membership_id)
    changed = services.membership_change(
        by=request.user, membership=membership, role=payload.role,
        areas=_areas(membership.municipality_id, payload.area_ids), reason=payload.reason, request=request,
    )
    return 200, _row(changed)


@router.post("/memberships/{membership_id}/deactivate", response=responses(200, StaffOut),
             summary="End a membership now (reason required)")
def deactivate_membership(request, membership_id: int, payload: ReasonIn):
    ended = services.membership_end(by=request.user, membership=_membership(request, membership_id),
                                    reason=payload.reason, request=request)
    return 200, _row(ended)


@router.post("/memberships/{membership_id}/reactivate", response=responses(200, StaffOut),
             summary="Start a new membership with the same role and areas")
def reactivate_membership(request, membership_id: int, payload: ReasonIn):
    again = services.membership_restart(by=request.user, membership=_membership(request, membership_id),
                                        reason=payload.reason, request=request)
    return 200, _row(again)


@router.post("/memberships/{membership_id}/reset-second-factor", response=responses(200, StaffOut),
             summary="Delete the person's TOTP devices; the next log-in re-enrols (reason required)")
def reset_second_factor(request, membership_id: int, payload: ReasonIn):
    membership = _membership(request, membership_id)
    services.second_factor_reset(by=request.user, membership=membership, reason=payload.reason, request=request)
    return 200, _row(membership)


@router.patch("/areas/{area_id}", response=responses(200, AreaOut),
              summary="Edit an area's name, kana, centre and population 65+ (municipal administrators)")
def change_area(request, area_id: int, payload: AreaChangeIn):
    area = get_object_or_404(selectors.managed_areas(request.user), pk=area_id)
    values = payload.dict(exclude_unset=True, exclude={"reason"})
    values = {k: v for k, v in values.items() if v is not None}
    return 200, services.area_update(by=request.user, area=area, reason=payload.reason, request=request, **values)


@router.get("/municipalities/{municipality_id}/audit", response=responses(200, list[AuditOut]),
            summary="Record of staff and area changes")
@paginate
def list_audit(request, municipality_id: int):
    from sasaeai.tenancy.audit import ACTION_LABELS

    return [
        {"at": e.at, "actor_id": e.actor_id, "action": e.action, "action_label": str(ACTION_LABELS.get(e.action, "")),
         "target_type": e.target_type, "target_id": e.target_id, "details": e.details}
        for e in selectors.audit_trail(_managed(request, municipality_id))[:1000]
    ]
