"""生活支援体制整備事業 実施報告: the annual programme report of a municipality, as a Japanese
PDF (reportlab, IPAex) and an Excel workbook (openpyxl through core.spreadsheets).

Sections: the indicators with their targets, then every section contributed by an app's
`kpis.py` `report_sections(municipality, fiscal_year) -> list[dict(title, columns, rows)]`
(councils' resolved issues, proposals, activity totals by SC function, …)."""

from __future__ import annotations

import io

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from . import registry, selectors
from .presentation import met_text, target_text, value_text


def sections(municipality, fiscal_year: int) -> list[dict]:
    measures = selectors.dashboard(municipality, None, fiscal_year, with_trend=False)
    out = [{
        "title": _("Indicators and targets"),
        "columns": [_("Indicator"), pgettext("kpi", "Value"), pgettext("kpi", "Target"), pgettext("kpi", "Result"),
                    pgettext("kpi", "Period")],
        "rows": [[str(m.indicator.name), value_text(m), target_text(m.indicator, m.target), met_text(m),
                  f"{m.start.isoformat()} – {m.end.isoformat()}"] for m in measures],
    }]
    for _app, provider in registry.report_section_providers():
        for section in provider(municipality, fiscal_year) or []:
            out.append({"title": str(section["title"]), "columns": [str(c) for c in section["columns"]],
                        "rows": [[str(c) for c in row] for row in section["rows"]]})
    return out


def title(municipality, fiscal_year: int) -> str:
    return _("%(name)s Community life support programme report, fiscal year %(year)s") % {
        "name": municipality.name, "year": fiscal_year}


def pdf(municipality, fiscal_year: int, *, language: str = "ja") -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from sasaeai.directory.paper import _esc, _styles

    with translation.override(language):
        styles = _styles()
        parts = sections(municipality, fiscal_year)
        heading = title(municipality, fiscal_year)
        story = [Paragraph(_esc(heading), styles["title"])]
        for section in parts:
            story.append(Paragraph(_esc(section["title"]), styles["h2"]))
            if not section["rows"]:
                story.append(Paragraph(_esc(_("Nothing recorded.")), styles["body"]))
                continue
            data = [[Paragraph(_esc(c), styles["head"]) for c in section["columns"]]]
            data += [[Paragraph(_esc(c), styles["cell"]) for c in row] for row in section["rows"]]
            table = Table(data, repeatRows=1, hAlign="LEFT")
            table.setStyle(TableStyle([
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]))
            story += [table, Spacer(1, 4 * mm)]
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(buffer, pagesize=A4, title=heading, leftMargin=15 * mm, rightMargin=15 * mm,
                                topMargin=15 * mm, bottomMargin=15 * mm)
        doc.build(story)
        return buffer.getvalue()


def xlsx(municipality, fiscal_year: int, *, language: str = "ja") -> bytes:
    from openpyxl import Workbook

    from sasaeai.core.spreadsheets import write_xlsx_rows

    with translation.override(language):
        book = Workbook()
        book.remove(book.active)
        for n, section in enumerate(sections(municipality, fiscal_year), start=1):
            name = f"{n} {section['title']}"
            for bad in "[]:*?/\\":
                name = name.replace(bad, " ")
            sheet = book.create_sheet(name[:31])
            write_xlsx_rows(sheet, [[title(municipality, fiscal_year)], [], section["columns"], *section["rows"]])
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
