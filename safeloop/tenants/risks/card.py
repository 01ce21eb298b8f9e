"""Risk notification cards (岗位风险告知卡): one printable A4 page per risk point.

A card hangs at the post for everyone who works there, so like the QR labels
it is printed in Chinese with English beside it whatever the reader's
language: the point, its colour as a wide band, what can go wrong there (GB
6441 accident types), the control measures by kind, the emergency actions,
whom to call, and a QR code back to the point's QR hub (``/q/<token>/`` of the
machine or area where the risk is inspected — see ``risks.checks``).

Long registers are made to fit: the text shrinks, then the English lines go,
then the list is cut with a note to see the rest on the point's page.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone, translation
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from safeloop.tenants.facilities.labels import (
    FONT_PATH,
    INSTRUCTION_EN,
    INSTRUCTION_ZH,
    draw_qr,
    register_font,
    wrap_text,
)
from safeloop.tenants.facilities.qr import point_url
from safeloop.tenants.risks.checks import check_target
from safeloop.tenants.risks.export import (
    BAND_ZH,
    LEVEL_ZH,
    MEASURE_KIND_ZH,
    POINT_KIND_ZH,
    UNASSESSED_ZH,
)
from safeloop.tenants.risks.models import (
    ControlLevel,
    MeasureKind,
    RiskPoint,
    RiskPointKind,
    RiskSettings,
)
from safeloop.tenants.risks.reports import active_measures, latest_assessment, register_queryset
from safeloop.tenants.risks.scoring import BAND_COLOURS, Band, Method
from safeloop.tenants.risks.selectors import UNASSESSED_COLOUR

TITLE_ZH, TITLE_EN = "岗位风险告知卡", "Risk notification card"
BAND_EN = {
    Band.RED: "Major risk",
    Band.ORANGE: "Serious risk",
    Band.YELLOW: "General risk",
    Band.BLUE: "Low risk",
}
UNASSESSED_EN = "Not assessed"
EMERGENCY_LINE = "应急电话 Emergency:  火警 Fire 119 · 急救 Ambulance 120 · 报警 Police 110"
SITE_EMERGENCY = "厂内应急值班 Site emergency:"
REPORT_LINE = "发现隐患请扫码上报 · Found a hazard? Scan the code to report it"
MORE_ZH, MORE_EN = "……其余内容见风险点页面", "… the rest is on the risk point's page"

MARGIN = 12 * mm
PAGE_W, PAGE_H = A4
WIDTH = PAGE_W - 2 * MARGIN
QR_SIZE = 46 * mm
BLACK, MUTED, RULE = (0, 0, 0), (0.38, 0.38, 0.38), (0.75, 0.75, 0.75)
SECTION_FILL = (0.91, 0.93, 0.95)
SIZES = [13 - 0.5 * n for n in range(14)]  # 13 pt (a sparse card) down to 6.5 pt


def _english(label) -> str:
    with translation.override("en"):
        return str(label)


def _rgb(colour: str) -> tuple[float, float, float]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4))


def qr_url(point: RiskPoint) -> str:
    """What the card's QR code encodes: the QR hub of the point's machine or area."""
    return point_url(check_target(point).qr_token)


# --- What a card says ------------------------------------------------------------


@dataclass
class Para:
    """One paragraph of the flowing part: ``role`` sets its size and look."""

    text: str
    role: str  # "section", "sub", "item" or "en"
    indent: float = 0


def _score_text(point: RiskPoint) -> str:
    assessment = latest_assessment(point)
    if assessment is None:
        return ""
    symbol = "D" if assessment.method == Method.LEC else "R"
    value = format(assessment.residual_score.normalize(), "f")
    return f"{symbol} = {value}"


def _area_names(point: RiskPoint) -> tuple[str, str]:
    zh, en, area = [], [], point.area
    while area is not None and len(zh) < 5:
        zh.append(area.name)
        en.append(area.name_en or area.name)
        area = area.parent
    return " / ".join(reversed(zh)), " / ".join(reversed(en))


def _paras(point: RiskPoint) -> list[Para]:
    paras = [Para("危险源及可能导致的事故 · Hazard sources and possible accidents", "section")]
    sources = list(point.sources.all())
    for n, source in enumerate(sources, start=1):
        # Named as in the edition the source was written in, which the card cites.
        edition = source.accident_edition_label
        types_zh = "、".join(source.accident_type_chinese)
        with translation.override("en"):
            types_en = ", ".join(source.accident_type_labels)
        paras.append(Para(f"{n}. {source.description} — 可能导致（{edition}）：{types_zh}", "item"))
        en = f"{source.description_en} — " if source.description_en else ""
        paras.append(Para(f"{en}may cause ({edition}): {types_en}", "en", indent=1))
    if not sources:
        paras.append(Para("—", "item"))
    measures = active_measures(point)
    paras.append(Para("管控措施 · Control measures", "section"))
    controls = [m for m in measures if m.kind != MeasureKind.EMERGENCY]
    for kind in MeasureKind:
        if kind == MeasureKind.EMERGENCY:
            continue
        mine = [m for m in controls if m.kind == kind]
        if mine:
            paras.append(Para(f"{MEASURE_KIND_ZH[kind]} {_english(kind.label)}", "sub"))
            paras += _measure_paras(mine)
    if not controls:
        paras.append(Para("—", "item"))
    paras.append(Para("应急处置措施 · Emergency actions", "section"))
    emergency = [m for m in measures if m.kind == MeasureKind.EMERGENCY]
    paras += _measure_paras(emergency) or [Para("—", "item")]
    return paras


def _measure_paras(measures) -> list[Para]:
    paras = []
    for m in measures:
        level = f"（{LEVEL_ZH[m.level]}）" if m.level in LEVEL_ZH else ""
        paras.append(Para(f"• {m.description}{level}", "item"))
        if m.description_en:
            paras.append(Para(m.description_en, "en", indent=1))
    return paras


# --- Drawing ---------------------------------------------------------------------


class _Flow:
    """Lays paragraphs out downwards; ``draw`` False only measures."""

    LOOK = {"section": (1.1, BLACK), "sub": (1.0, (0.1, 0.25, 0.45)), "item": (1.0, BLACK)}

    def __init__(self, canvas: Canvas, font: str, size: float):
        self.canvas, self.font, self.size = canvas, font, size

    def _look(self, role: str) -> tuple[float, tuple]:
        return self.LOOK.get(role, (0.85, MUTED))

    def lines(self, para: Para) -> tuple[float, list[str]]:
        scale, _colour = self._look(para.role)
        size = self.size * scale
        indent = para.indent * self.size * 1.2 + (3 * mm if para.role == "section" else 0)
        text = " ".join(para.text.split())
        return size, wrap_text(text, self.font, size, WIDTH - indent - 3 * mm)

    def height(self, para: Para) -> float:
        size, lines = self.lines(para)
        gap = size * 0.9 if para.role == "section" else size * 0.2
        return len(lines) * size * 1.3 + gap

    def draw(self, para: Para, y: float) -> float:
        size, lines = self.lines(para)
        scale, colour = self._look(para.role)
        x = MARGIN + para.indent * self.size * 1.2
        canvas = self.canvas
        if para.role == "section":
            y -= size * 0.5
            box = len(lines) * size * 1.3 + size * 0.3
            canvas.setFillColorRGB(*SECTION_FILL)
            canvas.rect(MARGIN, y - box, WIDTH, box, stroke=0, fill=1)
            x += 3 * mm
        canvas.setFillColorRGB(*colour)
        canvas.setFont(self.font, size)
        for line in lines:
            y -= size * 1.3
            canvas.drawString(x, y + size * 0.25, line)
        return y - (size * 0.4 if para.role == "section" else size * 0.2)


def _fitting(canvas: Canvas, font: str, paras: list[Para], room: float) -> tuple[_Flow, list]:
    """The largest size the paragraphs fit at; without English lines if they must go;
    cut (with a note) when even that fails."""
    for keep in (paras, [p for p in paras if p.role != "en"]):
        for size in SIZES:
            flow = _Flow(canvas, font, size)
            if sum(flow.height(p) for p in keep) <= room:
                return flow, keep
    flow = _Flow(canvas, font, SIZES[-1])
    more = Para(f"{MORE_ZH} {MORE_EN}", "en")
    fitted, used = [], flow.height(more)
    for para in keep:
        used += flow.height(para)
        if used > room:
            break
        fitted.append(para)
    return flow, [*fitted, more]


def _centred(canvas: Canvas, text: str, font: str, size: float, y: float, colour=BLACK) -> None:
    canvas.setFillColorRGB(*colour)
    canvas.setFont(font, size)
    canvas.drawCentredString(PAGE_W / 2, y, text)


def _band(canvas: Canvas, point: RiskPoint, font: str, top: float) -> float:
    height = 20 * mm
    colour = BAND_COLOURS.get(point.band, UNASSESSED_COLOUR)
    canvas.setFillColorRGB(*_rgb(colour))
    canvas.rect(MARGIN, top - height, WIDTH, height, stroke=0, fill=1)
    ink = BLACK if point.band == Band.YELLOW else (1, 1, 1)
    name_zh = BAND_ZH.get(point.band, UNASSESSED_ZH)
    name_en = BAND_EN.get(point.band, UNASSESSED_EN)
    _centred(canvas, f"{name_zh}  {name_en}", font, 24, top - height / 2 - 8, ink)
    score = _score_text(point)
    if score:
        canvas.setFont(font, 11)
        canvas.drawRightString(MARGIN + WIDTH - 4 * mm, top - height + 4 * mm, score)
    return top - height


def _facts(point: RiskPoint) -> list[tuple[str, str]]:
    area_zh, area_en = _area_names(point)
    kind = RiskPointKind(point.kind)
    level = point.control_level
    person = point.responsible
    who = " ".join(part for part in (person.full_name, person.phone) if part) if person else "—"
    return [
        ("编号 Code", point.code),
        ("区域 Area", area_zh if area_zh == area_en else f"{area_zh}  {area_en}"),
        ("类型 Kind", f"{POINT_KIND_ZH.get(kind, '')} {_english(kind.label)}"),
        (
            "管控层级 Level",
            f"{LEVEL_ZH[level]} {_english(ControlLevel(level).label)}" if level else "—",
        ),
        ("责任人 Responsible", who),
    ]


def _head(canvas: Canvas, point: RiskPoint, font: str, top: float) -> float:
    """The facts on the left, the QR code on the right; returns the y below both."""
    text_w = WIDTH - QR_SIZE - 4 * mm
    draw_qr(canvas, qr_url(point), MARGIN + WIDTH - QR_SIZE, top - QR_SIZE, QR_SIZE)
    canvas.setFont(font, 7.5)
    canvas.setFillColorRGB(*MUTED)
    qr_centre = MARGIN + WIDTH - QR_SIZE / 2
    canvas.drawCentredString(qr_centre, top - QR_SIZE - 1 * mm, INSTRUCTION_ZH)
    canvas.drawCentredString(qr_centre, top - QR_SIZE - 4.5 * mm, INSTRUCTION_EN)
    y = top - 4 * mm
    for size, text, colour in ((20, point.name, BLACK), (12, point.name_en, MUTED)):
        for line in wrap_text(" ".join(text.split()), font, size, text_w)[:2]:
            y -= size * 1.2
            canvas.setFillColorRGB(*colour)
            canvas.setFont(font, size)
            canvas.drawString(MARGIN, y, line)
    y -= 3 * mm
    key_w = 30 * mm
    for key, value in _facts(point):
        lines = wrap_text(" ".join(value.split()), font, 10, text_w - key_w)[:2] or [""]
        y -= 10 * 1.35
        canvas.setFont(font, 8.5)
        canvas.setFillColorRGB(*MUTED)
        canvas.drawString(MARGIN, y, key)
        canvas.setFont(font, 10)
        canvas.setFillColorRGB(*BLACK)
        for n, line in enumerate(lines):
            canvas.drawString(MARGIN + key_w, y - n * 10 * 1.25, line)
        y -= (len(lines) - 1) * 10 * 1.25
    return min(y, top - QR_SIZE - 7 * mm) - 3 * mm


def _footer(canvas: Canvas, point: RiskPoint, font: str, phone: str) -> float:
    """Whom to call and how to report, at the foot of the page; returns its top."""
    y = MARGIN
    tenant = getattr(connection, "tenant", None)
    printed = f"{timezone.localdate():%Y-%m-%d}"
    who = " · ".join(part for part in (getattr(tenant, "name", ""), printed) if part)
    _centred(canvas, who, font, 8, y, MUTED)
    _centred(canvas, REPORT_LINE, font, 10, y + 13, BLACK)
    _centred(canvas, EMERGENCY_LINE, font, 12, y + 29, BLACK)
    top = y + 29 + 16
    if phone:
        _centred(canvas, f"{SITE_EMERGENCY} {phone}", font, 14, top, BLACK)
        top += 20
    canvas.setStrokeColorRGB(*_rgb(BAND_COLOURS.get(point.band, UNASSESSED_COLOUR)))
    canvas.setLineWidth(2)
    canvas.line(MARGIN, top, MARGIN + WIDTH, top)
    return top + 2 * mm


def _card(canvas: Canvas, point: RiskPoint, font: str, phone: str) -> None:
    top = PAGE_H - MARGIN
    _centred(canvas, TITLE_ZH, font, 26, top - 24)
    _centred(canvas, TITLE_EN, font, 12, top - 40, MUTED)
    y = _band(canvas, point, font, top - 48) - 4 * mm
    y = _head(canvas, point, font, y)
    bottom = _footer(canvas, point, font, phone)
    flow, paras = _fitting(canvas, font, _paras(point), y - bottom)
    for para in paras:
        y = flow.draw(para, y)


def risk_card_pdf(points: Sequence[RiskPoint], *, font_path: str = FONT_PATH) -> bytes:
    """One A4 notification card per risk point, in the order given."""
    font = register_font(font_path)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"{TITLE_ZH} {points[0].code}" if len(points) == 1 else TITLE_ZH)
    canvas.setCreator("SafeLoop")
    phone = RiskSettings.current().emergency_phone
    for point in points:
        _card(canvas, point, font, phone)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def cards_for(qs) -> list[RiskPoint]:
    """The points of ``qs`` with everything a card shows, in few queries."""
    return list(register_queryset(qs))
