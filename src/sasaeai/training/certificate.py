"""修了証: a one-page Japanese PDF (A4 landscape) with the certificate code and a QR code of
the public verification page. Set in IPAexGothic like the directory's booklet
(`directory.paper.font`, embedded)."""

from __future__ import annotations

import io

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from sasaeai.directory.paper import font

from .models import Completion


def _date_ja(day) -> str:
    """2026年4月1日 (Western year: certificates are read across municipalities)."""
    return f"{day.year}年{day.month}月{day.day}日"


def verification_url(completion: Completion) -> str:
    base = getattr(settings, "SASAEAI_SITE_URL", "").rstrip("/")
    return base + reverse("training:verify_code", args=[completion.display_code])


def render_pdf(completion: Completion) -> bytes:
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    f = font()
    course = completion.course
    width, height = landscape(A4)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width, height), invariant=1)
    c.setTitle(f"修了証 {completion.display_code}")
    c.setAuthor(course.organiser_name or course.municipality.name)
    c.setLineWidth(3)
    c.rect(28, 28, width - 56, height - 56)
    c.setLineWidth(1)
    c.rect(36, 36, width - 72, height - 72)
    c.setFont(f, 40)
    c.drawCentredString(width / 2, height - 120, "修 了 証")
    c.setFont(f, 26)
    c.drawCentredString(width / 2, height - 190, f"{completion.holder_name} 様")
    c.setFont(f, 16)
    lines = [
        f"あなたは「{course.title}」を修了されたことを証します。",
        f"修了日　{_date_ja(completion.completed_on)}",
    ]
    if completion.expires_on:
        lines.append(f"有効期限　{_date_ja(completion.expires_on)}")
    if course.grants:
        from sasaeai.matching.qualifications import label

        lines.append(f"資格　{label(course.grants, 'ja')}")
    y = height - 250
    for line in lines:
        c.drawCentredString(width / 2, y, line)
        y -= 30
    c.setFont(f, 18)
    c.drawCentredString(width / 2, 150, course.organiser_name or course.municipality.name)
    c.setFont(f, 11)
    c.drawString(60, 80, f"修了証番号　{completion.display_code}")
    url = verification_url(completion)
    c.drawString(60, 62, f"確認ページ　{url}")
    c.drawString(60, 46, f"発行　{_date_ja(timezone.localdate())}")
    widget = QrCodeWidget(url)
    x0, y0, x1, y1 = widget.getBounds()
    size = 90.0
    d = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    d.add(widget)
    renderPDF.draw(d, c, width - 60 - size, 46)
    c.showPage()
    c.save()
    return buf.getvalue()
