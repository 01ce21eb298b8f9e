"""The task and inspection lists load in a fixed number of queries, however many rows.

``make_tasks`` and ``make_inspections`` write rows straight into Acme's schema
(no services): each task is Zhang's, in W1's daily plan, with two points; each
inspection is Zhang's at the press line with two answers. Every relation the
lists ask for costs one query through its type's ``get_queryset``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safeloop.tenants.facilities.models import Area, Equipment, EquipmentType, Person
from safeloop.tenants.inspections.models import (
    Answer,
    Checklist,
    Inspection,
    InspectionPlan,
    InspectionResult,
    InspectionTask,
    Point,
    TaskPoint,
    TaskState,
)
from tests.graphql.conftest import run
from tests.graphql.test_query_counts import PER_REQUEST

pytestmark = pytest.mark.django_db

TASKS = """
query {
  tasks(first: 100) {
    totalCount
    edges { node {
      id windowStart windowEnd state isPatrol completedAt
      plan { id displayName cadence }
      assignee { id employeeNo name }
      points { id order state skippedReason point { id code displayName kind } }
    } }
  }
}
"""
# tasks with their total count, plans, assignees with users, task points, their points
TASK_QUERIES = PER_REQUEST + 5

INSPECTIONS = """
query {
  inspections(first: 100) {
    totalCount
    edges { node {
      id startedAt submittedAt result isFlagged farFromPoint tooFast
      point { id code displayName }
      inspector { id name }
      checklistVersion { number checklist { code displayName } }
      answers { id passed valueBool valueNumber hasPhoto item { id order kind displayLabel } }
    } }
  }
}
"""
POINTS = """
query {
  points(first: 100, filters: {search: "QC-"}) {
    totalCount
    edges { node { id code displayName kind equipment { code } checklist { code } } }
  }
}
"""
# points missing (none: one query), points with their total count, machines, and for
# the checklists: the area tree, the bindings and every machine's type
POINT_QUERIES = PER_REQUEST + 6

# inspections with their total count, points, inspectors with users, versions,
# checklists, answers, items
INSPECTION_QUERIES = PER_REQUEST + 7


def w1_points() -> list[Point]:
    areas = Area.objects.filter(parent__code="W1").order_by("code")[:2]
    return Point.objects.for_targets(areas=areas)


def make_tasks(count: int, *, assignee: str = "E1002") -> list[InspectionTask]:
    """``count`` daily tasks of W1's plan for one person, one a day going back."""
    plan = InspectionPlan.objects.filter(cadence="daily_pre_shift", area__code="W1").first()
    person = Person.objects.get(employee_no=assignee)
    # Today's window is open now and starts on today's local date (plain "now − 30 min"
    # is yesterday just after midnight in Shanghai); task n lies n local days back.
    now = timezone.localtime().replace(microsecond=0)
    start = max(now - timedelta(minutes=30), now.replace(hour=0, minute=0, second=0))
    # Each window stays within its own local day (a window that spans midnight touches
    # the next day too, and would be "my task" of two days).
    length = min(timedelta(hours=1), now.replace(hour=23, minute=59, second=59) - start)
    tasks = InspectionTask.objects.bulk_create(
        InspectionTask(
            plan=plan,
            assignee=person,
            window_start=start - timedelta(days=n),
            window_end=start - timedelta(days=n) + length,
            state=TaskState.OPEN if n == 0 else TaskState.MISSED,
        )
        for n in range(count)
    )
    points = w1_points()
    TaskPoint.objects.bulk_create(
        TaskPoint(task=task, point=point, order=order)
        for task in tasks
        for order, point in enumerate(points, start=1)
    )
    return tasks


def make_inspections(count: int, *, inspector: str = "E1002") -> list[Inspection]:
    point = w1_points()[0]
    version = Checklist.objects.get(code="DAILY-AREA").current_version
    items = list(version.items.filter(kind="pass_fail")[:2])
    person = Person.objects.get(employee_no=inspector)
    now = timezone.now()
    inspections = Inspection.objects.bulk_create(
        Inspection(
            point=point,
            checklist_version=version,
            inspector=person,
            started_at=now - timedelta(hours=n, minutes=5),
            submitted_at=now - timedelta(hours=n),
            result=InspectionResult.FAIL if n % 2 else InspectionResult.PASS,
        )
        for n in range(count)
    )
    Answer.objects.bulk_create(
        Answer(inspection=inspection, item=item, value_bool=True, passed=True)
        for inspection in inspections
        for item in items
    )
    return inspections


def make_machines(count: int) -> None:
    area = Area.objects.get(code="W1-A1")
    press = EquipmentType.objects.get(code="PRESS")
    machines = Equipment.objects.bulk_create(
        Equipment(code=f"QC-{n:03}", name=f"Press {n}", equipment_type=press, area=area)
        for n in range(count)
    )
    Point.objects.for_targets(equipment=machines)


def queries_for(client, query: str, key: str, expected_rows: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        data = run(client, query)
    assert data[key]["totalCount"] == expected_rows
    assert len(data[key]["edges"]) == expected_rows
    return len([q for q in captured.captured_queries if not q["sql"].startswith("SET ")])


@pytest.mark.parametrize("rows", [10, 100])
def test_task_list_takes_a_fixed_number_of_queries(as_wang, rows):
    make_tasks(rows)

    assert queries_for(as_wang, TASKS, "tasks", rows) == TASK_QUERIES


@pytest.mark.parametrize("rows", [10, 100])
def test_team_leaders_task_list_takes_the_same_number_of_queries(acme_client, li, rows):
    # Li sees W1's tasks through the workshop rule: her area costs one query once per
    # request, whatever the row count (the database walks W1's subtree in the list's query).
    make_tasks(rows)
    acme_client.force_login(li)

    assert queries_for(acme_client, TASKS, "tasks", rows) == TASK_QUERIES + 1


@pytest.mark.parametrize("rows", [10, 100])
def test_inspection_list_takes_a_fixed_number_of_queries(as_wang, rows):
    make_inspections(rows)

    assert queries_for(as_wang, INSPECTIONS, "inspections", rows) == INSPECTION_QUERIES


@pytest.mark.parametrize("rows", [10, 100])
def test_operators_own_inspection_list_takes_the_same_number_of_queries(as_zhang, rows):
    make_inspections(rows)

    assert queries_for(as_zhang, INSPECTIONS, "inspections", rows) == INSPECTION_QUERIES


@pytest.mark.parametrize("rows", [10, 100])
def test_point_list_with_checklists_takes_a_fixed_number_of_queries(as_zhang, rows):
    make_machines(rows)
    run(as_zhang, POINTS)  # the first list makes the points of areas never scanned

    # The host is known from the first list: no domain lookup this time.
    assert queries_for(as_zhang, POINTS, "points", rows) == POINT_QUERIES - 1
