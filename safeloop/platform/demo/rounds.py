"""Inspection plans that have a task open whenever someone logs in, and the
week of rounds behind them.

Two plans per shift (night 00:00, day 08:00, middle 16:00 — the hazard
module's shifts) with windows as long as the shift, so the operator and the
team leader always have a task due now: the operator's equipment check of
their press, the team leader's hand-over check of the press line.
The template's 07:30 pre-shift check stays as it is.

History is made the way it would have happened: beat's ``scheduling.tick`` is
called at each past window's start (it makes the tasks and flags the ones that
ended undone), and the people inspect through ``start_inspection`` /
``submit_inspection`` with ``at=`` moments inside the windows. A few tasks are
left to be missed, a few points skipped, a few items fail and become hazards
through ``create_hazard_from_answer`` (whose ``reported_at`` and deadline are
then set to the inspection's moment: that service has no ``at=``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

from safeloop.platform.demo.pictures import scene_jpeg

HISTORY_DAYS = 7
SHIFT_RULE = "FREQ=DAILY;BYHOUR=0,8,16"
SHIFT_MINUTES = 8 * 60
# Beat's moments worth replaying each day: the shift changes and the pre-shift check
# (07:45 makes both the 07:30 pre-shift window and, within beat's lead, the day shift's.)
TICKS = (time(0, 0), time(7, 45), time(16, 0))
SKIP_REASON = "设备停机检修，已挂牌"

# Failed items that become hazards: (days ago, plan key, library code, the item's
# keyword, the inspector's note).
FINDINGS = [
    (6, "operator", "MECH-004", "防护", "皮带轮护罩固定螺栓松脱"),
    (4, "leader", "FIRE-003", "灭火", "东侧灭火器压力表指针在红区"),
    (1, "operator", "MECH-002", "保护", "光电保护偶发不动作，已停机"),
]


@dataclass
class Finding:
    hazard: object
    at: datetime
    days_ago: int


def seed_plans(admin, people: dict, today) -> dict:
    """The per-shift plans; the template's pre-shift plans start a week back too."""
    from safeloop.tenants.facilities.models import Area, Equipment
    from safeloop.tenants.inspections.models import (
        Cadence,
        Checklist,
        InspectionPlan,
        Point,
        PointSelection,
    )
    from safeloop.tenants.inspections.services import create_plan, update_plan

    start = today - timedelta(days=HISTORY_DAYS)
    lists = {c.code: c for c in Checklist.objects.all()}
    for plan in InspectionPlan.objects.filter(cadence=Cadence.DAILY_PRE_SHIFT):
        # The machines are checked by their operators every shift (below), so the
        # team leader's pre-shift round keeps to the areas.
        update_plan(plan, by=admin.user, starts_on=start, checklists=[lists["DAILY-AREA"]])
    workshop = Area.objects.get(code="W1")
    press = Equipment.objects.get(code="PR-001")
    shift = dict(
        cadence=Cadence.CUSTOM,
        rrule=SHIFT_RULE,
        starts_on=start,
        start_time=time(0, 0),
        window_minutes=SHIFT_MINUTES,
        area=workshop,
        point_selection=PointSelection.EXPLICIT,
    )
    operator = create_plan(
        by=admin.user,
        name="每班设备点检 · 冲压线",
        name_en="Per-shift equipment check · Press line",
        role="operator",
        checklists=[lists["EQUIP-PRESS"]],
        points=[Point.objects.for_target(press)],
        **shift,
    )
    leader = create_plan(
        by=admin.user,
        name="交接班安全检查 · 冲压车间",
        name_en="Shift hand-over check · Stamping workshop",
        role="team_leader",
        checklists=[lists["DAILY-AREA"]],
        points=[Point.objects.for_target(Area.objects.get(code="W1-A1"))],
        **shift,
    )
    return {"operator": operator, "leader": leader}


def _answers(items, fail_pk: int | None, seed: int) -> tuple[dict, dict]:
    from safeloop.tenants.inspections.models import ItemKind
    from safeloop.tenants.inspections.services.inspecting import NOT_APPLICABLE

    answers, photos = {}, {}
    for item in items:
        # What may not apply mostly does not at the press line (no cylinders, no paint
        # store): 不适用, so the result page's tally shows it from the first login.
        if item.allows_na and item.pk != fail_pk and (seed + item.order) % 4:
            answers[item.pk] = NOT_APPLICABLE
        elif item.kind == ItemKind.PASS_FAIL:
            answers[item.pk] = item.pk != fail_pk
        elif item.kind == ItemKind.NUMBER:
            low, high = item.number_min, item.number_max
            value = (low + high) / 2 if low is not None and high is not None else low or high or 0
            answers[item.pk] = str(value)
        elif item.kind == ItemKind.CHOICE and item.choices:
            passing = [c for c in item.choices if c not in item.failing_choices]
            answers[item.pk] = (passing or item.choices)[0]
        elif item.kind == ItemKind.TEXT and item.required:
            answers[item.pk] = "正常"
        elif item.kind == ItemKind.PHOTO and item.required:
            photos[item.pk] = scene_jpeg(item.label[:18], seed + item.order, fixed=True)
    return answers, photos


def _failing_item(items, keyword: str):
    from safeloop.tenants.inspections.models import ItemKind

    checks = [i for i in items if i.kind == ItemKind.PASS_FAIL]
    return ([i for i in checks if keyword in i.label] or checks)[0]


def _inspect(task, at: datetime, rng: random.Random, finding=None) -> list:
    """Walk the task's points from ``at``; returns the hazards of failed items."""
    from safeloop.tenants.hazards.models import Hazard, LibraryEntry
    from safeloop.tenants.hazards.services import policy_for
    from safeloop.tenants.inspections.services import (
        create_hazard_from_answer,
        skip_point,
        start_inspection,
        submit_inspection,
    )

    user = task.assignee.user
    hazards = []
    points = list(task.points.select_related("point", "checklist").order_by("order"))
    for n, task_point in enumerate(points):
        when = at + timedelta(minutes=7 * n)
        if n and rng.random() < 0.1:
            skip_point(task_point, by=user, reason=SKIP_REASON, at=when)
            continue
        inspection = start_inspection(task_point.point, by=user, task_point=task_point, at=when)
        items = list(inspection.checklist_version.items.all())
        failing = _failing_item(items, finding[3]) if finding and n == 0 else None
        answers, photos = _answers(items, failing.pk if failing else None, task.pk * 31 + n)
        notes = {}
        if failing:  # what was found, with a photo of it
            notes[failing.pk] = finding[4]
            photos[failing.pk] = scene_jpeg(finding[4][:14], task.pk)
        submitted = when + timedelta(minutes=5)
        submit_inspection(
            inspection, by=user, answers=answers, photos=photos, notes=notes, at=submitted
        )
        if failing:
            answer = inspection.answers.get(item=failing)
            entry = LibraryEntry.objects.filter(code=finding[2]).first()
            hazard = create_hazard_from_answer(answer, by=user, library_entry=entry)
            # The service reports "now"; the finding was made at the inspection.
            deadline = submitted + timedelta(hours=policy_for(hazard.grade).deadline_hours)
            Hazard.objects.filter(pk=hazard.pk).update(
                reported_at=submitted,
                deadline=deadline,
                number=f"H{submitted:%y%m}-{hazard.pk:05d}",
            )
            hazard.refresh_from_db()
            hazards.append(hazard)
    return hazards


def _missed(days_ago: int, tick: int, plan_key: str | None) -> bool:
    """About one task in eight is not done in time, spread over the week
    (never today's), the same ones every time."""
    plan = {"operator": 0, "leader": 1}.get(plan_key, 2)
    return days_ago > 0 and (3 * days_ago + tick + plan) % 8 == 0


def seed_rounds(plans: dict, now: datetime) -> list[Finding]:
    """Replay beat and the rounds from a week ago until now."""
    from safeloop.tenants.inspections import scheduling
    from safeloop.tenants.inspections.models import TaskState

    today = timezone.localdate(now)
    findings_by_day = {(f[0], f[1]): f for f in FINDINGS}
    plan_keys = {plan.pk: key for key, plan in plans.items()}
    found: list[Finding] = []
    for days_ago in range(HISTORY_DAYS, -1, -1):
        day = today - timedelta(days=days_ago)
        for tick, moment in enumerate(TICKS):
            tick_at = timezone.make_aware(datetime.combine(day, moment))
            if tick_at > now:
                break
            for task in scheduling.tick(tick_at).created:
                if task.state != TaskState.OPEN or task.window_end > now:
                    continue  # open now: today's task, due when someone logs in
                rng = random.Random(f"{task.plan_id}-{task.window_start.isoformat()}")
                length = (task.window_end - task.window_start).total_seconds() / 60
                at = task.window_start + timedelta(minutes=rng.randint(5, int(length / 3)))
                key = plan_keys.get(task.plan_id)
                finding = findings_by_day.pop((days_ago, key), None)
                if finding is None and _missed(days_ago, tick, key):
                    continue  # left undone: the next tick flags it missed
                for hazard in _inspect(task, at, rng, finding):
                    found.append(Finding(hazard, hazard.reported_at, days_ago))
    scheduling.tick(now)
    return found
