"""Inspection (安全检查) types: points, checklists with their versions and items,
plans and patrol routes. Tasks, inspections and answers are in ``records.py``.

Visibility: points follow facilities (``facilities.view``, or anyone who
inspects); checklists, plans and routes are open to everyone who inspects,
manages or oversees inspections (not to third-party verifiers).
"""

from __future__ import annotations

import strawberry
import strawberry_django
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import get_language
from strawberry import Info, auto

from safeloop.graphql.facilities.enums import AreaKind, Role
from safeloop.graphql.facilities.types import (
    AreaType,
    EquipmentNode,
    EquipmentTypeType,
    PersonType,
)
from safeloop.graphql.hazards.enums import Shift
from safeloop.graphql.inspections.enums import (
    CheckItemKind,
    ChecklistBindingScope,
    ChecklistKind,
    InspectionCadence,
    PointKind,
    PointSelection,
)
from safeloop.graphql.inspections.visibility import may_inspect, may_see_points, per_request
from safeloop.graphql.nodes import TenantNode
from safeloop.tenants.facilities.models import AreaKind as DomainAreaKind
from safeloop.tenants.facilities.models import Equipment
from safeloop.tenants.facilities.models import PointKind as DomainPointKind
from safeloop.tenants.inspections import models
from safeloop.tenants.inspections.bindings import BindingIndex

_NAME = "Name in Chinese (the enterprise's working language)."
_NAME_EN = "Name in English; empty when nobody entered one."
_DISPLAY = "In the request's language: English when asked for and present, else Chinese."
_BILINGUAL = ["name", "name_en"]


class PointNode(TenantNode):
    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset if may_see_points(info) else queryset.none()


class InspectionSetupNode(TenantNode):
    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset if may_inspect(info) else queryset.none()


class _Resolver:
    """Which checklist applies at each point of a list: the domain's BindingIndex,
    loaded once per request, plus every machine's type and area (one query)."""

    def __init__(self) -> None:
        self.index = BindingIndex()
        self.machines = {
            pk: (type_id, area_id)
            for pk, type_id, area_id in Equipment.objects.values_list(
                "pk", "equipment_type_id", "area_id"
            )
        }

    def checklist(self, point: models.Point) -> models.Checklist | None:
        if point.equipment_id:
            type_id, area_id = self.machines.get(point.equipment_id, (None, None))
            machine = Equipment(pk=point.equipment_id, equipment_type_id=type_id, area_id=area_id)
            point = models.Point(pk=point.pk, equipment=machine)
        return self.index.resolve(point)


_CODE = {"point_code": Coalesce(F("area__code"), F("equipment__code"))}
_NAMES = {
    "point_name": Coalesce(F("area__name"), F("equipment__name")),
    "point_name_en": F("area__name_en"),
}


@strawberry_django.type(
    models.Point,
    name="Point",
    description="An inspection point (检查点): one area or one machine, each with its QR label.",
)
class PointType(PointNode):
    area: AreaType | None = strawberry_django.field(
        description="The area, when the point is an area."
    )
    equipment: EquipmentNode | None = strawberry_django.field(
        description="The machine, when the point is a machine."
    )
    latitude: auto = strawberry_django.field(
        description="Where the point is; inspections farther than 200 m away are flagged."
    )
    longitude: auto

    @strawberry_django.field(only=["area_id"])
    def kind(self, root: models.Point) -> PointKind:
        return DomainPointKind.AREA if root.area_id else DomainPointKind.EQUIPMENT

    @strawberry_django.field(annotate=_CODE)
    def code(self, root: models.Point) -> str:
        """The area's or machine's code."""
        return getattr(root, "point_code", None) or root.code

    @strawberry_django.field(annotate=_NAMES)
    def name(self, root: models.Point) -> str:
        """The area's or machine's name (Chinese for areas)."""
        return getattr(root, "point_name", None) or root.target.name

    @strawberry_django.field(annotate=_NAMES)
    def display_name(self, root: models.Point) -> str:
        """In the request's language: an area's English name when asked for and present."""
        if not hasattr(root, "point_name"):  # not loaded through the optimizer
            return root.display_name
        english = (get_language() or "").startswith("en")
        return root.point_name_en if english and root.point_name_en else root.point_name

    @strawberry_django.field(only=["area_id", "equipment_id"])
    def checklist(self, root: models.Point, info: Info) -> ChecklistType | None:
        """The checklist used here: a point binding beats an equipment type binding, which
        beats an area binding. On lists ask only for its own fields (code, name, id):
        its versions and items cost a query per point."""
        if not may_inspect(info):
            return None
        return per_request(info, "checklist_resolver", _Resolver).checklist(root)


@strawberry_django.type(
    models.CheckItem,
    name="CheckItem",
    description="One question of a checklist version (检查项), with how to check it.",
)
class CheckItemType(InspectionSetupNode):
    order: auto = strawberry_django.field(description="Position in the checklist, from 1.")
    kind: CheckItemKind
    label: auto = strawberry_django.field(description="What to check, in Chinese.")
    label_en: auto = strawberry_django.field(description="What to check, in English; may be empty.")
    display_label: str = strawberry_django.field(only=["label", "label_en"], description=_DISPLAY)
    guidance: auto = strawberry_django.field(description="How to check it, in Chinese.")
    guidance_en: auto
    display_guidance: str = strawberry_django.field(
        only=["guidance", "guidance_en"], description=_DISPLAY
    )
    number_min: auto = strawberry_django.field(
        description="NUMBER items: the lowest passing value; null: no lower limit."
    )
    number_max: auto = strawberry_django.field(
        description="NUMBER items: the highest passing value; null: no upper limit."
    )
    unit: auto = strawberry_django.field(description="NUMBER items: the unit, such as °C.")
    choices: list[str] = strawberry_django.field(description="CHOICE items: the options.")
    failing_choices: list[str] = strawberry_django.field(
        description="CHOICE items: picking one of these fails the item."
    )
    required: auto = strawberry_django.field(description="False: may be left unanswered.")
    allows_not_applicable: bool = strawberry_django.field(
        field_name="allows_na",
        description="True: may be answered 不适用 (not applicable), e.g. a machine that is "
        "stopped; such answers count neither as passes nor as fails.",
    )

    @strawberry_django.field(only=["guidance_image"])
    def has_guidance_image(self, root: models.CheckItem) -> bool:
        """True when a picture shows how to check the item."""
        return bool(root.guidance_image)

    @strawberry_django.field(only=["guidance_image"])
    def guidance_image_url(self, root: models.CheckItem) -> str | None:
        """Path of the guidance picture on this host; null when there is none."""
        if not root.guidance_image:
            return None
        return reverse("inspections:guidance_image", args=[root.pk])


@strawberry_django.type(
    models.ChecklistVersion,
    name="ChecklistVersion",
    description="A published version of a checklist. A version an inspection used never "
    "changes again: revising publishes the next one.",
)
class ChecklistVersionType(InspectionSetupNode):
    checklist: ChecklistType
    number: auto = strawberry_django.field(description="1, 2, … in publication order.")
    published_at: auto
    items: list[CheckItemType] = strawberry_django.field(description="The items, in order.")


@strawberry_django.type(
    models.Checklist,
    name="Checklist",
    description="A checklist (检查表); its items live in numbered versions.",
)
class ChecklistType(InspectionSetupNode):
    code: auto
    name: auto = strawberry_django.field(description=_NAME)
    name_en: auto = strawberry_django.field(description=_NAME_EN)
    display_name: str = strawberry_django.field(only=_BILINGUAL, description=_DISPLAY)
    kind: ChecklistKind
    is_active: auto = strawberry_django.field(description="False: no longer used anywhere.")
    current_version: ChecklistVersionType | None = strawberry_django.field(
        description="The version new inspections use."
    )
    versions: list[ChecklistVersionType] = strawberry_django.field(
        description="Every version, oldest first."
    )
    bindings: list[ChecklistBindingType] = strawberry_django.field(
        description="Where the checklist applies."
    )
    created_at: auto


@strawberry_django.type(
    models.ChecklistBinding,
    name="ChecklistBinding",
    description="Where a checklist applies. At a point the most specific binding wins: a point "
    "binding beats an equipment type binding, which beats an area binding (a deeper area first).",
)
class ChecklistBindingType(InspectionSetupNode):
    checklist: ChecklistType
    point: PointType | None = strawberry_django.field(description="POINT bindings: the point.")
    equipment_type: EquipmentTypeType | None = strawberry_django.field(
        description="EQUIPMENT_TYPE bindings: every machine of this type."
    )
    area: AreaType | None = strawberry_django.field(
        description="Only within this area and below; null: the whole enterprise."
    )
    created_at: auto

    @strawberry_django.field(only=["point_id", "equipment_type_id"])
    def scope(self, root: models.ChecklistBinding) -> ChecklistBindingScope:
        return models.BindingScope(root.scope)

    @strawberry_django.field(only=["area_kind"])
    def area_kind(self, root: models.ChecklistBinding) -> AreaKind | None:
        """AREA bindings: only areas of this kind (no machines); null: every point."""
        return DomainAreaKind(root.area_kind) if root.area_kind else None


@strawberry_django.type(models.RouteStop, name="RouteStop", description="A stop of a route.")
class RouteStopType:
    order: auto = strawberry_django.field(description="Walking order, from 1.")
    point: PointType


@strawberry_django.type(
    models.PatrolRoute,
    name="PatrolRoute",
    description="A patrol route (巡检路线): points in walking order, walked once per shift.",
)
class PatrolRouteType(InspectionSetupNode):
    name: auto = strawberry_django.field(description=_NAME)
    name_en: auto = strawberry_django.field(description=_NAME_EN)
    display_name: str = strawberry_django.field(only=_BILINGUAL, description=_DISPLAY)
    shift: Shift
    area: AreaType | None = strawberry_django.field(description="The area it belongs to, if any.")
    is_active: auto
    stops: list[RouteStopType] = strawberry_django.field(description="The stops, in order.")


@strawberry_django.type(models.PlanPoint, name="PlanPoint", description="A listed point.")
class PlanPointType:
    order: auto
    point: PointType


@strawberry_django.type(
    models.InspectionPlan,
    name="InspectionPlan",
    description="An inspection plan (检查计划): who inspects which points, and when. Each "
    "window of its recurrence becomes one task per responsible person.",
)
class InspectionPlanType(InspectionSetupNode):
    name: auto = strawberry_django.field(description=_NAME)
    name_en: auto = strawberry_django.field(description=_NAME_EN)
    display_name: str = strawberry_django.field(only=_BILINGUAL, description=_DISPLAY)
    cadence: InspectionCadence
    rrule: auto = strawberry_django.field(
        description="The recurrence (RFC 5545 RRULE, without DTSTART); presets fill it in."
    )
    starts_on: auto = strawberry_django.field(description="First day of the recurrence.")
    start_time: auto = strawberry_django.field(description="Local time each window opens.")
    window_minutes: auto = strawberry_django.field(description="How long each window lasts.")
    area: AreaType | None = strawberry_django.field(
        description="Whose people and points: this area and below; null: the whole enterprise."
    )
    assignees: list[PersonType] = strawberry_django.field(
        description="People named on the plan (besides everyone holding `role`)."
    )
    checklists: list[ChecklistType] = strawberry_django.field(
        description="The checklists the plan uses; empty: whichever is bound at each point."
    )
    point_selection: PointSelection
    route: PatrolRouteType | None = strawberry_django.field(
        description="ROUTE plans: the route whose stops are inspected."
    )
    listed_points: list[PlanPointType] = strawberry_django.field(
        field_name="plan_points", description="EXPLICIT plans: the points, in order."
    )
    is_active: auto
    created_at: auto

    @strawberry_django.field(only=["role"])
    def role(self, root: models.InspectionPlan) -> Role | None:
        """Everyone holding this role in `area` gets a task; null: only the assignees."""
        return Role(root.role) if root.role else None


@strawberry.type(description="Completion (巡检完成率) of one group of tasks in a period.")
class CompletionStat:
    key: str | None = strawberry.field(
        description="The plan's, area's or person's ID, or the period's first day "
        "(YYYY-MM-DD); null for tasks of enterprise-wide plans grouped by area."
    )
    label: str = strawberry.field(description="The plan, area, person or period, for people.")
    total: int
    done: int
    missed: int
    open: int = strawberry.field(description="Not due yet.")
    due: int = strawberry.field(description="done + missed.")
    rate: float | None = strawberry.field(description="done ÷ due; null when nothing was due.")
