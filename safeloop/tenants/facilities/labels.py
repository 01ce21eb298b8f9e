"""Printable QR labels (二维码标签): A4 sheets of labels and a single large sign.

The QR code is drawn as vector squares from ``qrcode``'s matrix, so it stays
sharp at any printer resolution. Chinese needs a CJK font: WenQuanYi Micro Hei
(Debian's fonts-wqy-microhei) is embedded when present, else reportlab's
built-in CID font STSong-Light, which PDF readers supply themselves.
"""

from __future__ import annotations

import io
import os
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import FILL_NON_ZERO, Canvas

from safeloop.tenants.facilities.qr import QrPoint, qr_matrix

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
FONT_NAME = "WenQuanYiMicroHei"
FALLBACK_FONT = "STSong-Light"
# Printed on every label in both languages whatever the reader's language is:
# the label hangs on a wall for everyone.
INSTRUCTION_ZH = "扫码巡检 / 上报隐患"
INSTRUCTION_EN = "Scan to inspect or report"

PAGE_MARGIN = 8 * mm
CUT_COLOR = (0.6, 0.6, 0.6)
MUTED = (0.35, 0.35, 0.35)


@dataclass(frozen=True)
class SheetLayout:
    """Labels per A4 page; each label keeps ``padding`` clear of its cut lines."""

    key: str
    columns: int
    rows: int
    padding: float
    name_size: float
    text_size: float

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


LAYOUTS = {
    "3x8": SheetLayout("3x8", columns=3, rows=8, padding=3 * mm, name_size=10, text_size=6.5),
    "2x5": SheetLayout("2x5", columns=2, rows=5, padding=5 * mm, name_size=15, text_size=8.5),
}
DEFAULT_LAYOUT = "2x5"


def register_font(path: str = FONT_PATH) -> str:
    """Register the CJK font once and return its reportlab name.

    The TrueType collection at ``path`` is used when it can be read; otherwise
    the built-in CID font.
    """
    name = FONT_NAME if path == FONT_PATH else f"{FONT_NAME}-{zlib.crc32(path.encode())}"
    registered = pdfmetrics.getRegisteredFontNames()
    if name in registered:
        return name
    if os.path.exists(path):
        try:
            pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
            return name
        except TTFError:
            pass
    if FALLBACK_FONT not in registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT


# --- Public entry points -----------------------------------------------------


def label_sheet_pdf(
    points: Sequence[QrPoint], layout: str = DEFAULT_LAYOUT, *, font_path: str = FONT_PATH
) -> bytes:
    """A4 pages of labels, one per point, in the order given."""
    sheet = LAYOUTS[layout]
    font = register_font(font_path)
    out = io.BytesIO()
    canvas = _canvas(out, "QR labels")
    boxes = label_boxes(layout)
    for start in range(0, max(len(points), 1), sheet.per_page):
        _cut_lines(canvas, sheet, boxes[0][2], boxes[0][3])
        for index, point in enumerate(points[start : start + sheet.per_page]):
            _label(canvas, point, font, sheet, *boxes[index])
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def label_boxes(layout: str = DEFAULT_LAYOUT) -> list[tuple[float, float, float, float]]:
    """Where the labels of a page sit: (x, y, width, height) in points, PDF coordinates
    (origin bottom left), row by row from the top left."""
    sheet = LAYOUTS[layout]
    page_w, page_h = A4
    cell_w = (page_w - 2 * PAGE_MARGIN) / sheet.columns
    cell_h = (page_h - 2 * PAGE_MARGIN) / sheet.rows
    return [
        (
            PAGE_MARGIN + col * cell_w,
            page_h - PAGE_MARGIN - (row + 1) * cell_h,
            cell_w,
            cell_h,
        )
        for row in range(sheet.rows)
        for col in range(sheet.columns)
    ]


def sign_pdf(point: QrPoint, *, font_path: str = FONT_PATH) -> bytes:
    """One A4 page for one point: the instruction, a large QR code, the name and code."""
    font = register_font(font_path)
    out = io.BytesIO()
    canvas = _canvas(out, f"{point.code} {point.name}")
    page_w, page_h = A4
    margin = 15 * mm
    width = page_w - 2 * margin
    canvas.setStrokeColorRGB(*CUT_COLOR)
    canvas.setLineWidth(0.5)
    canvas.rect(margin - 5 * mm, margin - 5 * mm, width + 10 * mm, page_h - 2 * margin + 10 * mm)

    y = page_h - margin - 18 * mm
    y = _centred(canvas, INSTRUCTION_ZH, font, 30, page_w / 2, y, width) - 4 * mm
    y = _centred(canvas, INSTRUCTION_EN, font, 18, page_w / 2, y, width, MUTED) - 8 * mm
    qr_size = 150 * mm
    draw_qr(canvas, point.url, (page_w - qr_size) / 2, y - qr_size, qr_size)
    y -= qr_size + 16 * mm
    y = _centred(canvas, point.name, font, 32, page_w / 2, y, width) - 4 * mm
    if point.name_en:
        y = _centred(canvas, point.name_en, font, 18, page_w / 2, y, width) - 3 * mm
    _centred(canvas, point.code, font, 16, page_w / 2, y, width, MUTED)
    footer = " · ".join(part for part in (_place(point), _enterprise_name()) if part)
    _centred(canvas, footer, font, 11, page_w / 2, margin + 2 * mm, width, MUTED)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


# --- Drawing -------------------------------------------------------------------


def _canvas(out: io.BytesIO, title: str) -> Canvas:
    canvas = Canvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("SafeLoop")
    return canvas


def _cut_lines(canvas: Canvas, sheet: SheetLayout, cell_w: float, cell_h: float) -> None:
    page_w, page_h = A4
    canvas.saveState()
    canvas.setStrokeColorRGB(*CUT_COLOR)
    canvas.setLineWidth(0.3)
    canvas.setDash(2, 2)
    for col in range(sheet.columns + 1):
        x = PAGE_MARGIN + col * cell_w
        canvas.line(x, PAGE_MARGIN, x, page_h - PAGE_MARGIN)
    for row in range(sheet.rows + 1):
        y = PAGE_MARGIN + row * cell_h
        canvas.line(PAGE_MARGIN, y, page_w - PAGE_MARGIN, y)
    canvas.restoreState()


def _label(
    canvas: Canvas,
    point: QrPoint,
    font: str,
    sheet: SheetLayout,
    x: float,
    y: float,
    w: float,
    h: float,
) -> None:
    pad = sheet.padding
    qr_size = min(h - 2 * pad, w * 0.5)
    draw_qr(canvas, point.url, x + pad, y + (h - qr_size) / 2, qr_size)
    # The QR's own quiet zone already separates it from the text.
    text_x = x + pad + qr_size
    text_w = x + w - pad - text_x
    top = y + h - pad
    small = sheet.text_size
    line = _Lines(canvas, font, text_x, top, text_w)
    line.write(point.name, sheet.name_size, max_lines=2, min_size=sheet.name_size * 0.7)
    if point.name_en:
        line.write(point.name_en, small + 1, max_lines=2, min_size=small * 0.8)
    line.write(point.code, small + 1, color=MUTED, max_lines=1, min_size=small * 0.7)
    bottom = _Lines(canvas, font, text_x, y + pad + small * 2.8, text_w)
    bottom.write(INSTRUCTION_ZH, small, max_lines=1, min_size=small * 0.7)
    bottom.write(INSTRUCTION_EN, small, color=MUTED, max_lines=1, min_size=small * 0.7)


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """The QR code of ``data`` in a ``size`` square at (x, y), its quiet zone included."""
    matrix = qr_matrix(data)
    module = size / (len(matrix) + 8)
    # Each run reaches a hair into the row below (filled non-zero, so overlaps stay
    # black), or rasterisers leave hairline seams between rows.
    overlap = module * 0.06
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        bottom = y + size - (r + 4 + 1) * module
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            path.rect(
                x + (start + 4) * module, bottom - overlap, (c - start) * module, module + overlap
            )
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1, fillMode=FILL_NON_ZERO)
    canvas.restoreState()


class _Lines:
    """Writes lines downwards from ``top`` in a column ``width`` wide."""

    def __init__(self, canvas: Canvas, font: str, x: float, top: float, width: float):
        self.canvas, self.font, self.x, self.y, self.width = canvas, font, x, top, width

    def write(
        self,
        text: str,
        size: float,
        *,
        max_lines: int,
        min_size: float,
        color: tuple[float, float, float] = (0, 0, 0),
    ) -> None:
        size, lines = _fit(text, self.font, size, min_size, self.width, max_lines)
        self.canvas.setFillColorRGB(*color)
        self.canvas.setFont(self.font, size)
        for text_line in lines:
            self.y -= size * 1.2
            self.canvas.drawString(self.x, self.y, text_line)
        self.y -= size * 0.25


def _centred(
    canvas: Canvas,
    text: str,
    font: str,
    size: float,
    centre_x: float,
    y: float,
    width: float,
    color: tuple[float, float, float] = (0, 0, 0),
) -> float:
    """Draw ``text`` centred (wrapped to two lines if it must) and return the y below it."""
    size, lines = _fit(text, font, size, size * 0.6, width, 2)
    canvas.setFillColorRGB(*color)
    canvas.setFont(font, size)
    for text_line in lines:
        canvas.drawCentredString(centre_x, y, text_line)
        y -= size * 1.25
    return y


# One CJK character, a run of other non-space characters, or a run of spaces.
_TOKENS = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff]+|\s+")


def _fit(
    text: str, font: str, size: float, min_size: float, width: float, max_lines: int
) -> tuple[float, list[str]]:
    """The largest size (down to ``min_size``) at which ``text`` fits; else wrap, then cut."""
    text = " ".join(text.split())
    while size > min_size and pdfmetrics.stringWidth(text, font, size) > width:
        size = max(min_size, size - 0.5)
    lines = wrap_text(text, font, size, width)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _ellipsize(lines[-1], font, size, width, cut=True)
    return size, lines


def wrap_text(text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for token in _TOKENS.findall(text):
        candidate = current + token
        if pdfmetrics.stringWidth(candidate, font, size) <= width or not current.strip():
            current = candidate
            continue
        lines.append(current.rstrip())
        current = token.lstrip()
    if current.strip():
        lines.append(current.rstrip())
    # A single word wider than the column is cut, not left to run off the label.
    return [_ellipsize(line, font, size, width) for line in lines]


def _ellipsize(text: str, font: str, size: float, width: float, *, cut: bool = False) -> str:
    """``text`` if it fits (and was not ``cut``), else as much as fits followed by "…"."""
    if not cut and pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _place(point: QrPoint) -> str:
    area = point.area
    parts = [area.display_name] if point.equipment is not None else []
    parent = area.parent
    while parent is not None:
        parts.append(parent.display_name)
        parent = parent.parent
    return " · ".join(reversed(parts))


def _enterprise_name() -> str:
    tenant = getattr(connection, "tenant", None)
    return getattr(tenant, "name", "") or ""
