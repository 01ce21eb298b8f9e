"""The printable site pass (出入证卡片): one ID-card-sized page (85.6 × 54 mm, ISO/IEC
7810 ID-1) with the holder's photo, name, company, pass number, validity and the QR
code the guard scans. Printed on any printer at 100 % and cut out, or on a card printer.

The card is only a carrier of the QR code: the gate judges the pass afresh on every
scan, so a card printed before a suspension still shows red at the gate. A card of a
pass that is not valid now says so across its foot.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from safeloop.contractors.models import PassStatus, SitePass
from safeloop.tenants.facilities.labels import MUTED, draw_qr, register_font

CARD = (85.6 * mm, 53.98 * mm)
BAND = (0.043, 0.231, 0.357)  # the shell's #0b3b5b
RED = (0.70, 0.15, 0.12)
# Both languages whatever the printer's: guards and holders read either.
TITLE_ZH = "出入证"
TITLE_EN = "SITE PASS"
NOT_VALID = {
    PassStatus.SUSPENDED: "已暂停 · SUSPENDED",
    PassStatus.REVOKED: "已收回 · REVOKED",
}
SCAN_HINT = "门岗扫码核验 · Scan at the gate"
# The number and dates in a plain Latin face: sharper at 9 pt than the CJK font's digits.
LATIN_BOLD = "Helvetica-Bold"
LATIN = "Helvetica"


def _fit(text: str, font: str, size: float, width: float, smallest: float = 5) -> float:
    """The largest size up to ``size`` at which ``text`` fits in ``width``."""
    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def _clip(text: str, font: str, size: float, width: float) -> str:
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _photo(site_pass: SitePass) -> ImageReader | None:
    photo = site_pass.worker.photo
    if not photo or not photo.name:
        return None
    try:
        with photo.open("rb") as stream:
            image = Image.open(io.BytesIO(stream.read()))
            image = ImageOps.exif_transpose(image).convert("RGB")
    except (OSError, ValueError):
        return None
    # A 3:4 portrait, cut from the middle, small enough for a card.
    image = ImageOps.fit(image, (300, 400), Image.Resampling.LANCZOS)
    return ImageReader(image)


def pass_card_pdf(site_pass: SitePass, url: str, enterprise_name: str = "") -> bytes:
    font = register_font()
    worker = site_pass.worker
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=CARD, pageCompression=1)
    canvas.setTitle(f"{TITLE_ZH} {site_pass.number}")
    canvas.setSubject(site_pass.number)
    canvas.setCreator("SafeLoop")
    width, height = CARD
    pad = 3 * mm

    # The band: what this card is, and whose site.
    band_h = 9 * mm
    canvas.setFillColorRGB(*BAND)
    canvas.rect(0, height - band_h, width, band_h, stroke=0, fill=1)
    canvas.setFillColorRGB(1, 1, 1)
    canvas.setFont(font, 11)
    canvas.drawString(pad, height - 6.2 * mm, TITLE_ZH)
    canvas.setFont(LATIN_BOLD, 6.5)
    canvas.drawString(pad + stringWidth(TITLE_ZH, font, 11) + 1.5 * mm, height - 6 * mm, TITLE_EN)
    if enterprise_name:
        room = width / 2 - pad
        size = _fit(enterprise_name, font, 7, room)
        canvas.setFont(font, size)
        canvas.drawRightString(
            width - pad, height - 5.8 * mm, _clip(enterprise_name, font, size, room)
        )

    # The photo, left.
    photo_w, photo_h = 19 * mm, 25.3 * mm
    photo_x, photo_top = pad, height - band_h - 2.5 * mm
    photo = _photo(site_pass)
    if photo is not None:
        canvas.drawImage(photo, photo_x, photo_top - photo_h, photo_w, photo_h)
    else:
        canvas.setStrokeColorRGB(*MUTED)
        canvas.setDash(1.5, 1.5)
        canvas.rect(photo_x, photo_top - photo_h, photo_w, photo_h, stroke=1, fill=0)
        canvas.setDash()
    canvas.setStrokeColorRGB(0.8, 0.8, 0.8)
    canvas.rect(photo_x, photo_top - photo_h, photo_w, photo_h, stroke=1, fill=0)

    # The QR code, right.
    qr_size = 27 * mm
    qr_x = width - pad - qr_size + 1.5 * mm
    qr_y = height - band_h - 1 * mm - qr_size
    draw_qr(canvas, url, qr_x, qr_y, qr_size)

    # The facts, between them.
    text_x = photo_x + photo_w + 2.5 * mm
    room = qr_x - text_x
    y = height - band_h - 6.5 * mm
    canvas.setFillColorRGB(0, 0, 0)
    size = _fit(worker.name, font, 13, room, smallest=8)
    canvas.setFont(font, size)
    canvas.drawString(text_x, y, _clip(worker.name, font, size, room))
    y -= 5 * mm
    company = worker.company.name
    size = _fit(company, font, 7, room, smallest=5)
    canvas.setFont(font, size)
    canvas.drawString(text_x, y, _clip(company, font, size, room))
    if worker.crew_id:
        y -= 3.6 * mm
        canvas.setFillColorRGB(*MUTED)
        canvas.setFont(font, 6)
        canvas.drawString(text_x, y, _clip(worker.crew.name, font, 6, room))
    y -= 6 * mm
    canvas.setFillColorRGB(*MUTED)
    canvas.setFont(font, 5.5)
    canvas.drawString(text_x, y + 4 * mm, "编号 No.")
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(LATIN_BOLD, 10)
    canvas.drawString(text_x, y, site_pass.number)
    y -= 6.5 * mm
    canvas.setFillColorRGB(*MUTED)
    canvas.setFont(font, 5.5)
    canvas.drawString(text_x, y + 3.4 * mm, "有效期至 Valid until")
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(LATIN_BOLD, 8.5)
    until = site_pass.valid_until.isoformat() if site_pass.valid_until else "—"
    canvas.drawString(text_x, y, until)

    # The foot: scan to check, or why this card is not valid now.
    foot = NOT_VALID.get(site_pass.status)
    if foot:
        canvas.setFillColorRGB(*RED)
        canvas.rect(0, 0, width, 6 * mm, stroke=0, fill=1)
        canvas.setFillColorRGB(1, 1, 1)
        canvas.setFont(font, 8)
        canvas.drawCentredString(width / 2, 2 * mm, foot)
    else:
        canvas.setFillColorRGB(*MUTED)
        canvas.setFont(font, 5.5)
        canvas.drawCentredString(qr_x + qr_size / 2, qr_y - 0.5 * mm, SCAN_HINT)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
