"""Checklists: create, revise (versioned), bind to points; where a checklist applies."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.access import ensure_can
from safeloop.platform.errors import create_unique, field_error
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.facilities.models import Area, AreaKind, EquipmentType, code_validator
from safeloop.tenants.inspections.bindings import BindingIndex
from safeloop.tenants.inspections.errors import InspectionErrorCode as Code
from safeloop.tenants.inspections.models import (
    CheckItem,
    Checklist,
    ChecklistBinding,
    ChecklistKind,
    ChecklistVersion,
    ItemKind,
    Point,
)
from safeloop.tenants.inspections.permissions import InspectionPerm

MAX_ITEMS = 100
# The kinds of item that may allow a 不适用 answer.
NA_KINDS = (ItemKind.PASS_FAIL, ItemKind.NUMBER, ItemKind.CHOICE)


@dataclass
class ItemSpec:
    """One check item as written by a manager (or a template).

    ``guidance_image``: an uploaded file, or the storage name of an image an
    earlier version already holds (kept as is), or None.
    """

    kind: str
    label: str
    label_en: str = ""
    # A few words naming the item (a hazard's title); blank: derived from the label.
    short_label: str = ""
    short_label_en: str = ""
    guidance: str = ""
    guidance_en: str = ""
    guidance_image: Any = None
    number_min: Decimal | None = None
    number_max: Decimal | None = None
    unit: str = ""
    choices: list[str] = field(default_factory=list)
    failing_choices: list[str] = field(default_factory=list)
    required: bool = True
    # 依据: the standard and clause the item checks.
    basis: str = ""
    # 不适用 may be answered (a machine stopped, a season without heating).
    allows_na: bool = False
    # Where the item came from when it was generated, e.g. "risks.measure:12"
    # (a control measure); carried into every later version.
    source: str = ""

    @classmethod
    def of(cls, value: ItemSpec | dict) -> ItemSpec:
        if isinstance(value, ItemSpec):
            return value
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in value.items() if k in known})

    @classmethod
    def from_item(cls, item: CheckItem) -> ItemSpec:
        """The spec of an existing item: edit a copy of a version's items, then revise."""
        return cls(
            kind=item.kind,
            label=item.label,
            label_en=item.label_en,
            short_label=item.short_label,
            short_label_en=item.short_label_en,
            guidance=item.guidance,
            guidance_en=item.guidance_en,
            guidance_image=item.guidance_image.name or None,
            number_min=item.number_min,
            number_max=item.number_max,
            unit=item.unit,
            choices=list(item.choices),
            failing_choices=list(item.failing_choices),
            required=item.required,
            basis=item.basis,
            allows_na=item.allows_na,
            source=item.source,
        )


class _ItemError(Exception):
    """One item's fault: its message (with ``%(n)d`` for the item's position) and code."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise _ItemError(_("Item %(n)d: not a number."), Code.INVALID) from None
    if not number.is_finite():
        raise _ItemError(_("Item %(n)d: not a number."), Code.INVALID)
    return number


def _clean_item(spec: ItemSpec) -> None:
    spec.label = (spec.label or "").strip()
    spec.label_en = (spec.label_en or "").strip()
    if spec.kind not in ItemKind.values:
        raise _ItemError(_("Item %(n)d: unknown kind."), Code.INVALID)
    if not spec.label:
        raise _ItemError(_("Item %(n)d: say what to check."), Code.REQUIRED)
    spec.number_min = _decimal(spec.number_min)
    spec.number_max = _decimal(spec.number_max)
    if spec.kind != ItemKind.NUMBER:
        spec.number_min = spec.number_max = None
        spec.unit = ""
    elif (
        spec.number_min is not None
        and spec.number_max is not None
        and spec.number_min > spec.number_max
    ):
        raise _ItemError(_("Item %(n)d: the lowest value is above the highest."), Code.INVALID)
    spec.choices = [str(c).strip() for c in spec.choices or [] if str(c).strip()]
    spec.failing_choices = [str(c).strip() for c in spec.failing_choices or []]
    if spec.kind == ItemKind.CHOICE:
        if len(set(spec.choices)) < 2 or len(set(spec.choices)) != len(spec.choices):
            raise _ItemError(_("Item %(n)d: give at least two different choices."), Code.INVALID)
        if not set(spec.failing_choices) <= set(spec.choices):
            raise _ItemError(
                _("Item %(n)d: a failing choice is not one of the choices."), Code.INVALID
            )
    else:
        spec.choices, spec.failing_choices = [], []
    # Only a graded answer can be "not applicable": a text or a photo is simply left out.
    spec.allows_na = bool(spec.allows_na) and spec.kind in NA_KINDS


def clean_items(items: Iterable[ItemSpec | dict]) -> list[ItemSpec]:
    """Check a list of item specs; raise ValidationError on the ``items`` field.

    Every faulty item gets its own error, whose ``params["n"]`` is the item's
    position (from 1), so a form can show it beside that item.
    """
    specs = [ItemSpec.of(i) for i in items]
    if not specs:
        raise field_error("items", _("A checklist needs at least one item."), Code.REQUIRED)
    if len(specs) > MAX_ITEMS:
        raise field_error("items", _("At most %(n)d items.") % {"n": MAX_ITEMS}, Code.INVALID)
    errors = []
    for n, spec in enumerate(specs, start=1):
        try:
            _clean_item(spec)
        except _ItemError as exc:
            errors.append(ValidationError(exc.message, code=exc.code, params={"n": n}))
    if errors:
        raise ValidationError({"items": errors})
    return specs


def _item(version: ChecklistVersion, order: int, spec: ItemSpec) -> CheckItem:
    item = CheckItem(
        version=version,
        order=order,
        kind=spec.kind,
        label=spec.label[:200],
        label_en=spec.label_en[:200],
        short_label=(spec.short_label or "").strip()[:40],
        short_label_en=(spec.short_label_en or "").strip()[:60],
        guidance=(spec.guidance or "").strip(),
        guidance_en=(spec.guidance_en or "").strip(),
        number_min=spec.number_min,
        number_max=spec.number_max,
        unit=(spec.unit or "").strip()[:20],
        choices=spec.choices,
        failing_choices=spec.failing_choices,
        required=bool(spec.required),
        basis=(spec.basis or "").strip()[:200],
        allows_na=bool(spec.allows_na),
        source=(spec.source or "")[:60],
    )
    image = spec.guidance_image
    if isinstance(image, str) and image:
        item.guidance_image.name = image
    elif isinstance(image, File):
        item.guidance_image.save(getattr(image, "name", "guidance.jpg"), image, save=False)
    return item


def _write_items(version: ChecklistVersion, specs: Sequence[ItemSpec]) -> None:
    CheckItem.objects.bulk_create(
        [_item(version, order, spec) for order, spec in enumerate(specs, start=1)]
    )


def create_checklists_in_bulk(
    rows: Sequence[tuple[Checklist, Sequence[ItemSpec]]],
) -> list[Checklist]:
    """Unsaved checklists with the (already cleaned) items of their version 1, written
    in five queries whatever their number. For industry templates, which run before
    anybody exists: no actor, no permission check, no audit event."""
    if not rows:
        return []
    checklists = Checklist.objects.bulk_create([checklist for checklist, _specs in rows])
    now = timezone.now()
    versions = ChecklistVersion.objects.bulk_create(
        ChecklistVersion(checklist=checklist, number=1, published_at=now)
        for checklist in checklists
    )
    CheckItem.objects.bulk_create(
        _item(version, order, spec)
        for version, (_checklist, specs) in zip(versions, rows, strict=True)
        for order, spec in enumerate(specs, start=1)
    )
    for checklist, version in zip(checklists, versions, strict=True):
        checklist.current_version = version
    Checklist.objects.bulk_update(checklists, ["current_version"])
    return checklists


def publish_version(checklist: Checklist, specs: Sequence[ItemSpec], *, by) -> ChecklistVersion:
    """Publish the next version with these items (no permission check: callers do it)."""
    last = checklist.versions.order_by("-number").values_list("number", flat=True).first()
    version = ChecklistVersion.objects.create(
        checklist=checklist, number=(last or 0) + 1, published_at=timezone.now(), published_by=by
    )
    _write_items(version, specs)
    checklist.current_version = version
    checklist.save(update_fields=["current_version"])
    return version


@transaction.atomic
def create_checklist(
    *,
    by,
    code: str,
    name: str,
    items: Iterable[ItemSpec | dict],
    name_en: str = "",
    kind: str = ChecklistKind.OWN,
) -> Checklist:
    """A new checklist with its first published version."""
    ensure_can(by, InspectionPerm.INSPECTIONS_MANAGE)
    code, name = (code or "").strip(), (name or "").strip()
    if not name:
        raise field_error("name", _("Give the checklist a name."), Code.REQUIRED)
    try:
        code_validator(code)
    except ValidationError as exc:
        raise field_error("code", exc.messages[0], Code.INVALID) from None
    if kind not in ChecklistKind.values:
        raise field_error("kind", _("Unknown checklist kind."), Code.INVALID)
    taken = field_error("code", _("This code is already used."), Code.DUPLICATE)
    if Checklist.objects.filter(code=code).exists():
        raise taken
    specs = clean_items(items)
    checklist = create_unique(
        Checklist,
        "code",
        taken,
        code=code,
        name=name[:120],
        name_en=(name_en or "").strip()[:120],
        kind=kind,
    )
    version = publish_version(checklist, specs, by=by)
    record_event(checklist, "checklist.created", by=by, code=code, items=len(specs))
    record_event(version, "checklist.published", by=by, code=code, number=version.number)
    return checklist


@transaction.atomic
def update_checklist(
    checklist: Checklist,
    *,
    by,
    name: str | None = None,
    name_en: str | None = None,
    is_active: bool | None = None,
) -> Checklist:
    """Rename or (de)activate a checklist; its items change through :func:`revise_checklist`."""
    ensure_can(by, InspectionPerm.INSPECTIONS_MANAGE)
    changes: dict[str, Any] = {}
    if name is not None:
        if not name.strip():
            raise field_error("name", _("Give the checklist a name."), Code.REQUIRED)
        changes["name"] = name.strip()[:120]
    if name_en is not None:
        changes["name_en"] = name_en.strip()[:120]
    if is_active is not None:
        changes["is_active"] = bool(is_active)
    for attr, value in changes.items():
        setattr(checklist, attr, value)
    if changes:
        checklist.save(update_fields=list(changes))
        record_event(checklist, "checklist.updated", by=by, changes=changes)
    return checklist


@transaction.atomic
def revise_checklist(
    checklist: Checklist, *, by, items: Iterable[ItemSpec | dict]
) -> ChecklistVersion:
    """Replace the items. An unused current version is edited in place; once any
    inspection used it, the items go into a new version and the old one stays."""
    ensure_can(by, InspectionPerm.INSPECTIONS_MANAGE)
    specs = clean_items(items)
    checklist = Checklist.objects.select_for_update().get(pk=checklist.pk)
    current = checklist.current_version
    if current is not None and not current.is_used:
        current.items.all().delete()
        _write_items(current, specs)
        current.published_at, current.published_by = timezone.now(), by
        current.save(update_fields=["published_at", "published_by"])
        record_event(current, "checklist.edited", by=by, code=checklist.code, number=current.number)
        return current
    version = publish_version(checklist, specs, by=by)
    record_event(version, "checklist.published", by=by, code=checklist.code, number=version.number)
    return version


@transaction.atomic
def bind_checklist(
    checklist: Checklist,
    *,
    by,
    point: Point | None = None,
    equipment_type: EquipmentType | None = None,
    area: Area | None = None,
    area_kind: str = "",
) -> ChecklistBinding:
    """Say where a checklist applies: one point, an equipment type, or areas.

    Binding the same scope twice returns the existing binding.
    """
    ensure_can(by, InspectionPerm.INSPECTIONS_MANAGE)
    area_kind = area_kind or ""
    if area_kind and area_kind not in AreaKind.values:
        raise field_error("area_kind", _("Unknown area kind."), Code.INVALID)
    if point is not None and (equipment_type or area or area_kind):
        raise field_error(
            "point", _("A point binding names the point and nothing else."), Code.INVALID
        )
    if equipment_type is not None and area_kind:
        raise field_error(
            "area_kind", _("An equipment type binding applies to machines only."), Code.INVALID
        )
    binding, created = ChecklistBinding.objects.get_or_create(
        checklist=checklist,
        point=point,
        equipment_type=equipment_type,
        area=area,
        area_kind=area_kind,
    )
    if created:
        record_event(
            binding,
            "checklist.bound",
            by=by,
            checklist=checklist.code,
            scope=binding.scope,
            point=point.code if point else None,
            equipment_type=equipment_type.code if equipment_type else None,
            area=area.code if area else None,
            area_kind=area_kind,
        )
    return binding


@transaction.atomic
def unbind_checklist(binding: ChecklistBinding, *, by) -> None:
    ensure_can(by, InspectionPerm.INSPECTIONS_MANAGE)
    record_event(binding, "checklist.unbound", by=by, checklist=binding.checklist.code)
    binding.delete()


def applicable_checklists(point: Point) -> list[Checklist]:
    """Every active checklist that applies at ``point``, the one to use first."""
    return BindingIndex.for_point(point).checklists_for(point)


def resolve_checklist(point: Point) -> Checklist | None:
    """The checklist used at ``point``: point binding > equipment type > areas."""
    return BindingIndex.for_point(point).resolve(point)


@transaction.atomic
def set_point_location(point: Point, *, by, latitude, longitude) -> Point:
    """Record where a point is (or clear it with None); far-away scans are then flagged."""
    from safeloop.tenants.inspections.services.inspecting import coordinate

    ensure_can(by, InspectionPerm.INSPECTIONS_MANAGE)
    lat, lng = coordinate(latitude, "latitude", 90), coordinate(longitude, "longitude", 180)
    if (lat is None) != (lng is None):
        raise field_error("longitude", _("Give both latitude and longitude."), Code.REQUIRED)
    point.latitude, point.longitude = lat, lng
    point.save(update_fields=["latitude", "longitude"])
    record_event(point, "point.located", by=by, latitude=lat, longitude=lng)
    return point
