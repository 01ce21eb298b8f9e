"""Pictures the demo needs and nobody photographed: the site plan, evidence photos
and drawn signatures, made with Pillow so the demo ships no binary files.

Labels are Chinese when a CJK font is installed (Debian's fonts-wqy-microhei or
Noto CJK); without one the English names are drawn, never boxes of tofu.
"""

from __future__ import annotations

import base64
import io
import random
from functools import cache
from pathlib import Path

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

from safeloop.tenants.facilities.photos import CJK_FONTS, LATIN_FONTS

PLAN_SIZE = (1600, 1000)
Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 as fractions of the plan

# The site: each workshop's building and the areas inside it (area code → rect).
WORKSHOPS: dict[str, Rect] = {
    "W1": (0.04, 0.07, 0.35, 0.45),
    "W2": (0.41, 0.07, 0.71, 0.45),
    "W3": (0.04, 0.55, 0.35, 0.93),
    "W4": (0.41, 0.55, 0.71, 0.93),
    "W5": (0.76, 0.07, 0.96, 0.45),
}
AREAS: dict[str, Rect] = {
    "W1-A1": (0.05, 0.12, 0.20, 0.44),
    "W1-A2": (0.21, 0.12, 0.34, 0.27),
    "W1-A3": (0.21, 0.29, 0.34, 0.44),
    "W2-A1": (0.42, 0.12, 0.56, 0.44),
    "W2-A2": (0.57, 0.12, 0.70, 0.27),
    "W2-A3": (0.57, 0.29, 0.70, 0.44),
    "W3-A1": (0.05, 0.60, 0.20, 0.92),
    "W3-A2": (0.21, 0.60, 0.34, 0.75),
    "W3-A3": (0.21, 0.77, 0.34, 0.92),
    "W4-A1": (0.42, 0.60, 0.56, 0.92),
    "W4-A2": (0.57, 0.60, 0.70, 0.75),
    "W4-A3": (0.57, 0.77, 0.70, 0.92),
    "W5-A1": (0.77, 0.12, 0.95, 0.27),
    "W5-A2": (0.77, 0.29, 0.95, 0.44),
}
# Buildings without a zone: (rect, Chinese, English).
OTHER_BUILDINGS = [
    ((0.76, 0.55, 0.96, 0.74), "综合办公楼", "Office"),
    ((0.76, 0.78, 0.96, 0.93), "停车场", "Car park"),
]


@cache
def _font_path(chinese: bool) -> str | None:
    for candidate in CJK_FONTS if chinese else LATIN_FONTS + CJK_FONTS:
        if Path(candidate).exists():
            return candidate
    return None


def has_cjk_font() -> bool:
    return _font_path(True) is not None


def font(size: int, chinese: bool = True):
    path = _font_path(chinese)
    try:
        return ImageFont.truetype(path, size) if path else ImageFont.load_default(size=size)
    except OSError:
        return ImageFont.load_default(size=size)


def _box(rect: Rect) -> tuple[int, int, int, int]:
    w, h = PLAN_SIZE
    return (round(rect[0] * w), round(rect[1] * h), round(rect[2] * w), round(rect[3] * h))


def _label(draw: ImageDraw.ImageDraw, rect: Rect, text: str, size: int, fill) -> None:
    x0, y0, x1, y1 = _box(rect)
    face = font(size, not text.isascii())
    left, top, right, bottom = draw.textbbox((0, 0), text, font=face)
    x = (x0 + x1 - (right - left)) / 2
    y = (y0 + y1 - (bottom - top)) / 2
    draw.text((x, y), text, fill=fill, font=face)


def site_plan_png(names: dict[str, tuple[str, str]]) -> ContentFile:
    """A plausible plan of the main plant: roads, the gate, five workshops with
    their areas, the office and the car park. ``names``: area code → (Chinese,
    English)."""
    chinese = has_cjk_font()
    image = Image.new("RGB", PLAN_SIZE, (236, 239, 232))
    draw = ImageDraw.Draw(image)
    w, h = PLAN_SIZE
    draw.rectangle((8, 8, w - 9, h - 9), outline=(90, 98, 90), width=6)  # the fence
    road = (200, 203, 206)
    draw.rectangle(_box((0.0, 0.47, 1.0, 0.53)), fill=road)  # main road, west–east
    draw.rectangle(_box((0.36, 0.0, 0.40, 1.0)), fill=road)
    draw.rectangle(_box((0.72, 0.0, 0.75, 1.0)), fill=road)
    for x in range(0, w, 48):  # the centre line
        draw.line((x, h * 0.5, x + 24, h * 0.5), fill=(250, 250, 250), width=3)
    draw.rectangle(_box((0.36, 0.965, 0.40, 1.0)), fill=(120, 126, 120))
    _label(draw, (0.30, 0.935, 0.36, 0.99), "大门" if chinese else "Gate", 22, (40, 44, 40))
    for code, rect in WORKSHOPS.items():
        draw.rectangle(_box(rect), fill=(250, 250, 247), outline=(70, 76, 84), width=4)
        title = names.get(code, (code, code))[0 if chinese else 1]
        top = (rect[0], rect[1], rect[2], rect[1] + 0.05)
        _label(draw, top, f"{code} {title}", 26, (30, 34, 40))
    for code, rect in AREAS.items():
        draw.rectangle(_box(rect), fill=(243, 244, 240), outline=(150, 156, 160), width=2)
        # Small, in the corner as on a drawing: the map's zone label takes the middle.
        title = names.get(code, (code, code))[0 if chinese else 1]
        x0, _y0, _x1, y1 = _box(rect)
        draw.text((x0 + 8, y1 - 28), f"{code} {title}", fill=(110, 116, 122), font=font(16))
    for rect, zh, en in OTHER_BUILDINGS:
        draw.rectangle(_box(rect), fill=(228, 230, 236), outline=(110, 116, 124), width=3)
        _label(draw, rect, zh if chinese else en, 24, (60, 66, 72))
    # North arrow and scale bar, as on a real drawing.
    draw.polygon([(w - 60, 30), (w - 75, 80), (w - 45, 80)], fill=(40, 44, 40))
    _label(draw, (0.93, 0.085, 0.98, 0.12), "N", 22, (40, 44, 40))
    draw.line((40, h - 24, 200, h - 24), fill=(40, 44, 40), width=4)
    draw.text((212, h - 36), "50 m", fill=(40, 44, 40), font=font(18, False))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name="site-plan.png")


def polygon(rect: Rect) -> list[list[float]]:
    x0, y0, x1, y1 = rect
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]


def scene_jpeg(caption: str, seed: int, *, fixed: bool = False) -> ContentFile:
    """A stand-in for a phone photo: a shop floor, a machine, a hazard stripe
    (or, ``fixed``, a green guard) and what it shows written on it. Five
    looks per caption: the week's rounds reuse them instead of drawing 100."""
    return ContentFile(_scene(caption, seed % 5, fixed), name=f"photo-{seed}.jpg")


@cache
def _scene(caption: str, seed: int, fixed: bool) -> bytes:
    rng = random.Random(f"{caption}-{seed}")
    width, height = 640, 480
    floor = (rng.randint(120, 150), rng.randint(120, 140), rng.randint(110, 130))
    image = Image.new("RGB", (width, height), floor)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 180), fill=(rng.randint(170, 200),) * 3)  # the wall
    x = rng.randint(60, 260)
    machine = (rng.randint(40, 90), rng.randint(90, 140), rng.randint(150, 200))
    draw.rectangle((x, 120, x + 260, 380), fill=machine, outline=(30, 30, 30), width=4)
    draw.rectangle((x + 30, 160, x + 120, 240), fill=(210, 220, 225), outline=(30, 30, 30))
    if fixed:
        draw.rectangle((x - 20, 300, x + 280, 400), outline=(40, 160, 70), width=10)
    else:
        for i in range(0, 300, 40):  # yellow-and-black warning stripe
            draw.polygon(
                [(x - 20 + i, 400), (x + i, 400), (x + 20 + i, 380), (x + i, 380)],
                fill=(240, 200, 0),
            )
    draw.rectangle((0, 20, width, 70), fill=(255, 255, 255))
    draw.text((16, 28), caption, fill=(20, 20, 20), font=font(28, not caption.isascii()))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def signature_data_url(seed: int) -> str:
    """A signature as a phone's canvas sends it: a PNG data URL of a few strokes."""
    rng = random.Random(seed)
    image = Image.new("RGBA", (480, 160), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    x, y = 30, 90
    points = [(x, y)]
    for _ in range(14):
        x += rng.randint(15, 32)
        y = max(25, min(135, y + rng.randint(-45, 45)))
        points.append((x, y))
    draw.line(points, fill=(20, 30, 80, 255), width=5, joint="curve")
    draw.line([(40, 128), (x, 118)], fill=(20, 30, 80, 255), width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()
