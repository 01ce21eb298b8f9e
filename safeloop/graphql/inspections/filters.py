"""Filters for points, tasks and inspections. IDs from another enterprise match nothing.

Dates are local days (the enterprise's time zone); ``dateFrom``/``dateTo``
both include their day.
"""

from __future__ import annotations

from datetime import date, timedelta

import strawberry_django
from django.db.models import Q
from strawberry import relay

from safeloop.graphql.facilities.types import AreaType, PersonType
from safeloop.graphql.filters import matching_id, matching_words
from safeloop.graphql.inspections.enums import InspectionResult, PointKind, TaskState
from safeloop.graphql.inspections.types import InspectionPlanType, PatrolRouteType, PointType
from safeloop.graphql.nodes import node_pk
from safeloop.platform.localdays import day_start
from safeloop.tenants.facilities.models import PointKind as DomainPointKind
from safeloop.tenants.inspections import models


def _in_area(prefix: str, pk: str) -> Q:
    """The area itself or anything below it (the tree is at most three levels deep)."""
    return (
        Q(**{f"{prefix}id": pk})
        | Q(**{f"{prefix}parent_id": pk})
        | Q(**{f"{prefix}parent__parent_id": pk})
    )


@strawberry_django.filter_type(
    models.Point, description="Narrow the points; all conditions given must hold."
)
class PointFilter:
    @strawberry_django.filter_field(
        description="Only points in this area or below it (areas and the machines in them)."
    )
    def area(self, value: relay.GlobalID, prefix: str) -> Q:
        pk = node_pk(value, AreaType)
        if pk is None:
            return Q(pk__in=[])
        return _in_area(f"{prefix}area__", pk) | _in_area(f"{prefix}equipment__area__", pk)

    @strawberry_django.filter_field(description="Only areas, or only machines.")
    def kind(self, value: PointKind, prefix: str) -> Q:
        return Q(**{f"{prefix}equipment__isnull": value == DomainPointKind.AREA})

    @strawberry_django.filter_field(description="Text found in the code or name.")
    def search(self, value: str, prefix: str) -> Q:
        return matching_words(
            prefix,
            value,
            "area__code",
            "area__name",
            "area__name_en",
            "equipment__code",
            "equipment__name",
        )


@strawberry_django.filter_type(
    models.InspectionTask, description="Narrow the tasks; all conditions given must hold."
)
class InspectionTaskFilter:
    state: TaskState | None = strawberry_django.filter_field()

    @strawberry_django.filter_field(description="Only tasks of this plan.")
    def plan(self, value: relay.GlobalID, prefix: str) -> Q:
        return matching_id(f"{prefix}plan_id", value, InspectionPlanType)

    @strawberry_django.filter_field(description="Only patrols of this route.")
    def route(self, value: relay.GlobalID, prefix: str) -> Q:
        return matching_id(f"{prefix}route_id", value, PatrolRouteType)

    @strawberry_django.filter_field(description="Only this person's tasks.")
    def assignee(self, value: relay.GlobalID, prefix: str) -> Q:
        return matching_id(f"{prefix}assignee_id", value, PersonType)

    @strawberry_django.filter_field(
        description="Only tasks whose window opens on or after this day."
    )
    def date_from(self, value: date, prefix: str) -> Q:
        return Q(**{f"{prefix}window_start__gte": day_start(value)})

    @strawberry_django.filter_field(
        description="Only tasks whose window opens on or before this day."
    )
    def date_to(self, value: date, prefix: str) -> Q:
        return Q(**{f"{prefix}window_start__lt": day_start(value + timedelta(days=1))})


@strawberry_django.filter_type(
    models.Inspection, description="Narrow the inspections; all conditions given must hold."
)
class InspectionFilter:
    result: InspectionResult | None = strawberry_django.filter_field()

    @strawberry_django.filter_field(description="Only inspections of this point.")
    def point(self, value: relay.GlobalID, prefix: str) -> Q:
        return matching_id(f"{prefix}point_id", value, PointType)

    @strawberry_django.filter_field(description="Only this person's inspections.")
    def inspector(self, value: relay.GlobalID, prefix: str) -> Q:
        return matching_id(f"{prefix}inspector_id", value, PersonType)

    @strawberry_django.filter_field(description="Only inspections submitted on or after this day.")
    def date_from(self, value: date, prefix: str) -> Q:
        return Q(**{f"{prefix}submitted_at__gte": day_start(value)})

    @strawberry_django.filter_field(description="Only inspections submitted on or before this day.")
    def date_to(self, value: date, prefix: str) -> Q:
        return Q(**{f"{prefix}submitted_at__lt": day_start(value + timedelta(days=1))})

    @strawberry_django.filter_field(
        description="true: only submitted inspections; false: only ones still open (drafts)."
    )
    def submitted(self, value: bool, prefix: str) -> Q:
        return Q(**{f"{prefix}submitted_at__isnull": not value})

    @strawberry_django.filter_field(
        description="true: only inspections flagged far from the point or too fast."
    )
    def flagged(self, value: bool, prefix: str) -> Q:
        q = Q(**{f"{prefix}far_from_point": True}) | Q(**{f"{prefix}too_fast": True})
        return q if value else ~q
