"""HSDS 3.0 shapes: the tabular datapackage (every table, nested back into compiled documents by
foreign keys) and JSON as publishers write it — per-object files, the API's pages with
`contents`, single `*_full` documents. Reading and writing only; no database."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sasaeai.core import spreadsheets

from .hsds import TAXONOMIES, _compact, datapackage

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
            # Cells our own export neutralised against formula injection ("'+44 …") read back as written.
            row = {k: spreadsheets.unescape_cell(v) if isinstance(v, str) else v for k, v in row.items()}
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
    import zipfile

    path = Path(path)
    if path.is_file() and zipfile.is_zipfile(path):
        from sasaeai.core.spreadsheets import extract_zip

        # Checked (size, count, ratio, CRC, names) and unpacked into a folder removed afterwards.
        with extract_zip(path.read_bytes(), prefix="hsds-", what="HSDS") as folder:
            return read_path(folder)
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
