"""HSDS 3.0 import: any valid document becomes Sasaeai's records; what Sasaeai cannot place is
flagged for review, and everything it does not model is kept in `hsds_extra` (hsds_merge)."""

from __future__ import annotations

from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sasaeai.tenancy.models import Area, Municipality

from .hsds import (
    STATUS_IN,
    export_scope,
    location_native,
    organization_native,
    schema_errors,
    service_native,
    uid,
)
from .hsds_merge import delta
from .hsds_shapes import ImportResult, RowError
from .models import (
    CATEGORY_JA,
    Category,
    ChangeRecord,
    Cost,
    Location,
    Organization,
    ReviewFlag,
    Service,
    Status,
    Target,
    Visibility,
)
from .schedules import DAY_CODES, TOKYO


def _attr_codes(doc: dict, taxonomy: str) -> list[tuple[str, str]]:
    out = []
    for a in doc.get("attributes", []) or []:
        term = a.get("taxonomy_term") or {}
        if (term.get("taxonomy") or a.get("link_type")) == taxonomy:
            out.append((term.get("code") or term.get("name") or "", a.get("value", "")))
    return out


def _parse_schedules(doc: dict) -> list[dict]:
    """Schedule rows for one HSDS schedule: one per weekday of `byday` (TH,FR → Thursday and
    Friday). A rule Sasaeai cannot show (no times, -1FR, by month day…) gives no row: the
    schedule itself is kept in hsds_extra and exported unchanged."""
    if not doc.get("opens_at") or not doc.get("closes_at"):
        return []
    base = {"hsds_id": doc.get("id"), "note": str(doc.get("description", "") or "")[:200]}
    base["opens_at"] = time.fromisoformat(str(doc["opens_at"]))
    base["closes_at"] = time.fromisoformat(str(doc["closes_at"]))
    holiday = [v for c, v in _attr_codes(doc, "sasaeai-schedule") if c == "closed_on_holidays"]
    base["closed_on_holidays"] = (holiday[0] == "true") if holiday else True
    freq, byday = doc.get("freq"), (doc.get("byday") or "").strip()
    if not freq and doc.get("valid_from") and doc.get("valid_from") == doc.get("valid_to"):
        return [dict(base, kind="once", date=date.fromisoformat(doc["valid_from"]))]
    if freq not in ("WEEKLY", "MONTHLY") or not byday or (doc.get("interval") or 1) != 1:
        return []
    rows = []
    for n, part in enumerate(p.strip() for p in byday.split(",")):
        code, prefix = part[-2:], part[:-2]
        if code not in DAY_CODES or (prefix and not (freq == "MONTHLY" and prefix.isdigit() and 1 <= int(prefix) <= 5)):
            return []
        row = dict(base, kind="weekly", weekday=DAY_CODES.index(code),
                   hsds_id=base["hsds_id"] if n == 0 else uid("schedule", base["hsds_id"], part))
        if prefix:
            row["week_of_month"] = int(prefix)
        row["valid_from"] = date.fromisoformat(doc["valid_from"]) if doc.get("valid_from") else None
        row["valid_to"] = date.fromisoformat(doc["valid_to"]) if doc.get("valid_to") else None
        rows.append(row)
    return rows


def _category_of(doc: dict) -> str:
    """Sasaeai's own category attribute, else a mapped taxonomy term (settings
    SASAEAI_HSDS_CATEGORY_MAP {"taxonomy:code" or code or name: category}, or a term named like
    a category), else "" (flagged `uncategorised`)."""
    mapping = getattr(settings, "SASAEAI_HSDS_CATEGORY_MAP", {}) or {}
    names = {v: k for k, v in CATEGORY_JA.items()}
    for code, _v in _attr_codes(doc, "sasaeai-category"):
        if code in Category.values:
            return code
    for a in doc.get("attributes", []) or []:
        term = a.get("taxonomy_term") or {}
        tax = term.get("taxonomy") or a.get("link_type") or ""
        for key in (f"{tax}:{term.get('code')}", term.get("code"), term.get("name")):
            if key and key in mapping and mapping[key] in Category.values:
                return mapping[key]
            if key in names:
                return names[key]
    return ""


def _cost_values(doc: dict) -> dict:
    """Only yen maps to Sasaeai's cost; another currency is kept as given (never converted)."""
    cost = (doc.get("cost_options") or [{}])[0]
    note = str(doc.get("fees_description", "") or cost.get("amount_description", "") or "")
    currency, amount = str(cost.get("currency") or "").upper(), cost.get("amount")
    if cost.get("option") in Cost.values and cost["option"] != Cost.OTHER:
        option = cost["option"]
    elif amount in (None, 0) and not currency:
        option = Cost.FREE
    elif currency in ("", "JPY") and amount is not None and float(amount).is_integer():
        option = Cost.YEN
    else:
        option = Cost.OTHER
    if option == Cost.OTHER:
        shown = f"{amount:g} {currency}".strip() if isinstance(amount, int | float) else ""
        return {"cost": option, "cost_amount": None, "cost_note": (note or shown)[:200]}
    return {"cost": option, "cost_note": note[:200],
            "cost_amount": int(amount) if option != Cost.FREE and amount is not None else None}


def _service_values(doc: dict, municipality: Municipality, areas: dict[str, Area]) -> tuple[dict, list[dict], list[str]]:
    flags = []
    category = _category_of(doc)
    if not category:
        flags.append(ReviewFlag.UNCATEGORISED)
    area_names = [a.get("name") for a in doc.get("service_areas", []) or []]
    area = next((areas[n] for n in area_names if n in areas), None)
    if area is None:
        flags.append(ReviewFlag.UNKNOWN_AREA)
        area = next(iter(areas.values()), None)
        if area is None:
            raise ValidationError({"service_areas": _("This municipality has no daily-life area yet.")},
                                  code="bad_area")
    visibility = [c for c, _v in _attr_codes(doc, "sasaeai-visibility")]
    capacity = [v for c, v in _attr_codes(doc, "sasaeai-capacity")]
    contact = (doc.get("contacts") or [{}])[0]
    phone = (doc.get("phones") or [{}])[0]
    values = {
        "name": str(doc.get("name", ""))[:200], "name_kana": str(doc.get("alternate_name", "") or "")[:200],
        "description": str(doc.get("description", "") or "")[:4000], "url": doc.get("url", "") or "",
        "contact_email": doc.get("email", "") or contact.get("email", "") or "",
        "contact_name": str(contact.get("name", "") or "")[:100], "contact_phone": _domestic_phone(phone.get("number")),
        "status": STATUS_IN.get(doc.get("status"), Status.DRAFT), "category": category,
        "targets": [c for c, _v in _attr_codes(doc, "sasaeai-target") if c in Target.values],
        "tags": [c for c, _v in _attr_codes(doc, "sasaeai-tag")],
        "visibility": visibility[0] if visibility and visibility[0] in Visibility.values else Visibility.PUBLIC,
        "capacity": int(capacity[0]) if capacity and str(capacity[0]).isdigit() else None,
        "area": area, **_cost_values(doc),
    }
    schedules = [row for s in doc.get("schedules", []) or [] for row in _parse_schedules(s)]
    return values, schedules, flags


def _location_doc_for(doc: dict, docs: dict) -> dict | None:
    sals = doc.get("service_at_locations") or []
    if not sals:
        return None
    nested = sals[0].get("location")
    listed = next((loc for loc in docs.get("locations", []) if loc.get("id") == sals[0].get("location_id")), None)
    return listed or nested


def _inside_outline(municipality: Municipality, lat: float, lon: float) -> bool:
    """Inside the municipality's layer-1 outline, when it has one (else: not known to be outside)."""
    from sasaeai.geo.shapes import contains, ring_of

    whole = Area.objects.filter(municipality=municipality, layer=Area.Layer.MUNICIPALITY).exclude(
        boundary__isnull=True).first()
    ring = ring_of(whole.boundary) if whole else []
    return not ring or contains(ring, lat, lon)


def _location_for(ldoc: dict | None, municipality: Municipality, org: Organization | None,
                  name: str) -> tuple[Location | None, list[str]]:
    """The place of a service, and whether it lies outside the municipality (here: outside
    Japan, or an address in another country). A location without coordinates is kept in
    hsds_extra only."""
    from .models import validate_in_japan

    if not ldoc or ldoc.get("latitude") is None or ldoc.get("longitude") is None:
        return None, []
    lat, lon = float(ldoc["latitude"]), float(ldoc["longitude"])
    address = (ldoc.get("addresses") or [{}])[0]
    flags = []
    try:
        validate_in_japan(lat, lon)
    except ValidationError:
        flags.append(ReviewFlag.OUTSIDE)
    if not flags and (str(address.get("country") or "JP").upper() not in ("JP", "JPN")
                      or not _inside_outline(municipality, lat, lon)):
        flags.append(ReviewFlag.OUTSIDE)
    loc = Location.objects.filter(municipality=municipality, hsds_id=ldoc["id"]).first() or Location(
        municipality=municipality, hsds_id=ldoc["id"])
    access = (ldoc.get("accessibility") or [{}])[0]
    loc.organization = org
    loc.name = str(ldoc.get("name", "") or name)[:200]
    loc.address = str(address.get("address_1", "") or "")[:200]
    postal = str(address.get("postal_code", "") or "")
    loc.postal_code = "" if postal == "-" else postal[:8]
    loc.lat, loc.lon = lat, lon
    loc.accessibility = str(access.get("description", "") or "")[:500]
    loc.transportation = str(ldoc.get("transportation", "") or "")[:500]
    if flags:
        loc.clean_fields(exclude=["h3_cell"])  # kept and flagged, not refused
    else:
        loc.full_clean(exclude=["h3_cell"])
    loc.hsds_extra = {}
    loc.save()
    loc.hsds_extra = delta(location_native(loc, municipality), ldoc) or {}
    loc.save(update_fields=["hsds_extra"])
    return loc, flags


def _organization_for(doc: dict | None, municipality: Municipality) -> Organization | None:
    if not doc:
        return None
    org = Organization.objects.filter(municipality=municipality, hsds_id=doc["id"]).first() or Organization(
        municipality=municipality, hsds_id=doc["id"])
    org.name = str(doc.get("name", ""))[:200]
    org.name_kana = str(doc.get("alternate_name", "") or "")[:200]
    description = str(doc.get("description", "") or "")[:4000]
    org.description = "" if description == org.name else description
    org.email, org.website = doc.get("email", "") or "", doc.get("website", "") or ""
    org.phone = str(((doc.get("phones") or [{}])[0]).get("number", ""))[:20]
    org.full_clean(exclude=["hsds_extra"])
    org.save()
    org.hsds_extra = delta(organization_native(org), doc) or {}
    org.save(update_fields=["hsds_extra"])
    return org


def _errors_of(exc: ValidationError, row: int, file: str) -> list[RowError]:
    if hasattr(exc, "error_dict"):
        return [RowError(row, key, " ".join(str(m) for m in msgs), file) for key, msgs in exc.message_dict.items()]
    return [RowError(row, "—", " ".join(exc.messages), file)]


def import_docs(municipality: Municipality, docs: dict[str, list[dict]], *, skip_invalid: bool = False,
                by=None, prior_errors: list[RowError] | None = None, source: str = "json") -> ImportResult:
    """Write the documents into `municipality`: all or nothing, unless skip_invalid — then an
    organisation is written only together with at least one of its services (or when the
    document gives it none). Records Sasaeai cannot place (no category, unknown area, outside
    the municipality) are imported as drafts with `review_flags` for the coordinators."""
    result = ImportResult(errors=list(prior_errors or []))
    if result.errors and not skip_invalid:
        return result
    file = "services.json" if source == "json" else "services.csv"
    qs = Area.objects.filter(municipality=municipality, layer=Area.Layer.DAILY_LIFE).order_by("pk")
    areas = {a.name: a for a in qs}
    if by is not None:  # an unknown area falls back to one the uploading coordinator may write
        from . import selectors

        mine = set(selectors.coordinator_areas(by).filter(municipality=municipality).values_list("pk", flat=True))
        areas = dict(sorted(areas.items(), key=lambda kv: kv[1].pk not in mine))
    services = list(enumerate(docs.get("services", []), start=1))
    docs = dict(docs)
    for key, part in (("organizations", "organization"), ("locations", "location")):
        valid = []
        for n, doc in enumerate(docs.get(key, []), start=1):
            problems = schema_errors(doc, part)
            where = f"{key}.json" if source == "json" else f"{key}.csv"
            result.errors += [RowError(n, path, message, where) for path, message in problems]
            if not problems:
                valid.append(doc)
            elif key == "organizations":  # its services go with it
                services = [(m, d) for m, d in services if d.get("organization_id") != doc.get("id")]
                result.skipped += sum(1 for d in docs.get("services", []) if d.get("organization_id") == doc.get("id"))
        docs[key] = valid
    if result.errors and not skip_invalid:
        return result
    listed = {o.get("id"): o for o in docs.get("organizations", [])}
    with transaction.atomic():
        for oid, org_doc in listed.items():
            own = [(n, d) for n, d in services if d.get("organization_id") == oid]
            counts = (result.created, result.updated, result.skipped)
            try:
                with transaction.atomic():
                    org = _organization_for(org_doc, municipality)
                    written = sum(_import_service(municipality, n, d, org, docs, areas, result, file, by)
                                  for n, d in own)
                    if own and not written:
                        raise ValidationError(_("None of its services could be imported."), code="no_service")
            except ValidationError as exc:
                result.errors += _errors_of(exc, 0, "organizations")
                result.created, result.updated = counts[:2]  # rolled back with the organisation
                result.skipped = counts[2] + len(own)
        for n, doc in services:
            if doc.get("organization_id") in listed:
                continue
            with transaction.atomic():
                org = None
                if doc.get("organization"):
                    try:
                        with transaction.atomic():
                            org = _organization_for(doc["organization"], municipality)
                    except ValidationError as exc:
                        result.errors += _errors_of(exc, doc.get("_row") or n, file)
                        result.skipped += 1
                        continue
                _import_service(municipality, n, doc, org, docs, areas, result, file, by)
        if result.errors and not skip_invalid:
            transaction.set_rollback(True)
            result.created = result.updated = 0
            return result
    result.written = True
    return result


def _domestic_phone(number) -> str:
    """The phone as Sasaeai's contact number when it is a Japanese number; any other (a number
    abroad, an extension written into it, free text) stays only in `hsds_extra`, so it is kept and
    exported exactly as the publisher wrote it, and never shown as something to dial here."""
    from django.core.exceptions import ValidationError as _Invalid

    from .models import validate_contact_phone

    text = str(number or "")[:20]
    try:
        validate_contact_phone(text)
    except _Invalid:
        return ""
    return text


def _import_service(municipality, n, doc, org, docs, areas, result, file, by) -> bool:
    """One service in its own savepoint; True when written."""
    from . import services as directory_services

    doc = dict(doc)
    row = doc.pop("_row", None) or n
    problems = [RowError(row, path, message, file) for path, message in schema_errors(doc)]
    if problems:
        result.errors += problems
        result.skipped += 1
        return False
    try:
        with transaction.atomic():
            location, outside = _location_for(_location_doc_for(doc, docs), municipality, org, doc.get("name", ""))
            values, schedules, flags = _service_values(doc, municipality, areas)
            flags += outside
            values["organization"] = org
            if flags:
                values["status"] = Status.DRAFT
            existing = Service.objects.filter(municipality=municipality, hsds_id=doc["id"]).first()
            saved = directory_services.save_service(
                by=by, municipality=municipality, values=values, schedules=schedules,
                service=existing, location=location, action=ChangeRecord.Action.IMPORT, hsds_id=doc["id"],
            )
            assured = doc.get("assured_date")
            saved.last_verified_at = (datetime.combine(date.fromisoformat(assured), time(0), TOKYO)
                                      if assured else None)
            saved.review_flags = [str(f) for f in flags]
            saved.hsds_extra = {}
            saved.save(update_fields=["last_verified_at", "review_flags", "hsds_extra"])
            fresh = export_scope(municipality, include_restricted=True).get(pk=saved.pk)
            saved.hsds_extra = delta(service_native(fresh), doc) or {}
            saved.save(update_fields=["hsds_extra"])
    except ValidationError as exc:
        result.errors += _errors_of(exc, row, file)
        result.skipped += 1
        return False
    except PermissionDenied as exc:
        result.errors.append(RowError(row, "—", str(exc), file))
        result.skipped += 1
        return False
    except (KeyError, ValueError, TypeError) as exc:
        result.errors.append(RowError(row, "—", _("Unreadable value (%(detail)s).") % {"detail": exc}, file))
        result.skipped += 1
        return False
    if existing:
        result.updated += 1
    else:
        result.created += 1
    return True
