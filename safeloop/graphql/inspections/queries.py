"""Inspection queries: points and QR scans, checklists, plans, tasks ("my inspections
today"), inspection history and completion rates."""

from __future__ import annotations

from datetime import date, timedelta

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from graphql import GraphQLError
from strawberry import Info, relay
from strawberry_django.optimizer import optimize
from strawberry_django.relay import DjangoListConnection

from safeloop.graphql.inspections.enums import CompletionGrouping
from safeloop.graphql.inspections.filters import (
    InspectionFilter,
    InspectionTaskFilter,
    PointFilter,
)
from safeloop.graphql.inspections.records import InspectionTaskType, InspectionType, TaskPointType
from safeloop.graphql.inspections.types import (
    ChecklistType,
    CompletionStat,
    InspectionPlanType,
    PatrolRouteType,
    PointType,
)
from safeloop.graphql.inspections.visibility import may_inspect, may_see_points
from safeloop.graphql.nodes import lookup, visible
from safeloop.graphql.permissions import current_user
from safeloop.platform.localdays import day_start
from safeloop.tenants.facilities.models import Area, Equipment
from safeloop.tenants.facilities.qr import resolve_token
from safeloop.tenants.inspections.models import Inspection, InspectionTask, Point
from safeloop.tenants.inspections.selectors import tasks_for_day
from safeloop.tenants.inspections.services import completion_stats, resolve_checklist
from safeloop.tenants.inspections.services.inspecting import _open_task_points


def ensure_points() -> None:
    """Every area and machine is a point; rows are made on first use (one query when
    none is missing, as usual)."""
    missing = (
        Area.objects.filter(inspection_point__isnull=True)
        .values_list("pk")
        .union(Equipment.objects.filter(inspection_point__isnull=True).values_list("pk"))
    )
    if missing[:1]:
        Point.objects.for_targets(
            areas=Area.objects.values_list("pk", flat=True),
            equipment=Equipment.objects.values_list("pk", flat=True),
        )


def _first(node_type: type, pk: int | None, info: Info):
    if pk is None:
        return None
    return optimize(visible(node_type, info).filter(pk=pk), info).first()


@strawberry.type(description="What scanning a QR label opens: the point and its checklist.")
class PointScan:
    point_pk: strawberry.Private[int]
    checklist_pk: strawberry.Private[int | None]
    task_point_pk: strawberry.Private[int | None]

    @strawberry.field
    def point(self, info: Info) -> PointType:
        return _first(PointType, self.point_pk, info)

    @strawberry.field(
        description="The checklist an inspection here uses now: the one your open task expects "
        "at this point, else the one bound to it (point > equipment type > area); null when "
        "none applies."
    )
    def checklist(self, info: Info) -> ChecklistType | None:
        return _first(ChecklistType, self.checklist_pk, info)

    @strawberry.field(description="Your open task's point here, if a task is due now.")
    def task_point(self, info: Info) -> TaskPointType | None:
        return _first(TaskPointType, self.task_point_pk, info)


def _stat_key(grouping: CompletionGrouping, key) -> str | None:
    if key is None:
        return None
    type_name = {"plan": "InspectionPlan", "area": "Area", "person": "Person"}.get(grouping.value)
    if type_name:
        return str(relay.GlobalID(type_name, f"{connection.schema_name}.{key}"))
    return timezone.localtime(key).date().isoformat()


@strawberry.type
class InspectionsQuery:
    @strawberry_django.connection(
        DjangoListConnection[PointType],
        filters=PointFilter,
        description="Inspection points (every area and machine), by code.",
    )
    def points(self) -> QuerySet[Point]:
        ensure_points()
        return Point.objects.order_by(Coalesce("area__code", "equipment__code"))

    @strawberry.field(description="One point; null when it does not exist here or is hidden.")
    def point(self, info: Info, id: relay.GlobalID) -> PointType | None:
        return lookup(PointType, id, info)

    @strawberry.field(
        description="The point a QR label's token names (the last part of /q/<token>/) with the "
        "checklist to use there; null for an unknown, replaced or other enterprise's token."
    )
    def point_by_token(self, info: Info, token: str) -> PointScan | None:
        found = resolve_token(token.strip()) if may_see_points(info) else None
        if found is None:
            return None
        area, equipment = found
        point = Point.objects.for_target(equipment or area)
        checklist, task_point = None, None
        if may_inspect(info):
            person = getattr(current_user(info), "person", None)
            if person is not None:
                task_point = _open_task_points(person, point, timezone.now()).first()
            checklist = task_point.checklist if task_point and task_point.checklist_id else None
            checklist = checklist or resolve_checklist(point)
        return PointScan(
            point_pk=point.pk,
            checklist_pk=checklist.pk if checklist else None,
            task_point_pk=task_point.pk if task_point else None,
        )

    checklists: list[ChecklistType] = strawberry_django.field(
        description="Checklists (检查表), by code, switched-off ones included."
    )
    plans: list[InspectionPlanType] = strawberry_django.field(
        description="Inspection plans (检查计划), by name."
    )
    patrol_routes: list[PatrolRouteType] = strawberry_django.field(
        description="Patrol routes (巡检路线), by name."
    )

    @strawberry.field(description="One checklist; null when not found.")
    def checklist(self, info: Info, id: relay.GlobalID) -> ChecklistType | None:
        return lookup(ChecklistType, id, info)

    @strawberry.field(description="One plan; null when not found.")
    def plan(self, info: Info, id: relay.GlobalID) -> InspectionPlanType | None:
        return lookup(InspectionPlanType, id, info)

    @strawberry_django.field(
        description="My inspections today (or on `date`): my own tasks whose window touches "
        "the day, by opening time."
    )
    def my_tasks(self, info: Info, date: date | None = None) -> list[InspectionTaskType]:
        # The selector's select_related would clash with the optimizer's only().
        return tasks_for_day(current_user(info), date).select_related(None)

    @strawberry_django.connection(
        DjangoListConnection[InspectionTaskType],
        filters=InspectionTaskFilter,
        description="Tasks you may see, latest window first: oversight roles see all, team "
        "leaders their workshop's, everyone else their own.",
    )
    def tasks(self) -> QuerySet[InspectionTask]:
        return InspectionTask.objects.order_by("-window_start", "-id")

    @strawberry.field(description="One task; null when not found or hidden.")
    def task(self, info: Info, id: relay.GlobalID) -> InspectionTaskType | None:
        return lookup(InspectionTaskType, id, info)

    @strawberry_django.connection(
        DjangoListConnection[InspectionType],
        filters=InspectionFilter,
        description="Inspections (检查记录) you may see, newest first; the history of a point "
        "with `filters: {point: ...}`.",
    )
    def inspections(self) -> QuerySet[Inspection]:
        return Inspection.objects.order_by("-started_at", "-id")

    @strawberry.field(description="One inspection; null when not found or hidden.")
    def inspection(self, info: Info, id: relay.GlobalID) -> InspectionType | None:
        return lookup(InspectionType, id, info)

    @strawberry.field(
        description="Completion rates (巡检完成率) of the tasks you may see whose window opens "
        "from `dateFrom` to `dateTo` (both included), grouped."
    )
    def completion_stats(
        self,
        info: Info,
        date_from: date,
        date_to: date,
        group_by: CompletionGrouping = CompletionGrouping.PLAN,
    ) -> list[CompletionStat]:
        try:
            rows = completion_stats(
                by=current_user(info),
                start=day_start(date_from),
                end=day_start(date_to + timedelta(days=1)),
                group_by=group_by.value,
            )
        except ValidationError as exc:
            raise GraphQLError(
                "; ".join(exc.messages), extensions={"code": "invalid", "field": "dateTo"}
            ) from None
        return [
            CompletionStat(
                key=_stat_key(group_by, row.key),
                label=row.label,
                total=row.total,
                done=row.done,
                missed=row.missed,
                open=row.open,
                due=row.due,
                rate=row.rate,
            )
            for row in rows
        ]
