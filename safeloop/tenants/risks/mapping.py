"""The four-colour map (四色分布图): site plans and the areas' zones drawn on them.

A site plan is an image the safety department uploads (a CAD export, a scan);
the newest one is the map everyone sees. Each area gets at most one zone per
plan: a polygon of ``[x, y]`` fractions of the image, so it stays put however
large the image is shown. The colours come from the register
(``selectors.map_zones``), never from here.
"""

from __future__ import annotations

import math
import uuid
from numbers import Real

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from safeloop.access import ensure_can
from safeloop.platform.errors import field_error
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.facilities.models import Area
from safeloop.tenants.risks.errors import RiskErrorCode as Code
from safeloop.tenants.risks.models import SitePlan, Zone
from safeloop.tenants.risks.permissions import RiskPerm

MAX_PLAN_BYTES = 20 * 1024 * 1024
MAX_PLAN_EDGE = 10_000
# Formats browsers show everywhere; the extension stored follows the content.
PLAN_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
MAX_POLYGON_POINTS = 200
# EXIF orientations that turn the picture a quarter: browsers show it rotated,
# so the width and height the zones are drawn against are swapped.
_QUARTER_TURNS = {5, 6, 7, 8}


def _bad_image(message: str) -> ValidationError:
    return field_error("image", message, Code.BAD_IMAGE)


def _read_plan(image) -> tuple[str, int, int]:
    """Check ``image`` is a picture we can show: (format, shown width, shown height)."""
    size = getattr(image, "size", None)
    if size is not None and size > MAX_PLAN_BYTES:
        raise _bad_image(
            _("A site plan may be at most %(mb)d MB.") % {"mb": MAX_PLAN_BYTES // 1024 // 1024}
        )
    unreadable = _("This file is not an image we can read (PNG, JPEG or WebP).")
    too_large = _("A site plan may be at most %(px)d pixels wide and high.") % {"px": MAX_PLAN_EDGE}
    try:
        image.seek(0)
        with Image.open(image) as picture:  # reads the header only
            fmt, (width, height) = picture.format, picture.size
            orientation = picture.getexif().get(0x0112) if fmt in {"JPEG", "WEBP"} else None
            if fmt not in PLAN_FORMATS:
                raise _bad_image(unreadable)
            if width > MAX_PLAN_EDGE or height > MAX_PLAN_EDGE:
                raise _bad_image(too_large)
            picture.verify()  # PNG: every chunk's checksum, without decoding
        if fmt != "PNG":
            # JPEG and WebP have no cheap verify: decode, for JPEG at 1/8 scale.
            image.seek(0)
            with Image.open(image) as picture:
                picture.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                picture.load()
    except ValidationError:
        raise
    except Image.DecompressionBombError:  # far beyond MAX_PLAN_EDGE: refused before decoding
        raise _bad_image(too_large) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _bad_image(unreadable) from None
    finally:
        image.seek(0)
    if width < 1 or height < 1:
        raise _bad_image(unreadable)
    if orientation in _QUARTER_TURNS:
        width, height = height, width
    return fmt, width, height


@transaction.atomic
def upload_site_plan(*, by, name: str, image, keep_zones: bool = False) -> SitePlan:
    """Store a new site plan image; it becomes the map, earlier plans are kept inactive
    (with their zones) for the record.

    ``keep_zones`` copies the zones of the plan it replaces: polygons are kept as
    fractions of the image, so an updated drawing of the same site (a new
    building added, another scan) needs no redrawing, only a check.
    """
    ensure_can(by, RiskPerm.RISKS_MANAGE)
    name = (name or "").strip()
    if not name:
        raise field_error("name", _("Give the site plan a name."), Code.REQUIRED)
    if image is None:
        raise _bad_image(_("Choose the site plan image."))
    fmt, width, height = _read_plan(image)
    plan = SitePlan(name=name[:120], width=width, height=height, uploaded_by=by)
    # The storage puts the file under the tenant's schema (platform.storage).
    plan.image.save(f"plan-{uuid.uuid4().hex[:12]}.{PLAN_FORMATS[fmt]}", File(image), save=False)
    plan.save()
    replaced = list(
        SitePlan.objects.filter(is_active=True).exclude(pk=plan.pk).values_list("pk", flat=True)
    )
    SitePlan.objects.filter(pk__in=replaced).update(is_active=False)
    kept = 0
    if keep_zones and replaced:
        previous = Zone.objects.filter(site_plan_id=max(replaced))
        kept = len(
            Zone.objects.bulk_create(
                Zone(site_plan=plan, area_id=z.area_id, polygon=z.polygon) for z in previous
            )
        )
    record_event(
        plan,
        "site_plan.uploaded",
        by=by,
        name=plan.name,
        width=width,
        height=height,
        replaced=replaced,
        kept_zones=kept,
    )
    return plan


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, Real):
        return None
    number = float(value)
    return number if math.isfinite(number) and 0 <= number <= 1 else None


def clean_polygon(polygon) -> list[list[float]]:
    """``polygon`` as ``[[x, y], ...]`` fractions of the image, or a BAD_POLYGON error."""

    def bad(message: str) -> ValidationError:
        return field_error("polygon", message, Code.BAD_POLYGON)

    if not isinstance(polygon, list | tuple):
        raise bad(_("The zone's outline is missing."))
    if len(polygon) < 3:
        raise bad(_("A zone needs at least 3 points."))
    if len(polygon) > MAX_POLYGON_POINTS:
        raise bad(_("A zone may have at most %(n)d points.") % {"n": MAX_POLYGON_POINTS})
    points = []
    for n, pair in enumerate(polygon, start=1):
        xy = [_number(v) for v in pair] if isinstance(pair, list | tuple) else []
        if len(xy) != 2 or None in xy:
            raise bad(_("Point %(n)d of the zone is not on the site plan.") % {"n": n})
        points.append([round(xy[0], 5), round(xy[1], 5)])
    if abs(_signed_area(points)) < 1e-8:
        raise bad(_("The zone's points lie on one line; draw an outline around the area."))
    return points


def _signed_area(points: list[list[float]]) -> float:
    """Shoelace formula; positive when the points run counter-clockwise."""
    pairs = zip(points, points[1:] + points[:1], strict=True)
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairs) / 2


def label_point(polygon: list[list[float]]) -> list[float]:
    """Where a zone's label goes: its centroid (the vertices' mean when degenerate)."""
    if not polygon:
        return [0.5, 0.5]
    area = _signed_area(polygon)
    if abs(area) < 1e-12:
        return [
            round(sum(p[0] for p in polygon) / len(polygon), 5),
            round(sum(p[1] for p in polygon) / len(polygon), 5),
        ]
    cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    return [round(cx / (6 * area), 5), round(cy / (6 * area), 5)]


@transaction.atomic
def save_zone(site_plan: SitePlan, *, by, area: Area | None, polygon) -> Zone:
    """Draw ``area``'s zone on ``site_plan``, replacing the one it had there."""
    ensure_can(by, RiskPerm.RISKS_MANAGE)
    if area is None:
        raise field_error("area", _("Pick the area this zone outlines."), Code.REQUIRED)
    points = clean_polygon(polygon)
    zone, created = Zone.objects.select_for_update().update_or_create(
        site_plan=site_plan, area=area, defaults={"polygon": points}
    )
    record_event(
        zone,
        "risk_zone.saved",
        by=by,
        site_plan=site_plan.pk,
        area=area.code,
        points=len(points),
        replaced=not created,
    )
    return zone


@transaction.atomic
def delete_zone(zone: Zone, *, by) -> None:
    """Take an area's zone off its site plan."""
    ensure_can(by, RiskPerm.RISKS_MANAGE)
    record_event(zone, "risk_zone.deleted", by=by, site_plan=zone.site_plan_id, area=zone.area.code)
    zone.delete()
