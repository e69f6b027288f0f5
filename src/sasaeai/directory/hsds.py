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

from sasaeai.tenancy.codes import PREFECTURES
from sasaeai.tenancy.models import Area, Municipality

from .hsds_merge import delta, patch
from .models import (
    CATEGORY_JA,
    TARGET_JA,
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
    """The organisation as exported: Sasaeai's fields, then what the publisher sent (hsds_extra)."""
    return patch(organization_native(org), org.hsds_extra or None)


def organization_native(org: Organization) -> dict:
    oid = str(org.hsds_id)
    return _compact({
        "id": oid, "name": org.name, "alternate_name": org.name_kana, "description": org.description or org.name,
        "email": org.email, "website": org.website,
        "phones": [{"id": uid("phone", oid), "organization_id": oid, "number": org.phone}] if org.phone else [],
    })


def location_doc(loc: Location, municipality: Municipality) -> dict:
    return patch(location_native(loc, municipality), loc.hsds_extra or None)


def location_native(loc: Location, municipality: Municipality) -> dict:
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
    return patch(service_native(service), service.hsds_extra or None)


def _cost_option(service: Service, sid: str) -> dict:
    if service.cost == Cost.OTHER:
        return _compact({"id": uid("cost", sid), "service_id": sid, "option": service.cost,
                         "amount_description": service.cost_note})
    return _compact({"id": uid("cost", sid), "service_id": sid, "option": service.cost,
                     "currency": "JPY" if service.cost == Cost.YEN else None,
                     "amount": service.cost_amount if service.cost != Cost.FREE else 0,
                     "amount_description": service.cost_note})


def service_native(service: Service) -> dict:
    sid = str(service.hsds_id)
    m = service.municipality
    attributes = [_attribute(sid, "service", category_term(service.category))] if service.category else []
    attributes += [_attribute(sid, "service", _labelled_term("sasaeai-target", Target, t))
                   for t in service.target_list if t in Target.values]
    attributes += [_attribute(sid, "service", _term("sasaeai-tag", tag, tag, tag)) for tag in service.tag_list]
    attributes.append(_attribute(sid, "service", _labelled_term("sasaeai-visibility", Visibility, service.visibility)))
    if service.capacity is not None:
        attributes.append(_attribute(sid, "service", _term("sasaeai-capacity", "capacity", "定員", "Capacity"),
                                     str(service.capacity)))
    cost = _cost_option(service, sid)
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


TABLES = ["organization", "program", "service", "location", "address", "accessibility", "service_at_location",
          "schedule", "phone", "contact", "language", "funding", "cost_option", "service_area", "required_document",
          "organization_identifier", "attribute", "taxonomy_term", "taxonomy", "metadata"]
NESTED = {  # compiled key → table
    "phones": "phone", "contacts": "contact", "schedules": "schedule", "cost_options": "cost_option",
    "service_areas": "service_area", "attributes": "attribute", "service_at_locations": "service_at_location",
    "addresses": "address", "accessibility": "accessibility", "languages": "language", "funding": "funding",
    "required_documents": "required_document", "programs": "program", "locations": "location",
    "organization_identifiers": "organization_identifier", "metadata": "metadata",
    # single nested objects
    "location": "location", "organization": "organization", "program": "program", "taxonomy_term": "taxonomy_term",
    "taxonomy_detail": "taxonomy",
}
#: How the tabular form nests back into compiled documents: parent table → (key, child table, column).
CHILDREN = {
    "service": [("phones", "phone", "service_id"), ("schedules", "schedule", "service_id"),
                ("service_areas", "service_area", "service_id"), ("service_at_locations", "service_at_location", "service_id"),
                ("languages", "language", "service_id"), ("funding", "funding", "service_id"),
                ("cost_options", "cost_option", "service_id"), ("required_documents", "required_document", "service_id"),
                ("contacts", "contact", "service_id")],
    "service_at_location": [("contacts", "contact", "service_at_location_id"),
                            ("phones", "phone", "service_at_location_id"),
                            ("schedules", "schedule", "service_at_location_id")],
    "location": [("languages", "language", "location_id"), ("addresses", "address", "location_id"),
                 ("contacts", "contact", "location_id"), ("accessibility", "accessibility", "location_id"),
                 ("phones", "phone", "location_id"), ("schedules", "schedule", "location_id")],
    "organization": [("funding", "funding", "organization_id"), ("contacts", "contact", "organization_id"),
                     ("phones", "phone", "organization_id"), ("locations", "location", "organization_id"),
                     ("programs", "program", "organization_id"),
                     ("organization_identifiers", "organization_identifier", "organization_id")],
    "contact": [("phones", "phone", "contact_id")],
    "phone": [("languages", "language", "phone_id")],
}
#: parent table → (key, referenced table, column of the parent holding the id).
OBJECTS = {
    "service": [("organization", "organization", "organization_id"), ("program", "program", "program_id")],
    "service_at_location": [("location", "location", "location_id")],
    "attribute": [("taxonomy_term", "taxonomy_term", "taxonomy_term_id")],
    "taxonomy_term": [("taxonomy_detail", "taxonomy", "taxonomy_id")],
}


def docs_to_tables(docs: dict[str, list[dict]]) -> dict[str, list[dict]]:
    tables: dict[str, dict[str, dict]] = {t: {} for t in TABLES}
    columns = {t: {f["name"] for f in _fields(t)} for t in TABLES}

    def walk(table: str, doc: dict, parent: str | None = None, parent_id=None):
        flat = {k: v for k, v in doc.items() if not isinstance(v, list | dict)}
        link = "link_id" if table == "attribute" else "resource_id" if table == "metadata" else f"{parent}_id"
        if parent and link in columns[table] and link not in flat:
            flat[link] = parent_id  # a nested child written without its parent's id
        tables[table].setdefault(flat["id"], {}).update(flat)
        for key, value in doc.items():
            child = NESTED.get(key)
            if child is None:
                continue
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, dict) and "id" in item:
                        walk(child, item, table, doc["id"])
            elif isinstance(value, dict) and "id" in value:
                walk(child, value)
        if table == "taxonomy_term" and "taxonomy_detail" not in doc and doc.get("taxonomy_id"):
            tax = doc.get("taxonomy")
            tables["taxonomy"].setdefault(doc["taxonomy_id"], {
                "id": doc["taxonomy_id"], "name": tax, "description": TAXONOMIES.get(tax, tax)})

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
            writer = csv.DictWriter(fh, fieldnames=names, extrasaction="ignore", lineterminator="\n")
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
    """Nest the tabular datapackage into compiled documents (every table of HSDS 3.0)."""
    rows = {t: [{k: v for k, v in r.items() if k != "_row"} for r in tables.get(t, [])] for t in TABLES}
    by_id = {t: {r["id"]: r for r in rs if "id" in r} for t, rs in rows.items()}
    by: dict[tuple, list[dict]] = {}
    for table, rs in rows.items():
        for row in rs:
            for key, value in row.items():
                if key.endswith("_id") and key != "id":
                    by.setdefault((table, key, value), []).append(row)

    def build(table: str, row: dict, depth: int = 0) -> dict:
        doc = dict(row)
        if depth > 6:
            return doc
        for key, child, column in CHILDREN.get(table, []):
            doc[key] = [build(child, r, depth + 1) for r in sorted(by.get((child, column, row["id"]), []),
                                                                   key=lambda r: r["id"])]
        for key, target, column in OBJECTS.get(table, []):
            ref = by_id[target].get(row.get(column))
            if ref is not None:
                doc[key] = build(target, ref, depth + 1)
        if table not in ("taxonomy", "metadata"):
            doc["attributes"] = [build("attribute", a, depth + 1) for a in sorted(
                by.get(("attribute", "link_id", row["id"]), []), key=lambda r: r["id"])]
        doc["metadata"] = sorted(by.get(("metadata", "resource_id", row["id"]), []), key=lambda r: r["id"])
        return _compact(doc)

    services = []
    for r in tables.get("service", []):
        doc = build("service", {k: v for k, v in r.items() if k != "_row"})
        doc["_row"] = r.get("_row")
        services.append(doc)
    return {"organizations": [build("organization", r) for r in rows["organization"]], "services": services,
            "locations": [build("location", r) for r in rows["location"]]}


# --- import ---------------------------------------------------------------------------------------

def _decode(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError:
        raise ValidationError(_("%(name)s is not a UTF-8 text file.") % {"name": name}, code="bad_encoding") from None


def read_path(path: Path) -> tuple[dict[str, list[dict]], list[RowError], str]:
    """Read an export folder or zip (JSON files or the CSV datapackage)."""
    import tempfile
    import zipfile

    path = Path(path)
    if path.is_file() and zipfile.is_zipfile(path):
        tmp = Path(tempfile.mkdtemp(prefix="hsds-"))
        with zipfile.ZipFile(path) as zf:
            for member in zf.infolist():
                target = (tmp / Path(member.filename).name)
                if member.is_dir() or not target.name or member.file_size > 50 * 1024 * 1024:
                    continue
                target.write_bytes(zf.read(member))
        path = tmp
    if path.is_file() and path.suffix == ".json":
        return read_json_files([path]), [], "json"
    if not path.is_dir():
        raise ValidationError(_("Give a folder or zip file with an HSDS export."), code="not_found")
    json_files = sorted(p for p in path.glob("*.json") if p.name != "datapackage.json")
    if json_files and not (path / "services.csv").exists():
        return read_json_files(json_files), [], "json"
    if (path / "services.csv").exists() or (path / "datapackage.json").exists():
        tables, errors = read_csv_tables(path)
        return tables_to_docs(tables), errors, "csv"
    raise ValidationError(_("No services.json or services.csv was found."), code="not_found")


def _kind_of(name: str, item: dict) -> str | None:
    """Which HSDS object a JSON document is: by its file name (services.json, service_full.json,
    organization_list.json…), else by its fields."""
    stem = name.lower()
    for kind in ("service_at_location", "service", "organization", "location", "taxonom"):
        if kind in stem:
            return None if kind in ("taxonom", "service_at_location") else kind
    if "status" in item:
        return "service"
    if "location_type" in item:
        return "location"
    if "description" in item and "name" in item:
        return "organization"
    return None


def read_json_files(files: list[Path]) -> dict[str, list[dict]]:
    """Per-object JSON (services.json, organizations.json, locations.json), one document
    (service_full.json) or the API's pages ({"contents": [...], "page_number": …})."""
    docs: dict[str, list[dict]] = {"organizations": [], "services": [], "locations": []}
    seen: dict[str, set] = {k: set() for k in docs}
    for file in files:
        try:
            data = json.loads(_decode(file.read_bytes(), "utf-8", file.name))
        except json.JSONDecodeError as exc:
            raise ValidationError(_("%(name)s is not valid JSON (line %(line)s).") % {"name": file.name, "line": exc.lineno},
                                  code="bad_json") from None
        if isinstance(data, dict) and isinstance(data.get("contents"), list):
            data = data["contents"]
        items = data if isinstance(data, list) else [data]
        if not all(isinstance(i, dict) for i in items):
            raise ValidationError(_("%(name)s must hold a list.") % {"name": file.name}, code="bad_json")
        for item in items:
            kind = _kind_of(file.name, item)
            if kind is None:
                continue
            key = kind + "s"
            if item.get("id") not in seen[key]:
                seen[key].add(item.get("id"))
                docs[key].append(item)
            if kind == "organization":  # organization_full: its services come along
                for service in item.get("services") or []:
                    if isinstance(service, dict) and service.get("id") not in seen["services"]:
                        seen["services"].add(service.get("id"))
                        docs["services"].append(service)
    return docs


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
        "contact_name": str(contact.get("name", "") or "")[:100], "contact_phone": str(phone.get("number", ""))[:20],
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
    if str(address.get("country") or "JP").upper() not in ("JP", "JPN") and not flags:
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
    areas = {a.name: a for a in Area.objects.filter(municipality=municipality, layer=Area.Layer.DAILY_LIFE)
             .order_by("pk")}
    services = list(enumerate(docs.get("services", []), start=1))
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
    except (KeyError, ValueError, TypeError) as exc:
        result.errors.append(RowError(row, "—", _("Unreadable value (%(detail)s).") % {"detail": exc}, file))
        result.skipped += 1
        return False
    if existing:
        result.updated += 1
    else:
        result.created += 1
    return True
