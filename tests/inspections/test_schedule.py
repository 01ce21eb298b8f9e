"""Beat across a simulated week: exactly the expected tasks, each made once, missed
ones flagged at their window's end and the superior told once.

The week runs Monday 29 April 2030 00:00 → Monday 6 May 00:00 (Shanghai) and
holds 1 May, so the monthly window opens in it. Every 15 minutes beat's tick
runs — twice, as if two beat processes overlapped.

* Daily pre-shift for W1's team leaders (Li Na): 07:30–08:30 every day.
* Weekly special for the safety officers (Sun Hao): Monday 08:00 for two days.
* Monthly comprehensive for Wang Wei by name: the 1st 08:00 for five days.

Li inspects all three of her points on Tuesday at 07:45; every other daily
window passes undone. Liu Qiang is Li's superior; Sun has none and no area,
so the safety manager (Wang) hears of his.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from safeloop.tenants.alerts.models import Channel, Notification
from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.inspections.models import (
    InspectionPlan,
    InspectionTask,
    Point,
    PointSelection,
    TaskState,
)
from safeloop.tenants.inspections.scheduling import tick
from safeloop.tenants.inspections.services import create_plan
from safeloop.tenants.inspections.tasks import inspection_schedule_tick

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2030, 4, 29, tzinfo=SHANGHAI)
STEP = timedelta(minutes=15)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """Local time on day ``day`` of the simulated week (0 = Monday 29 April)."""
    return MONDAY + timedelta(days=day, hours=hour, minutes=minute)


def _inbox(user, event: str) -> int:
    return Notification.objects.filter(recipient=user, channel=Channel.INBOX, event=event).count()


@pytest.fixture
def plans(wang, w1, checklist):
    InspectionPlan.objects.update(is_active=False)  # the template's plans stay out of the count
    april = date(2030, 4, 1)
    daily = create_plan(
        by=wang,
        name="W1 班前检查",
        cadence="daily_pre_shift",
        role="team_leader",
        area=w1,
        checklists=[checklist("DAILY-AREA")],
        starts_on=april,
    )
    weekly = create_plan(
        by=wang,
        name="消防与用电专项",
        cadence="weekly_special",
        role="safety_officer",
        checklists=[checklist("WEEKLY-SPECIAL")],
        starts_on=april,
    )
    monthly = create_plan(
        by=wang,
        name="W1 月度综合检查",
        cadence="monthly_comprehensive",
        assignees=[wang.person],
        point_selection=PointSelection.EXPLICIT,
        points=[Point.objects.for_target(w1)],
        checklists=[checklist("MONTHLY")],
        starts_on=april,
    )
    return daily, weekly, monthly


def test_a_simulated_week_of_beat_makes_exactly_the_expected_tasks(
    plans, wang, li, sun, liu, inspect
):
    daily, weekly, monthly = plans
    first_seen: dict[int, datetime] = {}

    now = MONDAY
    while now <= MONDAY + timedelta(days=7):
        with time_machine.travel(now, tick=False):
            for _ in range(2):  # beat ticks twice
                for task in tick().created:
                    assert task.pk not in first_seen, "a task was made twice"
                    first_seen[task.pk] = now
            if now == at(1, 7, 45):  # Tuesday: Li does her pre-shift round
                [task] = InspectionTask.objects.filter(plan=daily, window_start=at(1, 7, 30))
                for task_point in task.points.all():
                    inspect(task_point.point, li)
        now += STEP

    tasks = InspectionTask.objects.filter(plan__in=plans).select_related("assignee")
    expected = {(daily.pk, li.person.pk, at(d, 7, 30), at(d, 8, 30)) for d in range(7)}
    expected.add((weekly.pk, sun.person.pk, at(0, 8), at(2, 8)))
    expected.add((monthly.pk, wang.person.pk, at(2, 8), at(7, 8)))
    assert {(t.plan_id, t.assignee_id, t.window_start, t.window_end) for t in tasks} == expected
    assert tasks.count() == len(expected) == 9

    # Each task appeared one beat period before its window opened.
    for task in tasks:
        assert first_seen[task.pk] == task.window_start - STEP
        # weekly: the three workshops its checklist is bound to (welding, assembly, power)
        assert task.points.count() == {daily.pk: 3, weekly.pk: 3, monthly.pk: 1}[task.plan_id]

    states = {(t.plan_id, t.window_start): t for t in tasks}
    tuesday = states[(daily.pk, at(1, 7, 30))]
    assert tuesday.state == TaskState.DONE and tuesday.completed_at == at(1, 7, 45)
    missed_daily = [t for t in tasks if t.plan_id == daily.pk and t.pk != tuesday.pk]
    assert all(t.state == TaskState.MISSED for t in missed_daily)
    assert all(t.missed_at == t.window_end for t in missed_daily)
    assert states[(weekly.pk, at(0, 8))].state == TaskState.MISSED
    assert states[(monthly.pk, at(2, 8))].state == TaskState.OPEN  # its window runs to 6 May

    # Superiors are told once per missed task, whatever the double ticks.
    assert _inbox(liu, "inspection.missed") == 6
    assert _inbox(wang, "inspection.missed") == 1
    assert _inbox(li, "inspection.missed") == 0
    # Each notice sends the superior straight to its missed task's page.
    missed_pages = {
        f"/i/tasks/{pk}/"
        for pk in InspectionTask.objects.filter(state="missed").values_list("pk", flat=True)
    }
    links = Notification.objects.filter(recipient=liu, event="inspection.missed", channel="inbox")
    assert {
        link.split("localhost", 1)[1] for link in links.values_list("link", flat=True)
    } <= missed_pages
    assert _inbox(li, "inspection.task_created") == 7
    assert AuditEvent.objects.filter(verb="task.missed").count() == 7


def test_the_celery_task_runs_the_same_tick_and_replays_harmlessly(plans, li):
    daily, _weekly, _monthly = plans

    first = inspection_schedule_tick(at(0, 7, 20).isoformat())
    again = inspection_schedule_tick(at(0, 7, 20).isoformat())

    assert first == {"created": 1, "missed": 0} and again == {"created": 0, "missed": 0}
    # 08:30: Li's window closed undone; the weekly window (08:00) is open for Sun.
    assert inspection_schedule_tick(at(0, 8, 30).isoformat()) == {"created": 1, "missed": 1}
    assert InspectionTask.objects.filter(plan=daily, assignee=li.person).count() == 1


def test_beat_catches_up_on_a_window_that_is_already_open(plans, li):
    daily, _weekly, _monthly = plans

    tick(at(3, 8, 10))  # the worker was down until 08:10; the window runs until 08:30

    task = InspectionTask.objects.get(plan=daily)
    assert task.window_start == at(3, 7, 30) and task.state == TaskState.OPEN


def test_an_inactive_plan_makes_no_tasks(plans):
    InspectionPlan.objects.update(is_active=False)

    assert tick(at(0, 7, 20)).created == []
