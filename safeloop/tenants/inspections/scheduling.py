"""Beat's side of inspections: make each plan's tasks as their windows come, and
flag the tasks whose window ended undone.

Beat calls :func:`tick` every 15 minutes in every tenant (``tasks.py``). Both
halves are safe to run twice or concurrently: a task is unique per (plan,
assignee, window start) in the database, and a missed task is flagged and
reported under a row lock and a per-task notification key.

A window is made into tasks when it opens within the next :data:`LEAD` or is
already open, so a tick that was lost (a restarted worker) is caught up by the
next one as long as the window has not ended.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from safeloop.tenants.audit.services import record_event
from safeloop.tenants.facilities.models import Person
from safeloop.tenants.facilities.selectors import AreaTree
from safeloop.tenants.inspections import notices
from safeloop.tenants.inspections.bindings import BindingIndex, points_in_subtree
from safeloop.tenants.inspections.models import (
    Checklist,
    InspectionPlan,
    InspectionTask,
    Point,
    PointSelection,
    TaskPoint,
    TaskState,
)
from safeloop.tenants.inspections.services.plans import plan_rule

# How far ahead of its window a task is made (one beat period).
LEAD = timedelta(minutes=15)


def windows_due(
    plan: InspectionPlan, now: datetime, lead: timedelta = LEAD
) -> list[tuple[datetime, datetime]]:
    """The plan's windows that are open at ``now`` or open within ``lead``."""
    length = timedelta(minutes=plan.window_minutes)
    starts = plan_rule(plan).between(now - length, now + lead, inc=True)
    return [(start, start + length) for start in starts if start + length > now]


class _Context:
    """What every plan of one tick needs, loaded once."""

    def __init__(self) -> None:
        self.tree = AreaTree()
        self._index: BindingIndex | None = None

    @property
    def index(self) -> BindingIndex:
        # Only ticks that make a task need the bindings.
        if self._index is None:
            self._index = BindingIndex(self.tree)
        return self._index

    def assignees(self, plan: InspectionPlan) -> list[Person]:
        people: dict[int, Person] = {}
        if plan.role:
            qs = Person.objects.filter(user__is_active=True, roles__contains=[plan.role])
            if plan.area_id:
                qs = qs.filter(area_id__in=self.tree.subtree(plan.area_id))
            people.update({p.pk: p for p in qs.select_related("user")})
        named = plan.assignees.filter(user__is_active=True).select_related("user")
        people.update({p.pk: p for p in named})
        return [people[pk] for pk in sorted(people)]

    def points(self, plan: InspectionPlan) -> list[tuple[Point, Checklist | None]]:
        """The task's points in order, each with the checklist expected there."""
        among = set(plan.checklists.values_list("pk", flat=True)) or None
        if plan.point_selection == PointSelection.SUBTREE:
            area = plan.area if plan.area_id else None
            pairs = [(p, self.index.resolve(p, among)) for p in points_in_subtree(area, self.tree)]
            return [(p, c) for p, c in pairs if c is not None]
        if plan.point_selection == PointSelection.ROUTE:
            if plan.route is None or not plan.route.is_active:
                return []
            rows = plan.route.stops.all()
        else:
            rows = plan.plan_points.all()
        rows = rows.select_related("point__area", "point__equipment__area")
        return [(row.point, self.index.resolve(row.point, among)) for row in rows]


def _create_task(
    plan: InspectionPlan,
    person: Person,
    start: datetime,
    end: datetime,
    points: list[tuple[Point, Checklist | None]],
) -> InspectionTask | None:
    try:
        with transaction.atomic():
            task = InspectionTask.objects.create(
                plan=plan,
                route_id=plan.route_id if plan.point_selection == PointSelection.ROUTE else None,
                assignee=person,
                window_start=start,
                window_end=end,
            )
            TaskPoint.objects.bulk_create(
                TaskPoint(task=task, point=point, order=n, checklist=checklist)
                for n, (point, checklist) in enumerate(points, start=1)
            )
            record_event(
                task,
                "task.created",
                by=None,
                plan=plan.pk,
                assignee=person.employee_no,
                window_start=start,
                window_end=end,
                points=len(points),
            )
            notices.task_created(task)
    except IntegrityError:
        return None  # another tick made it first
    return task


def generate_tasks(now: datetime | None = None) -> list[InspectionTask]:
    """Make the tasks of every active plan whose window is open or opens within LEAD."""
    now = now or timezone.now()
    created: list[InspectionTask] = []
    context: _Context | None = None
    plans = InspectionPlan.objects.filter(is_active=True).select_related("route")
    for plan in plans:
        due = windows_due(plan, now)
        if not due:
            continue
        context = context or _Context()
        people = context.assignees(plan)
        existing = set(
            InspectionTask.objects.filter(
                plan=plan, window_start__in=[start for start, _end in due]
            ).values_list("assignee_id", "window_start")
        )
        missing = [
            (person, start, end)
            for start, end in due
            for person in people
            if (person.pk, start) not in existing
        ]
        if not missing:
            continue
        points = context.points(plan)
        if not points:
            continue
        for person, start, end in missing:
            task = _create_task(plan, person, start, end, points)
            if task is not None:
                created.append(task)
    return created


def flag_missed(now: datetime | None = None) -> list[InspectionTask]:
    """Open tasks whose window has ended become missed; the assignee's superior is told."""
    now = now or timezone.now()
    flagged: list[InspectionTask] = []
    due = InspectionTask.objects.filter(state=TaskState.OPEN, window_end__lte=now)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            task = (
                InspectionTask.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, state=TaskState.OPEN)
                .first()
            )
            if task is None:
                continue
            task.state, task.missed_at = TaskState.MISSED, now
            task.save(update_fields=["state", "missed_at"])
            told = notices.task_missed(task)
            resolved = task.points.filter(inspection__isnull=False).count()
            record_event(
                task,
                "task.missed",
                by=None,
                points=task.points.count(),
                inspected=resolved,
                told=[u.email for u in told],
            )
            flagged.append(task)
    return flagged


@dataclass
class TickResult:
    created: list[InspectionTask] = field(default_factory=list)
    missed: list[InspectionTask] = field(default_factory=list)


def tick(now: datetime | None = None) -> TickResult:
    """One beat period: flag what ended, then make what opens. What beat's task calls."""
    now = now or timezone.now()
    missed = flag_missed(now)
    return TickResult(created=generate_tasks(now), missed=missed)
