"""Draw SafeLoop's icons: the favicon, the web-app manifest's PNGs and the SVG.

The drawn files are committed under ``safeloop/static/safeloop/icons/``; run this
again after changing the design:

    python -m safeloop.platform.icons

The mark is a closed loop (the hazard followed until it is closed) around a tick
(accepted), white and green on the shell's brand blue. It sits inside the middle
60 % of the square, so launchers that crop icons to a circle ("maskable") keep it.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICON_DIR = Path(__file__).resolve().parents[1] / "static" / "safeloop" / "icons"
BRAND = "#0b3b5b"  # --c-brand in shell.css, also the manifest's theme colour
LOOP = "#32d583"
TICK = "#ffffff"
# (file name, size in px) of the PNGs; the manifest lists the 192 and 512 ones.
PNG_SIZES = [("icon-192.png", 192), ("icon-512.png", 512), ("apple-touch-icon.png", 180)]
ICO_SIZES = [16, 32, 48]

# The design on a 100 × 100 grid, shared by the PNGs and the SVG.
LOOP_CENTRE, LOOP_RADIUS, LOOP_WIDTH = 50, 27, 8
TICK_POINTS = [(37, 51), (46, 60), (64, 41)]
TICK_WIDTH = 8


def draw(size: int, *, rounded: bool = False) -> Image.Image:
    """The icon at ``size`` px, drawn 4× larger and scaled down for smooth edges."""
    scale = size * 4 / 100
    big = int(size * 4)
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    radius = int(18 * scale) if rounded else 0
    pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=radius, fill=BRAND)
    r = LOOP_RADIUS * scale
    c = LOOP_CENTRE * scale
    pen.ellipse((c - r, c - r, c + r, c + r), outline=LOOP, width=int(LOOP_WIDTH * scale))
    points = [(x * scale, y * scale) for x, y in TICK_POINTS]
    width = int(TICK_WIDTH * scale)
    pen.line(points, fill=TICK, width=width, joint="curve")
    for x, y in (points[0], points[-1]):  # round line ends
        pen.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=TICK)
    return image.resize((size, size), Image.LANCZOS)


def svg() -> str:
    tick = " ".join(f"{x},{y}" for x, y in TICK_POINTS)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
        f'<rect width="100" height="100" rx="18" fill="{BRAND}"/>'
        f'<circle cx="{LOOP_CENTRE}" cy="{LOOP_CENTRE}" r="{LOOP_RADIUS}" fill="none" '
        f'stroke="{LOOP}" stroke-width="{LOOP_WIDTH}"/>'
        f'<polyline points="{tick}" fill="none" stroke="{TICK}" stroke-width="{TICK_WIDTH}" '
        'stroke-linecap="round" stroke-linejoin="round"/>'
        "</svg>\n"
    )


def main() -> None:
    ICON_DIR.mkdir(parents=True, exist_ok=True)
    for name, size in PNG_SIZES:
        # Full-bleed squares: launchers round or crop them themselves.
        draw(size).save(ICON_DIR / name, optimize=True)
    draw(64, rounded=True).save(ICON_DIR / "favicon.ico", sizes=[(s, s) for s in ICO_SIZES])
    (ICON_DIR / "icon.svg").write_text(svg(), encoding="utf-8")


if __name__ == "__main__":
    main()
