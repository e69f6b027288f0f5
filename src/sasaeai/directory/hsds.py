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

Documents from other publishers: every HSDS field Sasaeai does not model (and every value it
models differently: a city, a currency other than yen, a schedule rule it cannot show) is kept in
`hsds_extra` as a three-way delta (hsds_merge), so import → export returns the publisher's
documents field by field. What Sasaeai cannot place (no category, an unknown service area, a
place outside the municipality) is imported as a draft with `review_flags`, not refused.
"""

from __future__ import annotations

import gzip
import json
import uuid
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import override

from sasaeai.tenancy.codes import PREFECTURES
from sasaeai.tenancy.models import Municipality

from .hsds_merge import patch
from .models import (
    CATEGORY_JA,
    TARGET_JA,
    Category,
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


def schema_errors(doc: dict, part: str = "service") -> list[tuple[str, str]]:
    """(path, message) for each way `doc` breaks the compiled HSDS service schema (or, for part
    "organization" / "location", the schema of that object as the service nests it)."""
    schema = service_schema()
    if schema is None:
        return []
    from jsonschema import Draft202012Validator, FormatChecker

    if part == "organization":
        schema = schema["properties"]["organization"]
    elif part == "location":
        schema = schema["properties"]["service_at_locations"]["items"]["properties"]["location"]

    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    out = []
    for error in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
        path = ".".join(str(p) for p in error.absolute_path) or f"({part})"
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


# The reading/writing of shapes and the import live next door; `hsds.<name>` stays the entry point.
from .hsds_import import import_docs  # noqa: E402
from .hsds_shapes import (  # noqa: E402
    ImportResult,
    RowError,
    docs_to_tables,
    read_csv_tables,
    read_json_files,
    read_path,
    tables_to_docs,
    write_csv,
)

__all__ = ["ImportResult", "RowError", "docs_to_tables", "import_docs", "read_csv_tables", "read_json_files",
           "read_path", "tables_to_docs", "write_csv"]
