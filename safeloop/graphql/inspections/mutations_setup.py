"""Inspection mutations, the setting-up side (needs inspections.manage): checklists
and their versions, plans. Thin calls into ``tenants/inspections/services``."""

from __future__ import annotations

import strawberry
from strawberry import Info

from safeloop.graphql.errors import EXPECTED_ERRORS, changes_of, errors_from, find
from safeloop.graphql.facilities.types import AreaType, PersonType
from safeloop.graphql.inspections.inputs import (
    CheckItemInput,
    ChecklistPayload,
    CreateChecklistInput,
    CreatePlanInput,
    PlanPayload,
    ReviseChecklistInput,
    UpdateChecklistInput,
)
from safeloop.graphql.inspections.types import (
    CheckItemType,
    ChecklistType,
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


@strawberry.type
class InspectionsSetupMutation:
    @strawberry.mutation(description="A new checklist with its first version.")
    def create_checklist(self, info: Info, input: CreateChecklistInput) -> ChecklistPayload:
        try:
            checklist = services.create_checklist(
                by=current_user(info),
                code=input.code,
                name=input.name,
                name_en=input.name_en,
                items=_specs(input.items, info),
            )
        except EXPECTED_ERRORS as exc:
            return ChecklistPayload(errors=errors_from(exc))
        return ChecklistPayload(checklist_pk=checklist.pk, version_pk=checklist.current_version_id)

    @strawberry.mutation(
        description="Replace a checklist's items. A version no inspection used yet is edited in "
        "place; otherwise the next version is published and past inspections keep theirs."
    )
    def revise_checklist(self, info: Info, input: ReviseChecklistInput) -> ChecklistPayload:
        try:
            checklist = find(ChecklistType, input.id, info, field="id")
            version = services.revise_checklist(
                checklist, by=current_user(info), items=_specs(input.items, info)
            )
        except EXPECTED_ERRORS as exc:
            return ChecklistPayload(errors=errors_from(exc))
        return ChecklistPayload(checklist_pk=checklist.pk, version_pk=version.pk)

    @strawberry.mutation(description="Rename a checklist or switch it off (or on again).")
    def update_checklist(self, info: Info, input: UpdateChecklistInput) -> ChecklistPayload:
        try:
            checklist = find(ChecklistType, input.id, info, field="id")
            checklist = services.update_checklist(
                checklist, by=current_user(info), **changes_of(input)
            )
        except EXPECTED_ERRORS as exc:
            return ChecklistPayload(errors=errors_from(exc))
        return ChecklistPayload(checklist_pk=checklist.pk)

    @strawberry.mutation(
        description="A new plan; beat makes one task per responsible person for each window."
    )
    def create_plan(self, info: Info, input: CreatePlanInput) -> PlanPayload:
        try:
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
        except EXPECTED_ERRORS as exc:
            return PlanPayload(errors=errors_from(exc))
        return PlanPayload(plan_pk=plan.pk)
