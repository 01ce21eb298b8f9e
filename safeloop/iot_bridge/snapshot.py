"""The curve as a picture: the evidence a sensor-opened hazard carries.

Whoever is assigned the hazard sees, in its photos, the sensor's last 30
minutes up to the moment it opened, with the three limits drawn, without
opening the alarm page (and after the readings have aged out).
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageColor, ImageDraw

from safeloop.iot_bridge.models import Reading, Sensor
from safeloop.iot_bridge.selectors import LEVEL_COLOURS
from safeloop.tenants.facilities.photos import font_for

WIDTH, HEIGHT = 1200, 675
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 110, 40, 90, 70
LEVEL_RGB = {level: ImageColor.getrgb(colour) for level, colour in LEVEL_COLOURS.items()}
INK = (11, 59, 91)


def curve_png(sensor: Sensor, until: datetime, *, title: str, minutes: int = 30) -> ContentFile:
    since = until - timedelta(minutes=minutes)
    points = list(
        Reading.objects.filter(sensor=sensor, ts__gt=since, ts__lte=until)
        .order_by("ts")
        .values_list("ts", "value")
    )
    limits = [(t.level, t.limit) for t in sensor.thresholds.all() if t.direction == "high"]
    top = max([v for _, v in points] + [limit for _, limit in limits] + [sensor.range_min + 1e-9])
    top *= 1.15
    bottom = sensor.range_min
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

    def xy(ts: datetime, value: float) -> tuple[float, float]:
        x = MARGIN_LEFT + (ts - since).total_seconds() / (minutes * 60) * plot_w
        y = MARGIN_TOP + (1 - (value - bottom) / (top - bottom)) * plot_h
        return x, y

    draw.text((MARGIN_LEFT, 20), title, fill=INK, font=font_for(30, title))
    draw.rectangle(
        [MARGIN_LEFT, MARGIN_TOP, WIDTH - MARGIN_RIGHT, HEIGHT - MARGIN_BOTTOM], outline=(200,) * 3
    )
    for i in range(5):
        value = bottom + (top - bottom) * i / 4
        _, y = xy(since, value)
        label = f"{value:.2f}"
        draw.line([MARGIN_LEFT, y, WIDTH - MARGIN_RIGHT, y], fill=(235,) * 3)
        draw.text((10, y - 12), label, fill=(90,) * 3, font=font_for(20, label))
    unit = sensor.unit
    draw.text((10, MARGIN_TOP - 40), unit, fill=(90,) * 3, font=font_for(20, unit))
    for i in range(4):
        moment = since + timedelta(minutes=minutes * i / 3)
        x, _ = xy(moment, bottom)
        label = timezone.localtime(moment).strftime("%H:%M")
        draw.text((x - 25, HEIGHT - MARGIN_BOTTOM + 12), label, fill=(90,) * 3, font=font_for(20))
    for level, limit in limits:
        _, y = xy(since, limit)
        colour = LEVEL_RGB.get(level, (120,) * 3)
        for x in range(MARGIN_LEFT, WIDTH - MARGIN_RIGHT, 24):
            draw.line([x, y, min(x + 12, WIDTH - MARGIN_RIGHT), y], fill=colour, width=3)
        label = f"L{level} {limit:g}"
        draw.text(
            (WIDTH - MARGIN_RIGHT - 110, y - 28), label, fill=colour, font=font_for(22, label)
        )
    if len(points) > 1:
        draw.line([xy(ts, v) for ts, v in points], fill=INK, width=4, joint="curve")
    for ts, value in points[-1:]:
        x, y = xy(ts, value)
        draw.ellipse([x - 7, y - 7, x + 7, y + 7], fill=INK)
    out = io.BytesIO()
    image.save(out, "PNG")
    return ContentFile(out.getvalue(), name="curve.png")
