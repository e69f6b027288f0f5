"""Writes of the directory. Each public function is one transaction, validates everything
before it writes, and leaves a change record (who, when, what changed)."""

from __future__ import annotations

from datetime import date, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from sasaeai.tenancy.models import Area, Municipality

from . import selectors
from .models import (
    CATEGORY_JA,
    TEXT_MAX,
    Category,
    ChangeRecord,
    Cost,
    Location,
    Organization,
    ReviewFlag,
    Schedule,
    Service,
    Status,
    Suggestion,
    Target,
    Visibility,
    validate_in_japan,
)
from .schedules import describe
from .textnorm import contains_markup, normalize

SERVICE_FIELDS = (
    "name", "name_kana", "description", "category", "targets", "tags", "cost", "cost_amount",
    "cost_note", "capacity", "contact_name", "contact_phone", "contact_email", "url", "visibility",
    "status",
)
LOCATION_FIELDS = ("place_name", "address", "postal_code", "lat", "lon", "accessibility", "transportation")
SCHEDULE_FIELDS = ("kind", "weekday", "week_of_month", "date", "opens_at", "closes_at", "valid_from",
                   "valid_to", "closed_on_holidays", "note")
#: What a suggestion may propose (a resident describes a place; a coordinator completes it).
SUGGESTION_FIELDS = ("name", "description", "category", "area", "place_name", "address", "lat", "lon",
                     "contact_phone", "schedule_text", "weekday", "opens_at", "closes_at")


# --- validation helpers -----------------------------------------------------------------------

def check_text(values: dict, *, limit: int = TEXT_MAX) -> None:
    """Refuse HTML/script and over-long text in any string value (each field named)."""
    errors = {}
    for key, value in values.items():
        if isinstance(value, list | tuple):
            value = " ".join(str(v) for v in value)
        if not isinstance(value, str):
            continue
        if len(value) > limit:
            errors[key] = ValidationError(
                _("This text is too long (at most %(limit)s characters).") % {"limit": limit},
                code="too_long")
        elif contains_markup(value):
            errors[key] = ValidationError(
                _("HTML tags and scripts are not allowed. Please write plain text."), code="markup")
    if errors:
        raise ValidationError(errors)


def _join(items) -> str:
    items = [str(i).strip().replace("|", "／") for i in (items or []) if str(i).strip()]
    return f"|{'|'.join(items)}|" if items else ""


def _as_list(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [v for v in value.replace("、", ",").replace("|", ",").split(",") if v.strip()]
    return [str(v) for v in value]


def build_search_text(service: Service) -> str:
    ja_label = CATEGORY_JA.get(service.category, "")
    with override("en"):
        en_label = str(Category(service.category).label) if service.category in Category.values else ""
    parts = [service.name, service.name_kana, service.description, service.tags.replace("|", " "),
             ja_label, en_label, service.cost_note]
    if service.organization_id:
        parts += [service.organization.name, service.organization.name_kana]
    if service.location_id:
        parts += [service.location.name, service.location.address]
    return " ".join(normalize(p) for p in parts if p)


def snapshot(service: Service) -> dict[str, str]:
    """Display values of everything a person edits, for diffs and history."""
    out = {f: service.serializable_value(f) for f in SERVICE_FIELDS}
    out["area"] = service.area.name if service.area_id else ""
    out["organization"] = service.organization.name if service.organization_id else ""
    loc = service.location
    if loc is not None:
        out.update(place_name=loc.name, address=loc.address, postal_code=loc.postal_code,
                   lat=loc.lat, lon=loc.lon, accessibility=loc.accessibility,
                   transportation=loc.transportation)
    out["schedules"] = " / ".join(describe(s) for s in service.schedules.all()) if service.pk else ""
    return {k: "" if v is None else str(v) for k, v in out.items()}


def _diff(before: dict, after: dict) -> dict:
    return {k: [before.get(k, ""), after.get(k, "")] for k in sorted(set(before) | set(after))
            if before.get(k, "") != after.get(k, "")}


# --- resources --------------------------------------------------------------------------------

def _resolve_area(municipality: Municipality, value) -> Area:
    if isinstance(value, Area):
        area = value
    else:
        try:
            pk = int(value)
        except (TypeError, ValueError):
            pk = None
        area = Area.objects.filter(pk=pk).first() if pk is not None and 0 < pk < 2**53 else None
    if area is None or area.municipality_id != municipality.pk or area.layer != Area.Layer.DAILY_LIFE:
        raise ValidationError({"area": _("Choose a layer-2 (daily-life) area of this municipality.")},
                              code="bad_area")
    return area


def _resolve_org(municipality: Municipality, value) -> Organization | None:
    if value in (None, ""):
        return None
    org = value if isinstance(value, Organization) else Organization.objects.filter(pk=value).first()
    if org is None or org.municipality_id != municipality.pk:
        raise ValidationError({"organization": _("Choose an organisation of this municipality.")},
                              code="bad_organization")
    return org


def _build_schedules(service: Service, rows: list[dict]) -> list[Schedule]:
    built, errors = [], {}
    for i, row in enumerate(rows):
        data = {k: row.get(k) for k in SCHEDULE_FIELDS if k in row}
        data.setdefault("kind", Schedule.Kind.WEEKLY)
        data["closed_on_holidays"] = bool(data.get("closed_on_holidays", True))
        data["note"] = data.get("note") or ""
        schedule = Schedule(service=service, **data)
        if row.get("hsds_id"):
            schedule.hsds_id = row["hsds_id"]
        try:
            schedule.full_clean(exclude=["service"])
        except ValidationError as exc:
            for field, errs in exc.error_dict.items():
                errors[f"schedules.{i}.{field}"] = errs
        built.append(schedule)
    if errors:
        raise ValidationError(errors)
    return built


def _check_may_write(by, municipality: Municipality, area: Area, organization, service: Service | None):
    if by is None:  # management commands (import) run as the operator of the installation
        return
    if service is not None and not selectors.can_edit(by, service):
        raise PermissionDenied(_("You may not edit this resource."))
    coordinator = selectors.can_moderate(by, municipality.pk, area.pk)
    org_staff = organization is not None and organization.pk in selectors.organization_ids(by)
    if not (coordinator or org_staff):
        raise PermissionDenied(_("You may only edit resources of your areas or your organisation."))


@transaction.atomic
def save_service(*, by, municipality: Municipality, values: dict, schedules: list[dict] | None = None,
                 service: Service | None = None, action: str | None = None,
                 suggestion: Suggestion | None = None, location: Location | None = None,
                 hsds_id=None) -> Service:
    """Create (service=None) or update a resource with its place and, when given, its full
    list of schedules. `values` holds SERVICE_FIELDS, LOCATION_FIELDS, `area` and
    `organization` (ids or objects); fields left out keep their value."""
    check_text(values)
    if schedules:
        for row in schedules:
            check_text(row)
    creating = service is None
    service = service or Service(municipality=municipality)
    if creating and hsds_id:
        service.hsds_id = hsds_id
    if service.municipality_id != municipality.pk:
        raise PermissionDenied(_("This resource belongs to another municipality."))
    before = {} if creating else snapshot(service)
    area = _resolve_area(municipality, values["area"]) if "area" in values else service.area if not creating else None
    if area is None:
        raise ValidationError({"area": _("Choose a layer-2 (daily-life) area of this municipality.")})
    organization = (_resolve_org(municipality, values["organization"]) if "organization" in values
                    else service.organization)
    _check_may_write(by, municipality, area, organization, None if creating else service)

    for field in SERVICE_FIELDS:
        if field not in values:
            continue
        value = values[field]
        if field in ("targets", "tags"):
            value = _join(_as_list(value))
        elif field in ("cost_amount", "capacity"):
            value = None if value in (None, "") else value
        elif value is None:
            value = ""
        setattr(service, field, value)
    if service.cost == Cost.FREE:
        service.cost_amount = None
    service.area, service.organization = area, organization
    if not service.category and action != ChangeRecord.Action.IMPORT:
        raise ValidationError({"category": _("Choose a category from the list.")}, code="bad_category")
    if service.review_flags and action != ChangeRecord.Action.IMPORT:
        # Saved by a person: the import has been reviewed, except a still missing category.
        service.review_flags = [ReviewFlag.UNCATEGORISED.value] if not service.category else []
    if service.review_flags:
        service.status = Status.DRAFT  # not published until a coordinator has reviewed it

    # The place: an explicit Location (imports), else the service's own, else a new one.
    loc_values = {k: values[k] for k in LOCATION_FIELDS if k in values}
    if location is not None:
        service.location = location
    elif loc_values:
        loc = service.location if service.location_id else Location(municipality=municipality,
                                                                    organization=organization)
        for key, value in loc_values.items():
            setattr(loc, "name" if key == "place_name" else key, "" if value is None and key not in ("lat", "lon") else value)
        if not loc.name:
            loc.name = service.name
        if loc.lat in (None, "") or loc.lon in (None, ""):
            loc.lat, loc.lon = area.center_lat, area.center_lon
        try:
            loc.lat, loc.lon = float(loc.lat), float(loc.lon)
        except (TypeError, ValueError):
            raise ValidationError({"lat": _("Latitude and longitude must be numbers.")}, code="bad_coordinates") from None
        validate_in_japan(loc.lat, loc.lon)
        loc.full_clean()
        loc.save()
        service.location = loc

    service.full_clean(exclude=["search_text"])
    service.search_text = build_search_text(service)
    service.save()
    if schedules is not None:
        built = _build_schedules(service, schedules)
        service.schedules.all().delete()
        for schedule in built:
            schedule.service = service
            schedule.save()
    after = snapshot(service)
    changes = _diff(before, after)
    if creating or changes:
        ChangeRecord.objects.create(
            municipality=municipality, service=service, user=by if by is not None else None,
            action=action or (ChangeRecord.Action.CREATE if creating else ChangeRecord.Action.UPDATE),
            changes=changes, suggestion=suggestion,
        )
    return service


@transaction.atomic
def verify(service: Service, *, by) -> Service:
    """確認済み: a coordinator or the provider confirms the entry is still right."""
    if not selectors.can_edit(by, service):
        raise PermissionDenied(_("You may not verify this resource."))
    old = service.last_verified_at
    service.last_verified_at = timezone.now()
    service.verified_by = by
    service.save(update_fields=["last_verified_at", "verified_by", "updated_at"])
    ChangeRecord.objects.create(
        municipality_id=service.municipality_id, service=service, user=by, action=ChangeRecord.Action.VERIFY,
        changes={"last_verified_at": [old.isoformat() if old else "", service.last_verified_at.isoformat()]},
    )
    return service


# --- suggestions ------------------------------------------------------------------------------

def _clean_proposal(municipality: Municipality, proposed: dict) -> dict:
    unknown = set(proposed) - set(SUGGESTION_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))},
                              code="unknown_field")
    clean = {k: v for k, v in proposed.items() if v not in (None, "")}
    check_text(clean)
    limits = {"name": 200, "place_name": 200, "address": 200, "contact_phone": 20, "schedule_text": 200}
    for key, limit in limits.items():
        if key in clean and len(str(clean[key])) > limit:
            raise ValidationError({key: ValidationError(
                _("This text is too long (at most %(limit)s characters).") % {"limit": limit}, code="too_long")})
    if "category" in clean and clean["category"] not in Category.values:
        raise ValidationError({"category": _("Choose a category from the list.")}, code="bad_category")
    if "area" in clean:
        clean["area"] = _resolve_area(municipality, clean["area"]).pk
    for key in ("lat", "lon"):
        if key in clean:
            try:
                clean[key] = float(clean[key])
            except (TypeError, ValueError):
                raise ValidationError({key: _("Latitude and longitude must be numbers.")},
                                      code="bad_coordinates") from None
    if ("lat" in clean) != ("lon" in clean):
        raise ValidationError({"lat": _("Give both latitude and longitude, or neither.")}, code="bad_coordinates")
    if "lat" in clean:
        validate_in_japan(clean["lat"], clean["lon"])
    if "weekday" in clean:
        try:
            clean["weekday"] = int(clean["weekday"])
        except (TypeError, ValueError):
            clean["weekday"] = -1
        if not 0 <= clean["weekday"] <= 6:
            raise ValidationError({"weekday": _("Choose a weekday.")}, code="bad_weekday")
    for key in ("opens_at", "closes_at"):
        if key in clean:
            value = clean[key]
            try:
                parsed = value if isinstance(value, time) else time.fromisoformat(str(value))
            except ValueError:
                raise ValidationError({key: _("Enter a time such as 10:00.")}, code="bad_time") from None
            clean[key] = parsed.strftime("%H:%M")
    if "opens_at" in clean and "closes_at" in clean and clean["closes_at"] <= clean["opens_at"]:
        raise ValidationError({"closes_at": _("The end time must be after the start time.")},
                              code="ends_before_start")
    return clean


@transaction.atomic
def submit_suggestion(*, by, municipality: Municipality, proposed: dict, service: Service | None = None,
                      comment: str = "") -> Suggestion:
    """Any logged-in user suggests an edit of a resource they can see, or a new place."""
    if by is None or not by.is_authenticated:
        raise PermissionDenied(_("Please log in to suggest a change."))
    from sasaeai.tenancy.selectors import in_tenant

    if not in_tenant(by, municipality.pk):
        raise PermissionDenied(_("You can suggest changes only in your own municipality."))
    check_text({"comment": comment}, limit=1000)
    if service is not None:
        if service.municipality_id != municipality.pk or not selectors.visible_services(by).filter(pk=service.pk).exists():
            raise PermissionDenied(_("You may not suggest changes to this resource."))
    clean = _clean_proposal(municipality, proposed)
    if service is None:
        missing = [k for k in ("name", "category", "area") if k not in clean]
        if missing:
            raise ValidationError({k: _("This field is required.") for k in missing}, code="required")
    if not clean:
        raise ValidationError(_("Nothing was proposed."), code="empty")
    area_id = clean.get("area") or service.area_id
    return Suggestion.objects.create(
        municipality=municipality, area_id=area_id, service=service, proposed=clean,
        comment=comment, submitted_by=by,
    )


def suggestion_diff(suggestion: Suggestion) -> list[dict]:
    """Rows of (field, current, proposed) for the moderation screen."""
    current = snapshot(suggestion.service) if suggestion.service_id else {}
    labels = field_labels()
    rows = []
    for key, value in suggestion.proposed.items():
        shown = value
        if key == "area":
            shown = Area.objects.filter(pk=value).values_list("name", flat=True).first() or value
        elif key == "category" and value in Category.values:
            shown = str(Category(value).label)
        elif key == "weekday":
            shown = str(dict(Schedule.WEEKDAYS).get(value, value))
        old = current.get(key, "")
        if key == "category" and old in Category.values:
            old = str(Category(old).label)
        rows.append({"field": key, "label": labels.get(key, key), "current": old, "proposed": str(shown),
                     "changed": str(old) != str(shown)})
    return rows


def field_labels() -> dict[str, str]:
    labels = {f.name: str(f.verbose_name) for f in Service._meta.get_fields() if hasattr(f, "verbose_name")}
    labels.update(place_name=_("place name"), address=_("address"), postal_code=_("postal code"),
                  lat=_("latitude"), lon=_("longitude"), accessibility=_("accessibility notes"),
                  transportation=_("how to get there"), schedules=_("schedule"),
                  schedule_text=_("when (as written)"), weekday=_("weekday"), opens_at=_("opens at"),
                  closes_at=_("closes at"))
    return labels


def _pending(suggestion: Suggestion, by) -> None:
    if suggestion.state != Suggestion.State.PENDING:
        raise ValidationError(_("This suggestion has already been reviewed."), code="already_reviewed")
    if not selectors.can_moderate(by, suggestion.municipality_id, suggestion.area_id):
        raise PermissionDenied(_("You may not review suggestions for this area."))


#: What a moderator may change before approving: the proposal's fields and the holiday rule
#: of a proposed weekly session (nobody is assumed to close on public holidays unless the
#: moderator says so).
REVIEW_FIELDS = (*SUGGESTION_FIELDS, "closed_on_holidays")


def _reviewed_proposal(suggestion: Suggestion, edits: dict | None) -> tuple[dict, dict]:
    """The proposal with the moderator's edits applied, validated as a whole, and the edits
    that actually differ from the proposal ({field: new value}, "" = leave the proposed value out)."""
    proposed = dict(suggestion.proposed)
    edits = dict(edits or {})
    unknown = set(edits) - set(REVIEW_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))},
                              code="unknown_field")
    holidays = bool(edits.pop("closed_on_holidays", False))
    merged = {**proposed, **edits}
    clean = _clean_proposal(suggestion.municipality, {k: v for k, v in merged.items() if v not in (None, "")})
    if suggestion.service_id is None:
        missing = [k for k in ("name", "category", "area") if k not in clean]
        if missing:
            raise ValidationError({k: _("This field is required.") for k in missing}, code="required")
    changed = {k: clean.get(k, "") for k in sorted(set(clean) | set(proposed)) if clean.get(k, "") != proposed.get(k, "")}
    if holidays:
        clean["closed_on_holidays"] = changed["closed_on_holidays"] = True
    return clean, changed


def _approval_write(suggestion: Suggestion, *, by, reviewed: dict) -> Service:
    """Write exactly the reviewed proposal. Nothing is added that neither the resident nor the
    moderator wrote, except what publishing a new place means (published, public, its place
    named after it and on the area's centre when no position was given)."""
    values = dict(reviewed)
    schedule_text = values.pop("schedule_text", "")
    weekday = values.pop("weekday", None)
    opens, closes = values.pop("opens_at", None), values.pop("closes_at", None)
    holidays = bool(values.pop("closed_on_holidays", False))
    schedules = None
    if weekday is not None and opens and closes:
        schedules = [{"kind": "weekly", "weekday": weekday, "opens_at": time.fromisoformat(opens),
                      "closes_at": time.fromisoformat(closes), "closed_on_holidays": holidays,
                      "note": schedule_text[:200]}]
    elif schedule_text:
        # No structured session: the resident's words stay readable in the description.
        current = suggestion.service.description if suggestion.service_id else ""
        values["description"] = (values.get("description", current) + "\n" + schedule_text).strip()
    if suggestion.service_id is None:
        values.setdefault("status", Status.PUBLISHED)
        values.setdefault("visibility", Visibility.PUBLIC)
        values.setdefault("place_name", values.get("name", ""))
    return save_service(by=by, municipality=suggestion.municipality, values=values, schedules=schedules,
                        service=suggestion.service, action=ChangeRecord.Action.SUGGESTION,
                        suggestion=suggestion)


class _DryRun(Exception):
    pass


def approval_preview(suggestion: Suggestion, *, by, edits: dict | None = None) -> dict:
    """What approving would publish, computed by the approval itself and rolled back: the rows
    (field, label, now, after, edited) that change, and the moderator's effective edits.
    Raises ValidationError / PermissionDenied exactly as approval would."""
    # Fresh objects: the dry run must not leave its changes on the caller's instances.
    suggestion = Suggestion.objects.select_related("municipality", "service").get(pk=suggestion.pk)
    reviewed, changed = _reviewed_proposal(suggestion, edits)
    before = snapshot(suggestion.service) if suggestion.service_id else {}
    after = {}
    try:
        with transaction.atomic():
            after = snapshot(_approval_write(suggestion, by=by, reviewed=reviewed))
            raise _DryRun
    except _DryRun:
        pass
    edited_keys = _published_keys(changed)
    labels = field_labels()
    rows = [{"field": key, "label": labels.get(key, key), "now": _shown(key, before.get(key, "")),
             "after": _shown(key, value), "edited": key in edited_keys}
            for key, value in after.items() if value != before.get(key, "")]
    return {"rows": rows, "after": after, "edits": changed}


def _published_keys(changed: dict) -> set[str]:
    keys = set(changed)
    if keys & {"weekday", "opens_at", "closes_at", "closed_on_holidays", "schedule_text"}:
        keys |= {"schedules", "description"} if "schedule_text" in keys else {"schedules"}
    return keys


def _shown(key: str, value: str) -> str:
    """A snapshot value as a person reads it (labels, never internal codes)."""
    choices = {"category": Category, "visibility": Visibility, "status": Status, "cost": Cost}
    if key in choices and value in choices[key].values:
        return str(choices[key](value).label)
    if key == "targets":
        labels = dict(Target.choices)
        return "、".join(str(labels.get(t, t)) for t in value.split("|") if t)
    if key == "tags":
        return "、".join(t for t in value.split("|") if t)
    return value


@transaction.atomic
def approve_suggestion(suggestion: Suggestion, *, by, note: str = "", edits: dict | None = None) -> Service:
    """Publish exactly what was proposed plus the moderator's edits (`edits`: {field: value},
    the same ones the review page previewed): a new place becomes a published, verified
    resource; a correction changes the resource. Both are recorded in its history with the
    suggestion, and the edits are kept on the suggestion."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    _pending(suggestion, by)
    check_text({"note": note}, limit=1000)
    reviewed, changed = _reviewed_proposal(suggestion, edits)
    service = _approval_write(suggestion, by=by, reviewed=reviewed)
    service.last_verified_at, service.verified_by = timezone.now(), by
    service.save(update_fields=["last_verified_at", "verified_by"])
    suggestion.service = service
    suggestion.state = Suggestion.State.APPROVED
    suggestion.edits = changed
    suggestion.reviewed_by, suggestion.reviewed_at, suggestion.review_note = by, timezone.now(), note
    suggestion.save()
    return service


@transaction.atomic
def reject_suggestion(suggestion: Suggestion, *, by, note: str = "") -> Suggestion:
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    _pending(suggestion, by)
    check_text({"note": note}, limit=1000)
    suggestion.state = Suggestion.State.REJECTED
    suggestion.reviewed_by, suggestion.reviewed_at, suggestion.review_note = by, timezone.now(), note
    suggestion.save()
    return suggestion


# --- organisations ----------------------------------------------------------------------------

@transaction.atomic
def save_organization(*, municipality: Municipality, values: dict, organization: Organization | None = None,
                      by=None) -> Organization:
    if by is not None and not selectors.can_moderate(by, municipality.pk, None):
        raise PermissionDenied(_("Only coordinators of the whole municipality manage organisations."))
    check_text(values)
    organization = organization or Organization(municipality=municipality)
    for key in ("name", "name_kana", "description", "email", "website", "phone"):
        if key in values:
            setattr(organization, key, values[key] or "")
    organization.full_clean()
    organization.save()
    return organization


def today() -> date:
    return timezone.localdate()


__all__ = ["save_service", "verify", "submit_suggestion", "approve_suggestion", "reject_suggestion",
           "save_organization", "snapshot", "check_text", "Target"]
