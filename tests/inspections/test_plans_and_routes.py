"""Plans, patrol routes and tasks: who may set them up, the next point, skips, completion."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_tenants.utils import tenant_context

from safeloop.tenants.inspections.models import (
    InspectionPlan,
    InspectionTask,
    Point,
    PointSelection,
    TaskState,
)
from safeloop.tenants.inspections.scheduling import generate_tasks
from safeloop.tenants.inspections.selectors import overdue_tasks, tasks_for_day, visible_tasks
from safeloop.tenants.inspections.services import (
    completion_stats,
    create_plan,
    create_route,
    next_point,
    skip_point,
    start_patrol,
    update_plan,
)

pytestmark = pytest.mark.django_db


def _codes(raised) -> dict[str, str]:
    return {field: errors[0].code for field, errors in raised.value.error_dict.items()}


@pytest.fixture
def route_points(w1_areas):
    return [Point.objects.for_target(a) for a in w1_areas]


def test_acme_got_a_daily_plan_per_workshop_and_the_weekly_and_monthly_plans(in_acme):
    plans = InspectionPlan.objects.all()

    daily = plans.filter(cadence="daily_pre_shift")
    assert daily.count() == 5 and {p.role for p in daily} == {"team_leader"}
    assert {p.area.code for p in daily} == {"W1", "W2", "W3", "W4", "W5"}
    weekly = plans.get(cadence="weekly_special")
    assert (weekly.role, weekly.window_minutes, weekly.start_time) == (
        "safety_officer",
        48 * 60,
        time(8),
    )
    monthly = plans.get(cadence="monthly_comprehensive")
    assert monthly.role == "safety_manager" and monthly.rrule == "FREQ=MONTHLY;BYMONTHDAY=1"


def test_a_custom_plan_takes_an_rrule(wang, w1):
    plan = create_plan(
        by=wang,
        name="周三交接班巡查",
        cadence="custom",
        rrule="FREQ=WEEKLY;BYDAY=WE;BYHOUR=9;BYMINUTE=0",
        start_time=time(9),
        window_minutes=60,
        role="team_leader",
        area=w1,
    )

    assert plan.rrule.startswith("FREQ=WEEKLY")


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"rrule": "FREQ=SOMETIMES"}, "rrule", "bad_rrule"),
        ({"rrule": ""}, "rrule", "required"),
        ({"rrule": "DTSTART:20300101T000000\nRRULE:FREQ=DAILY"}, "rrule", "bad_rrule"),
        ({"window_minutes": 0}, "window_minutes", "invalid"),
        ({"role": ""}, "assignees", "required"),
        ({"role": "emperor"}, "role", "invalid"),
        ({"point_selection": "explicit"}, "points", "no_points"),
    ],
)
def test_a_bad_plan_is_refused_with_a_code(wang, changes, field, code):
    values = dict(
        name="坏计划",
        cadence="custom",
        rrule="FREQ=DAILY",
        start_time=time(9),
        window_minutes=60,
        role="team_leader",
    )
    values.update(changes)

    with pytest.raises(ValidationError) as raised:
        create_plan(by=wang, **values)

    assert _codes(raised) == {field: code}


def test_operator_cannot_create_plans_or_routes(zhang, route_points):
    with pytest.raises(PermissionDenied):
        create_plan(by=zhang, name="我的计划", cadence="daily_pre_shift", role="operator")
    with pytest.raises(PermissionDenied):
        create_route(by=zhang, name="我的路线", shift="day", points=route_points)


def test_a_patrol_shows_the_next_point_and_a_skip_needs_a_reason(
    wang, zhang, route_points, inspect
):
    route = create_route(by=wang, name="白班巡检", shift="day", points=list(reversed(route_points)))
    at = timezone.make_aware(datetime.combine(timezone.localdate(), time(9)))

    task = start_patrol(route, by=zhang, now=at)
    assert start_patrol(route, by=zhang, now=at + timedelta(hours=1)).pk == task.pk
    assert next_point(task).point == route_points[2]  # the route's order, not the codes'

    inspect(route_points[2], zhang, at=at + timedelta(minutes=5))
    stop = next_point(task)
    assert stop.point == route_points[1]
    with pytest.raises(ValidationError) as raised:
        skip_point(stop, by=zhang, reason="  ", at=at + timedelta(minutes=10))
    assert _codes(raised) == {"reason": "required"}
    skip_point(stop, by=zhang, reason="配电室锁门，钥匙不在", at=at + timedelta(minutes=10))
    assert next_point(task).point == route_points[0]

    inspect(route_points[0], zhang, at=at + timedelta(minutes=20))
    task.refresh_from_db()
    assert next_point(task) is None
    assert task.state == TaskState.DONE and task.completed_at == at + timedelta(minutes=20)


def test_only_the_assignee_skips_a_point(wang, zhang, li, route_points):
    route = create_route(by=wang, name="夜班巡检", shift="night", points=route_points)
    at = timezone.make_aware(datetime.combine(timezone.localdate(), time(2)))
    task = start_patrol(route, by=zhang, now=at)

    with pytest.raises(PermissionDenied):
        skip_point(next_point(task), by=li, reason="不是我的", at=at)


def test_a_patrol_is_started_on_its_own_shift(wang, zhang, route_points):
    route = create_route(by=wang, name="中班巡检", shift="middle", points=route_points)
    morning = timezone.make_aware(datetime.combine(timezone.localdate(), time(9)))

    with pytest.raises(ValidationError) as raised:
        start_patrol(route, by=zhang, now=morning)

    assert _codes(raised) == {"route": "invalid"}


def test_a_task_is_done_only_when_every_point_is_inspected_within_the_window(
    wang, li, w1, inspect, checklist
):
    InspectionPlan.objects.update(is_active=False)
    plan = create_plan(
        by=wang,
        name="W1 班前",
        cadence="daily_pre_shift",
        role="team_leader",
        area=w1,
        checklists=[checklist("DAILY-AREA")],
        starts_on=date(2030, 1, 1),
    )
    opens = timezone.make_aware(datetime(2030, 3, 4, 7, 30))
    [task] = generate_tasks(opens)
    points = [tp.point for tp in task.points.order_by("order")]
    assert [p.code for p in points] == ["W1-A1", "W1-A2", "W1-A3"]

    inspect(points[0], li, at=opens - timedelta(minutes=5))  # before the window: not counted
    inspect(points[0], li, at=opens + timedelta(minutes=10))
    inspect(points[1], li, at=opens + timedelta(minutes=20))
    task.refresh_from_db()
    assert task.state == TaskState.OPEN
    inspect(points[2], li, at=opens + timedelta(minutes=30))
    task.refresh_from_db()
    assert task.state == TaskState.DONE and task.plan == plan
    assert list(tasks_for_day(li, date(2030, 3, 4))) == [task]


def test_changing_a_plan_keeps_the_tasks_already_made(wang, w1, checklist):
    InspectionPlan.objects.update(is_active=False)
    plan = create_plan(
        by=wang,
        name="W1 班前",
        cadence="daily_pre_shift",
        role="team_leader",
        area=w1,
        starts_on=date(2030, 1, 1),
    )
    [task] = generate_tasks(timezone.make_aware(datetime(2030, 3, 4, 7, 20)))

    update_plan(plan, by=wang, start_time=time(8), window_minutes=30)

    task.refresh_from_db()
    assert task.window_start.astimezone(timezone.get_current_timezone()).hour == 7
    plan.refresh_from_db()
    assert (plan.start_time, plan.window_minutes) == (time(8), 30)


def test_completion_rate_counts_done_over_due_per_plan_and_person(
    wang, li, zhang, w1, w1_areas, checklist
):
    from safeloop.tenants.inspections.scheduling import tick

    InspectionPlan.objects.update(is_active=False)
    plan = create_plan(
        by=wang,
        name="A1 点检",
        cadence="daily_pre_shift",
        assignees=[li.person, zhang.person],
        point_selection=PointSelection.EXPLICIT,
        points=[Point.objects.for_target(w1_areas[0])],
        starts_on=date(2030, 1, 1),
    )
    monday = timezone.make_aware(datetime(2030, 3, 4, 7, 30))
    for day in range(2):
        tick(monday + timedelta(days=day))
    done = InspectionTask.objects.filter(plan=plan, assignee=li.person)
    for task in done:
        task.state = TaskState.DONE
        task.save()
    tick(monday + timedelta(days=2))  # both of Zhang's windows have ended: missed

    [row] = completion_stats(
        by=wang, start=monday - timedelta(days=1), end=monday + timedelta(days=3), group_by="plan"
    )
    assert (row.total, row.done, row.missed, row.open, row.rate) == (6, 2, 2, 2, 0.5)
    people = {
        r.label: r.rate
        for r in completion_stats(
            by=wang, start=monday, end=monday + timedelta(days=2), group_by="person"
        )
    }
    assert people == {"Li Na": 1.0, "Zhang San": 0.0}
    days = completion_stats(by=wang, start=monday, end=monday + timedelta(days=2), group_by="day")
    assert [r.label for r in days] == ["2030-03-04", "2030-03-05"]
    # Zhang sees only his own tasks; Li (team leader) sees her workshop's.
    [mine] = completion_stats(by=zhang, start=monday, end=monday + timedelta(days=3))
    assert mine.total == 3
    assert overdue_tasks(zhang, monday + timedelta(days=2)).count() == 2
    assert visible_tasks(li).filter(assignee=zhang.person).count() == 3


def test_globex_sees_none_of_acmes_tasks(wang, zhang, route_points, globex):
    route = create_route(by=wang, name="白班巡检", shift="day", points=route_points)
    at = timezone.make_aware(datetime.combine(timezone.localdate(), time(9)))
    start_patrol(route, by=zhang, now=at)

    with tenant_context(globex):
        assert not InspectionTask.objects.exists()
        assert not Point.objects.filter(area__code="W1-A1").exists()
