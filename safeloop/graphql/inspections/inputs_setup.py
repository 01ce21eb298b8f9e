"""Inputs and payloads of the set-up mutations added after ``inputs.py`` filled up:
checklist bindings, patrol routes and plan updates."""

from __future__ import annotations

from datetime import date, time

import strawberry
from strawberry import UNSET, Info, relay

from safeloop.graphql.errors import MutationError
from safeloop.graphql.facilities.enums import AreaKind, Role
from safeloop.graphql.hazards.enums import Shift
from safeloop.graphql.inspections.enums import InspectionCadence, PointSelection
from safeloop.graphql.inspections.inputs import visible_row
from safeloop.graphql.inspections.types import (
    ChecklistBindingType,
    ChecklistType,
    PatrolRouteType,
)

# --- Bindings ---------------------------------------------------------------------------


@strawberry.input(
    description="Where a checklist applies: a `point`; or an `equipmentType` (only within "
    "`area` when given); or an `area` and/or an `areaKind` (neither: every point of the "
    "enterprise). Binding the same place twice returns the existing binding."
)
class BindChecklistInput:
    checklist: relay.GlobalID
    point: relay.GlobalID | None = None
    equipment_type: relay.GlobalID | None = None
    area: relay.GlobalID | None = None
    area_kind: AreaKind | None = strawberry.field(
        default=None, description="Area bindings: only areas of this kind (no machines)."
    )


@strawberry.type
class ChecklistBindingPayload:
    binding_pk: strawberry.Private[int | None] = None
    checklist_pk: strawberry.Private[int | None] = None
    errors: list[MutationError] = strawberry.field(default_factory=list)

    @strawberry.field
    def binding(self, info: Info) -> ChecklistBindingType | None:
        return visible_row(ChecklistBindingType, info, self.binding_pk)

    @strawberry.field(description="The checklist, with its bindings as they are now.")
    def checklist(self, info: Info) -> ChecklistType | None:
        return visible_row(ChecklistType, info, self.checklist_pk)


@strawberry.input
class UnbindChecklistInput:
    id: relay.GlobalID = strawberry.field(description="The ChecklistBinding to remove.")


# --- Routes -----------------------------------------------------------------------------


@strawberry.input
class CreateRouteInput:
    name: str = strawberry.field(description="Name in Chinese.")
    name_en: str = ""
    shift: Shift
    points: list[relay.GlobalID] = strawberry.field(
        description="The points in walking order (each once)."
    )
    area: relay.GlobalID | None = strawberry.field(
        default=None, description="The area the route belongs to, if any."
    )


@strawberry.input(description="Fields left out are left alone.")
class UpdateRouteInput:
    id: relay.GlobalID
    name: str | None = UNSET
    name_en: str | None = UNSET
    shift: Shift | None = UNSET
    points: list[relay.GlobalID] | None = strawberry.field(
        default=UNSET, description="Every stop, in walking order (replaces the stops)."
    )
    is_active: bool | None = strawberry.field(
        default=UNSET, description="False: switched off; no new patrols start on it."
    )


@strawberry.type
class RoutePayload:
    route_pk: strawberry.Private[int | None] = None
    errors: list[MutationError] = strawberry.field(default_factory=list)

    @strawberry.field
    def route(self, info: Info) -> PatrolRouteType | None:
        return visible_row(PatrolRouteType, info, self.route_pk)


# --- Plans ------------------------------------------------------------------------------


@strawberry.input(
    description="Fields left out are left alone; tasks already made keep their windows and "
    "points. Switching to another preset cadence brings the preset's time and window unless "
    "they are given."
)
class UpdatePlanInput:
    id: relay.GlobalID
    name: str | None = UNSET
    name_en: str | None = UNSET
    cadence: InspectionCadence | None = UNSET
    rrule: str | None = strawberry.field(default=UNSET, description="CUSTOM plans: an RRULE.")
    starts_on: date | None = UNSET
    start_time: time | None = strawberry.field(
        default=UNSET, description="null: the preset's time."
    )
    window_minutes: int | None = strawberry.field(
        default=UNSET, description="null: the preset's window."
    )
    role: Role | None = strawberry.field(default=UNSET, description="null: no role.")
    area: relay.GlobalID | None = strawberry.field(
        default=UNSET, description="null: the whole enterprise."
    )
    assignees: list[relay.GlobalID] | None = UNSET
    checklists: list[relay.GlobalID] | None = UNSET
    point_selection: PointSelection | None = UNSET
    points: list[relay.GlobalID] | None = strawberry.field(
        default=UNSET, description="EXPLICIT plans: the points, in order."
    )
    route: relay.GlobalID | None = UNSET
    is_active: bool | None = strawberry.field(
        default=UNSET, description="False: switched off; beat makes no more tasks for it."
    )
