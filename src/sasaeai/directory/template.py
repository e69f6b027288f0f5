"""The simple spreadsheet template for municipal staff (Excel .xlsx, or CSV in UTF-8 or in
Shift_JIS as Japanese Excel saves it). One row per resource, Japanese column names."""

from __future__ import annotations

import io
from datetime import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from sasaeai.core import spreadsheets
from sasaeai.tenancy.models import Area, Municipality

from .hsds import ImportResult, RowError
from .models import (
    CATEGORY_JA,
    TARGET_JA,
    Category,
    Cost,
    Organization,
    Schedule,
    Service,
    Status,
    Target,
    Visibility,
)

COLUMNS = ["ID", "名称", "ふりがな", "分類", "地区", "運営団体", "説明", "場所の名前", "住所", "郵便番号", "緯度",
           "経度", "曜日", "第何週", "開始", "終了", "祝日休み", "対象", "参加の意味", "費用", "金額", "定員",
           "連絡先", "電話", "メール", "公開範囲", "状態"]
REQUIRED = ["名称", "分類", "地区"]
DAYS = "月火水木金土日"
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000


def _labels(enum) -> dict[str, str]:
    """code → Japanese label."""
    if enum is Category:
        return dict(CATEGORY_JA)
    if enum is Target:
        return dict(TARGET_JA)
    with override("ja"):
        return {c.value: str(c.label) for c in enum}


def _lookup(enum, value: str) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    if value in enum.values:
        return value
    for code, label in _labels(enum).items():
        if value == label or value in label.replace("(", " ").replace(")", " ").replace("（", " ").replace("）", " ").split():
            return code
    return None


def _status(value: str) -> str:
    value = (value or "").strip()
    return {"公開": Status.PUBLISHED, "公開中": Status.PUBLISHED, "下書き": Status.DRAFT, "終了": Status.ARCHIVED}.get(
        value, _lookup(Status, value) or Status.PUBLISHED)


def _visibility(value: str) -> str | None:
    value = (value or "").strip()
    return {"公開": Visibility.PUBLIC, "一般公開": Visibility.PUBLIC, "専門職のみ": Visibility.PROFESSIONALS,
            "非公開": Visibility.PRIVATE}.get(value) or _lookup(Visibility, value)


def _cost(value: str) -> str | None:
    value = (value or "").strip()
    return {"無料": Cost.FREE, "有料": Cost.YEN, "ポイント": Cost.POINTS, "": Cost.FREE}.get(value) or _lookup(Cost, value)


def decode(data: bytes, encoding: str = "auto") -> str:
    """Text of an uploaded CSV: UTF-8 (with or without BOM) or Shift_JIS (cp932)."""
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 5 MB."), code="too_large")
    tries = {"auto": ["utf-8-sig", "cp932"], "utf-8": ["utf-8-sig"], "shift_jis": ["cp932"]}.get(encoding, ["utf-8-sig"])
    for codec in tries:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    names = {"utf-8-sig": "UTF-8", "cp932": "Shift_JIS"}
    raise ValidationError(_("The file could not be read as %(enc)s. Save it as CSV (UTF-8) or CSV (Shift_JIS) and try again.")
                          % {"enc": " / ".join(names[c] for c in tries)}, code="bad_encoding")


def _xlsx_values(data: bytes):
    """Rows of the first sheet, streamed (read-only); the zip directory is checked first."""
    from openpyxl import load_workbook

    spreadsheets.inspect_zip(data, what="Excel").close()
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable workbook
        raise ValidationError(_("The Excel file could not be read."), code="bad_file") from None
    try:
        if not book.worksheets:
            return
        for n, row in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            out = ["" if v is None else str(v) if not isinstance(v, float) else repr(v) for v in row]
            if any(len(v) > spreadsheets.MAX_CELL_CHARS for v in out):
                raise spreadsheets.CellTooLong(n)
            yield out
    except (spreadsheets.CellTooLong, ValidationError):
        raise
    except Exception:  # noqa: BLE001 - broken sheet XML
        raise ValidationError(_("The Excel file could not be read."), code="bad_file") from None
    finally:
        book.close()


def read_rows(data: bytes, filename: str, encoding: str = "auto", *, max_rows: int = MAX_ROWS,
              required=None, columns=None) -> tuple[list[dict], list[RowError]]:
    """Rows as dicts keyed by the Japanese column names, and header errors. The file is read as
    a stream and reading stops at the limits (rows, cell size; for .xlsx also the unpacked size).
    `required` / `columns` are the sheet's columns (this template's by default; the needs
    import passes its own)."""
    required = REQUIRED if required is None else required
    columns = COLUMNS if columns is None else columns
    if filename.lower().endswith(".xlsx"):
        if len(data) > MAX_BYTES:
            raise ValidationError(_("The file is larger than 5 MB."), code="too_large")
        values = _xlsx_values(data)
    else:
        values = spreadsheets.csv_rows(decode(data, encoding))
    rows, errors = [], []
    try:
        first = next(values, None)
        if first is None:
            raise ValidationError(_("The file is empty."), code="empty")
        header = [spreadsheets.unescape_cell((h or "").strip()) for h in first]
        missing = [c for c in required if c not in header]
        errors += [RowError(1, c, _("Required column is missing.")) for c in missing]
        if missing and not any(c in header for c in columns):
            errors.append(RowError(1, "—", _("No known column was found: is the file in the template's format, and "
                                             "is the encoding right (UTF-8 or Shift_JIS)?")))
        for n, raw in enumerate(values, start=2):
            if n > max_rows + 1:
                errors.append(RowError(n, "—", _("Too many rows (at most %(n)s).") % {"n": max_rows}))
                break
            if not any((c or "").strip() for c in raw):
                continue
            row = {h: (spreadsheets.unescape_cell(raw[i].strip()) if i < len(raw) and raw[i] is not None else "")
                   for i, h in enumerate(header)}
            row["_row"] = n
            rows.append(row)
    except spreadsheets.CellTooLong as exc:
        errors.append(RowError(exc.row, "—", spreadsheets.cell_too_long_message()))
    finally:
        values.close()
    return rows, errors


def _values(row: dict, municipality: Municipality, areas: dict, orgs: dict) -> tuple[dict, list[dict] | None, list]:
    errs = []

    def bad(column, reason):
        errs.append(RowError(row["_row"], column, reason))

    category = _lookup(Category, row.get("分類", ""))
    if not category:
        bad("分類", _("Unknown category. Use one of the categories in the template."))
    area = areas.get(row.get("地区", ""))
    if area is None:
        bad("地区", _("No daily-life area of this name."))
    values = {"name": row.get("名称", ""), "name_kana": row.get("ふりがな", ""), "description": row.get("説明", ""),
              "category": category, "area": area, "status": _status(row.get("状態", ""))}
    if not values["name"]:
        bad("名称", _("A value is required."))
    visibility = _visibility(row.get("公開範囲", "")) if row.get("公開範囲") else Visibility.PUBLIC
    if visibility is None:
        bad("公開範囲", _("Use 公開, 専門職のみ or 非公開."))
    values["visibility"] = visibility
    cost = _cost(row.get("費用", ""))
    if cost is None:
        bad("費用", _("Use 無料, 有料 or ポイント."))
    values["cost"] = cost
    for column, key in (("金額", "cost_amount"), ("定員", "capacity")):
        text = row.get(column, "").replace(",", "")
        if text:
            try:
                values[key] = int(float(text))
            except ValueError:
                bad(column, _("Enter a whole number."))
    targets = []
    for part in row.get("対象", "").replace("、", ",").replace("・", ",").split(","):
        if part.strip():
            code = _lookup(Target, part)
            if code is None:
                bad("対象", _("Unknown target group: %(value)s") % {"value": part.strip()})
            targets.append(code)
    values["targets"] = [t for t in targets if t]
    values["tags"] = [t for t in row.get("参加の意味", "").replace("、", ",").split(",") if t.strip()]
    values.update(contact_name=row.get("連絡先", ""), contact_phone=row.get("電話", ""), contact_email=row.get("メール", ""))
    org_name = row.get("運営団体", "")
    values["organization"] = orgs.get(org_name) if org_name else None
    if org_name and values["organization"] is None:
        values["_new_org"] = org_name
    for column, key in (("場所の名前", "place_name"), ("住所", "address"), ("郵便番号", "postal_code")):
        if row.get(column):
            values[key] = row[column]
    if row.get("緯度") or row.get("経度"):
        try:
            values["lat"], values["lon"] = float(row.get("緯度", "")), float(row.get("経度", ""))
        except ValueError:
            bad("緯度", _("Latitude and longitude must be numbers."))
    elif any(k in values for k in ("place_name", "address")):
        values["lat"], values["lon"] = (area.center_lat, area.center_lon) if area else (None, None)
    schedules = None
    days = row.get("曜日", "")
    if days or row.get("開始") or row.get("終了"):
        schedules = []
        try:
            opens, closes = time.fromisoformat(row.get("開始", "")), time.fromisoformat(row.get("終了", ""))
        except ValueError:
            bad("開始", _("Enter start and end times such as 10:00 and 11:30."))
            opens = closes = None
        nth = row.get("第何週", "")
        weekdays = [DAYS.index(ch) for ch in days if ch in DAYS]
        if not weekdays:
            bad("曜日", _("Write the weekday as 月, 火, 水, 木, 金, 土 or 日."))
        if opens and closes and closes <= opens:
            bad("終了", _("The end time must be after the start time."))
        holidays = row.get("祝日休み", "はい") not in ("いいえ", "no", "false", "0")
        for day in weekdays:
            schedules.append({"kind": Schedule.Kind.WEEKLY, "weekday": day, "opens_at": opens, "closes_at": closes,
                              "week_of_month": int(nth) if nth.isdigit() else None, "closed_on_holidays": holidays})
    return values, schedules, errs


def import_rows(municipality: Municipality, rows: list[dict], *, by=None, skip_invalid: bool = False,
                prior_errors: list[RowError] | None = None, progress=None) -> ImportResult:
    """Create or update (by the ID column) one resource per row; all or nothing unless skip_invalid.

    Rows are checked first (`progress(done, "checking")` every 100 rows, outside the write
    transaction so a job page can show it), then written in one transaction
    (`progress(total, "saving")` once before)."""
    from . import services

    result = ImportResult(errors=list(prior_errors or []))
    if result.errors and not skip_invalid:
        return result
    areas = {a.name: a for a in Area.objects.filter(municipality=municipality, layer=Area.Layer.DAILY_LIFE)}
    orgs = {o.name: o for o in Organization.objects.filter(municipality=municipality)}
    checked = []
    for i, row in enumerate(rows, start=1):
        checked.append((row, *_values(row, municipality, areas, orgs)))
        if progress and i % 100 == 0:
            progress(i, "checking")
    if progress:
        progress(len(rows), "saving")
    with transaction.atomic():
        for row, values, schedules, errs in checked:
            if errs:
                result.errors += errs
                result.skipped += 1
                continue
            try:
                with transaction.atomic():
                    new_org = values.pop("_new_org", None)
                    if new_org:
                        orgs[new_org] = values["organization"] = services.save_organization(
                            municipality=municipality, values={"name": new_org})
                    existing = None
                    if row.get("ID"):
                        existing = Service.objects.filter(municipality=municipality, hsds_id=row["ID"]).first()
                        if existing is None:
                            raise ValidationError({"ID": _("No resource with this ID in this municipality.")})
                    services.save_service(by=by, municipality=municipality, values=values, schedules=schedules,
                                          service=existing, action="import")
                    if existing:
                        result.updated += 1
                    else:
                        result.created += 1
            except ValidationError as exc:
                items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("—", exc.messages)]
                result.errors += [RowError(row["_row"], _column(k), " ".join(map(str, v))) for k, v in items]
                result.skipped += 1
            except PermissionDenied as exc:
                result.errors.append(RowError(row["_row"], "地区", str(exc)))
                result.skipped += 1
            except (ValueError, TypeError) as exc:
                # A malformed ID (not a UUID) or a value the database refuses.
                result.errors.append(RowError(row["_row"], "—", _("Unreadable value (%(detail)s).") % {"detail": exc}))
                result.skipped += 1
        if result.errors and not skip_invalid:
            transaction.set_rollback(True)
            result.created = result.updated = 0
            return result
    result.written = True
    return result


_FIELD_COLUMNS = {"name": "名称", "name_kana": "ふりがな", "category": "分類", "area": "地区", "description": "説明",
                  "place_name": "場所の名前", "address": "住所", "postal_code": "郵便番号", "lat": "緯度", "lon": "経度",
                  "cost_amount": "金額", "capacity": "定員", "contact_email": "メール", "contact_phone": "電話",
                  "contact_name": "連絡先", "targets": "対象", "tags": "参加の意味", "url": "URL"}


def _column(key: str) -> str:
    if key.startswith("schedules."):
        return "開始/終了" if key.endswith(("closes_at", "opens_at")) else "曜日"
    return _FIELD_COLUMNS.get(key, key)


def rows_for(services) -> list[list[str]]:
    """Current resources in the template's layout (for download and editing)."""
    cats, targets, vis = _labels(Category), _labels(Target), {"public": "公開", "professionals": "専門職のみ",
                                                                "private": "非公開"}
    status = {"published": "公開", "draft": "下書き", "archived": "終了"}
    cost = {"free": "無料", "yen": "有料", "points": "ポイント"}
    out = []
    for s in services:
        loc = s.location
        weekly = [x for x in s.schedules.all() if x.kind == "weekly"]
        first = weekly[0] if weekly else None
        same = [x for x in weekly if first and (x.opens_at, x.closes_at, x.week_of_month) ==
                (first.opens_at, first.closes_at, first.week_of_month)]
        out.append([
            str(s.hsds_id), s.name, s.name_kana, cats.get(s.category, s.category), s.area.name,
            s.organization.name if s.organization_id else "", s.description,
            loc.name if loc else "", loc.address if loc else "", loc.postal_code if loc else "",
            str(loc.lat) if loc else "", str(loc.lon) if loc else "",
            "".join(DAYS[x.weekday] for x in same), str(first.week_of_month or "") if first else "",
            first.opens_at.strftime("%H:%M") if first else "", first.closes_at.strftime("%H:%M") if first else "",
            ("はい" if first.closed_on_holidays else "いいえ") if first else "",
            "、".join(targets.get(t, t) for t in s.target_list), "、".join(s.tag_list), cost.get(s.cost, s.cost),
            "" if s.cost_amount is None else str(s.cost_amount), "" if s.capacity is None else str(s.capacity),
            s.contact_name, s.contact_phone, s.contact_email, vis.get(s.visibility, s.visibility), status.get(s.status, s.status),
        ])
    return out


EXAMPLE = ["", "いきいき百歳体操", "いきいきひゃくさいたいそう", "体操・運動", "", "", "椅子に座ってできる体操です。",
           "中央公民館", "", "", "", "", "火", "", "10:00", "11:30", "はい", "元気な方、フレイル", "体力づくり、外出のきっかけ",
           "無料", "", "20", "", "", "", "公開", "公開"]


def as_csv(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = spreadsheets.csv_writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    text = buffer.getvalue()
    if encoding == "shift_jis":
        return text.encode("cp932", errors="replace")
    return text.encode("utf-8-sig")


def as_xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "地域資源"
    spreadsheets.write_xlsx_rows(sheet, [COLUMNS, *rows])
    lists = book.create_sheet("選択肢")
    cats, targets = list(_labels(Category).values()), list(_labels(Target).values())
    spreadsheets.write_xlsx_rows(lists, [["分類", "対象", "費用", "公開範囲", "状態"], *(
        [cats[i] if i < len(cats) else "", targets[i] if i < len(targets) else "",
         ["無料", "有料", "ポイント"][i] if i < 3 else "", ["公開", "専門職のみ", "非公開"][i] if i < 3 else "",
         ["公開", "下書き", "終了"][i] if i < 3 else ""] for i in range(max(len(cats), len(targets))))])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
