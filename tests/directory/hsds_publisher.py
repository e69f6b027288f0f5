"""HSDS 3.0 documents written the way another publisher (a UK council's referral network)
writes them: no Sasaeai attributes, addresses outside Japan, pounds, multi-day schedules,
phones with extensions/types/languages, eligibility, age limits, free-text service areas.
Built here (not copied from the Open Referral examples) in every shape an importer meets."""

import csv
import json
import uuid
from pathlib import Path

from sasaeai.core.spreadsheets import unescape_cell

NS = uuid.UUID("0b9a3c53-6a3e-4f77-9d1c-2f4a1c3b5e01")


def i(name: str) -> str:
    return str(uuid.uuid5(NS, name))


ORG = i("org")
LUNCH, MEALS = i("svc-lunch"), i("svc-meals")
HALL, CENTRE = i("loc-hall"), i("loc-centre")


def organization() -> dict:
    return {
        "id": ORG, "name": "Riverside Community Trust", "alternate_name": "RCT",
        "description": "A charity running lunch clubs and befriending for older residents.",
        "email": "hello@riverside-trust.example.org", "website": "https://riverside-trust.example.org",
        "tax_status": "registered charity", "tax_id": "1234567", "year_incorporated": 1998,
        "legal_status": "Charitable incorporated organisation", "uri": "https://riverside-trust.example.org/about",
        "phones": [{"id": i("org-phone"), "organization_id": ORG, "number": "+44 20 7946 0000", "extension": 100,
                    "type": "voice", "description": "Main office",
                    "languages": [{"id": i("org-phone-en"), "phone_id": i("org-phone"), "name": "English",
                                   "code": "en"}]}],
        "organization_identifiers": [{"id": i("org-ident"), "organization_id": ORG,
                                      "identifier_scheme": "GB-CHC", "identifier_type": "Charity number",
                                      "identifier": "1234567"}],
    }


def hall() -> dict:
    return {
        "id": HALL, "location_type": "physical", "organization_id": ORG, "name": "St Mark's Church Hall",
        "alternate_name": "The Hall", "description": "Ground floor hall behind the church.",
        "transportation": "Bus 36 to Riverside Road", "latitude": 51.4816, "longitude": -0.1068,
        "url": "https://riverside-trust.example.org/hall",
        "addresses": [{"id": i("hall-addr"), "location_id": HALL, "attention": "Hall manager",
                       "address_1": "12 Riverside Road", "address_2": "Rear entrance", "city": "London",
                       "region": "Lambeth", "state_province": "Greater London", "postal_code": "SE11 5AB",
                       "country": "GB", "address_type": "physical"}],
        "accessibility": [{"id": i("hall-access"), "location_id": HALL, "description": "Step-free entrance",
                           "details": "Hearing loop at the front desk", "url": "https://riverside-trust.example.org/access"}],
        "languages": [{"id": i("hall-cy"), "location_id": HALL, "name": "Welsh", "code": "cy"}],
    }


def centre() -> dict:
    """A place in the importing municipality (Japan), for the record that maps fully."""
    return {
        "id": CENTRE, "location_type": "physical", "organization_id": ORG, "name": "Community centre",
        "latitude": 35.661, "longitude": 139.331,
        "addresses": [{"id": i("centre-addr"), "location_id": CENTRE, "address_1": "1-2-3 Chuo",
                       "city": "Hachioji", "state_province": "Tokyo", "postal_code": "192-0001",
                       "country": "JP", "address_type": "physical"}],
    }


def lunch_club(*, nested: bool) -> dict:
    sal = {"id": i("sal-lunch"), "service_id": LUNCH, "location_id": HALL, "description": "Main hall"}
    if nested:
        sal["location"] = hall()
    doc = {
        "id": LUNCH, "organization_id": ORG, "name": "Thursday and Friday lunch club",
        "alternate_name": "Lunch club", "description": "A hot two-course lunch with company.",
        "url": "https://riverside-trust.example.org/lunch", "email": "lunch@riverside-trust.example.org",
        "status": "active", "interpretation_services": "Telephone interpreting on request",
        "application_process": "Phone the office or drop in on the day.", "fees_description": "£3.50 a meal",
        "wait_time": "None", "accreditations": "Food hygiene rating 5", "eligibility_description": "Aged 65 or over",
        "minimum_age": 65, "maximum_age": 120, "assured_date": "2024-03-01",
        "assurer_email": "quality@riverside-trust.example.org", "licenses": "none", "alert": "Closed in August",
        "last_modified": "2024-03-01T09:00:00Z",
        "attributes": [{"id": i("lunch-attr"), "link_id": LUNCH, "link_type": "service", "link_entity": "service",
                        "taxonomy_term_id": i("term-food"),
                        "taxonomy_term": {"id": i("term-food"), "code": "1102", "name": "Food",
                                          "description": "Meals and food", "taxonomy": "open-eligibility",
                                          "language": "en"}}],
        "phones": [{"id": i("lunch-phone"), "service_id": LUNCH, "number": "+44 20 7946 0958", "extension": 12,
                    "type": "voice", "description": "Lunch club coordinator",
                    "languages": [{"id": i("lunch-phone-en"), "phone_id": i("lunch-phone"), "name": "English",
                                   "code": "en", "note": "also Polish on Fridays"}]}],
        "contacts": [{"id": i("lunch-contact"), "service_id": LUNCH, "name": "Sam Patel", "title": "Coordinator",
                      "department": "Older people's services", "email": "sam@riverside-trust.example.org"}],
        "languages": [{"id": i("lunch-en"), "service_id": LUNCH, "name": "English", "code": "en"},
                      {"id": i("lunch-pl"), "service_id": LUNCH, "name": "Polish", "code": "pl"}],
        "cost_options": [{"id": i("lunch-cost"), "service_id": LUNCH, "option": "Monthly pass", "currency": "gbp",
                          "amount": 35, "amount_description": "Four weeks of lunches",
                          "valid_from": "2024-01-01", "valid_to": "2024-12-31"}],
        "schedules": [{"id": i("lunch-sched"), "service_id": LUNCH, "freq": "WEEKLY", "byday": "TH,FR",
                       "wkst": "MO", "interval": 1, "opens_at": "12:00", "closes_at": "14:00", "timezone": 0,
                       "valid_from": "2024-01-04", "description": "Lunch served at 12:30",
                       "attending_type": "in person", "notes": "Arrive by 12:15"}],
        "service_areas": [{"id": i("lunch-area"), "service_id": LUNCH, "name": "Riverside ward and nearby streets",
                           "description": "Postcodes SE11 and SE1", "extent_type": "text"}],
        "required_documents": [{"id": i("lunch-doc"), "service_id": LUNCH, "document": "None needed"}],
        "funding": [{"id": i("lunch-fund"), "service_id": LUNCH, "source": "National Lottery Community Fund"}],
        "service_at_locations": [sal],
    }
    if nested:
        doc["organization"] = organization()
    return doc


def meals(*, nested: bool) -> dict:
    """A record whose area and taxonomy term map onto Sasaeai's (地区1, 配食), in yen, in Japan."""
    sal = {"id": i("sal-meals"), "service_id": MEALS, "location_id": CENTRE}
    if nested:
        sal["location"] = centre()
    doc = {
        "id": MEALS, "organization_id": ORG, "name": "Meal delivery", "status": "active",
        "description": "Lunch boxes delivered on weekdays.",
        "attributes": [{"id": i("meals-attr"), "link_id": MEALS, "link_type": "service", "link_entity": "service",
                        "taxonomy_term_id": i("term-meals"),
                        "taxonomy_term": {"id": i("term-meals"), "name": "配食", "description": "Meal delivery",
                                          "taxonomy": "city-services"}}],
        "cost_options": [{"id": i("meals-cost"), "service_id": MEALS, "currency": "JPY", "amount": 500}],
        "schedules": [{"id": i("meals-sched"), "service_id": MEALS, "freq": "MONTHLY", "byday": "2TU",
                       "opens_at": "10:00", "closes_at": "12:00"}],
        "service_areas": [{"id": i("meals-area"), "service_id": MEALS, "name": "地区1"}],
        "service_at_locations": [sal],
    }
    if nested:
        doc["organization"] = organization()
    return doc


def full_services() -> list[dict]:
    return [lunch_club(nested=True), meals(nested=True)]


def validate(services: list[dict], organizations: list[dict] = ()) -> None:
    """The documents are valid HSDS 3.0 (compiled schemas of ../shared/hsds)."""
    from jsonschema import Draft202012Validator, FormatChecker

    from sasaeai.directory import hsds

    service = hsds.service_schema()
    assert service is not None, "the HSDS schema is required for this test"
    for schema, docs in ((service, services), (service["properties"]["organization"], organizations)):
        validator = Draft202012Validator(schema, format_checker=FormatChecker())
        for doc in docs:
            errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]
            assert not errors, (doc["id"], errors[:3])


def write_per_object(folder: Path) -> None:
    """organizations.json, services.json, locations.json: flat objects linked by ids."""
    folder.mkdir(parents=True, exist_ok=True)
    services = [lunch_club(nested=False), meals(nested=False)]
    validate(services, [organization()])
    for name, docs in (("organizations", [organization()]), ("services", services),
                       ("locations", [hall(), centre()])):
        (folder / f"{name}.json").write_text(json.dumps(docs, indent=2), encoding="utf-8")


def write_pages(folder: Path) -> None:
    """The API's paginated /services answer saved page by page."""
    folder.mkdir(parents=True, exist_ok=True)
    services = full_services()
    validate(services)
    for n, service in enumerate(services, start=1):
        page = {"total_items": 2, "total_pages": 2, "page_number": n, "size": 1, "first_page": n == 1,
                "last_page": n == 2, "empty": False, "contents": [service]}
        (folder / f"services_page_{n}.json").write_text(json.dumps(page, indent=2), encoding="utf-8")


def write_service_full(path: Path) -> dict:
    doc = lunch_club(nested=True)
    validate([doc])
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return doc


def tables() -> dict[str, list[dict]]:
    """The same data as the tabular datapackage: one CSV per table, children by foreign key."""
    out: dict[str, list[dict]] = {}
    keys = {"phones": "phone", "languages": "language", "organization_identifiers": "organization_identifier",
            "addresses": "address", "accessibility": "accessibility", "attributes": "attribute",
            "contacts": "contact", "cost_options": "cost_option", "schedules": "schedule",
            "service_areas": "service_area", "required_documents": "required_document", "funding": "funding",
            "service_at_locations": "service_at_location", "taxonomy_term": "taxonomy_term"}

    def put(table, doc):
        row = {k: v for k, v in doc.items() if not isinstance(v, list | dict)}
        out.setdefault(table, [])
        if row["id"] not in {r["id"] for r in out[table]}:
            out[table].append(row)
        for key, value in doc.items():
            for child in value if isinstance(value, list) else [value] if isinstance(value, dict) else []:
                if key in keys:
                    put(keys[key], child)

    put("organization", organization())
    put("location", hall())
    put("location", centre())
    for service in (lunch_club(nested=False), meals(nested=False)):
        put("service", service)
    out["taxonomy"] = [{"id": i("tax-oe"), "name": "open-eligibility", "description": "Open Eligibility"}]
    for term in out["taxonomy_term"]:
        if term.get("taxonomy") == "open-eligibility":
            term["taxonomy_id"] = i("tax-oe")
    return out


def write_tabular(folder: Path) -> dict[str, list[dict]]:
    """CSV files with every column of the datapackage (empty cells for unused ones)."""
    from sasaeai.directory import hsds

    folder.mkdir(parents=True, exist_ok=True)
    package = hsds.datapackage()
    data = tables()
    for resource in package["resources"]:
        names = [f["name"] for f in resource["schema"]["fields"]]
        with (folder / resource["path"]).open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=names)
            writer.writeheader()
            for row in data.get(resource["name"], []):
                writer.writerow(row)
    (folder / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    return data


def read_tables(folder: Path) -> dict[str, list[dict]]:
    """Every CSV as a list of {column: text} without empty cells, for comparison."""
    out = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            # A reader of our export undoes its formula-injection prefix ("'+44 …" → "+44 …").
            rows = [{k: unescape_cell(v) for k, v in row.items() if v not in ("", None)} for row in csv.DictReader(fh)]
        out[path.name] = sorted(rows, key=lambda r: r["id"])
    return out
