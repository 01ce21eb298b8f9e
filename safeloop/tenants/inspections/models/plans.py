"""Plans (检查计划), patrol routes (巡检路线) and the tasks they produce."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeloop.access import ROLE_CHOICES
from safeloop.tenants.facilities.models import BilingualName, Shift


class Cadence(models.TextChoices):
    DAILY_PRE_SHIFT = "daily_pre_shift", _("Daily pre-shift")  # 每日班前
    WEEKLY_SPECIAL = "weekly_special", _("Weekly special")  # 每周专项
    MONTHLY_COMPREHENSIVE = "monthly_comprehensive", _("Monthly comprehensive")  # 每月综合
    CUSTOM = "custom", _("Custom recurrence")


class PointSelection(models.TextChoices):
    SUBTREE = "subtree", _("Every point in the area with a checklist")
    EXPLICIT = "explicit", _("The listed points")
    ROUTE = "route", _("The stops of a patrol route")


class PatrolRoute(BilingualName):
    """An ordered walk through points, done once per shift."""

    shift = models.CharField(_("shift"), max_length=10, choices=Shift.choices)
    area = models.ForeignKey(
        "facilities.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]


class RouteStop(models.Model):
    route = models.ForeignKey(PatrolRoute, on_delete=models.CASCADE, related_name="stops")
    point = models.ForeignKey("inspections.Point", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["route_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["route", "order"], name="one_stop_per_position"),
            models.UniqueConstraint(fields=["route", "point"], name="each_point_once_per_route"),
        ]

    def __str__(self) -> str:
        return f"route {self.route_id} stop {self.order}"


class InspectionPlan(BilingualName):
    """Who inspects which points, and when.

    The recurrence is an RFC 5545 RRULE (python-dateutil) started at
    ``starts_on`` + ``start_time`` in the enterprise's time zone; each
    occurrence opens a window of ``window_minutes``. The presets fill ``rrule``
    in: daily 07:30 for 1 h, weekly Monday 08:00 for 2 days, monthly on the 1st
    08:00 for 5 days.

    The people: everyone holding ``role`` within ``area``'s subtree (the whole
    enterprise when ``area`` is empty; people without an area count only then),
    plus the named ``assignees``. Each gets one task per window.

    The points: by ``point_selection`` — every point in ``area``'s subtree to
    which one of ``checklists`` applies (any bound checklist when none are
    listed), the listed ``points``, or the stops of ``route``.
    """

    cadence = models.CharField(max_length=24, choices=Cadence.choices)
    rrule = models.TextField(_("recurrence rule"))
    starts_on = models.DateField(default=timezone.localdate)
    start_time = models.TimeField()
    window_minutes = models.PositiveIntegerField()
    role = models.CharField(max_length=30, choices=ROLE_CHOICES, blank=True)
    area = models.ForeignKey(
        "facilities.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignees = models.ManyToManyField("facilities.Person", blank=True, related_name="+")
    checklists = models.ManyToManyField("inspections.Checklist", blank=True, related_name="plans")
    point_selection = models.CharField(
        max_length=10, choices=PointSelection.choices, default=PointSelection.SUBTREE
    )
    route = models.ForeignKey(
        PatrolRoute, null=True, blank=True, on_delete=models.PROTECT, related_name="plans"
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]


class PlanPoint(models.Model):
    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="plan_points")
    point = models.ForeignKey("inspections.Point", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["plan_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "point"], name="each_point_once_per_plan")
        ]

    def __str__(self) -> str:
        return f"plan {self.plan_id} point {self.order}"


class TaskState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    MISSED = "missed", _("Missed")


class InspectionTask(models.Model):
    """One person's inspection of a set of points within one window.

    Done when every point was inspected (or skipped with a reason) within the
    window; missed when the window ends first. ``(plan, assignee,
    window_start)`` is unique, which is what makes beat's task generation safe
    to run twice.
    """

    plan = models.ForeignKey(
        InspectionPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    route = models.ForeignKey(
        PatrolRoute, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    assignee = models.ForeignKey(
        "facilities.Person", on_delete=models.PROTECT, related_name="inspection_tasks"
    )
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    state = models.CharField(max_length=10, choices=TaskState.choices, default=TaskState.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    missed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["window_start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "assignee", "window_start"], name="one_task_per_plan_window"
            ),
            models.UniqueConstraint(
                fields=["route", "assignee", "window_start"],
                condition=Q(plan__isnull=True),
                name="one_patrol_per_route_window",
            ),
            models.CheckConstraint(
                condition=Q(plan__isnull=False) | Q(route__isnull=False),
                name="task_has_plan_or_route",
            ),
            models.CheckConstraint(
                condition=Q(window_end__gt=models.F("window_start")), name="task_window_not_empty"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "window_end"]),
            models.Index(fields=["assignee", "window_start"]),
        ]

    def __str__(self) -> str:
        return f"task #{self.pk} {self.window_start:%Y-%m-%d %H:%M}"

    @property
    def is_patrol(self) -> bool:
        return self.route_id is not None

    def is_within_window(self, when) -> bool:
        return self.window_start <= when <= self.window_end


class TaskPoint(models.Model):
    """One point of a task, in order; resolved by an inspection or a skip."""

    task = models.ForeignKey(InspectionTask, on_delete=models.CASCADE, related_name="points")
    point = models.ForeignKey("inspections.Point", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField()
    # The checklist expected here (null: whatever is bound to the point then).
    checklist = models.ForeignKey(
        "inspections.Checklist", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    inspection = models.ForeignKey(
        "inspections.Inspection",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="task_points",
    )
    skipped_reason = models.TextField(blank=True)
    skipped_at = models.DateTimeField(null=True, blank=True)
    skipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["task_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["task", "point"], name="each_point_once_per_task")
        ]

    def __str__(self) -> str:
        return f"task #{self.task_id} point {self.point_id}"

    @property
    def is_resolved(self) -> bool:
        return self.inspection_id is not None or self.skipped_at is not None
