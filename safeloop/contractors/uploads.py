"""Checking the files contractors hand in: worker photos, card photos, licence scans.

Pictures are decoded and re-encoded as JPEG, which also drops their EXIF (a
phone photo's GPS position and device are personal information we don't keep).
Scans may be a PDF, kept as sent after a look at its first bytes. Storing goes
through facilities' ``store_photo`` so a full disk is a message, not a 500.
"""

from __future__ import annotations

import io
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from safeloop.platform.errors import field_error

MAX_BYTES = 12 * 1024 * 1024
MAX_PIXELS = 64_000_000
MAX_EDGE_PX = 1600


def _too_large(field: str):
    return field_error(
        field,
        _("A file may be at most %(mb)d MB.") % {"mb": MAX_BYTES // 1024 // 1024},
        "too_large",
    )


def checked_image(upload, *, field: str) -> ContentFile:
    """A JPEG of ``upload`` (at most 1600 px a side, no EXIF), or a field error."""
    if getattr(upload, "size", 0) > MAX_BYTES:
        raise _too_large(field)
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            if image.width * image.height > MAX_PIXELS:
                raise _too_large(field)
            image.load()
        image = ImageOps.exif_transpose(image).convert("RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_large(field) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise field_error(
            field, _("This file is not a picture we can read (JPEG, PNG, WebP)."), "invalid_image"
        ) from None
    image.thumbnail((MAX_EDGE_PX, MAX_EDGE_PX))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name="image.jpg")


def checked_scan(upload, *, field: str) -> tuple[ContentFile, str]:
    """A licence scan: a PDF as sent, or a picture as :func:`checked_image`; with its suffix."""
    if getattr(upload, "size", 0) > MAX_BYTES:
        raise _too_large(field)
    upload.seek(0)
    head = upload.read(5)
    if head == b"%PDF-":
        upload.seek(0)
        return ContentFile(upload.read(), name="scan.pdf"), ".pdf"
    try:
        return checked_image(upload, field=field), ".jpg"
    except ValidationError as exc:
        if exc.error_dict[field][0].code == "too_large":
            raise
        raise field_error(
            field, _("Upload a PDF or a picture of the licence."), "invalid_scan"
        ) from None
