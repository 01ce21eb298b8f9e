"""GraphQL enums over the domain's own enums (one definition each)."""

from __future__ import annotations

from enum import StrEnum

import strawberry

from safeloop import access
from safeloop.tenants.facilities import models

AreaKind = strawberry.enum(
    models.AreaKind,
    name="AreaKind",
    description="Level in the area tree: site (厂区) → workshop (车间) → area (区域).",
)
EquipmentStatus = strawberry.enum(models.EquipmentStatus, name="EquipmentStatus")
Role = strawberry.enum(
    access.Role,
    name="Role",
    description="A role a person holds; what each role may do is listed by `Permission`.",
)
# Every app's declared permissions under one GraphQL enum (names as the apps declare them).
Permission = strawberry.enum(
    StrEnum("Permission", [(p.name, p.value) for p in access.declared_permissions()]),
    name="Permission",
    description="Something a role allows; `viewer.permissions` lists the viewer's.",
)
