"""GraphQL enums over the inspection domain's own choices (one definition each)."""

from __future__ import annotations

from enum import Enum

import strawberry

from safeloop.tenants.facilities.models import PointKind as _PointKind
from safeloop.tenants.inspections import models

CheckItemKind = strawberry.enum(
    models.ItemKind,
    name="CheckItemKind",
    description="How a check item is answered: PASS_FAIL (a boolean), NUMBER (within "
    "numberMin..numberMax to pass), CHOICE (one of `choices`; a failing choice fails), TEXT "
    "(recorded, not graded), PHOTO (a photo is required).",
)
ChecklistKind = strawberry.enum(
    models.ChecklistKind,
    name="ChecklistKind",
    description="UNIVERSAL: from the industry template; OWN: written by the enterprise.",
)
InspectionCadence = strawberry.enum(
    models.Cadence,
    name="InspectionCadence",
    description="How often a plan recurs: daily pre-shift (每日班前), weekly special (每周专项), "
    "monthly comprehensive (每月综合) or a custom RRULE.",
)
PointSelection = strawberry.enum(
    models.PointSelection,
    name="PointSelection",
    description="Which points a plan's tasks hold: every point of its area with a checklist "
    "(SUBTREE), the listed points (EXPLICIT) or the stops of its patrol route (ROUTE).",
)
TaskState = strawberry.enum(
    models.TaskState,
    name="InspectionTaskState",
    description="OPEN until every point is inspected or skipped (DONE) or the window ends "
    "first (MISSED).",
)
InspectionResult = strawberry.enum(
    models.InspectionResult,
    name="InspectionResult",
    description="FAIL when any graded item failed, else PASS.",
)
ChecklistBindingScope = strawberry.enum(
    models.BindingScope,
    name="ChecklistBindingScope",
    description="Where a binding applies: one POINT, every machine of an EQUIPMENT_TYPE, or "
    "the points of an AREA (and below; the whole enterprise without one).",
)
PointKind = strawberry.enum(
    _PointKind, name="PointKind", description="What an inspection point is: an area or a machine."
)


@strawberry.enum(name="TaskPointState", description="Where one point of a task stands.")
class TaskPointState(Enum):
    PENDING = "pending"
    INSPECTED = "inspected"
    SKIPPED = "skipped"


@strawberry.enum(
    name="CompletionGrouping",
    description="How completion rates are grouped: by plan, area (the plan's or route's), "
    "person (the assignee) or period (day, week, month in local time).",
)
class CompletionGrouping(Enum):
    PLAN = "plan"
    AREA = "area"
    PERSON = "person"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
