"""The ``[facilities]`` section of industry templates: area tree, equipment types, job roles."""

from __future__ import annotations

from typing import Any

from safeloop.platform.industry import TemplateError, section
from safeloop.tenants.facilities.models import (
    AREA_PARENT_KIND,
    Area,
    AreaKind,
    EquipmentType,
    JobRole,
)


@section("facilities", order=10)
def apply_facilities(enterprise: Any, data: dict[str, Any]) -> None:
    by_code: dict[str, Area] = {}
    # Parents come before children in the file; one pass per level keeps it
    # correct even if they don't.
    pending = list(data.get("areas", []))
    for kind in (AreaKind.SITE, AreaKind.WORKSHOP, AreaKind.AREA):
        rows = [row for row in pending if row["kind"] == kind]
        objs = []
        for row in rows:
            parent = by_code.get(row.get("parent", ""))
            if AREA_PARENT_KIND[kind] is not None and (
                parent is None or parent.kind != AREA_PARENT_KIND[kind]
            ):
                raise TemplateError(f"area {row['code']}: bad parent {row.get('parent')!r}")
            objs.append(
                Area(
                    code=row["code"],
                    kind=kind,
                    name=row["name"],
                    name_en=row.get("name_en", ""),
                    parent=parent,
                )
            )
        for obj in Area.objects.bulk_create(objs):
            by_code[obj.code] = obj
    EquipmentType.objects.bulk_create(
        EquipmentType(
            code=row["code"],
            name=row["name"],
            name_en=row.get("name_en", ""),
            inspection_interval_days=row.get("inspection_interval_days"),
        )
        for row in data.get("equipment_types", [])
    )
    JobRole.objects.bulk_create(
        JobRole(code=row["code"], name=row["name"], name_en=row.get("name_en", ""))
        for row in data.get("job_roles", [])
    )
