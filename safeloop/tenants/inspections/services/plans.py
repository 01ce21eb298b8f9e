"""Inspection plans (who, where, when) and patrol routes (ordered points per shift)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from dateutil.rrule import rrule, rrulestr
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.access import Role, ensure_can
from safeloop.platform.errors import field_error
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.facilities.models import Area, Person, Shift
from safeloop.tenants.inspections.errors import InspectionErrorCode as Code
from safeloop.tenants.inspections.models import (
    Cadence,
    Checklist,
    InspectionPlan,
    InspectionTask,
    PatrolRoute,
    PlanPoint,
    Point,
    PointSelection,
    RouteStop,
    TaskPoint,
)
from safeloop.tenants.inspections.permissions import InspectionPerm

# Seed 001's three plan types: (rule, start, window). The time and window of a
# preset can be changed per plan; the recurrence itself is the preset's.
PRESETS: dict[str, tuple[str, time, int]] = {
    Cadence.DAILY_PRE_SHIFT: ("FREQ=DAILY", time(7, 30), 60),
    Cadence.WEEKLY_SPECIAL: ("FREQ=WEEKLY;BYDAY=MO", time(8, 0), 48 * 60),
    Cadence.MONTHLY_COMPREHENSIVE: ("FREQ=MONTHLY;BYMONTHDAY=1", time(8, 0), 5 * 24 * 60),
}
MAX_WINDOW_MINUTES = 31 * 24 * 60
# Local shift hours for patrols started on the spot: (start hour, length in hours).
SHIFT_HOURS = {Shift.DAY: (8, 8), Shift.MIDDLE: (16, 8), Shift.NIGHT: (0, 8)}


def plan_dtstart(starts_on: date, start_time: time) -> datetime:
    return timezone.make_aware(datetime.combine(starts_on, start_time))


def parse_rrule(text: str, dtstart: datetime) -> rrule:
    """An RRULE (without DTSTART: the plan gives it); ValidationError when unreadable."""
    text = (text or "").strip()
    if not text:
        raise field_error("rrule", _("Give a recurrence rule."), Code.REQUIRED)
    if "DTSTART" in text.upper():
        raise field_error(
            "rrule", _("Leave DTSTART out: the plan's start sets it."), Code.BAD_RRULE
        )
    try:
        rule = rrulestr(text, dtstart=dtstart, forceset=False)
    except (ValueError, TypeError, KeyError, IndexError):
        raise field_error(
            "rrule", _("This is not a recurrence rule we can read."), Code.BAD_RRULE
        ) from None
    if not isinstance(rule, rrule):
        raise field_error("rrule", _("Give one RRULE line."), Code.BAD_RRULE)
    return rule


def plan_rule(plan: InspectionPlan) -> rrule:
    return parse_rrule(plan.rrule, plan_dtstart(plan.starts_on, plan.start_time))


PLAN_FIELDS = (
    "name",
    "name_en",
    "cadence",
    "rrule",
    "starts_on",
    "start_time",
    "window_minutes",
    "role",
    "area",
    "point_selection",
    "route",
    "is_active",
)


def clean_plan(plan: InspectionPlan, assignees: list[Person], points: list[Point] | None) -> None:
    plan.name = (plan.name or "").strip()[:120]
    plan.name_en = (plan.name_en or "").strip()[:120]
    if not plan.name:
        raise field_error("name", _("Give the plan a name."), Code.REQUIRED)
    if plan.cadence not in Cadence.values:
        raise field_error("cadence", _("Unknown cadence."), Code.INVALID)
    if plan.cadence in PRESETS:
        rule, default_time, default_window = PRESETS[plan.cadence]
        plan.rrule = rule
        plan.start_time = plan.start_time or default_time
        plan.window_minutes = plan.window_minutes or default_window
    if plan.start_time is None:
        raise field_error("start_time", _("Give the time the window opens."), Code.REQUIRED)
    if not plan.window_minutes or not 0 < int(plan.window_minutes) <= MAX_WINDOW_MINUTES:
        raise field_error(
            "window_minutes", _("The window must last from 1 minute to 31 days."), Code.INVALID
        )
    plan.starts_on = plan.starts_on or timezone.localdate()
    parse_rrule(plan.rrule, plan_dtstart(plan.starts_on, plan.start_time))
    if plan.role and plan.role not in Role.__members__.values():
        raise field_error("role", _("Unknown role."), Code.INVALID)
    if not plan.role and not assignees:
        raise field_error(
            "assignees", _("Assign the plan to a role or to named people."), Code.REQUIRED
        )
    if plan.point_selection not in PointSelection.values:
        raise field_error("point_selection", _("Unknown point selection."), Code.INVALID)
    if plan.point_selection == PointSelection.EXPLICIT and not points:
        raise field_error("points", _("List the points to inspect."), Code.NO_POINTS)
    if plan.point_selection == PointSelection.ROUTE and plan.route is None:
        raise field_error("route", _("Pick the patrol route."), Code.REQUIRED)
    if plan.point_selection != PointSelection.ROUTE:
        plan.route = None


def _set_points(plan: InspectionPlan, points: Sequence[Point]) -> None:
    plan.plan_points.all().delete()
    if len({p.pk for p in points}) != len(points):
        raise field_error("points", _("A point is listed twice."), Code.DUPLICATE)
    PlanPoint.objects.bulk_create(
        PlanPoint(plan=plan, point=p, order=n) for n, p in enumerate(points, start=1)
    )


@transaction.atomic
def create_plan(
    *,
    by,
    name: str,
    cadence: str,
    name_en: str = "",
    rrule: str = "",
    starts_on: date | None = None,
    start_time: time | None = None,
    window_minutes: int | None = None,
    role: str = "",
    area: Area | None = None,
    assignees: Iterable[Person] = (),
    checklists: Iterable[Checklist] = (),
    point_selection: str = PointSelection.SUBTREE,
    points: Sequence[Point] = (),
    route: PatrolRoute | None = None,
    is_active: bool = True,
) -> InspectionPlan:
    """A plan; beat turns each of its windows into one task per responsible person."""
    ensure_can(by, InspectionPerm.INSPECTIONS_MANAGE)
    assignees, points = list(assignees), list(points)
    plan = InspectionPlan(
        name=name,
        name_en=name_en,
        cadence=cadence,
        rrule=rrule,
        starts_on=starts_on,
        start_time=start_time,
        window_minutes=window_minutes,
        role=role or "",
        area=area,
        point_selection=point_selection,
        route=route,
        is_active=is_active,
        created_by=by,
    )
    clean_plan(plan, assignees, points)
    plan.save()
    plan.assignees.set(assignees)
    plan.checklists.set(list(checklists))
    if plan.point_selection == PointSelection.EXPLICIT:
        _set_points(plan, points)
    record_event(
        plan,
        "plan.created",
        by=by,
        name=plan.name,
        cadence=plan.cadence,
        rrule=plan.rrule,
        window_minutes=plan.window_minutes,
        role=plan.role,
        area=area.code if area else None,
    )
    return plan


@transaction.atomic
def update_plan(plan: InspectionPlan, *, by, **changes: Any) -> InspectionPlan:
    """Change a plan. Tasks already made keep their windows and points."""
    ensure_can(by, InspectionPerm.INSPECTIONS_MANAGE)
    assignees = changes.pop("assignees", None)
    checklists = changes.pop("checklists", None)
    points = changes.pop("points", None)
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"unknown plan fields: {sorted(unknown)}")
    if changes.get("cadence") and changes["cadence"] != plan.cadence:
        # A new preset brings its own defaults unless given.
        changes.setdefault("start_time", None)
        changes.setdefault("window_minutes", None)
    for attr, value in changes.items():
        setattr(plan, attr, value)
    new_assignees = list(assignees) if assignees is not None else list(plan.assignees.all())
    new_points = list(points) if points is not None else [pp.point for pp in plan.plan_points.all()]
    clean_plan(plan, new_assignees, new_points)
    plan.save()
    if assignees is not None:
        plan.assignees.set(new_assignees)
    if checklists is not None:
        plan.checklists.set(list(checklists))
    if points is not None:
        _set_points(plan, new_points)
    described = {k: getattr(v, "pk", v) for k, v in changes.items()}
    record_event(plan, "plan.updated", by=by, changes=described)
    return plan


def _set_stops(route: PatrolRoute, points: Sequence[Point]) -> None:
    if not points:
        raise field_error("points", _("A route needs at least one point."), Code.NO_POINTS)
    if len({p.pk for p in points}) != len(points):
        raise field_error("points", _("A point is listed twice."), Code.DUPLICATE)
    route.stops.all().delete()
    RouteStop.objects.bulk_create(
        RouteStop(route=route, point=p, order=n) for n, p in enumerate(points, start=1)
    )


@transaction.atomic
def create_route(
    *,
    by,
    name: str,
    shift: str,
    points: Sequence[Point],
    name_en: str = "",
    area: Area | None = None,
) -> PatrolRoute:
    """A patrol route: the points in walking order, for one shift."""
    ensure_can(by, InspectionPerm.INSPECTIONS_MANAGE)
    if not (name or "").strip():
        raise field_error("name", _("Give the route a name."), Code.REQUIRED)
    if shift not in Shift.values:
        raise field_error("shift", _("Unknown shift."), Code.INVALID)
    route = PatrolRoute.objects.create(
        name=name.strip()[:120], name_en=(name_en or "").strip()[:120], shift=shift, area=area
    )
    _set_stops(route, list(points))
    record_event(route, "route.created", by=by, name=route.name, shift=shift, points=len(points))
    return route


@transaction.atomic
def update_route(
    route: PatrolRoute,
    *,
    by,
    name: str | None = None,
    name_en: str | None = None,
    shift: str | None = None,
    points: Sequence[Point] | None = None,
    is_active: bool | None = None,
) -> PatrolRoute:
    ensure_can(by, InspectionPerm.INSPECTIONS_MANAGE)
    if name is not None:
        if not name.strip():
            raise field_error("name", _("Give the route a name."), Code.REQUIRED)
        route.name = name.strip()[:120]
    if name_en is not None:
        route.name_en = name_en.strip()[:120]
    if shift is not None:
        if shift not in Shift.values:
            raise field_error("shift", _("Unknown shift."), Code.INVALID)
        route.shift = shift
    if is_active is not None:
        route.is_active = bool(is_active)
    route.save()
    if points is not None:
        _set_stops(route, list(points))
    record_event(
        route,
        "route.updated",
        by=by,
        name=route.name,
        shift=route.shift,
        is_active=route.is_active,
        points=len(points) if points is not None else None,
    )
    return route


def shift_window(shift: str, now: datetime) -> tuple[datetime, datetime]:
    """The window of ``shift`` that contains ``now`` (or today's, if none does)."""
    start_hour, hours = SHIFT_HOURS[Shift(shift)]
    local = timezone.localtime(now)
    for day in (local.date(), local.date() - timedelta(days=1)):
        start = timezone.make_aware(datetime.combine(day, time(start_hour)))
        end = start + timedelta(hours=hours)
        if start <= now < end:
            return start, end
    start = timezone.make_aware(datetime.combine(local.date(), time(start_hour)))
    return start, start + timedelta(hours=hours)


@transaction.atomic
def start_patrol(route: PatrolRoute, *, by, now: datetime | None = None) -> InspectionTask:
    """Walk a route now: one patrol task per person and shift (starting twice returns it)."""
    from safeloop.tenants.inspections.services.inspecting import person_of

    ensure_can(by, InspectionPerm.INSPECTIONS_DO)
    person = person_of(by)
    now = now or timezone.now()
    if not route.is_active:
        raise field_error("route", _("This route is no longer in use."), Code.INVALID)
    start, end = shift_window(route.shift, now)
    if not start <= now < end:
        raise field_error(
            "route",
            _("This route is walked on the %(shift)s.") % {"shift": Shift(route.shift).label},
            Code.INVALID,
        )
    task, created = InspectionTask.objects.get_or_create(
        plan=None,
        route=route,
        assignee=person,
        window_start=start,
        defaults={"window_end": end},
    )
    if created:
        TaskPoint.objects.bulk_create(
            TaskPoint(task=task, point_id=stop.point_id, order=stop.order)
            for stop in route.stops.all()
        )
        record_event(task, "task.created", by=by, route=route.pk, window_start=start)
    return task
