"""Paper for people who never go online: an area booklet (冊子) and a weekly programme
calendar (週間プログラム表). Only published public resources are ever printed.

Japanese is set in IPAexGothic when Debian's fonts-ipaexfont is installed (embedded, so any
viewer shows it), otherwise in reportlab's built-in CID font HeiseiKakuGo-W5."""

from __future__ import annotations

import io
from collections import defaultdict
from pathlib import Path

from django.utils import timezone

from sasaeai.tenancy.models import Area, Municipality

from .models import CATEGORY_JA, TARGET_JA, Category, Cost
from .selectors import public_services

IPAEX = Path("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf")
DAYS_JA = ["月", "火", "水", "木", "金", "土", "日"]
PALETTE = ["#1b5e20", "#0d47a1", "#b71c1c", "#4a148c", "#e65100", "#006064", "#3e2723", "#880e4f",
           "#33691e", "#1a237e", "#bf360c", "#004d40", "#263238", "#827717", "#01579b", "#4e342e"]
CATEGORY_COLOR = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(Category.values)}
_FONT = None
#: Places with opening hours rather than programmes: listed in the booklet, not in the calendar.
OPENING_HOURS = {Category.REST, Category.COOPERATING_STORE, Category.CARE_PROVIDER}


def font() -> str:
    global _FONT
    if _FONT:
        return _FONT
    from reportlab.pdfbase import pdfmetrics

    if IPAEX.exists():
        from reportlab.pdfbase.ttfonts import TTFont

        pdfmetrics.registerFont(TTFont("IPAexGothic", str(IPAEX)))
        _FONT = "IPAexGothic"
    else:
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
        _FONT = "HeiseiKakuGo-W5"
    return _FONT


def _styles():
    from reportlab.lib.styles import ParagraphStyle

    f = font()
    return {
        "title": ParagraphStyle("title", fontName=f, fontSize=26, leading=34, spaceAfter=10),
        "subtitle": ParagraphStyle("subtitle", fontName=f, fontSize=15, leading=22, spaceAfter=8),
        "h2": ParagraphStyle("h2", fontName=f, fontSize=20, leading=28, spaceBefore=12, spaceAfter=8,
                             textColor="#1b3a5c"),
        "entry": ParagraphStyle("entry", fontName=f, fontSize=15, leading=21, spaceBefore=8, spaceAfter=2),
        "body": ParagraphStyle("body", fontName=f, fontSize=12.5, leading=18, leftIndent=14),
        "small": ParagraphStyle("small", fontName=f, fontSize=10.5, leading=14),
        "cell": ParagraphStyle("cell", fontName=f, fontSize=9, leading=11.5),
        "head": ParagraphStyle("head", fontName=f, fontSize=11, leading=14, alignment=1),
    }


def _esc(text) -> str:
    from xml.sax.saxutils import escape

    return escape(str(text or ""))


def _resources(municipality: Municipality, area: Area | None, categories=None):
    qs = public_services().filter(municipality=municipality)
    if area is not None:
        qs = qs.filter(area=area)
    if categories:
        qs = qs.filter(category__in=categories)
    return list(qs.select_related("location", "area", "organization").prefetch_related("schedules")
                .order_by("category", "name_kana", "name", "pk"))


def _when(schedule) -> str:
    hours = f"{schedule.opens_at:%H:%M}〜{schedule.closes_at:%H:%M}"
    if schedule.kind == "once":
        return f"{schedule.date.month}月{schedule.date.day}日 {hours}"
    prefix = f"第{schedule.week_of_month}" if schedule.week_of_month else "毎週"
    text = f"{prefix}{DAYS_JA[schedule.weekday]}曜日 {hours}"
    return text + "（祝日は休み）" if schedule.closed_on_holidays else text


def _cost(service) -> str:
    if service.cost == Cost.FREE:
        return "無料"
    if service.cost == Cost.POINTS:
        return f"{service.cost_amount or 0:,}ポイント"
    return f"{service.cost_amount or 0:,}円"


class SketchMap:
    """An area sketch: numbered dots at the resources' positions (no tiles, no network)."""

    def __new__(cls, entries, width, height):
        from reportlab.graphics.shapes import Circle, Drawing, Rect, String
        from reportlab.lib import colors

        d = Drawing(width, height)
        d.add(Rect(0, 0, width, height, strokeColor=colors.HexColor("#555555"), fillColor=colors.HexColor("#f7f7f2")))
        points = [(n, s) for n, s in entries if s.location_id]
        if points:
            lats = [s.location.lat for _n, s in points]
            lons = [s.location.lon for _n, s in points]
            lat0, lat1, lon0, lon1 = min(lats), max(lats), min(lons), max(lons)
            span_lat, span_lon = max(lat1 - lat0, 1e-4), max(lon1 - lon0, 1e-4)
            pad = 18
            for n, s in points:
                x = pad + (s.location.lon - lon0) / span_lon * (width - 2 * pad)
                y = pad + (s.location.lat - lat0) / span_lat * (height - 2 * pad)
                color = colors.HexColor(CATEGORY_COLOR.get(s.category, "#333333"))
                d.add(Circle(x, y, 6.5, fillColor=color, strokeColor=colors.white, strokeWidth=0.8))
                d.add(String(x, y - 2.6, str(n), fontName=font(), fontSize=6.5, fillColor=colors.white,
                             textAnchor="middle"))
        d.add(String(8, height - 14, "▲北", fontName=font(), fontSize=10, fillColor=colors.HexColor("#333333")))
        return d


def booklet(municipality: Municipality, *, area: Area | None = None, categories=None) -> bytes:
    """The area booklet: cover with a sketch map, entries by category in large type, an index by
    day of the week and by category."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        KeepTogether,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
    )

    st = _styles()
    services = _resources(municipality, area, categories)
    numbered = list(enumerate(services, start=1))
    place = area.name if area else municipality.name
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=f"{place} 地域のつどい・支え合いガイド", author="Sasaeai")
    story = [
        Paragraph(_esc(f"{place}　地域のつどい・支え合いガイド"), st["title"]),
        Paragraph(_esc(f"{municipality.name}　{timezone.localdate():%Y年%m月}版　全{len(services)}件"), st["subtitle"]),
        Paragraph("通いの場、体操、サロン、買い物や移動の支え、相談窓口などをまとめました。"
                  "番号は地図の番号と同じです。参加する前に連絡先へお問い合わせください。", st["small"]),
        Spacer(1, 6 * mm),
        SketchMap(numbered, A4[0] - 32 * mm, 110 * mm),
        Spacer(1, 4 * mm),
    ]
    present = [c for c in Category.values if any(s.category == c for s in services)]
    legend = [[Paragraph(f'<font color="{CATEGORY_COLOR[c]}">●</font> {_esc(CATEGORY_JA[c])}', st["small"])
               for c in present[i:i + 3]] for i in range(0, len(present), 3)]
    if legend:
        legend[-1] += [""] * (3 - len(legend[-1]))
        story.append(Table(legend, colWidths=[(A4[0] - 32 * mm) / 3] * 3))
    if not services:
        story.append(Paragraph("掲載できる情報はまだありません。", st["entry"]))
    # Entries by category.
    current = None
    for n, s in numbered:
        if s.category != current:
            current = s.category
            story += [PageBreak() if n == 1 else Spacer(1, 4 * mm),
                      Paragraph(_esc(f"■ {CATEGORY_JA[current]}"), st["h2"])]
        lines = [Paragraph(f'<font color="{CATEGORY_COLOR[s.category]}">{n}.</font> {_esc(s.name)}', st["entry"])]
        for label, value in (
            ("いつ", "、".join(_when(x) for x in s.schedules.all()) or "随時・お問い合わせください"),
            ("どこ", " ".join(p for p in (s.location.name if s.location_id else "", s.location.address if s.location_id else "") if p)),
            ("費用", _cost(s) + (f"（{s.cost_note}）" if s.cost_note else "")),
            ("対象", "、".join(TARGET_JA.get(t, t) for t in s.target_list)),
            ("連絡先", " ".join(p for p in (s.contact_name, s.contact_phone) if p)),
        ):
            if value:
                lines.append(Paragraph(f"{label}：{_esc(value)}", st["body"]))
        story.append(KeepTogether(lines))
    # Index by day of the week.
    story += [PageBreak(), Paragraph("■ 曜日からさがす", st["h2"])]
    by_day = defaultdict(list)
    for n, s in numbered:
        for x in s.schedules.all():
            if x.kind == "weekly" and n not in [m for m, _s in by_day[x.weekday]]:
                by_day[x.weekday].append((n, s))
    for day in range(7):
        names = "、".join(f"{n}. {s.name}" for n, s in by_day[day]) or "—"
        story.append(Paragraph(_esc(f"{DAYS_JA[day]}曜日：{names}"), st["body"]))
    story += [Spacer(1, 6 * mm), Paragraph("■ 分類からさがす", st["h2"])]
    for c in present:
        nums = [str(n) for n, s in numbered if s.category == c]
        story.append(Paragraph(_esc(f"{CATEGORY_JA[c]}：{', '.join(nums)}"), st["body"]))
    footer = _footer(f"{place}　地域のつどい・支え合いガイド")
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


def _footer(title: str):
    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFont(font(), 9)
        canvas.drawString(16 * 2.8346, 8 * 2.8346, f"{title}　{doc.page}ページ")
        canvas.restoreState()
    return draw


def weekly_calendar(municipality: Municipality, *, area: Area | None = None) -> bytes:
    """Monday–Sunday grid of every provider's weekly programmes, by starting hour.

    Set for older readers: no text below 10 pt (issue 9 §9); the cells, the most read part, 11 pt."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    f = font()
    st = {
        "subtitle": ParagraphStyle("cal-subtitle", fontName=f, fontSize=18, leading=24, spaceAfter=6),
        "small": ParagraphStyle("cal-small", fontName=f, fontSize=12, leading=16, spaceAfter=4),
        "cell": ParagraphStyle("cal-cell", fontName=f, fontSize=11, leading=14),
        "head": ParagraphStyle("cal-head", fontName=f, fontSize=13, leading=16, alignment=1),
    }
    services = [s for s in _resources(municipality, area) if s.category not in OPENING_HOURS]
    place = area.name if area else municipality.name
    cells: dict[tuple[int, int], list[tuple]] = defaultdict(list)
    for s in services:
        for x in s.schedules.all():
            if x.kind != "weekly":
                continue
            name = s.name.removeprefix(f"{area.name} ") if area else s.name
            where = f"＠{s.location.name}" if s.location_id else ""
            nth = f"（第{x.week_of_month}）" if x.week_of_month else ""
            label = f"{x.opens_at:%H:%M}〜{x.closes_at:%H:%M}{nth} {name}{where}"
            cells[(x.opens_at.hour, x.weekday)].append((x.opens_at, label, s.category))
    hours = sorted({h for h, _d in cells}) or [10]
    page = landscape(A4)
    header = [Paragraph("時間", st["head"])] + [Paragraph(f"{d}曜日", st["head"]) for d in DAYS_JA]
    rows = [header]
    for h in hours:
        row = [Paragraph(f"{h}時台", st["head"])]
        for d in range(7):
            entries = sorted(cells.get((h, d), []))
            shown = [f'<font color="{CATEGORY_COLOR.get(c, "#000000")}">■</font>{_esc(t)}' for _o, t, c in entries[:6]]
            if len(entries) > 6:
                shown.append(f"ほか{len(entries) - 6}件")
            row.append(Paragraph("<br/>".join(shown), st["cell"]))
        rows.append(row)
    width = page[0] - 20 * mm
    table = Table(rows, colWidths=[20 * mm] + [(width - 20 * mm) / 7] * 7, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#777777")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde7f0")),
        ("BACKGROUND", (6, 1), (7, -1), colors.HexColor("#fbf3ea")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=page, leftMargin=10 * mm, rightMargin=10 * mm, topMargin=10 * mm,
                            bottomMargin=12 * mm, title=f"{place} 週間プログラム表", author="Sasaeai")
    story = [Paragraph(_esc(f"{place}　週間プログラム表（{timezone.localdate():%Y年%m月}）"), st["subtitle"]),
             Paragraph("いろいろな団体の毎週の活動をまとめました。（第2）は毎月第2週だけの活動です。祝日はお休みの活動があります。",
                       st["small"]), table]

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(f, 11)
        canvas.drawString(10 * mm, 4 * mm, f"{place}　週間プログラム表　{doc.page}ページ")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
