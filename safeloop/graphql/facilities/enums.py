"""GraphQL enums over the domain's own enums (one definition each)."""

from __future__ import annotations

import strawberry

from safeloop.tenants.facilities import models, permissions

AreaKind = strawberry.enum(
    models.AreaKind,
    name="AreaKind",
    description="Level in the area tree: site (厂区) → workshop (车间) → area (区域).",
)
EquipmentStatus = strawberry.enum(models.EquipmentStatus, name="EquipmentStatus")
Role = strawberry.enum(
    permissions.Role,
    name="Role",
    description="A role a person holds; what each role may do is listed by `Permission`.",
)
Permission = strawberry.enum(
    permissions.Perm,
    name="Permission",
    description="Something a role allows; `viewer.permissions` lists the viewer's.",
)
