"""The printable gate sign: one A4 page with a site's registration QR code."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from safeloop.tenants.facilities.labels import MUTED, draw_qr, register_font
from safeloop.tenants.facilities.models import Area

# Both languages whatever the printer's: the sign hangs at the gate for everyone.
HEADING_ZH = "承包商人员入场登记"
HEADING_EN = "Contractor workers: register here"
STEPS_ZH = "手机扫码 · 填写信息 · 同意隐私告知"


def gate_sign_pdf(site: Area, url: str, enterprise_name: str = "") -> bytes:
    font = register_font()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"{HEADING_ZH} {site.name}")
    canvas.setCreator("SafeLoop")
    page_w, page_h = A4
    y = page_h - 35 * mm
    canvas.setFont(font, 30)
    canvas.drawCentredString(page_w / 2, y, HEADING_ZH)
    y -= 12 * mm
    canvas.setFillColorRGB(*MUTED)
    canvas.setFont(font, 16)
    canvas.drawCentredString(page_w / 2, y, HEADING_EN)
    qr_size = 140 * mm
    y -= 8 * mm + qr_size
    draw_qr(canvas, url, (page_w - qr_size) / 2, y, qr_size)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(font, 22)
    y -= 14 * mm
    canvas.drawCentredString(page_w / 2, y, site.name)
    canvas.setFont(font, 14)
    y -= 10 * mm
    canvas.drawCentredString(page_w / 2, y, STEPS_ZH)
    canvas.setFillColorRGB(*MUTED)
    canvas.setFont(font, 9)
    canvas.drawCentredString(page_w / 2, 20 * mm, url)
    if enterprise_name:
        canvas.drawCentredString(page_w / 2, 14 * mm, enterprise_name)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
