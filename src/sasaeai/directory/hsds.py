"""Open Referral HSDS 3.0 exchange: export (JSON or the tabular datapackage) and import.

Our fields map onto HSDS as follows (nothing is lost in a round trip):

- Service.status published/draft/archived → service.status active/inactive/defunct;
- category, target groups, participation-meaning tags, visibility and capacity → attributes
  with taxonomy terms of the taxonomies `sasaeai-category`, `sasaeai-target`, `sasaeai-tag`,
  `sasaeai-visibility`, `sasaeai-capacity`;
- cost → one cost_option (option free/yen/points, currency JPY for yen, amount);
- layer-2 area → service_area (name = area name); the place → service_at_location + location
  (with address, accessibility and the H3 cell as external identifier);
- last verification date → assured_date; contact → contacts and phones;
- schedules → schedules (WEEKLY byday=TU; MONTHLY byday=2TU for "second Tuesday"; a one-off
  date as valid_from = valid_to = dtstart), holiday closing → a schedule attribute.

Ids of organisations, services, locations and schedules are stored (`hsds_id`), the others are
derived deterministically (uuid5), so export → import → export reproduces the same documents.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from sasaeai.core import spreadsheets
from sasaeai.tenancy.codes import PREFECTURES
from sasaeai.tenancy.models import Area, Municipality

from .models import (
    CATEGORY_JA,
    TARGET_JA,
    Category,
    ChangeRecord,
    Cost,
    Location,
    Organization,
    Service,
    Status,
    Target,
    Visibility,
)
from .schedules import DAY_CODES, TOKYO

NS = uuid.UUID("6f1c3b0e-5a57-4d1e-9a43-5a5a5ea1a1a1")
STATUS_OUT = {Status.PUBLISHED: "active", Status.DRAFT: "inactive", Status.ARCHIVED: "defunct"}
STATUS_IN = {"active": Status.PUBLISHED, "inactive": Status.DRAFT, "temporarily closed": Status.DRAFT,
             "defunct": Status.ARCHIVED}
TAXONOMIES = {
    "sasaeai-category": "Sasaeai resource categories (地域資源の分類)",
    "sasaeai-target": "Sasaeai target groups (対象)",
    "sasaeai-tag": "Sasaeai participation meaning (参加の意味)",
    "sasaeai-visibility": "Sasaeai visibility (公開範囲)",
    "sasaeai-capacity": "Sasaeai capacity (定員)",
    "sasaeai-schedule": "Sasaeai schedule flags",
}
JSON_FILES = ("organizations", "services", "locations")


def uid(*parts) -> str:
    return str(uuid.uuid5(NS, ":".join(str(p) for p in parts)))


#: Minified, gzip-compressed copies of the two HSDS files the exchange needs (CC BY-SA 4.0,
#: see data/hsds/README.md), so validation works without ../shared/hsds.
PACKAGED_HSDS = Path(__file__).resolve().parent / "data" / "hsds"


def hsds_dir() -> Path:
    """SASAEAI_HSDS_DIR if set, else ../shared/hsds next to the checkout, else the packaged copy."""
    configured = getattr(settings, "SASAEAI_HSDS_DIR", None)
    if configured:
        return Path(configured)
    shared = Path(settings.REPO_DIR).parent / "shared" / "hsds"
    return shared if (shared / "datapackage.json").exists() else PACKAGED_HSDS


@lru_cache(maxsize=4)
def _load(relative: str) -> dict | None:
    path = hsds_dir() / relative
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    packed = path.with_name(path.name + ".gz")
    if packed.exists():
        return json.loads(gzip.decompress(packed.read_bytes()).decode("utf-8"))
    return None


def service_schema() -> dict | None:
    return _load("schema/compiled/service.json")


def datapackage() -> dict | None:
    return _load("datapackage.json")


def schema_errors(doc: dict) -> list[tuple[str, str]]:
    """(path, message) for each way `doc` breaks the compiled HSDS service schema."""
    schema = service_schema()
    if schema is None:
        return []
    from jsonschema import Draft202012Validator, FormatChecker

    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    out = []
    for error in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
        path = ".".join(str(p) for p in error.absolute_path) or "(service)"
        out.append((path, error.message[:300]))
    return out


def _compact(d: dict) -> dict:
    return {k: v for k, v in d.items() if v not in (None, "", [], {})}


# --- export -------------------------------------------------------------------------------------

def _term(taxonomy: str, code: str, name: str, description: str) -> dict:
    return _compact({"id": uid("term", taxonomy, code), "code": code, "name": name,
                     "description": description or name, "taxonomy": taxonomy, "language": "ja",
                     "taxonomy_id": uid("taxonomy", taxonomy)})


def _attribute(link_id: str, link_entity: str, term: dict, value: str = "") -> dict:
    return _compact({"id": uid("attr", link_id, term["id"]), "link_id": link_id, "taxonomy_term_id": term["id"],
                     "link_type": term["taxonomy"], "link_entity": link_entity, "value": value,
                     "taxonomy_term": term})


def category_term(code: str) -> dict:
    ja = CATEGORY_JA[code]
    with override("en"):
        en = str(Category(code).label)
    return _term("sasaeai-category", code, ja, en)


def _labelled_term(taxonomy: str, enum, code: str) -> dict:
    if enum is Target:
        ja = TARGET_JA[code]
    else:
        with override("ja"):
            ja = str(enum(code).label)
    return _term(taxonomy, code, ja, ja)


def organization_doc(org: Organization) -> dict:
    oid = str(org.hsds_id)
    return _compact({
        "id": oid, "name": org.name, "alternate_name": org.name_kana, "description": org.description or org.name,
        "email": org.email, "website": org.website,
        "phones": [{"id": uid("phone", oid), "organization_id": oid, "number": org.phone}] if org.phone else [],
    })


def location_doc(loc: Location, municipality: Municipality) -> dict:
    lid = str(loc.hsds_id)
    prefecture = dict(PREFECTURES).get(municipality.prefecture, "")
    addresses = []
    if loc.address:
        addresses.append({"id": uid("address", lid), "location_id": lid, "address_1": loc.address,
                          "city": municipality.name, "state_province": prefecture,
                          "postal_code": loc.postal_code or "-", "country": "JP", "address_type": "physical"})
    return _compact({
        "id": lid, "location_type": "physical", "name": loc.name,
        "organization_id": str(loc.organization.hsds_id) if loc.organization_id else None,
        "transportation": loc.transportation, "latitude": loc.lat, "longitude": loc.lon,
        "external_identifier": loc.h3_cell, "external_identifier_type": "h3",
        "addresses": addresses,
        "accessibility": [{"id": uid("access", lid), "location_id": lid, "description": loc.accessibility}]
        if loc.accessibility else [],
    })


def schedule_doc(s, service_id: str) -> dict:
    sid = str(s.hsds_id)
    doc = {"id": sid, "service_id": service_id, "timezone": 9, "opens_at": s.opens_at.strftime("%H:%M"),
           "closes_at": s.closes_at.strftime("%H:%M"), "description": s.note}
    if s.kind == "once":
        day = s.date.isoformat()
        doc.update(dtstart=day, valid_from=day, valid_to=day, count=1)
    else:
        doc.update(wkst="MO", interval=1,
                   valid_from=s.valid_from.isoformat() if s.valid_from else None,
                   valid_to=s.valid_to.isoformat() if s.valid_to else None)
        if s.week_of_month:
            doc.update(freq="MONTHLY", byday=f"{s.week_of_month}{DAY_CODES[s.weekday]}")
        else:
            doc.update(freq="WEEKLY", byday=DAY_CODES[s.weekday])
    term = _term("sasaeai-schedule", "closed_on_holidays", "祝日休み", "Closed on public holidays")
    doc["attributes"] = [_attribute(sid, "schedule", term, "true" if s.closed_on_holidays else "false")]
    return _compact(doc)


def service_doc(service: Service) -> dict:
    sid = str(service.hsds_id)
    m = service.municipality
    attributes = [_attribute(sid, "service", category_term(service.category))]
    attributes += [_attribute(sid, "service", _labelled_term("sasaeai-target", Target, t))
                   for t in service.target_list if t in Target.values]
    attributes += [_attribute(sid, "service", _term("sasaeai-tag", tag, tag, tag)) for tag in service.tag_list]
    attributes.append(_attribute(sid, "service", _labelled_term("sasaeai-visibility", Visibility, service.visibility)))
    if service.capacity is not None:
        attributes.append(_attribute(sid, "service", _term("sasaeai-capacity", "capacity", "定員", "Capacity"),
                                     str(service.capacity)))
    cost = _compact({"id": uid("cost", sid), "service_id": sid, "option": service.cost,
                     "currency": "JPY" if service.cost == Cost.YEN else None,
                     "amount": service.cost_amount if service.cost != Cost.FREE else 0,
                     "amount_description": service.cost_note})
    doc = {
        "id": sid, "name": service.name, "alternate_name": service.name_kana,
        "description": service.description, "url": service.url, "email": service.contact_email,
        "status": STATUS_OUT[service.status], "fees_description": service.cost_note,
        "eligibility_description": "、".join(TARGET_JA[t] for t in Target.values if t in service.target_list) or None,
        "assured_date": timezone.localtime(service.last_verified_at, TOKYO).date().isoformat()
        if service.last_verified_at else None,
        "attributes": sorted(attributes, key=lambda a: a["id"]), "cost_options": [cost],
        "service_areas": [{"id": uid("area", sid), "service_id": sid, "name": service.area.name}],
        "schedules": [schedule_doc(s, sid) for s in service.schedules.all()],
    }
    if service.organization_id:
        doc["organization_id"] = str(service.organization.hsds_id)
        doc["organization"] = organization_doc(service.organization)
    if service.contact_name or service.contact_email:
        doc["contacts"] = [_compact({"id": uid("contact", sid), "service_id": sid, "name": service.contact_name,
                                     "email": service.contact_email})]
    if service.contact_phone:
        doc["phones"] = [{"id": uid("phone", sid), "service_id": sid, "number": service.contact_phone}]
    if service.location_id:
        lid = str(service.location.hsds_id)
        doc["service_at_locations"] = [{"id": uid("sal", sid, lid), "service_id": sid, "location_id": lid,
                                        "location": location_doc(service.location, m)}]
    return _compact(doc)


def export_scope(municipality: Municipality, *, include_restricted: bool = False):
    """What an export contains: by default only published public resources (safe to hand
    out); `include_restricted` adds professionals-only, private, draft and archived ones."""
    qs = Service.objects.filter(municipality=municipality)
    if not include_restricted:
        qs = qs.filter(status=Status.PUBLISHED, visibility=Visibility.PUBLIC)
    return qs.select_related("area", "organization", "location", "location__organization", "municipality") \
        .prefetch_related("schedules").order_by("hsds_id")


def export_docs(municipality: Municipality, *, include_restricted: bool = False) -> dict[str, list[dict]]:
    with override("ja"):
        return _export_docs(municipality, include_restricted=include_restricted)


def _export_docs(municipality: Municipality, *, include_restricted: bool) -> dict[str, list[dict]]:
    services = list(export_scope(municipality, include_restricted=include_restricted))
    orgs = {s.organization.hsds_id: s.organization for s in services if s.organization_id}
    locs = {s.location.hsds_id: s.location for s in services if s.location_id}
    return {
        "organizations": [organization_doc(o) for _k, o in sorted(orgs.items())],
        "services": [service_doc(s) for s in services],
        "locations": [location_doc(loc, municipality) for _k, loc in sorted(locs.items())],
    }


def write_json(docs: dict[str, list[dict]], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in JSON_FILES:
        path = out / f"{name}.json"
        path.write_text(json.dumps(docs[name], ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written


# --- tabular form ---------------------------------------------------------------------------------

def _resource(name: str) -> dict:
    package = datapackage()
    if package is None:
        raise ValidationError(_("The HSDS datapackage.json is not available on this server."), code="no_schema")
    for resource in package["resources"]:
        if resource["name"] == name:
            return resource
    raise KeyError(name)


def _fields(name: str) -> list[dict]:
    return _resource(name)["schema"]["fields"]


TABLES = ["organization", "service", "location", "address", "accessibility", "service_at_location", "schedule",
          "phone", "contact", "cost_option", "service_area", "attribute", "taxonomy_term", "taxonomy"]
NESTED = {  # compiled key → table
    "phones": "phone", "contacts": "contact", "schedules": "schedule", "cost_options": "cost_option",
    "service_areas": "service_area", "attributes": "attribute", "service_at_locations": "service_at_location",
    "addresses": "address", "accessibility": "accessibility",
}


def docs_to_tables(docs: dict[str, list[dict]]) -> dict[str, list[dict]]:
    tables: dict[str, dict[str, dict]] = {t: {} for t in TABLES}

    def put(table: str, row: dict):
        flat = {k: v for k, v in row.items() if not isinstance(v, list | dict)}
        tables[table][flat["id"]] = flat

    def walk(table: str, doc: dict):
        put(table, doc)
        for key, value in doc.items():
            if key in NESTED and isinstance(value, list):
                for child in value:
                    walk(NESTED[key], child)
            elif key == "location" and isinstance(value, dict):
                walk("location", value)
            elif key == "organization" and isinstance(value, dict):
                walk("organization", value)
            elif key == "taxonomy_term" and isinstance(value, dict):
                put("taxonomy_term", value)
                tax = value.get("taxonomy")
                if tax:
                    tables["taxonomy"][value["taxonomy_id"]] = {
                        "id": value["taxonomy_id"], "name": tax, "description": TAXONOMIES.get(tax, tax)}

    for org in docs["organizations"]:
        walk("organization", org)
    for loc in docs["locations"]:
        walk("location", loc)
    for service in docs["services"]:
        walk("service", service)
    return {t: sorted(rows.values(), key=lambda r: r["id"]) for t, rows in tables.items()}


def write_csv(docs: dict[str, list[dict]], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    tables = docs_to_tables(docs)
    package = dict(datapackage())
    package["resources"] = [r for r in package["resources"] if r["name"] in TABLES]
    written = []
    for resource in package["resources"]:
        names = [f["name"] for f in resource["schema"]["fields"]]
        path = out / resource["path"]
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = spreadsheets.DictWriter(fh, fieldnames=names, extrasaction="ignore", lineterminator="\n")
            writer.writeheader()
            for row in tables[resource["name"]]:
                writer.writerow({k: _cell(row.get(k)) for k in names})
        written.append(path)
    (out / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    written.append(out / "datapackage.json")
    return written


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)


@dataclass
class RowError:
    row: int
    column: str
    reason: str
    file: str = ""

    def __str__(self) -> str:
        where = f"{self.file} " if self.file else ""
        return f"{where}row {self.row}, {self.column}: {self.reason}"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False


def _typed(fields: list[dict], row: dict) -> dict:
    types = {f["name"]: f.get("type") for f in fields}
    out = {}
    for key, value in row.items():
        if key is None or value is None or value == "":
            continue
        kind = types.get(key)
        if kind in ("number", "integer"):
            try:
                number = float(value)
            except ValueError:
                out[key] = value  # left as text: the schema check reports it
                continue
            out[key] = int(number) if kind == "integer" or (number.is_integer() and key not in ("latitude", "longitude")) else number
        else:
            out[key] = value
    return out


def read_csv_tables(folder: Path) -> tuple[dict[str, list[dict]], list[RowError]]:
    """Read the tabular datapackage; missing required columns or values are row errors."""
    tables, errors = {}, []
    for name in TABLES:
        resource = _resource(name)
        path = folder / resource["path"]
        fields = resource["schema"]["fields"]
        if not path.exists():
            if name in ("service",):
                errors.append(RowError(0, resource["path"], _("The file is missing."), resource["path"]))
            tables[name] = []
            continue
        text = _decode(path.read_bytes(), "utf-8", resource["path"])
        reader = csv.DictReader(io.StringIO(text))
        header = reader.fieldnames or []
        required = [f["name"] for f in fields if f.get("constraints", {}).get("required")]
        missing = [c for c in required if c not in header]
        for column in missing:
            errors.append(RowError(1, column, _("Required column is missing."), resource["path"]))
        rows = []
        for n, row in enumerate(reader, start=2):
            for column in required:
                if column in header and not (row.get(column) or "").strip():
                    errors.append(RowError(n, column, _("A value is required."), resource["path"]))
            typed = _typed(fields, row)
            typed["_row"] = n
            rows.append(typed)
        tables[name] = rows
    return tables, errors


def tables_to_docs(tables: dict[str, list[dict]]) -> dict[str, list[dict]]:
    def strip(row):
        return {k: v for k, v in row.items() if k != "_row"}

    by = {}
    for table, rows in tables.items():
        for row in rows:
            for key in ("service_id", "location_id", "organization_id", "link_id"):
                if key in row:
                    by.setdefault((table, key, row[key]), []).append(strip(row))
    terms = {r["id"]: strip(r) for r in tables.get("taxonomy_term", [])}

    def children(table, key, value):
        return sorted(by.get((table, key, value), []), key=lambda r: r["id"])

    def with_attrs(row, entity):
        attrs = []
        for a in children("attribute", "link_id", row["id"]):
            if a.get("link_entity") == entity:
                a = dict(a)
                if a.get("taxonomy_term_id") in terms:
                    a["taxonomy_term"] = terms[a["taxonomy_term_id"]]
                attrs.append(a)
        return attrs

    def location(row):
        loc = dict(row)
        loc["addresses"] = children("address", "location_id", row["id"])
        loc["accessibility"] = children("accessibility", "location_id", row["id"])
        return _compact(loc)

    locations = {r["id"]: location(strip(r)) for r in tables.get("location", [])}
    organizations = {}
    for r in tables.get("organization", []):
        org = strip(r)
        org["phones"] = [p for p in children("phone", "organization_id", org["id"])]
        organizations[org["id"]] = _compact(org)
    services = []
    for r in tables.get("service", []):
        s = strip(r)
        sid = s["id"]
        s["_row"] = r.get("_row")
        s["attributes"] = with_attrs(s, "service")
        s["phones"] = children("phone", "service_id", sid)
        s["contacts"] = children("contact", "service_id", sid)
        s["cost_options"] = children("cost_option", "service_id", sid)
        s["service_areas"] = children("service_area", "service_id", sid)
        s["schedules"] = []
        for sch in children("schedule", "service_id", sid):
            sch = dict(sch)
            sch["attributes"] = with_attrs(sch, "schedule")
            s["schedules"].append(_compact(sch))
        sals = []
        for sal in children("service_at_location", "service_id", sid):
            sal = dict(sal)
            if sal.get("location_id") in locations:
                sal["location"] = locations[sal["location_id"]]
            sals.append(sal)
        s["service_at_locations"] = sals
        if s.get("organization_id") in organizations:
            s["organization"] = organizations[s["organization_id"]]
        services.append(_compact(s))
    return {"organizations": list(organizations.values()), "services": services, "locations": list(locations.values())}


# --- import ---------------------------------------------------------------------------------------

def _decode(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError:
        raise ValidationError(_("%(name)s is not a UTF-8 text file.") % {"name": name}, code="bad_encoding") from None


def read_path(path: Path) -> tuple[dict[str, list[dict]], list[RowError], str]:
    """Read an export folder or zip (JSON files or the CSV datapackage)."""
    import zipfile

    path = Path(path)
    if path.is_file() and zipfile.is_zipfile(path):
        from sasaeai.core.spreadsheets import extract_zip

        # Checked (size, count, ratio, CRC, names) and unpacked into a folder removed afterwards.
        with extract_zip(path.read_bytes(), prefix="hsds-", what="HSDS") as folder:
            return read_path(folder)
    if path.is_file() and path.suffix == ".json":
        path = path.parent
    if not path.is_dir():
        raise ValidationError(_("Give a folder or zip file with an HSDS export."), code="not_found")
    if (path / "services.json").exists():
        docs = {}
        for name in JSON_FILES:
            file = path / f"{name}.json"
            try:
                docs[name] = json.loads(_decode(file.read_bytes(), "utf-8", file.name)) if file.exists() else []
            except json.JSONDecodeError as exc:
                raise ValidationError(_("%(name)s is not valid JSON (line %(line)s).") % {"name": file.name, "line": exc.lineno},
                                      code="bad_json") from None
            if not isinstance(docs[name], list):
                raise ValidationError(_("%(name)s must hold a list.") % {"name": file.name}, code="bad_json")
        return docs, [], "json"
    if (path / "services.csv").exists() or (path / "datapackage.json").exists():
        tables, errors = read_csv_tables(path)
        return tables_to_docs(tables), errors, "csv"
    raise ValidationError(_("No services.json or services.csv was found."), code="not_found")


def _attr_codes(doc: dict, taxonomy: str) -> list[tuple[str, str]]:
    out = []
    for a in doc.get("attributes", []) or []:
        term = a.get("taxonomy_term") or {}
        if (term.get("taxonomy") or a.get("link_type")) == taxonomy:
            out.append((term.get("code") or term.get("name") or "", a.get("value", "")))
    return out


def _parse_schedule(doc: dict) -> dict:
    row = {"hsds_id": doc.get("id"), "note": doc.get("description", "")}
    row["opens_at"] = time.fromisoformat(str(doc["opens_at"])) if doc.get("opens_at") else None
    row["closes_at"] = time.fromisoformat(str(doc["closes_at"])) if doc.get("closes_at") else None
    holiday = [v for c, v in _attr_codes(doc, "sasaeai-schedule") if c == "closed_on_holidays"]
    row["closed_on_holidays"] = (holiday[0] == "true") if holiday else True
    freq, byday = doc.get("freq"), (doc.get("byday") or "").strip()
    if not freq and doc.get("valid_from") and doc.get("valid_from") == doc.get("valid_to"):
        row.update(kind="once", date=date.fromisoformat(doc["valid_from"]))
        return row
    code = byday.split(",")[0][-2:] if byday else ""
    if code not in DAY_CODES:
        raise ValidationError({"byday": _("Give the weekday as MO, TU, WE, TH, FR, SA or SU.")}, code="bad_schedule")
    row.update(kind="weekly", weekday=DAY_CODES.index(code))
    prefix = byday.split(",")[0][:-2]
    if freq == "MONTHLY" and prefix:
        row["week_of_month"] = int(prefix)
    row["valid_from"] = date.fromisoformat(doc["valid_from"]) if doc.get("valid_from") else None
    row["valid_to"] = date.fromisoformat(doc["valid_to"]) if doc.get("valid_to") else None
    return row


def _service_values(doc: dict, municipality: Municipality, areas: dict[str, Area]) -> tuple[dict, list[dict]]:
    categories = [c for c, _v in _attr_codes(doc, "sasaeai-category")]
    if not categories or categories[0] not in Category.values:
        raise ValidationError({"attributes": _("A category of the sasaeai-category taxonomy is required.")},
                              code="no_category")
    area_names = [a.get("name") for a in doc.get("service_areas", []) or []]
    area = next((areas[n] for n in area_names if n in areas), None)
    if area is None:
        raise ValidationError({"service_areas": _("No daily-life area of this municipality is named %(names)s.")
                               % {"names": "、".join(n for n in area_names if n) or "—"}}, code="bad_area")
    visibility = [c for c, _v in _attr_codes(doc, "sasaeai-visibility")]
    capacity = [v for c, v in _attr_codes(doc, "sasaeai-capacity")]
    cost = (doc.get("cost_options") or [{}])[0]
    option = cost.get("option") if cost.get("option") in Cost.values else (Cost.FREE if not cost.get("amount") else Cost.YEN)
    contact = (doc.get("contacts") or [{}])[0]
    phone = (doc.get("phones") or [{}])[0]
    values = {
        "name": doc.get("name", ""), "name_kana": doc.get("alternate_name", ""),
        "description": doc.get("description", ""), "url": doc.get("url", ""),
        "contact_email": doc.get("email", "") or contact.get("email", ""),
        "contact_name": contact.get("name", ""), "contact_phone": str(phone.get("number", "")),
        "status": STATUS_IN.get(doc.get("status"), Status.DRAFT), "category": categories[0],
        "targets": [c for c, _v in _attr_codes(doc, "sasaeai-target")],
        "tags": [c for c, _v in _attr_codes(doc, "sasaeai-tag")],
        "visibility": visibility[0] if visibility and visibility[0] in Visibility.values else Visibility.PUBLIC,
        "capacity": int(capacity[0]) if capacity and str(capacity[0]).isdigit() else None,
        "cost": option, "cost_amount": int(cost["amount"]) if option != Cost.FREE and cost.get("amount") is not None else None,
        "cost_note": doc.get("fees_description", "") or cost.get("amount_description", ""),
        "area": area,
    }
    schedules = [_parse_schedule(s) for s in doc.get("schedules", []) or []]
    return values, schedules


def _location_for(doc: dict, municipality: Municipality, org: Organization | None) -> Location | None:
    sals = doc.get("service_at_locations") or []
    if not sals or not sals[0].get("location"):
        return None
    ldoc = sals[0]["location"]
    from .models import validate_in_japan

    lat, lon = ldoc.get("latitude"), ldoc.get("longitude")
    if lat is None or lon is None:
        raise ValidationError({"service_at_locations.0.location.latitude": _("Latitude and longitude are required.")},
                              code="bad_coordinates")
    try:
        validate_in_japan(float(lat), float(lon))
    except ValidationError as exc:
        raise ValidationError({"service_at_locations.0.location.latitude": exc.messages}, code="outside_japan") from None
    loc = Location.objects.filter(municipality=municipality, hsds_id=ldoc["id"]).first() or Location(
        municipality=municipality, hsds_id=ldoc["id"])
    address = (ldoc.get("addresses") or [{}])[0]
    access = (ldoc.get("accessibility") or [{}])[0]
    loc.organization = org
    loc.name = ldoc.get("name", "") or doc.get("name", "")
    loc.address = address.get("address_1", "")
    postal = str(address.get("postal_code", "") or "")
    loc.postal_code = "" if postal == "-" else postal
    loc.lat, loc.lon = float(lat), float(lon)
    loc.accessibility = access.get("description", "")
    loc.transportation = ldoc.get("transportation", "")
    loc.full_clean(exclude=["h3_cell"])
    loc.save()
    return loc


def _organization_for(doc: dict | None, municipality: Municipality) -> Organization | None:
    if not doc:
        return None
    org = Organization.objects.filter(municipality=municipality, hsds_id=doc["id"]).first() or Organization(
        municipality=municipality, hsds_id=doc["id"])
    org.name = doc.get("name", "")
    org.name_kana = doc.get("alternate_name", "")
    description = doc.get("description", "")
    org.description = "" if description == org.name else description
    org.email, org.website = doc.get("email", ""), doc.get("website", "")
    org.phone = str(((doc.get("phones") or [{}])[0]).get("number", ""))
    org.full_clean()
    org.save()
    return org


def _errors_of(exc: ValidationError, row: int, file: str) -> list[RowError]:
    if hasattr(exc, "error_dict"):
        return [RowError(row, key, " ".join(str(m) for m in msgs), file) for key, msgs in exc.message_dict.items()]
    return [RowError(row, "—", " ".join(exc.messages), file)]


def import_docs(municipality: Municipality, docs: dict[str, list[dict]], *, skip_invalid: bool = False,
                by=None, prior_errors: list[RowError] | None = None, source: str = "json") -> ImportResult:
    """Write the documents into `municipality`: all or nothing, unless skip_invalid."""
    from . import services as directory_services

    result = ImportResult(errors=list(prior_errors or []))
    if result.errors and not skip_invalid:
        return result
    file = "services.json" if source == "json" else "services.csv"
    areas = {a.name: a for a in Area.objects.filter(municipality=municipality, layer=Area.Layer.DAILY_LIFE)}
    with transaction.atomic():
        for org_doc in docs.get("organizations", []):
            try:
                with transaction.atomic():
                    _organization_for(org_doc, municipality)
            except ValidationError as exc:
                result.errors += _errors_of(exc, 0, "organizations")
        for n, doc in enumerate(docs.get("services", []), start=1):
            row = doc.pop("_row", None) or n
            problems = [RowError(row, path, message, file) for path, message in schema_errors(doc)]
            if problems:
                result.errors += problems
                result.skipped += 1
                continue
            try:
                with transaction.atomic():
                    org = _organization_for(doc.get("organization") or next(
                        (o for o in docs.get("organizations", []) if o.get("id") == doc.get("organization_id")), None),
                        municipality)
                    location = _location_for(doc, municipality, org)
                    values, schedules = _service_values(doc, municipality, areas)
                    values["organization"] = org
                    existing = Service.objects.filter(municipality=municipality, hsds_id=doc["id"]).first()
                    saved = directory_services.save_service(
                        by=by, municipality=municipality, values=values, schedules=schedules,
                        service=existing, location=location,
                        action=ChangeRecord.Action.IMPORT, hsds_id=doc["id"],
                    )
                    assured = doc.get("assured_date")
                    saved.last_verified_at = (datetime.combine(date.fromisoformat(assured), time(0), TOKYO)
                                              if assured else None)
                    saved.save(update_fields=["last_verified_at"])
                    if existing:
                        result.updated += 1
                    else:
                        result.created += 1
            except ValidationError as exc:
                result.errors += _errors_of(exc, row, file)
                result.skipped += 1
            except (KeyError, ValueError, TypeError) as exc:
                result.errors.append(RowError(row, "—", _("Unreadable value (%(detail)s).") % {"detail": exc}, file))
                result.skipped += 1
        if result.errors and not skip_invalid:
            transaction.set_rollback(True)
            result.created = result.updated = 0
            return result
    result.written = True
    return result
