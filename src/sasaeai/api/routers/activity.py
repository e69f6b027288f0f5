"""Coordinator activity log (活動記録) and area handover notes (引き継ぎメモ).

Entries and notes belong to the area: whoever covers the area now (coordinators, municipal
administrators, operators) reads them; coordinators log their own time."""


import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from sasaeai.activity import presentation, selectors, services
from sasaeai.activity.models import Function, NoteSection

from ..errors import ApiError
from ..schemas import responses

PREFIX = ""
router = Router(tags=["activity"])


class EntryIn(Schema):
    date: dt.date
    minutes: int = Field(..., description="1 … 1440; a day's entries add up to at most 24 hours")
    function: Function
    area_id: int
    note: str = Field("", max_length=300)
    link_kind: str | None = Field(None, max_length=40, description="e.g. directory.service, requests.helprequest")
    link_id: int | None = None


class EntryOut(Schema):
    id: int
    date: dt.date
    minutes: int
    function: str
    function_label: str
    coordination: bool
    municipality_id: int
    area_id: int
    area: str
    note: str
    link_kind: str | None
    link_id: int | None
    link_label: str | None
    recorded_by_id: int | None
    recorded_by: str | None
    created_at: dt.datetime

    @staticmethod
    def resolve_function_label(obj):
        return obj.get_function_display()

    @staticmethod
    def resolve_coordination(obj):
        return obj.is_coordination

    @staticmethod
    def resolve_area(obj):
        return obj.area.name

    @staticmethod
    def resolve_link_kind(obj):
        return f"{obj.link_type.app_label}.{obj.link_type.model}" if obj.link_type_id else None

    @staticmethod
    def resolve_link_label(obj):
        link = presentation.link_label(obj)
        return link[0] if link else None

    @staticmethod
    def resolve_recorded_by(obj):
        return obj.recorded_by.display_name if obj.recorded_by else None


class EntryFilter(Schema):
    area_id: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    mine: bool = False


class ShareOut(Schema):
    start: dt.date
    end: dt.date
    coordination_minutes: int
    total_minutes: int
    percent: float | None
    target_percent: int
    meets_target: bool | None


class ShareFilter(Schema):
    start: dt.date | None = None
    end: dt.date | None = None
    area_id: int | None = None
    coordinator_id: int | None = None


class NoteIn(Schema):
    section: NoteSection
    text: str = Field(..., max_length=5000)
    base_version: int = Field(0, ge=0, description="the version you edited (0 for a new section)")


class NoteOut(Schema):
    id: int
    area_id: int
    section: str
    section_label: str
    version: int
    text: str
    written_by_id: int | None
    written_by: str | None
    written_at: dt.datetime


def _note_out(n) -> dict:
    return {"id": n.pk, "area_id": n.area_id, "section": n.section, "section_label": n.get_section_display(),
            "version": n.version, "text": n.text, "written_by_id": n.written_by_id,
            "written_by": n.written_by.display_name if n.written_by else None, "written_at": n.written_at}


def _forbid():
    raise ApiError(403, "forbidden", _("You are not allowed to do this."))


def _readable_area(request, area_id: int):
    if not selectors.may_read(request.user):
        _forbid()
    return get_object_or_404(selectors.briefing_areas(request.user), pk=area_id)


@router.get("/activity/entries", response=responses(200, list[EntryOut]),
            summary="Activity entries of the areas you cover (mine=true: your own)")
@paginate
def list_entries(request, filters: Query[EntryFilter]):
    if not selectors.may_read(request.user):
        _forbid()
    qs = selectors.own_entries(request.user) if filters.mine else selectors.visible_entries(request.user)
    if filters.area_id is not None:
        qs = qs.filter(area_id=filters.area_id)
    if filters.start is not None:
        qs = qs.filter(date__gte=filters.start)
    if filters.end is not None:
        qs = qs.filter(date__lte=filters.end)
    return qs.select_related("area", "recorded_by", "link_type").order_by("-date", "-pk")


@router.post("/activity/entries", response=responses(201, EntryOut), summary="Log time (coordinators)")
def create_entry(request, payload: EntryIn):
    if not selectors.may_log(request.user):
        _forbid()
    area = selectors.loggable_areas(request.user).filter(pk=payload.area_id).first()
    if area is None:
        raise ApiError(400, "area_not_covered", _("You cannot log time for this area."),
                       {"area_id": [_("You cannot log time for this area.")]})
    entry = services.entry_create(by=request.user, area=area, date=payload.date, minutes=payload.minutes,
                                  function=payload.function.value, note=payload.note, link_kind=payload.link_kind,
                                  link_id=payload.link_id)
    return 201, entry


@router.delete("/activity/entries/{entry_id}", response=responses(204, None), summary="Remove one of your entries")
def delete_entry(request, entry_id: int):
    if not selectors.may_log(request.user):
        _forbid()
    entry = get_object_or_404(selectors.deletable_entries(request.user), pk=entry_id)
    services.entry_delete(by=request.user, entry=entry)
    return 204, None


@router.get("/activity/share", response=responses(200, ShareOut),
            summary="Coordination share of working time (seed-003 KSI, target ≥ 70 %)")
def coordination_share(request, filters: Query[ShareFilter]):
    """Within the areas you cover; default period: this month. `coordinator_id` for one SC."""
    if not selectors.may_read(request.user):
        _forbid()
    today = timezone.localdate()
    start = filters.start or today.replace(day=1)
    end = filters.end or selectors.month_of(start)[1]
    if end < start:
        raise ApiError(400, "period_invalid", _("The end of the period is before its start."),
                       {"end": [_("The end of the period is before its start.")]})
    area = _readable_area(request, filters.area_id) if filters.area_id is not None else None
    share = selectors.coordination_share(area=area, start=start, end=end, queryset=selectors.visible_entries(request.user),
                                         coordinator=filters.coordinator_id)
    return {"start": start, "end": end, "coordination_minutes": share.coordination_minutes,
            "total_minutes": share.total_minutes, "percent": share.percent,
            "target_percent": selectors.COORDINATION_TARGET_PERCENT, "meets_target": share.meets_target}


@router.get("/areas/{area_id}/handover-notes", response=responses(200, list[NoteOut]),
            summary="Current handover notes of an area (one per section)")
def list_notes(request, area_id: int):
    area = _readable_area(request, area_id)
    current = selectors.current_notes(area)
    return [_note_out(current[s]) for s in NoteSection.values if s in current]


@router.get("/areas/{area_id}/handover-notes/{section}/versions", response=responses(200, list[NoteOut]),
            summary="Every version of one section, newest first")
def note_versions(request, area_id: int, section: NoteSection):
    area = _readable_area(request, area_id)
    return [_note_out(n) for n in selectors.note_history(area, section.value)[:200]]


@router.post("/areas/{area_id}/handover-notes", response=responses(201, NoteOut),
             summary="Save a new version of one section")
def save_note(request, area_id: int, payload: NoteIn):
    area = _readable_area(request, area_id)
    note = services.note_save(by=request.user, area=area, section=payload.section.value, text=payload.text,
                              base_version=payload.base_version)
    return 201, _note_out(note)
