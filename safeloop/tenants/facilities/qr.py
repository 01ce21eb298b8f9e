"""QR points (二维码点位): every area and every machine, found by the token on its label.

A point's QR code encodes the tenant's absolute URL of ``qr:point`` for its
token. Revoking a token gives the point a new one and keeps the old one in
:class:`RevokedQrToken`, so a scan of the old label can say what happened
instead of "not valid".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import qrcode
import qrcode.constants
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import FilteredRelation, Q, Subquery
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from safeloop.access import Permission, can, ensure_can
from safeloop.platform.errors import field_error
from safeloop.platform.urls_util import tenant_absolute_url
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.facilities.models import (
    Area,
    Equipment,
    PointKind,
    RevokedQrToken,
    new_qr_token,
)
from safeloop.tenants.facilities.permissions import FacilityPerm

# M keeps the symbol small enough for a 3×8 label and survives a scratched corner.
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
REASON_MAX_LENGTH = RevokedQrToken._meta.get_field("reason").max_length


class QrErrorCode:
    REASON_REQUIRED = "reason_required"
    REASON_TOO_LONG = "reason_too_long"


@dataclass(frozen=True)
class QrPoint:
    """One printable point: an area, or a machine (which sits in an area)."""

    kind: PointKind
    obj: Area | Equipment

    @property
    def pk(self) -> int:
        return self.obj.pk

    @property
    def code(self) -> str:
        return self.obj.code

    @property
    def token(self) -> str:
        return self.obj.qr_token

    @property
    def name(self) -> str:
        """The name as entered, usually Chinese."""
        return self.obj.name

    @property
    def name_en(self) -> str:
        """The English line of a label: an area's English name, a machine's type in English."""
        if isinstance(self.obj, Area):
            return self.obj.name_en
        type_en = self.obj.equipment_type.name_en
        return type_en if type_en and type_en != self.obj.name else ""

    @property
    def area(self) -> Area:
        return self.obj if isinstance(self.obj, Area) else self.obj.area

    @property
    def equipment(self) -> Equipment | None:
        return self.obj if isinstance(self.obj, Equipment) else None

    @property
    def path(self) -> str:
        return point_path(self.token)

    @property
    def url(self) -> str:
        return point_url(self.token)


def as_point(obj: Area | Equipment) -> QrPoint:
    kind = PointKind.AREA if isinstance(obj, Area) else PointKind.EQUIPMENT
    return QrPoint(kind=kind, obj=obj)


def point_path(token: str) -> str:
    return reverse("qr:point", args=[token])


def point_url(token: str) -> str:
    """What the QR code of ``token`` encodes: the point page on this tenant's host."""
    return tenant_absolute_url(point_path(token))


# --- Looking tokens up --------------------------------------------------------


def resolve_token(token: str) -> tuple[Area, Equipment | None] | None:
    """The area (and machine, for a machine's label) a current token belongs to.

    One query on the two unique token indexes, whichever kind of label it is: the
    area whose token it is, or the area of the machine whose token it is, with that
    machine (and its type) joined. The area comes with its parents up to the site,
    so what applies here can be worked out without reading the area tree.
    """
    machine_area = Equipment.objects.filter(qr_token=token).order_by().values("area_id")[:1]
    found = list(
        Area.objects.annotate(
            machine=FilteredRelation("equipment", condition=Q(equipment__qr_token=token))
        )
        .select_related("parent__parent", "machine__equipment_type")
        .filter(Q(qr_token=token) | Q(pk=Subquery(machine_area)))
        .order_by()[:2]
    )
    # A machine's label wins over an area's (as when the machine was looked up first).
    # The joined machine is set on the area only when the join found one.
    for area in found:
        machine = getattr(area, "machine", None)
        if machine is not None:
            return area, machine
    return (found[0], None) if found else None


def revoked_token(token: str) -> RevokedQrToken | None:
    """The record of ``token`` if it was once a point's and has been replaced."""
    return RevokedQrToken.objects.select_related("revoked_by__person").filter(token=token).first()


def point_of(kind: str, pk: int) -> QrPoint | None:
    if kind == PointKind.AREA:
        area = Area.objects.select_related("parent").filter(pk=pk).first()
        return as_point(area) if area is not None else None
    if kind == PointKind.EQUIPMENT:
        equipment = Equipment.objects.select_related("area", "equipment_type").filter(pk=pk).first()
        return as_point(equipment) if equipment is not None else None
    return None


# --- Who may print and revoke -------------------------------------------------


def manage_perm(kind: str) -> Permission:
    return (
        FacilityPerm.MANAGE_EQUIPMENT if kind == PointKind.EQUIPMENT else FacilityPerm.MANAGE_AREAS
    )


def printable_kinds(user) -> list[PointKind]:
    """The kinds of point ``user`` may print labels for and revoke (may be none)."""
    return [kind for kind in PointKind if can(user, manage_perm(kind))]


def points_for_print(
    *, by, area_ids: Iterable[int] = (), equipment_ids: Iterable[int] = ()
) -> list[QrPoint]:
    """The chosen points in label order (areas, then machines, each by code)."""
    ensure_can_print_any(by)
    area_ids, equipment_ids = list(area_ids), list(equipment_ids)
    if area_ids:
        ensure_can(by, FacilityPerm.MANAGE_AREAS)
    if equipment_ids:
        ensure_can(by, FacilityPerm.MANAGE_EQUIPMENT)
    areas = Area.objects.filter(pk__in=area_ids).order_by("code") if area_ids else []
    equipment = (
        Equipment.objects.select_related("area", "equipment_type")
        .filter(pk__in=equipment_ids)
        .order_by("code")
        if equipment_ids
        else []
    )
    return [as_point(a) for a in areas] + [as_point(e) for e in equipment]


def ensure_can_print_any(by) -> None:
    if not printable_kinds(by):
        raise PermissionDenied(_("You do not have permission to do this."))


def ensure_can_print(by, point: QrPoint) -> None:
    ensure_can(by, manage_perm(point.kind))


# --- Revoking -------------------------------------------------------------------


@transaction.atomic
def revoke_token(point: Area | Equipment, *, by, reason: str) -> RevokedQrToken:
    """Give ``point`` a new token; scans of the old label then show "replaced" (HTTP 410)."""
    kind = as_point(point).kind
    ensure_can(by, manage_perm(kind))
    reason = (reason or "").strip()
    if not reason:
        raise field_error(
            "reason", _("Say why the label is replaced."), QrErrorCode.REASON_REQUIRED
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise field_error(
            "reason",
            _("Keep the reason under %(n)d characters.") % {"n": REASON_MAX_LENGTH},
            QrErrorCode.REASON_TOO_LONG,
        )
    # Lock the row so two managers revoking at once don't both record the same old token.
    locked = type(point).objects.select_for_update().get(pk=point.pk)
    record = RevokedQrToken.objects.create(
        token=locked.qr_token, point_kind=kind, point_id=locked.pk, revoked_by=by, reason=reason
    )
    locked.qr_token = _fresh_token()
    locked.save(update_fields=["qr_token"])
    point.qr_token = locked.qr_token
    record_event(locked, "qr.revoked", by=by, code=locked.code, reason=reason)
    return record


def _fresh_token() -> str:
    """A new token that was never any point's (a revoked one must stay revoked)."""
    while True:
        token = new_qr_token()
        taken = (
            Area.objects.filter(qr_token=token).exists()
            or Equipment.objects.filter(qr_token=token).exists()
            or RevokedQrToken.objects.filter(token=token).exists()
        )
        if not taken:
            return token


# --- Drawing the code -------------------------------------------------------------


def qr_matrix(data: str) -> list[list[bool]]:
    """The modules of the QR code of ``data``, without the quiet zone (dark is True)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=0)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def qr_svg(data: str, *, label: str = "") -> str:
    """An inline SVG of the QR code, one path of horizontal runs, with a 4-module quiet zone."""
    matrix = qr_matrix(data)
    size = len(matrix) + 8
    runs: list[str] = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            runs.append(f"M{start + 4} {y + 4}h{x - start}v1h-{x - start}z")
    title = f"<title>{escape(label)}</title>" if label else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'role="img" shape-rendering="crispEdges" class="qr-code">{title}'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>'
    )
