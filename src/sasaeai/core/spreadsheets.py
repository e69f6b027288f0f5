"""Spreadsheet safety for every export and upload of the project.

Export (OWASP "CSV injection"): a text cell that starts with = + - @ TAB or CR (also their
full-width forms, which NFKC folds onto them) would run as a formula when the file is opened in
Excel or LibreOffice. `safe_cell` prefixes such text with an apostrophe, `csv_writer` /
`DictWriter` apply it to every cell, and `write_xlsx_rows` additionally stores every string cell
as a string (never a formula). A plain number such as ``-12.5`` is not text and stays as it is.

Upload: `inspect_zip` checks a zip's directory (xlsx files are zips too) before anything is
decompressed — total uncompressed size, entry count, compression ratio — then CRCs and header
names; `csv_rows` streams a CSV with a cell-size limit; `extract_zip` unpacks into a temporary
folder that is always removed. Every refusal is a `ValidationError` with a stable code and a
message for the person uploading."""

from __future__ import annotations

import contextlib
import csv
import io
import re
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: Excel holds at most 32,767 characters in a cell; longer cells are refused on upload.
MAX_CELL_CHARS = 32_767
#: Limits of a zip (an .xlsx or an HSDS export) checked on its directory before decompression.
MAX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_ENTRIES = 200
MAX_RATIO = 100
#: The ratio is only meaningful for entries big enough to matter (tiny XML parts compress well).
RATIO_MIN_SIZE = 1024 * 1024

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# The csv module refuses fields longer than this (csv.Error), which `csv_rows` reports per row.
csv.field_size_limit(MAX_CELL_CHARS)


def is_formula_like(text: str) -> bool:
    """Would a spreadsheet read this text as a formula (or a DDE command)?"""
    if not text:
        return False
    first = unicodedata.normalize("NFKC", text[0])[:1]
    return first in FORMULA_START and not _NUMBER.match(text)


def safe_cell(value):
    """The value to write into a CSV/xlsx cell: text that starts like a formula gets a leading '."""
    if value is None:
        return ""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def unescape_cell(text: str) -> str:
    """Undo `safe_cell` on upload: "'=1+1" is read back as the text "=1+1" (kept as text)."""
    if text and text[0] == "'" and is_formula_like(text[1:]):
        return text[1:]
    return text


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row: Iterable):
        return self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable]):
        for row in rows:
            self.writerow(row)


def csv_writer(fh, **kwargs) -> _SafeWriter:
    """`csv.writer` whose every cell goes through `safe_cell`."""
    return _SafeWriter(csv.writer(fh, **kwargs))


class DictWriter(csv.DictWriter):
    """`csv.DictWriter` whose every cell (and header) goes through `safe_cell`."""

    def writerow(self, rowdict):
        return super().writerow({k: safe_cell(v) for k, v in rowdict.items()})

    def writeheader(self):
        return self.writer.writerow([safe_cell(f) for f in self.fieldnames])


def write_xlsx_rows(sheet, rows: Iterable[Iterable]) -> None:
    """Append rows to an openpyxl sheet: strings are neutralised and stored as strings (data_type
    "s"), so openpyxl never writes a formula; characters XML cannot hold are dropped."""
    from openpyxl.cell.cell import Cell

    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, str):
                cell = Cell(sheet)
                cell.value = safe_cell(_ILLEGAL_XLSX.sub("", value))
                cell.data_type = "s"
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)


# --- upload -------------------------------------------------------------------------------------

def inspect_zip(data: bytes, *, what: str = "zip", max_uncompressed: int = MAX_UNCOMPRESSED,
                max_entries: int = MAX_ENTRIES, max_ratio: int = MAX_RATIO, test: bool = True) -> zipfile.ZipFile:
    """Open a zip after checking its directory (sizes, count, ratio), then its CRCs and header
    names (`test`). Returns the open ZipFile; refuses with a clear `ValidationError`."""
    mb = max_uncompressed // (1024 * 1024)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise ValidationError(_("The %(what)s file is damaged or is not a zip file.") % {"what": what},
                              code="bad_zip") from None
    infos = zf.infolist()
    if len(infos) > max_entries:
        zf.close()
        raise ValidationError(_("The %(what)s file holds too many files (at most %(n)s).") % {"what": what, "n": max_entries},
                              code="zip_entries")
    if sum(i.file_size for i in infos) > max_uncompressed:
        zf.close()
        raise ValidationError(_("The %(what)s file is larger than %(mb)s MB when unpacked.") % {"what": what, "mb": mb},
                              code="zip_too_large")
    for info in infos:
        if info.file_size >= RATIO_MIN_SIZE and info.file_size > max_ratio * max(info.compress_size, 1):
            zf.close()
            raise ValidationError(_("The %(what)s file is compressed suspiciously strongly and was not opened.")
                                  % {"what": what}, code="zip_ratio")
    if test:
        try:
            bad = zf.testzip()
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError, ValueError):
            bad = True
        if bad:
            zf.close()
            raise ValidationError(_("The %(what)s file is damaged (a check sum or a file name inside does not match). "
                                    "Save or export it again.") % {"what": what}, code="zip_damaged")
    return zf


@contextlib.contextmanager
def extract_zip(data: bytes, *, prefix: str = "sasaeai-zip-", what: str = "zip") -> Iterator[Path]:
    """Unpack a checked zip (flat: file names only, no folders) into a temporary folder that is
    removed when the block ends, also on errors."""
    zf = inspect_zip(data, what=what)
    with zf, tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        folder = Path(tmp)
        for info in zf.infolist():
            name = Path(info.filename.replace("\\", "/")).name
            if info.is_dir() or not name or name.startswith("."):
                continue
            with zf.open(info) as src, (folder / name).open("wb") as dst:
                while chunk := src.read(1024 * 1024):
                    dst.write(chunk)
        yield folder


class CellTooLong(ValueError):
    def __init__(self, row: int):
        super().__init__(row)
        self.row = row


def cell_too_long_message() -> str:
    return _("A cell is longer than %(n)s characters (the most a spreadsheet cell holds). "
             "Reading stopped at this row.") % {"n": f"{MAX_CELL_CHARS:,}"}


def csv_rows(text: str) -> Iterator[list[str]]:
    """Stream the rows of a CSV text; a cell longer than MAX_CELL_CHARS raises `CellTooLong`
    with the row number (not a 500)."""
    reader = csv.reader(io.StringIO(text))
    n = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise CellTooLong(n + 1) from None
        n += 1
        yield row
