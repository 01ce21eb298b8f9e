"""Hazard test helpers: real photos made with Pillow, a hazard at Acme's workshop W1."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

SIGNATURE = None


def make_photo(
    name: str = "site.jpg",
    *,
    color=(200, 60, 40),
    size=(2400, 1800),
    taken: datetime | None = None,
    fmt: str = "JPEG",
) -> SimpleUploadedFile:
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    kwargs = {}
    if taken is not None:
        exif = Image.Exif()
        exif[0x0132] = taken.strftime("%Y:%m:%d %H:%M:%S")  # DateTime
        kwargs["exif"] = exif
    image.save(out, format=fmt, **kwargs)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png"}[fmt]
    return SimpleUploadedFile(name, out.getvalue(), content_type=content_type)


def make_signature() -> str:
    import base64

    image = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    from PIL import ImageDraw

    ImageDraw.Draw(image).line(
        [(10, 100), (100, 20), (200, 90), (290, 30)], fill=(0, 0, 0, 255), width=4
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


@pytest.fixture
def w1_area(in_acme):
    from safeloop.tenants.facilities.models import Area

    return Area.objects.filter(parent__code="W1").order_by("code").first()


@pytest.fixture
def press(in_acme, w1_area, wang):
    from safeloop.tenants.facilities.models import EquipmentType
    from safeloop.tenants.facilities.services import create_equipment

    return create_equipment(
        by=wang,
        code="PR-T01",
        name="Press",
        area=w1_area,
        equipment_type=EquipmentType.objects.get(code="PRESS"),
    )


@pytest.fixture
def library(in_acme):
    from safeloop.tenants.hazards.models import LibraryEntry

    def pick(grade: str, category: str = "mechanical"):
        return (
            LibraryEntry.objects.filter(grade=grade, category__code=category).first()
            or LibraryEntry.objects.filter(grade=grade).first()
        )

    return pick
