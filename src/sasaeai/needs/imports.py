"""Bulk import of needs from an Excel (.xlsx) or CSV sheet (UTF-8 or Shift_JIS), e.g. the
results of a ニーズ調査 survey. Reading reuses the directory's template reader
(`directory.template`: streamed, bounded, encodings, formula prefix removed); every row is
checked first and the import is all or nothing: one bad row and nothing is written, with
the errors per row and column. Imported needs are anonymous (a survey names nobody)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from sasaeai.core import spreadsheets
from sasaeai.directory import template as sheet
from sasaeai.directory.hsds_shapes import ImportResult, RowError
from sasaeai.tenancy.models import Area, Municipality

from . import services
from .categories import NeedCategory
from .models import NeedSource, Urgency

COLUMNS = ["分類", "地区", "内容", "把握の経路", "緊急度", "把握日"]
REQUIRED = ["分類", "地区", "内容"]
MAX_ROWS = sheet.MAX_ROWS


def _labels(enum) -> list[tuple[str, str]]:
    """(code, label) in Japanese and in English (whose brackets hold the Japanese word)."""
    out = []
    for language in ("ja", "en"):
        with override(language):
            out += [(c.value, str(c.label)) for c in enum]
    return out


def _lookup(enum, value: str) -> str | None:
    """A code, its full Japanese label, or the Japanese word in the label's brackets."""
    value = (value or "").strip()
    if not value:
        return None
    if value in enum.values:
        return value
    for code, text in _labels(enum):
        inner = text[text.find("(") + 1:text.rfind(")")] if "(" in text else text
        if value in (text, inner) or value in inner.replace("・", " ").replace("、", " ").split():
            return code
    return None


def read(data: bytes, filename: str, encoding: str = "auto") -> tuple[list[dict], list[RowError]]:
    """Rows keyed by the Japanese column names, and the header errors (a missing column): the
    directory template's streamed, bounded reader with this sheet's columns."""
    return sheet.read_rows(data, filename, encoding, max_rows=MAX_ROWS, required=REQUIRED, columns=COLUMNS)


_FIELD_COLUMNS = {"category": "分類", "area": "地区", "description": "内容", "source": "把握の経路",
                  "urgency": "緊急度", "noticed_on": "把握日"}


def _check(row: dict, municipality: Municipality, areas: dict) -> tuple[dict, list[RowError]]:
    errs: list[RowError] = []
    n = row["_row"]
    category = _lookup(NeedCategory, row.get("分類", ""))
    if category is None:
        errs.append(RowError(n, "分類", _("Unknown kind of need. Use one of the kinds in the template.")))
    area = areas.get((row.get("地区") or "").strip())
    if area is None:
        errs.append(RowError(n, "地区", _("No daily-life area of this name.")))
    source = _lookup(NeedSource, row.get("把握の経路", "")) if row.get("把握の経路") else NeedSource.SURVEY
    if source is None:
        errs.append(RowError(n, "把握の経路", _("Unknown way of reporting. Use one of the ways in the template.")))
    urgency = _lookup(Urgency, row.get("緊急度", "")) if row.get("緊急度") else Urgency.NORMAL
    if urgency is None:
        errs.append(RowError(n, "緊急度", _("Unknown urgency. Use one of the urgencies in the template.")))
    noticed = None
    if row.get("把握日"):
        text = row["把握日"].strip().replace("/", "-").split(" ")[0]
        try:
            noticed = date.fromisoformat(text)
        except ValueError:
            errs.append(RowError(n, "把握日", _("Write the date as 2026-04-01.")))
    values = {"category": category, "area": area, "description": row.get("内容", ""), "source": source,
              "urgency": urgency, "noticed_on": noticed}
    if not errs:
        try:
            services.validate_need(municipality=municipality, resident=None, **{
                k: v for k, v in values.items() if k != "noticed_on"})
        except ValidationError as exc:
            errs += [RowError(n, _FIELD_COLUMNS.get(k, k), " ".join(map(str, v))) for k, v in exc.message_dict.items()]
    return values, errs


def import_needs(*, by, municipality: Municipality, rows: list[dict],
                 prior_errors: list[RowError] | None = None) -> ImportResult:
    """One need per row, all or nothing."""
    result = ImportResult(errors=list(prior_errors or []))
    if result.errors:
        return result
    if not rows:
        result.errors.append(RowError(1, "—", _("The file has no rows to import.")))
        return result
    areas = {a.name: a for a in Area.objects.filter(municipality=municipality, layer=Area.Layer.DAILY_LIFE)}
    checked = [(row, *_check(row, municipality, areas)) for row in rows]
    for _row, _values, errs in checked:
        result.errors += errs
    if result.errors:
        result.skipped = len(rows)
        return result
    with transaction.atomic():
        for row, values, _errs in checked:
            try:
                services.need_create(by=by, municipality=municipality, **values)
            except ValidationError as exc:
                items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("—", exc.messages)]
                result.errors += [RowError(row["_row"], _FIELD_COLUMNS.get(k, k), " ".join(map(str, v)))
                                  for k, v in items]
            else:
                result.created += 1
        if result.errors:
            transaction.set_rollback(True)
            result.created, result.skipped = 0, len(rows)
            return result
    result.written = True
    return result


def template_csv(encoding: str = "utf-8") -> bytes:
    import io

    buffer = io.StringIO()
    writer = spreadsheets.csv_writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow(["買い物", "", "重い物が買えない。近くに店がない。", "ニーズ調査", "通常", ""])
    text = buffer.getvalue()
    return text.encode("cp932", errors="replace") if encoding == "shift_jis" else text.encode("utf-8-sig")
