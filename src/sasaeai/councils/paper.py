"""Minutes of a meeting as a Japanese PDF (reportlab; IPAexGothic when installed, as the
directory's booklet). The PDF holds the internal minutes: only readers of the council get it."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sasaeai.directory.paper import font

from .models import Meeting, MeetingFormat, MeetingKind


def _para(text: str, style):
    from xml.sax.saxutils import escape

    from reportlab.platypus import Paragraph

    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def minutes_pdf(meeting: Meeting) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    f = font()
    title = ParagraphStyle("t", fontName=f, fontSize=20, leading=28, spaceAfter=8)
    h2 = ParagraphStyle("h", fontName=f, fontSize=15, leading=22, spaceBefore=10, spaceAfter=4)
    body = ParagraphStyle("b", fontName=f, fontSize=11.5, leading=17)
    with translation.override(settings.LANGUAGE_CODE):
        start = timezone.localtime(meeting.starts_at)
        story = [_para(f"{meeting.council.name}　{_('Minutes')}", title), _para(meeting.title, h2)]
        facts = [
            [_("Meeting type"), MeetingKind(meeting.kind).label],
            [_("Date"), start.strftime("%Y年%m月%d日 %H:%M")],
            [_("Format"), MeetingFormat(meeting.format).label],
            [_("Place"), meeting.place or "—"],
        ]
        table = Table([[_para(a, body), _para(b, body)] for a, b in facts], colWidths=[35 * mm, 135 * mm])
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "#555555"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story += [table, Spacer(1, 4 * mm), _para(_("Agenda"), h2)]
        for item in meeting.agenda.all():
            story.append(_para(f"{item.position}. {item.title}", body))
        story.append(_para(_("Attendance"), h2))
        present = [a for a in meeting.attendance.select_related("member") if a.present]
        names = [a.member.name for a in present if a.member_id] + [
            f"{a.guest_name}（{_('guest')}）" for a in present if not a.member_id]
        story.append(_para("、".join(names) or "—", body))
        story += [_para(_("Minutes"), h2), _para(meeting.internal_minutes or "—", body),
                  _para(_("Decisions"), h2), _para(meeting.decisions or "—", body),
                  _para(_("Public summary"), h2), _para(meeting.public_summary or "—", body)]
        buf = io.BytesIO()
        doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                                bottomMargin=16 * mm, title=f"{meeting.council.name} {meeting.title}")
        doc.build(story)
        return buf.getvalue()
