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


def _registered_partners(municipality: Municipality) -> dict[int, str]:
    """{organisation id: registration scheme} of partners registered with the municipality: the
    booklet marks their entries (the partners app's badge, issue 15 §1)."""
    from django.apps import apps

    if not apps.is_installed("sasaeai.partners"):
        return {}
    from sasaeai.partners.templatetags.partners_badges import _registered_schemes

    return _registered_schemes(municipality.pk)


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


#: Landmark symbols on paper (drawn) and in the key under the map (the same glyphs).
LANDMARK_KEY = [("station", "■", "駅"), ("city_hall", "◎", "市役所"), ("support_center", "▲", "地域包括支援センター")]


class SketchMap:
    """The booklet's map, drawn as vectors (no tiles, no network): the municipality's outline,
    the areas' outlines and names (the area of an area booklet shaded and framed), landmarks
    with labels, the numbered resources, a scale bar in km and a north arrow."""

    def __new__(cls, entries, width, height, *, municipality=None, area=None):
        from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, Rect, String
        from reportlab.lib import colors

        from sasaeai.geo import shapes
        from sasaeai.geo.selectors import areas_of, landmarks_of

        ink = colors.HexColor("#1b3a5c")
        d = Drawing(width, height)
        d.add(Rect(0, 0, width, height, strokeColor=None, fillColor=colors.HexColor("#e6eaee")))
        areas = areas_of(municipality) if municipality is not None else []
        outline = next((shapes.ring_of(a.boundary) for a in areas if a.layer == Area.Layer.MUNICIPALITY), [])
        inner = [(a, shapes.ring_of(a.boundary)) for a in areas if a.layer == Area.Layer.DAILY_LIFE and a.boundary]
        landmarks = landmarks_of(municipality) if municipality is not None else []
        points = [(n, s) for n, s in entries if s.location_id]
        # Frame: the area (an area booklet) or the whole municipality, and every numbered point.
        framed = shapes.ring_of(area.boundary) if area is not None and area.boundary else outline
        extent = list(framed) + [(s.location.lat, s.location.lon) for _n, s in points]
        if area is None and not framed:
            extent += [(lm.lat, lm.lon) for lm in landmarks]
        if not extent and area is not None:
            extent = [(area.center_lat, area.center_lon)]
        if not extent and municipality is not None and municipality.layer1_area:
            extent = [(municipality.layer1_area.center_lat, municipality.layer1_area.center_lon)]
        if not extent:
            extent = [(35.68, 139.76)]
        lat_mid = (min(p[0] for p in extent) + max(p[0] for p in extent)) / 2
        lon_mid = (min(p[1] for p in extent) + max(p[1] for p in extent)) / 2
        plane = shapes.Plane(lat_mid, lon_mid)
        xy = [plane.xy(*p) for p in extent]
        span_x = max(max(x for x, _y in xy) - min(x for x, _y in xy), 0.5)
        span_y = max(max(y for _x, y in xy) - min(y for _x, y in xy), 0.5)
        pad = 20
        k = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)  # points per km
        mid_x = (max(x for x, _y in xy) + min(x for x, _y in xy)) / 2
        mid_y = (max(y for _x, y in xy) + min(y for _x, y in xy)) / 2

        def page(lat, lon):
            x, y = plane.xy(lat, lon)
            return width / 2 + (x - mid_x) * k, height / 2 + (y - mid_y) * k

        def clipped(ring):
            poly = [page(lat, lon) for lat, lon in ring[:-1]]
            for a, b, c in ((-1, 0, 0), (1, 0, width), (0, -1, 0), (0, 1, height)):
                if poly:
                    poly = shapes.clip_half_plane(poly, a, b, c)
            return [v for xy_ in poly for v in xy_]

        def inside(x, y, margin=0):
            return margin <= x <= width - margin and margin <= y <= height - margin

        if outline:
            d.add(Polygon(clipped(outline), fillColor=colors.HexColor("#fbfaf3"), strokeColor=None))
        for a, ring in inner:
            if area is not None and a.pk == area.pk:
                d.add(Polygon(clipped(ring), fillColor=colors.HexColor("#fff1bf"), strokeColor=None))
        for _a, ring in inner:
            flat = clipped(ring)
            if flat:
                d.add(Polygon(flat, fillColor=None, strokeColor=ink, strokeWidth=1, strokeDashArray=[4, 3]))
        if outline:
            d.add(Polygon(clipped(outline), fillColor=None, strokeColor=ink, strokeWidth=2.2))
        f = font()
        for n, s in points:
            x, y = page(s.location.lat, s.location.lon)
            if not inside(x, y):
                continue
            color = colors.HexColor(CATEGORY_COLOR.get(s.category, "#333333"))
            d.add(Circle(x, y, 7, fillColor=color, strokeColor=colors.white, strokeWidth=0.8))
            d.add(String(x, y - 2.6, str(n), fontName=f, fontSize=7 if n < 100 else 6, fillColor=colors.white,
                         textAnchor="middle"))
        from reportlab.pdfbase.pdfmetrics import stringWidth

        for a, ring in inner:  # area names last but landmarks, on a light box so dots do not hide them
            x, y = page(*(shapes.centroid(ring) or (a.center_lat, a.center_lon)))
            if inside(x, y, 12):
                current = area is not None and a.pk == area.pk
                size = 13 if current else 11
                w = stringWidth(a.name, f, size)
                d.add(Rect(x - w / 2 - 2, y + 7, w + 4, size + 3, fillColor=colors.Color(1, 1, 1, alpha=0.8),
                           strokeColor=None))
                d.add(String(x, y + 10, a.name, fontName=f, fontSize=size, textAnchor="middle",
                             fillColor=ink if current else colors.HexColor("#41576e")))
        for lm in landmarks:
            x, y = page(lm.lat, lm.lon)
            if not inside(x, y, 4):
                continue
            black, white = colors.black, colors.white
            if lm.kind == "station":
                d.add(Rect(x - 5, y - 5, 10, 10, fillColor=black, strokeColor=white, strokeWidth=1))
            elif lm.kind == "city_hall":
                d.add(Circle(x, y, 6.5, fillColor=white, strokeColor=black, strokeWidth=1.6))
                d.add(Circle(x, y, 3, fillColor=None, strokeColor=black, strokeWidth=1.6))
            elif lm.kind == "support_center":
                d.add(Polygon([x - 6, y - 4.5, x + 6, y - 4.5, x, y + 6], fillColor=colors.HexColor("#f9a825"),
                              strokeColor=black, strokeWidth=1.2))
            else:
                d.add(Circle(x, y, 4, fillColor=colors.HexColor("#9e9e9e"), strokeColor=black, strokeWidth=1))
            size = 9
            w = stringWidth(lm.name, f, size)
            tx = x + 9 if x + 9 + w < width - 4 else x - 9 - w
            d.add(Rect(tx - 1.5, y - 3.5, w + 3, size + 2.5, fillColor=colors.Color(1, 1, 1, alpha=0.85),
                       strokeColor=None))
            d.add(String(tx, y - 1.5, lm.name, fontName=f, fontSize=size, fillColor=black))
        # Scale bar (bottom left): a round length near a quarter of the width, in two halves.
        km = shapes.nice_length((width - 2 * pad) / k / 4)
        bar = km * k
        x0, y0 = 12, 12
        d.add(Rect(x0 - 4, y0 - 4, bar + 44, 24, fillColor=colors.Color(1, 1, 1, alpha=0.85), strokeColor=None))
        d.add(Rect(x0, y0, bar / 2, 5, fillColor=colors.black, strokeColor=colors.black, strokeWidth=0.8))
        d.add(Rect(x0 + bar / 2, y0, bar / 2, 5, fillColor=colors.white, strokeColor=colors.black, strokeWidth=0.8))
        label = f"{km:g} km" if km >= 1 else f"{km * 1000:g} m"
        d.add(String(x0, y0 + 8, "0", fontName=f, fontSize=9, textAnchor="middle"))
        d.add(String(x0 + bar, y0 + 8, label, fontName=f, fontSize=9, textAnchor="middle"))
        # North arrow (top right).
        nx, ny = width - 22, height - 16
        d.add(Polygon([nx, ny, nx - 7, ny - 20, nx, ny - 15, nx + 7, ny - 20], fillColor=colors.black,
                      strokeColor=colors.black, strokeWidth=0.8))
        d.add(String(nx, ny - 32, "北", fontName=f, fontSize=11, textAnchor="middle"))
        d.add(Line(nx, ny - 15, nx, ny - 22, strokeColor=colors.black))
        d.add(Rect(0, 0, width, height, strokeColor=colors.HexColor("#555555"), fillColor=None))
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
    registered = _registered_partners(municipality)
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
        SketchMap(numbered, A4[0] - 32 * mm, 120 * mm, municipality=municipality, area=area),
        Paragraph("地図の記号：" + "　".join(f"{glyph} {label}" for _k, glyph, label in LANDMARK_KEY)
                  + "　● 番号は下の一覧の番号　---- 地区の境界", st["small"]),
        Spacer(1, 3 * mm),
    ]
    present = [c for c in Category.values if any(s.category == c for s in services)]
    legend = [[Paragraph(f'<font color="{CATEGORY_COLOR[c]}">●</font> {_esc(CATEGORY_JA[c])}', st["small"])
               for c in present[i:i + 3]] for i in range(0, len(present), 3)]
    if legend:
        legend[-1] += [""] * (3 - len(legend[-1]))
        story.append(Table(legend, colWidths=[(A4[0] - 32 * mm) / 3] * 3))
    if not services:
        story.append(Paragraph("掲載できる情報はまだありません。", st["entry"]))
    # The whole town: one map per area as well, framed on it, so the numbers stay readable.
    if area is None and services:
        areas = Area.objects.filter(municipality=municipality, layer=Area.Layer.DAILY_LIFE).order_by("name", "pk")
        for i, a in enumerate(a for a in areas if any(s.area_id == a.pk for s in services)):
            story += [PageBreak() if i == 0 else Spacer(1, 6 * mm), KeepTogether([
                Paragraph(_esc(f"■ {a.name}の地図"), st["h2"]),
                SketchMap([(n, s) for n, s in numbered if s.area_id == a.pk], A4[0] - 32 * mm, 105 * mm,
                          municipality=municipality, area=a)])]
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
            ("登録", f"★ {registered[s.organization_id]} 登録事業者" if s.organization_id in registered else ""),
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


def _published_events(municipality: Municipality, area: Area | None, cells) -> int:
    """Add this month's events published from directory programmes to the grid cells (their
    date in front, 申込制 after); returns how many."""
    from django.apps import apps

    if not apps.is_installed("sasaeai.events"):
        return 0
    from sasaeai.events.selectors import programme_events

    from .models import Service

    n = 0
    events = list(programme_events(municipality, area=area))
    categories = dict(Service.objects.filter(pk__in={e.source_id for e in events}).values_list("pk", "category"))
    for e in events:
        start, end = timezone.localtime(e.starts_at), timezone.localtime(e.ends_at)
        name = e.title.removeprefix(f"{area.name} ") if area else e.title
        label = f"{start.month}/{start.day} {start:%H:%M}〜{end:%H:%M} {name}（申込制）"
        cells[(start.hour, start.weekday())].append((start.time(), label, categories.get(e.source_id, "")))
        n += 1
    return n


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
    dated = _published_events(municipality, area, cells)
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
             Paragraph("いろいろな団体の毎週の活動をまとめました。（第2）は毎月第2週だけの活動です。祝日はお休みの活動があります。"
                       + ("日付のある行（申込制）は、申し込んで参加する今月の催しです。" if dated else ""),
                       st["small"]), table]

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(f, 11)
        canvas.drawString(10 * mm, 4 * mm, f"{place}　週間プログラム表　{doc.page}ページ")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
