"""Evidence photos: checked, resized, stamped with time, GPS and who took them.

Seed 004 asks for "photo + GPS watermark + timestamp" so a photo can't be
re-used or back-filled; the original EXIF time is kept and a photo taken long
before the report is flagged.
"""

from __future__ import annotations

import errno
import io
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from safeloop.platform.errors import field_error

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 12 * 1024 * 1024
MAX_EDGE_PX = 1600
# A 48-megapixel phone camera is the largest we expect; a few kilobytes of PNG can
# claim 20000 x 20000 pixels and take gigabytes to decode, so size is read first.
MAX_PHOTO_PIXELS = 64_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "HEIF", "MPO"}
# A photo whose camera time is this much older than the report is flagged.
STALE_AFTER = timedelta(hours=24)
# Fonts for the stamp: Latin text (dates, GPS, numbers) in DejaVu; lines with
# Chinese (names) in a CJK font. Droid's fallback font has CJK glyphs only, so it
# must never draw the Latin lines.
LATIN_FONTS = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"]
CJK_FONTS = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
]

try:  # HEIC from iPhones, when the plugin is installed (it ships with Wagtail's deps)
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover
    pass


@dataclass
class ProcessedPhoto:
    content: ContentFile
    width: int
    height: int
    taken_at: datetime | None
    is_stale: bool


@dataclass(frozen=True)
class StampedPhoto:
    """A stored photo that ``process_photo`` already checked and stamped (an
    inspection answer's). Passed where an upload goes, it is stored again as it
    is: stamping it twice would draw a second band over the first."""

    file: File


def _exif_time(image: Image.Image) -> datetime | None:
    try:
        exif = image.getexif()
    except Exception:  # noqa: BLE001 — broken EXIF is just absent EXIF
        return None
    raw = exif.get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.DateTimeOriginal) or exif.get(
        ExifTags.Base.DateTime
    )
    if not raw:
        return None
    try:
        naive = datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    # Cameras write local time without a zone; read it in the enterprise's zone.
    return timezone.make_aware(naive, timezone.get_current_timezone())


def font_for(size: int, text: str = ""):
    candidates = CJK_FONTS + LATIN_FONTS if not text.isascii() else LATIN_FONTS + CJK_FONTS
    for candidate in candidates:
        if Path(candidate).exists():
            try:
                return ImageFont.truetype(candidate, size)
            except OSError:
                continue
    return ImageFont.load_default(size=size)


def stamp_lines(*, when: datetime, latitude, longitude, who: str) -> list[str]:
    local = timezone.localtime(when)
    gps = (
        f"GPS {float(latitude):.5f}, {float(longitude):.5f}"
        if latitude is not None and longitude is not None
        else _("GPS unavailable")
    )
    return [f"{local:%Y-%m-%d %H:%M:%S %Z}  {gps}", who]


def process_photo(
    upload,
    *,
    reported_at: datetime,
    latitude=None,
    longitude=None,
    who: str = "",
    field: str = "photos",
) -> ProcessedPhoto:
    """Validate an uploaded image and return the stamped JPEG to store.

    A ``StampedPhoto`` comes back unchanged: it was checked and stamped when it
    was first taken, with that moment's time, place and person.
    """
    if isinstance(upload, StampedPhoto):
        return _already_stamped(upload)
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise field_error(
            field,
            _("A photo may be at most %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // 1024 // 1024},
            "photo_too_large",
        )
    too_many_pixels = field_error(
        field,
        _("This photo has too many pixels (at most %(mp)d megapixels).")
        % {"mp": MAX_PHOTO_PIXELS // 1_000_000},
        "photo_too_large",
    )
    try:
        upload.seek(0)
        with warnings.catch_warnings():  # Pillow only warns up to twice its own limit
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)  # reads the header only
        if image.width * image.height > MAX_PHOTO_PIXELS:
            raise too_many_pixels
        image.verify()  # structure check; the image must be reopened afterwards
        upload.seek(0)
        image = Image.open(upload)
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):  # Pillow's own limit
        raise too_many_pixels from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise field_error(
            field,
            _("This file is not a photo we can read (JPEG, PNG, WebP, HEIC)."),
            "photo_invalid",
        ) from None
    if image.format not in ALLOWED_FORMATS:
        raise field_error(field, _("Photos must be JPEG, PNG, WebP or HEIC."), "photo_type")
    taken_at = _exif_time(image)
    is_stale = taken_at is not None and reported_at - taken_at > STALE_AFTER
    image = ImageOps.exif_transpose(image).convert("RGB")
    image.thumbnail((MAX_EDGE_PX, MAX_EDGE_PX))
    _draw_stamp(
        image, stamp_lines(when=reported_at, latitude=latitude, longitude=longitude, who=who)
    )
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    return ProcessedPhoto(
        ContentFile(out.getvalue()), image.width, image.height, taken_at, is_stale
    )


def _already_stamped(stamped: StampedPhoto) -> ProcessedPhoto:
    with stamped.file.open("rb") as source:
        data = source.read()
    with Image.open(io.BytesIO(data)) as image:  # reads the header only
        width, height = image.size
    # The stamped JPEG carries no EXIF: the camera time was checked at the first stamping.
    return ProcessedPhoto(ContentFile(data), width, height, taken_at=None, is_stale=False)


def _draw_stamp(image: Image.Image, lines: list[str]) -> None:
    size = max(14, image.width // 40)
    band = (size + 6) * len(lines) + 8
    overlay = Image.new("RGBA", (image.width, band), (0, 0, 0, 150))
    image.paste(overlay, (0, image.height - band), overlay)
    draw = ImageDraw.Draw(image)
    y = image.height - band + 4
    for line in lines:
        draw.text((8, y), line, fill=(255, 255, 255), font=font_for(size, line))
        y += size + 6


def decode_signature(data_url: str) -> ContentFile:
    """A signature drawn on the phone arrives as a PNG data URL from a canvas."""
    import base64

    prefix = "data:image/png;base64,"
    if not data_url or not data_url.startswith(prefix):
        raise field_error("signature", _("Please sign before submitting."), "signature_missing")
    try:
        raw = base64.b64decode(data_url[len(prefix) :], validate=True)
        image = Image.open(io.BytesIO(raw))
        image.verify()
    except (ValueError, UnidentifiedImageError, OSError):
        raise field_error(
            "signature", _("The signature could not be read."), "signature_invalid"
        ) from None
    if len(raw) > 2 * 1024 * 1024:
        raise field_error("signature", _("The signature image is too large."), "signature_invalid")
    image = Image.open(io.BytesIO(raw))
    if image.getbbox() is None or _is_blank(image):
        raise field_error("signature", _("Please sign before submitting."), "signature_missing")
    return ContentFile(raw)


def _is_blank(image: Image.Image) -> bool:
    gray = image.convert("LA") if image.mode in ("RGBA", "LA", "P") else image.convert("L")
    extrema = gray.getextrema()
    first = extrema[0] if isinstance(extrema[0], tuple) else extrema
    if image.mode in ("RGBA", "LA", "P"):
        alpha = extrema[1] if isinstance(extrema[1], tuple) else (0, 0)
        return alpha[1] == 0
    return first[0] == first[1]


# --- storing: a full or missing disk is a clear message, never a half-saved report --

# The files written by the work running inside photo_files_kept_on_success().
_written: ContextVar[list[tuple[Storage, str]] | None] = ContextVar("photos_written", default=None)


def storage_error(exc: OSError, field: str = "photos") -> ValidationError:
    """What the person who sent the photos reads when the storage refused them."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        message = _(
            "The photo could not be saved: the server's storage is full. Please tell your "
            "administrator. Nothing was submitted; please try again later."
        )
        return field_error(field, message, "storage_full")
    message = _(
        "The photo could not be saved: the server's storage is not available. Please tell "
        "your administrator. Nothing was submitted; please try again later."
    )
    return field_error(field, message, "storage_unavailable")


def store_photo(file: FieldFile, name: str, content: File, *, field: str = "photos") -> None:
    """``file.save(name, content, save=False)`` for photos: when the storage fails (disk
    full, volume gone) the half-written file is removed and a ValidationError with code
    ``storage_full`` / ``storage_unavailable`` is raised instead of the OSError. Inside
    :func:`photo_files_kept_on_success` the stored file is deleted again if the work
    fails afterwards."""
    storage, max_length = file.storage, file.field.max_length
    target = storage.get_available_name(
        file.field.generate_filename(file.instance, name), max_length=max_length
    )
    try:
        stored = storage.save(target, content, max_length=max_length)
    except OSError as exc:
        log.error("Storing photo %s failed: %s", target, exc)
        _delete_quietly(storage, target)
        raise storage_error(exc, field) from None
    file.name = stored
    setattr(file.instance, file.field.attname, stored)
    file._committed = True
    written = _written.get()
    if written is not None:
        written.append((storage, stored))


@contextmanager
def photo_files_kept_on_success() -> Iterator[None]:
    """Deletes the photos :func:`store_photo` wrote inside when the work raises: its
    transaction rolls back, and no row will ever point at them. Put it outside the
    service's ``transaction.atomic`` so a failing commit is covered too."""
    outer = _written.get()
    mine: list[tuple[Storage, str]] = []
    token = _written.set(mine)
    try:
        yield
    except BaseException:
        for storage, name in mine:
            _delete_quietly(storage, name)
        raise
    finally:
        _written.reset(token)
    if outer is not None:  # an enclosing service may still fail: it decides
        outer.extend(mine)


def _delete_quietly(storage: Storage, name: str) -> None:
    try:
        if storage.exists(name):
            storage.delete(name)
    except OSError as exc:  # the disk that failed the write may fail this too
        log.error("Could not remove the unsaved photo %s: %s", name, exc)
