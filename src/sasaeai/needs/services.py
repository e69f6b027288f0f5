"""Every write of the needs app. Each public function is one transaction: it validates first,
writes everything or nothing, and raises `ValidationError` (with a stable `code`) or
`PermissionDenied`. Status changes append a `NeedStatusChange` row (who, when, from, to)."""

from __future__ import annotations

from datetime import date

import h3
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasaeai.residents.models import Resident
from sasaeai.tenancy.models import JAPAN_LAT, JAPAN_LON, Area, Municipality
from sasaeai.tenancy.selectors import covers_area

from . import selectors
from .categories import NeedCategory
from .models import (
    H3_RESOLUTION,
    TRANSITIONS,
    Need,
    NeedLink,
    NeedSource,
    NeedStatus,
    NeedStatusChange,
    Urgency,
)
from .signals import need_status_changed

#: The consent a need naming a resident rests on: connecting the person with help
#: (担い手とのマッチング). Without it the need is recorded anonymously.
NEED_CONSENT_PURPOSE = "matching"
DESCRIPTION_MAX = 2000


def _invalid(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def place_cell(lat: float | None, lon: float | None, area: Area) -> str:
    """The H3 cell of an approximate place (the area's centre when none is given)."""
    if lat is None or lon is None:
        lat, lon = area.center_lat, area.center_lon
    elif not (JAPAN_LAT[0] <= lat <= JAPAN_LAT[1] and JAPAN_LON[0] <= lon <= JAPAN_LON[1]):
        raise _invalid("place", _("This point is outside Japan (latitude 20–46°N, longitude 122–154°E). "
                                  "Check the coordinates."), "outside_japan")
    return h3.latlng_to_cell(lat, lon, H3_RESOLUTION)


def validate_need(*, municipality: Municipality, area: Area | None, category: str, description: str, source: str,
                  urgency: str, resident: Resident | None) -> Area:
    """The checks of a new need (also used row by row by the import). Returns the area."""
    errors: dict[str, list] = {}
    if category not in NeedCategory.values:
        errors["category"] = [ValidationError(_("Choose the kind of need."), code="invalid_category")]
    if source not in NeedSource.values:
        errors["source"] = [ValidationError(_("Say who reported the need."), code="invalid_source")]
    if urgency not in Urgency.values:
        errors["urgency"] = [ValidationError(_("Choose the urgency."), code="invalid_urgency")]
    text = (description or "").strip()
    if not text:
        errors["description"] = [ValidationError(_("Write down what was noticed."), code="description_required")]
    elif len(text) > DESCRIPTION_MAX:
        errors["description"] = [ValidationError(_("Write at most %(n)s characters.") % {"n": DESCRIPTION_MAX},
                                                 code="description_too_long")]
    if resident is not None:
        if resident.municipality_id != municipality.pk:
            errors["resident"] = [ValidationError(
                _("This resident lives in another municipality; a need is recorded where the resident lives."),
                code="resident_other_municipality")]
        elif area is not None and area.pk != resident.area_id:
            errors["area"] = [ValidationError(_("The area must be the resident's own daily-life area."),
                                              code="area_mismatch")]
        else:
            area = resident.area
    if area is None and "resident" not in errors:
        errors.setdefault("area", [ValidationError(_("Choose the daily-life area."), code="area_required")])
    elif area is not None and (area.municipality_id != municipality.pk or area.layer != Area.Layer.DAILY_LIFE):
        errors["area"] = [ValidationError(_("Choose a layer-2 (daily-life) area of this municipality."),
                                          code="invalid_area")]
    if errors:
        raise ValidationError(errors)
    return area


def need_create(*, by, municipality: Municipality, category: str, description: str, source: str,
                area: Area | None = None, urgency: str = Urgency.NORMAL, resident: Resident | None = None,
                lat: float | None = None, lon: float | None = None, noticed_on: date | None = None,
                demo_key: str | None = None) -> Need:
    """Record a need (困りごとを受け付ける). A named resident needs their consent; an anonymous need
    keeps only the H3 cell of the place given (or of the area's centre). Another unfinished need
    of the same resident and category is flagged as a possible duplicate (`duplicate_of`)."""
    from sasaeai.safety.consent import require_consent

    area = validate_need(municipality=municipality, area=area, category=category, description=description,
                         source=source, urgency=urgency, resident=resident)
    if by is not None and not covers_area(by, municipality.pk, area.pk, selectors.REGISTER_ROLES):
        raise PermissionDenied(_("You do not keep the needs register of this area."))
    if noticed_on is not None and noticed_on > timezone.localdate():
        raise _invalid("noticed_on", _("The date cannot be in the future."), "noticed_in_future")
    cell = ""
    if resident is None:
        cell = place_cell(lat, lon, area)
    with transaction.atomic():
        duplicate = None
        if resident is not None:
            try:
                require_consent(resident, NEED_CONSENT_PURPOSE)
            except ValidationError as exc:
                raise ValidationError({"resident": ValidationError(
                    _("The resident has not consented to being named. Record the need without the resident "
                      "(anonymously), or record their consent first."), code="no_consent")}) from exc
            # Lock the resident so two entries of the same need at once see each other: the
            # second is flagged as a duplicate of the first.
            Resident.objects.select_for_update().filter(pk=resident.pk).first()
            duplicate = selectors.open_duplicate(resident.pk, category)
        now = timezone.now()
        need = Need.objects.create(
            municipality=municipality, area=area, category=category, description=description.strip(),
            resident=resident, h3_cell=cell, source=source, urgency=urgency, status=NeedStatus.NEW,
            status_changed_at=now, duplicate_of=duplicate, recorded_by=by,
            noticed_on=noticed_on or timezone.localdate(), demo_key=demo_key, created_at=now)
        NeedStatusChange.objects.create(need=need, from_status="", to_status=NeedStatus.NEW, by=by, at=now)
    return need


def _locked(need: Need) -> Need:
    # The row lock keeps two coordinators from changing the same need from the same status at once.
    return Need.objects.select_for_update(of=("self",)).get(pk=need.pk)


def need_change_status(*, need: Need, by, to: str, note: str = "") -> Need:
    """Move a need along its state machine (`models.TRANSITIONS`)."""
    if to not in NeedStatus.values:
        raise _invalid("status", _("Unknown status."), "invalid_status")
    if len(note or "") > 500:
        raise _invalid("note", _("Write at most %(n)s characters.") % {"n": 500}, "note_too_long")
    if by is not None and not by.has_perm("needs.change_need", need):
        raise PermissionDenied(_("You do not coordinate this area."))
    with transaction.atomic():
        current = _locked(need)
        if to not in TRANSITIONS.get(current.status, ()):
            raise _invalid("status", _("A need that is “%(current)s” cannot become “%(to)s”.") % {
                "current": current.get_status_display(), "to": NeedStatus(to).label}, "illegal_transition")
        if to == NeedStatus.CONNECTED and not current.links.exists():
            raise _invalid("status", _("Connect the need to a resource or a request first."), "no_connection")
        _set_status(current, to, by, note)
    need.refresh_from_db()
    return need


def _set_status(need: Need, to: str, by, note: str = "") -> None:
    now = timezone.now()
    before = need.status
    NeedStatusChange.objects.create(need=need, from_status=before, to_status=to, by=by, at=now, note=note or "")
    need.status, need.status_changed_at = to, now
    need.save(update_fields=["status", "status_changed_at", "updated_at"])
    need_status_changed.send(sender=Need, need_id=need.pk, from_status=before, to_status=to)


def needs_follow_issue(*, needs, by, to: str, note: str = "") -> int:
    """A council took needs up as a local issue (地域課題へ: "escalated") or resolved that issue
    ("resolved"): move each linked need that may make the move; the others keep their status.
    Runs inside the council's transaction; the council service has checked who may act.
    Returns how many needs moved."""
    moved = 0
    for need in needs:
        current = _locked(need)
        if to in TRANSITIONS.get(current.status, ()):
            _set_status(current, to, by, note[:500])
            moved += 1
    return moved


#: Kinds of record a need can be connected to, by "app_label.model"; apps built later (cases,
#: events) add theirs with `register_link_target`.
LINK_TARGETS: dict[str, str] = {}


def register_link_target(model_label: str, kind: str) -> None:
    LINK_TARGETS[model_label] = kind


register_link_target("directory.service", "resource")
register_link_target("requests.helprequest", "help_request")


def need_connect(*, need: Need, by, target, note: str = "") -> NeedLink:
    """つなぐ: link the need to a record (a directory resource, a help request, a case …) of the
    same municipality and set it "connected"."""
    if by is not None and not by.has_perm("needs.change_need", need):
        raise PermissionDenied(_("You do not coordinate this area."))
    label = f"{target._meta.app_label}.{target._meta.model_name}"
    if label not in LINK_TARGETS:
        raise _invalid("target", _("A need can be connected to a resource, a help request or a case."),
                       "invalid_target")
    if getattr(target, "municipality_id", None) != need.municipality_id:
        raise _invalid("target", _("Choose a record of the need's own municipality."), "target_other_municipality")
    content_type = ContentType.objects.get_for_model(target)
    with transaction.atomic():
        current = _locked(need)
        if current.status != NeedStatus.CONNECTED and NeedStatus.CONNECTED not in TRANSITIONS.get(current.status, ()):
            raise _invalid("status", _("A need that is “%(current)s” cannot be connected; reopen it first.") % {
                "current": current.get_status_display()}, "illegal_transition")
        link, created = NeedLink.objects.get_or_create(
            need=current, content_type=content_type, object_id=target.pk, defaults={"created_by": by})
        if not created:
            raise _invalid("target", _("The need is already connected to this."), "already_connected")
        if current.status != NeedStatus.CONNECTED:
            _set_status(current, NeedStatus.CONNECTED, by, note)
    need.refresh_from_db()
    return link


def need_disconnect(*, link: NeedLink, by) -> None:
    need = link.need
    if by is not None and not by.has_perm("needs.change_need", need):
        raise PermissionDenied(_("You do not coordinate this area."))
    with transaction.atomic():
        current = _locked(need)
        NeedLink.objects.filter(pk=link.pk).delete()
        if current.status == NeedStatus.CONNECTED and not current.links.exists():
            _set_status(current, NeedStatus.TRIAGED, by, _("Connection removed."))
