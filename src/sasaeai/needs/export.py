"""The gap table as a spreadsheet (Excel or CSV, UTF-8 or Shift_JIS) through
`sasaeai.core.spreadsheets`; suppressed counts are written as "*" (秘匿)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from sasaeai.core import spreadsheets

from .categories import label
from .gaps import BAND_LABELS, METRIC_LABELS, METRICS, GapTable

SUPPRESSED = "*"


def rows(table: GapTable) -> list[list]:
    header = [_("Area"), _("Kind of need"), *[str(METRIC_LABELS[m]) for m in METRICS],
              _("Open needs per 1,000 aged 65+"), _("Gap indicator"), _("Gap")]
    out = [header]
    for area in table.areas:
        for category in table.categories:
            cell = table.cells[(area.pk, category)]
            values = [SUPPRESSED if cell.values[m] is None else cell.values[m] for m in METRICS]
            rate = cell.rates["open_needs"]
            out.append([area.name, label(category), *values, SUPPRESSED if rate is None else rate,
                        "" if cell.indicator is None else cell.indicator,
                        "" if cell.band is None else str(BAND_LABELS[cell.band])])
        out.append([area.name, _("All kinds"), *[SUPPRESSED if table.row_totals[m][area.pk] is None
                                                  else table.row_totals[m][area.pk] for m in METRICS], "",
                    "" if table.area_indicators[area.pk] is None else table.area_indicators[area.pk],
                    "" if table.area_bands[area.pk] is None else str(BAND_LABELS[table.area_bands[area.pk]])])
    for category in table.categories:
        out.append([_("All areas"), label(category), *[SUPPRESSED if table.col_totals[m][category] is None
                                                       else table.col_totals[m][category] for m in METRICS],
                    "", "", ""])
    out.append([_("All areas"), _("All kinds"), *[SUPPRESSED if table.totals[m] is None else table.totals[m]
                                                  for m in METRICS], "", "", ""])
    return out


def as_csv(table: GapTable, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    spreadsheets.csv_writer(buffer, lineterminator="\r\n").writerows(rows(table))
    text = buffer.getvalue()
    return text.encode("cp932", errors="replace") if encoding == "shift_jis" else text.encode("utf-8-sig")


def as_xlsx(table: GapTable) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("Gap table")[:31]
    spreadsheets.write_xlsx_rows(sheet, rows(table))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
