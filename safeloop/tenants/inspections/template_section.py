"""The ``[inspections]`` section of industry templates: universal checklists,
where they apply, and the default plans (seed 001: daily pre-shift, weekly
special, monthly comprehensive).

Data shape (see ``safeloop/platform/industry/data/*.toml``)::

    [[inspections.checklists]]          code, name, name_en
    [[inspections.checklists.items]]    kind, label, label_en, guidance, guidance_en,
                                        number_min, number_max, unit, choices,
                                        failing_choices, required, basis (依据)
    [[inspections.bindings]]            checklist + one of: point (area code),
                                        equipment_types (list), area (subtree), area_kind
    [[inspections.plans]]               name, name_en, cadence, role, checklists,
                                        per_workshop (one plan per workshop) or area,
                                        start_time ("HH:MM"), window_minutes
"""

from __future__ import annotations

from datetime import time
from typing import Any

from django.core.exceptions import ValidationError

from safeloop.platform.industry import TemplateError, section
from safeloop.tenants.facilities.models import Area, AreaKind, EquipmentType
from safeloop.tenants.inspections.models import (
    Checklist,
    ChecklistBinding,
    ChecklistKind,
    InspectionPlan,
    Point,
)
from safeloop.tenants.inspections.services.checklists import clean_items, create_checklists_in_bulk
from safeloop.tenants.inspections.services.plans import clean_plan


def _lookup(table: dict, code: str | None, what: str):
    if not code:
        return None
    try:
        return table[code]
    except KeyError:
        raise TemplateError(f"inspections: unknown {what} {code!r}") from None


def _checklists(rows: list[dict]) -> dict[str, Checklist]:
    planned = []
    for row in rows:
        try:
            specs = clean_items(row.get("items", []))
        except ValidationError as exc:
            raise TemplateError(f"inspections: checklist {row['code']}: {exc.messages}") from exc
        checklist = Checklist(
            code=row["code"],
            name=row["name"],
            name_en=row.get("name_en", ""),
            kind=ChecklistKind.UNIVERSAL,
        )
        planned.append((checklist, specs))
    return {c.code: c for c in create_checklists_in_bulk(planned)}


def _bindings(rows: list[dict], checklists: dict, areas: dict, types: dict) -> None:
    bindings = []
    for row in rows:
        checklist = _lookup(checklists, row["checklist"], "checklist")
        area_kind = row.get("area_kind", "")
        if area_kind and area_kind not in AreaKind.values:
            raise TemplateError(f"inspections: unknown area kind {area_kind!r}")
        if row.get("point"):
            point = Point.objects.for_target(_lookup(areas, row["point"], "area"))
            bindings.append(ChecklistBinding(checklist=checklist, point=point))
            continue
        area = _lookup(areas, row.get("area"), "area")
        type_codes = row.get("equipment_types", [])
        for code in type_codes:
            bindings.append(
                ChecklistBinding(
                    checklist=checklist,
                    equipment_type=_lookup(types, code, "equipment type"),
                    area=area,
                )
            )
        if not type_codes:
            bindings.append(ChecklistBinding(checklist=checklist, area=area, area_kind=area_kind))
    ChecklistBinding.objects.bulk_create(bindings)


def _plans(rows: list[dict], checklists: dict, areas: dict) -> None:
    workshops = list(Area.objects.filter(kind=AreaKind.WORKSHOP).order_by("code"))
    for row in rows:
        scopes = workshops if row.get("per_workshop") else [_lookup(areas, row.get("area"), "area")]
        for area in scopes:
            suffix = row.get("per_workshop") and area is not None
            plan = InspectionPlan(
                name=f"{row['name']} · {area.name}" if suffix else row["name"],
                name_en=f"{row.get('name_en', '')} · {area.name_en or area.name}"
                if suffix and row.get("name_en")
                else row.get("name_en", ""),
                cadence=row["cadence"],
                rrule=row.get("rrule", ""),
                start_time=time.fromisoformat(row["start_time"]) if row.get("start_time") else None,
                window_minutes=row.get("window_minutes"),
                role=row.get("role", ""),
                area=area,
            )
            try:
                clean_plan(plan, [], [])
            except ValidationError as exc:
                raise TemplateError(f"inspections: plan {row['name']}: {exc.messages}") from exc
            plan.save()
            plan.checklists.set(
                [_lookup(checklists, code, "checklist") for code in row.get("checklists", [])]
            )


@section("inspections", order=30)
def apply_inspections(enterprise: Any, data: dict[str, Any]) -> None:
    checklists = _checklists(data.get("checklists", []))
    areas = {a.code: a for a in Area.objects.all()}
    types = {t.code: t for t in EquipmentType.objects.all()}
    _bindings(data.get("bindings", []), checklists, areas, types)
    _plans(data.get("plans", []), checklists, areas)
