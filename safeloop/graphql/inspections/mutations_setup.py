"""Inspection mutations, the setting-up side (needs inspections.manage): checklists
and their versions and bindings, plans, patrol routes. Thin calls into
``tenants/inspections/services``."""

from __future__ import annotations

import strawberry
from strawberry import Info

from safeloop.graphql.errors import changes_of, find, mutation
from safeloop.graphql.facilities.types import AreaType, EquipmentTypeType, PersonType
from safeloop.graphql.inspections.inputs import (
    CheckItemInput,
    ChecklistPayload,
    CreateChecklistInput,
    CreatePlanInput,
    PlanPayload,
    ReviseChecklistInput,
    UpdateChecklistInput,
)
from safeloop.graphql.inspections.inputs_setup import (
    BindChecklistInput,
    ChecklistBindingPayload,
    CreateRouteInput,
    RoutePayload,
    UnbindChecklistInput,
    UpdatePlanInput,
    UpdateRouteInput,
)
from safeloop.graphql.inspections.types import (
    CheckItemType,
    ChecklistBindingType,
    ChecklistType,
    InspectionPlanType,
    PatrolRouteType,
    PointType,
)
from safeloop.graphql.permissions import current_user
from safeloop.tenants.inspections import services
from safeloop.tenants.inspections.services import ItemSpec


def _specs(items: list[CheckItemInput], info: Info) -> list[ItemSpec]:
    specs = []
    for item in items:
        image = item.guidance_image
        if image is None and item.keep_guidance_image_of is not None:
            earlier = find(CheckItemType, item.keep_guidance_image_of, info, field="items")
            image = earlier.guidance_image.name or None
        specs.append(
            ItemSpec(
                kind=item.kind.value,
                label=item.label,
                label_en=item.label_en,
                guidance=item.guidance,
                guidance_en=item.guidance_en,
                guidance_image=image,
                number_min=item.number_min,
                number_max=item.number_max,
                unit=item.unit,
                choices=list(item.choices),
                failing_choices=list(item.failing_choices),
                required=item.required,
            )
        )
    return specs


def _all(ids, node_type: type, info: Info, field: str) -> list:
    return [find(node_type, pk, info, field=field) for pk in ids]


# UpdatePlanInput fields where null means "leave alone" (the others: clear or use the preset).
_PLAN_KEEP_ON_NULL = (
    "name",
    "name_en",
    "cadence",
    "point_selection",
    "assignees",
    "checklists",
    "points",
    "is_active",
)


def _plan_changes(data: UpdatePlanInput, info: Info) -> dict:
    changes = changes_of(data)
    for name in _PLAN_KEEP_ON_NULL:
        if name in changes and changes[name] is None:
            del changes[name]
    for name in ("cadence", "point_selection"):
        if name in changes:
            changes[name] = changes[name].value
    if "role" in changes:
        changes["role"] = changes["role"].value if changes["role"] else ""
    if "rrule" in changes:
        changes["rrule"] = changes["rrule"] or ""
    if "area" in changes:
        changes["area"] = find(AreaType, changes["area"], info, field="area")
    if "route" in changes:
        changes["route"] = find(PatrolRouteType, changes["route"], info, field="route")
    for name, node_type in (
        ("assignees", PersonType),
        ("checklists", ChecklistType),
        ("points", PointType),
    ):
        if name in changes:
            changes[name] = _all(changes[name], node_type, info, name)
    return changes


@strawberry.type
class InspectionsSetupMutation:
    @mutation(description="A new checklist with its first version.")
    def create_checklist(self, info: Info, input: CreateChecklistInput) -> ChecklistPayload:
        checklist = services.create_checklist(
            by=current_user(info),
            code=input.code,
            name=input.name,
            name_en=input.name_en,
            items=_specs(input.items, info),
        )
        return ChecklistPayload(checklist_pk=checklist.pk, version_pk=checklist.current_version_id)

    @mutation(
        description="Replace a checklist's items. A version no inspection used yet is edited in "
        "place; otherwise the next version is published and past inspections keep theirs."
    )
    def revise_checklist(self, info: Info, input: ReviseChecklistInput) -> ChecklistPayload:
        checklist = find(ChecklistType, input.id, info, field="id")
        version = services.revise_checklist(
            checklist, by=current_user(info), items=_specs(input.items, info)
        )
        return ChecklistPayload(checklist_pk=checklist.pk, version_pk=version.pk)

    @mutation(description="Rename a checklist or switch it off (or on again).")
    def update_checklist(self, info: Info, input: UpdateChecklistInput) -> ChecklistPayload:
        checklist = find(ChecklistType, input.id, info, field="id")
        checklist = services.update_checklist(checklist, by=current_user(info), **changes_of(input))
        return ChecklistPayload(checklist_pk=checklist.pk)

    @mutation(description="A new plan; beat makes one task per responsible person for each window.")
    def create_plan(self, info: Info, input: CreatePlanInput) -> PlanPayload:
        plan = services.create_plan(
            by=current_user(info),
            name=input.name,
            name_en=input.name_en,
            cadence=input.cadence.value,
            rrule=input.rrule,
            starts_on=input.starts_on,
            start_time=input.start_time,
            window_minutes=input.window_minutes,
            role=input.role.value if input.role else "",
            area=find(AreaType, input.area, info, field="area"),
            assignees=_all(input.assignees, PersonType, info, "assignees"),
            checklists=_all(input.checklists, ChecklistType, info, "checklists"),
            point_selection=input.point_selection.value,
            points=_all(input.points, PointType, info, "points"),
            route=find(PatrolRouteType, input.route, info, field="route"),
        )
        return PlanPayload(plan_pk=plan.pk)

    @mutation(description="Change a plan. Tasks already made keep their windows and points.")
    def update_plan(self, info: Info, input: UpdatePlanInput) -> PlanPayload:
        plan = find(InspectionPlanType, input.id, info, field="id")
        plan = services.update_plan(plan, by=current_user(info), **_plan_changes(input, info))
        return PlanPayload(plan_pk=plan.pk)

    @mutation(
        description="Say where a checklist applies: one point, an equipment type (within an "
        "area or everywhere) or areas. The most specific binding wins at each point."
    )
    def bind_checklist(self, info: Info, input: BindChecklistInput) -> ChecklistBindingPayload:
        checklist = find(ChecklistType, input.checklist, info, field="checklist")
        binding = services.bind_checklist(
            checklist,
            by=current_user(info),
            point=find(PointType, input.point, info, field="point"),
            equipment_type=find(
                EquipmentTypeType, input.equipment_type, info, field="equipment_type"
            ),
            area=find(AreaType, input.area, info, field="area"),
            area_kind=input.area_kind.value if input.area_kind else "",
        )
        return ChecklistBindingPayload(binding_pk=binding.pk, checklist_pk=checklist.pk)

    @mutation(description="Remove a binding; the checklist stays.")
    def unbind_checklist(self, info: Info, input: UnbindChecklistInput) -> ChecklistBindingPayload:
        binding = find(ChecklistBindingType, input.id, info, field="id")
        checklist_pk = binding.checklist_id
        services.unbind_checklist(binding, by=current_user(info))
        return ChecklistBindingPayload(checklist_pk=checklist_pk)

    @mutation(description="A patrol route: points in walking order, for one shift.")
    def create_route(self, info: Info, input: CreateRouteInput) -> RoutePayload:
        route = services.create_route(
            by=current_user(info),
            name=input.name,
            name_en=input.name_en,
            shift=input.shift.value,
            points=_all(input.points, PointType, info, "points"),
            area=find(AreaType, input.area, info, field="area"),
        )
        return RoutePayload(route_pk=route.pk)

    @mutation(
        description="Rename a route, move it to another shift, replace its stops, or switch "
        "it off (or on again). Patrols already started keep their stops."
    )
    def update_route(self, info: Info, input: UpdateRouteInput) -> RoutePayload:
        route = find(PatrolRouteType, input.id, info, field="id")
        changes = changes_of(input)
        if changes.get("shift") is not None:
            changes["shift"] = changes["shift"].value
        if changes.get("points") is not None:
            changes["points"] = _all(changes["points"], PointType, info, "points")
        route = services.update_route(route, by=current_user(info), **changes)
        return RoutePayload(route_pk=route.pk)
