"""Which tasks and inspections a user may see, and the lists pages and the API show.

Row visibility is decided here once: ``inspections.view_all`` sees everything,
``inspections.view_workshop`` (team leaders) sees their workshop, everyone else
their own tasks and inspections.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from safeloop.access import can
from safeloop.platform.localdays import day_bounds
from safeloop.tenants.facilities.selectors import subtree_ids, workshop_of
from safeloop.tenants.inspections.models import (
    Inspection,
    InspectionTask,
    Point,
    TaskState,
)
from safeloop.tenants.inspections.permissions import InspectionPerm


def _workshop_area_ids(user) -> RawSQL | None:
    """The areas of a team leader's workshop, as a subquery (None: no workshop rule)."""
    person = getattr(user, "person", None)
    if person is None or not can(user, InspectionPerm.INSPECTIONS_VIEW_WORKSHOP):
        return None
    workshop = workshop_of(person.area)
    return subtree_ids(workshop.pk) if workshop else None


def visible_tasks(user) -> QuerySet[InspectionTask]:
    qs = InspectionTask.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    if can(user, InspectionPerm.INSPECTIONS_VIEW_ALL):
        return qs
    person = getattr(user, "person", None)
    if person is None:
        return qs.none()
    rule = Q(assignee=person)
    area_ids = _workshop_area_ids(user)
    if area_ids is not None:
        rule |= (
            Q(assignee__area_id__in=area_ids)
            | Q(plan__area_id__in=area_ids)
            | Q(route__area_id__in=area_ids)
        )
    return qs.filter(rule)


def visible_inspections(user) -> QuerySet[Inspection]:
    qs = Inspection.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    if can(user, InspectionPerm.INSPECTIONS_VIEW_ALL):
        return qs
    person = getattr(user, "person", None)
    if person is None:
        return qs.none()
    rule = Q(inspector=person)
    area_ids = _workshop_area_ids(user)
    if area_ids is not None:
        rule |= Q(point__area_id__in=area_ids) | Q(point__equipment__area_id__in=area_ids)
    return qs.filter(rule)


def tasks_for_day(user, day: date | None = None) -> QuerySet[InspectionTask]:
    """The user's own tasks whose window touches ``day`` ("my inspections today")."""
    person = getattr(user, "person", None)
    if person is None:
        return InspectionTask.objects.none()
    start, end = day_bounds(day or timezone.localdate())
    return (
        InspectionTask.objects.filter(assignee=person, window_start__lt=end, window_end__gt=start)
        .select_related("plan", "route")
        .order_by("window_start", "id")
    )


def overdue_tasks(user, now: datetime | None = None) -> QuerySet[InspectionTask]:
    """Visible tasks whose window ended without being done (missed, or about to be flagged)."""
    now = now or timezone.now()
    return (
        visible_tasks(user)
        .filter(Q(state=TaskState.MISSED) | Q(state=TaskState.OPEN, window_end__lt=now))
        .select_related("plan", "route", "assignee__user")
        .order_by("-window_end", "-id")
    )


def point_history(user, point: Point) -> QuerySet[Inspection]:
    """The submitted inspections of one point the user may see, newest first."""
    return (
        visible_inspections(user)
        .filter(point=point, submitted_at__isnull=False)
        .select_related("checklist_version__checklist", "inspector__user")
        .order_by("-submitted_at", "-id")
    )
