"""Files of the points app: the yearly statement per member (年間ポイント明細, Japanese PDF
with reportlab and IPAex like directory/paper.py) and the finance office's Excel export of
redemptions and liabilities per fiscal year (through core.spreadsheets, no formulas)."""

from __future__ import annotations

import datetime as dt
import io

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from sasaeai.core.spreadsheets import write_xlsx_rows

from .models import AccountKind, LedgerEntry, PointsAccount, Redemption, Scheme, TransactionKind


def kind_label(kind: str) -> str:
    return str(TransactionKind(kind).label) if kind in TransactionKind.values else kind


def statement_pdf(st: dict) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from sasaeai.directory.paper import _esc, _styles, font

    s = _styles()
    acct: PointsAccount = st["account"]
    scheme = acct.scheme
    unit = scheme.unit_label
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=_("Yearly points statement"))
    story = [
        Paragraph(_esc(_("Yearly points statement %(year)s") % {"year": st["year"]}), s["title"]),
        Paragraph(_esc(f"{scheme.municipality.name}　{scheme.name}"), s["subtitle"]),
        Paragraph(_esc(_("Member: %(name)s") % {"name": acct.owner.display_name}), s["subtitle"]),
        Spacer(1, 4 * mm),
    ]
    summary = [[_("Balance on 1 January"), f"{st['opening']:,} {unit}"]]
    for kind, total in st["by_kind"].items():
        summary.append([kind_label(kind), f"{total:+,} {unit}"])
    summary.append([_("Balance on 31 December"), f"{st['closing']:,} {unit}"])
    table = Table([[Paragraph(_esc(a), s["body"]), Paragraph(_esc(b), s["body"])] for a, b in summary],
                  colWidths=[95 * mm, 60 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey)]))
    story += [table, Spacer(1, 6 * mm), Paragraph(_esc(_("Details")), s["h2"])]
    rows = [[_("Date"), _("What"), _("Amount")]]
    for e in st["lines"]:
        rows.append([e.transaction.booked_on.strftime("%Y/%m/%d"), kind_label(e.transaction.kind),
                     f"{e.amount:+,}"])
    if len(rows) == 1:
        rows.append(["", _("No changes this year."), ""])
    detail = Table(rows, colWidths=[35 * mm, 85 * mm, 35 * mm], repeatRows=1)
    detail.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font()), ("FONTSIZE", (0, 0), (-1, -1), 11),
                                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("ALIGN", (2, 0), (2, -1), "RIGHT"),
                                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5"))]))
    story += [detail, Spacer(1, 6 * mm),
              Paragraph(_esc(_("Issued on %(date)s") % {"date": timezone.localdate().strftime("%Y/%m/%d")}),
                        s["small"])]
    doc.build(story)
    return buf.getvalue()


def finance_xlsx(scheme: Scheme, fiscal_year: int) -> bytes:
    """Two sheets: redemptions paid or waiting in the fiscal year, and liabilities at its end
    (and today) per member, with totals."""
    from openpyxl import Workbook

    start, end = dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Redemptions")
    rows = [[_("Request no."), _("Requested on"), pgettext("scheme member", "Member"), _("Option"), _("Points"), _("Value (yen)"),
             _("Status"), _("Decided on"), _("Finance office reference")]]
    qs = (Redemption.objects.filter(scheme=scheme, requested_at__date__gte=start, requested_at__date__lte=end)
          .select_related("account__owner", "option").order_by("requested_at", "pk"))
    total_points = total_yen = 0
    for r in qs:
        rows.append([r.pk, timezone.localtime(r.requested_at).strftime("%Y-%m-%d"), r.account.owner.display_name,
                     r.option.name, r.points, r.value_yen, str(r.get_status_display()),
                     timezone.localtime(r.decided_at).strftime("%Y-%m-%d") if r.decided_at else "",
                     r.finance_reference])
        if r.status == "paid":
            total_points += r.points
            total_yen += r.value_yen
    rows.append([_("Total paid out"), "", "", "", total_points, total_yen, "", "", ""])
    write_xlsx_rows(ws, rows)
    ws2 = wb.create_sheet(_("Liabilities"))
    at_end = dict(LedgerEntry.objects.filter(account__scheme=scheme, transaction__booked_on__lte=end)
                  .values_list("account_id").annotate(s=Sum("amount")).values_list("account_id", "s"))
    rows2 = [[pgettext("scheme member", "Member"), _("Area"), _("Balance at the end of the fiscal year"), _("Balance today")]]
    total_end = total_now = 0
    for acct in (PointsAccount.objects.filter(scheme=scheme, kind=AccountKind.MEMBER)
                 .select_related("owner", "area").order_by("owner__display_name", "pk")):
        b_end = at_end.get(acct.pk, 0)
        rows2.append([acct.owner.display_name, acct.area.name if acct.area else "", b_end, acct.balance])
        total_end += b_end
        total_now += acct.balance
    held = PointsAccount.objects.filter(scheme=scheme, kind=AccountKind.HELD).first()
    rows2.append([_("Held for pending redemptions"), "", at_end.get(held.pk, 0) if held else 0,
                  held.balance if held else 0])
    rows2.append([_("Total outstanding"), "", total_end + (at_end.get(held.pk, 0) if held else 0),
                  total_now + (held.balance if held else 0)])
    write_xlsx_rows(ws2, rows2)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
