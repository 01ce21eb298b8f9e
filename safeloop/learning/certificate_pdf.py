"""The certificate as a printable A4 landscape page, Chinese and English, with the QR
code of its public verification page (drawn as vectors, as the QR labels are)."""

from __future__ import annotations

import io

from django.db import connection
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from safeloop.learning.models import Certificate
from safeloop.tenants.facilities.labels import draw_qr, register_font, wrap_text

INK = (0.04, 0.23, 0.36)
MUTED = (0.35, 0.35, 0.35)


def _centred(canvas: Canvas, text: str, font: str, size: float, y: float, width: float) -> float:
    page_w = landscape(A4)[0]
    while size > 8 and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    canvas.setFont(font, size)
    for line in wrap_text(text, font, size, width)[:2]:
        canvas.drawCentredString(page_w / 2, y, line)
        y -= size * 1.3
    return y


def _enterprise_name() -> str:
    tenant = getattr(connection, "tenant", None)
    return getattr(tenant, "name", "") or ""


def render_certificate(certificate: Certificate, url: str) -> bytes:
    """One landscape A4 page: title, whom, which course, when, how long valid, the QR."""
    font = register_font()
    page_w, page_h = landscape(A4)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(page_w, page_h), pageCompression=1)
    canvas.setTitle(f"{certificate.number} 培训合格证 Training certificate")
    canvas.setCreator("SafeLoop")
    margin = 12 * mm
    canvas.setStrokeColorRGB(*INK)
    canvas.setLineWidth(3)
    canvas.rect(margin, margin, page_w - 2 * margin, page_h - 2 * margin)
    canvas.setLineWidth(0.8)
    canvas.rect(
        margin + 3 * mm, margin + 3 * mm, page_w - 2 * margin - 6 * mm, page_h - 2 * margin - 6 * mm
    )

    width = page_w - 2 * margin - 30 * mm
    canvas.setFillColorRGB(*INK)
    y = page_h - margin - 26 * mm
    y = _centred(canvas, "培训合格证", font, 34, y, width) - 2 * mm
    canvas.setFillColorRGB(*MUTED)
    y = _centred(canvas, "Training Certificate", font, 16, y, width) - 6 * mm

    person = certificate.person.full_name
    course = certificate.course
    canvas.setFillColorRGB(0, 0, 0)
    y = _centred(canvas, person, font, 26, y - 4 * mm, width) - 3 * mm
    canvas.setFillColorRGB(*MUTED)
    y = _centred(canvas, "已完成以下课程的培训并考试合格", font, 13, y, width)
    y = _centred(canvas, "has completed the course and passed its examination", font, 11, y, width)
    y -= 9 * mm
    canvas.setFillColorRGB(0, 0, 0)
    y = _centred(canvas, course.title, font, 22, y, width) - 1 * mm
    if course.title_en:
        canvas.setFillColorRGB(*MUTED)
        y = _centred(canvas, course.title_en, font, 13, y, width)

    valid = (
        certificate.valid_until.isoformat() if certificate.valid_until else "长期有效 / No expiry"
    )
    score = "-" if certificate.score is None else f"{certificate.score}"
    facts = [
        ("证书编号 Certificate No.", certificate.number),
        ("发证日期 Issued on", certificate.issued_on.isoformat()),
        ("有效期至 Valid until", valid),
        ("学时 Credit hours", f"{certificate.hours}"),
        ("成绩 Score", score),
    ]
    qr_size = 46 * mm
    left = margin + 22 * mm
    row_y = margin + 14 * mm + qr_size - 6 * mm
    for label, value in facts:
        canvas.setFillColorRGB(*MUTED)
        canvas.setFont(font, 10)
        canvas.drawString(left, row_y, label)
        canvas.setFillColorRGB(0, 0, 0)
        canvas.setFont(font, 12)
        canvas.drawString(left + 52 * mm, row_y, value)
        row_y -= 8.5 * mm

    qr_x = page_w - margin - 16 * mm - qr_size
    qr_y = margin + 14 * mm
    draw_qr(canvas, url, qr_x, qr_y, qr_size)
    canvas.setFillColorRGB(*MUTED)
    canvas.setFont(font, 8)
    canvas.drawCentredString(qr_x + qr_size / 2, qr_y - 1 * mm, "扫码查验 Scan to verify")
    enterprise = _enterprise_name()
    if enterprise:
        canvas.setFont(font, 12)
        canvas.setFillColorRGB(*INK)
        canvas.drawCentredString(page_w / 2, margin + 9 * mm, enterprise)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
