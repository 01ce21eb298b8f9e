"""Completion rates (巡检完成率): done ÷ due, per plan, area, person or period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce, TruncDay, TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.platform.errors import field_error
from safeloop.tenants.facilities.models import Area, Person
from safeloop.tenants.inspections.errors import InspectionErrorCode as Code
from safeloop.tenants.inspections.models import InspectionPlan, TaskState
from safeloop.tenants.inspections.models.records import Answer
from safeloop.tenants.inspections.selectors import visible_inspections, visible_tasks
from safeloop.tenants.inspections.tally import Tally, tally_of

GROUPINGS = ("plan", "area", "person", "day", "week", "month")


@dataclass(frozen=True)
class CompletionRow:
    """One group's tasks in the period. ``rate`` is done ÷ (done + missed): open
    tasks are not due yet; None when nothing was due."""

    key: object
    label: str
    total: int
    done: int
    missed: int
    open: int

    @property
    def due(self) -> int:
        return self.done + self.missed

    @property
    def rate(self) -> float | None:
        return round(self.done / self.due, 4) if self.due else None


def completion_stats(
    *, by, start: datetime, end: datetime, group_by: str = "plan"
) -> list[CompletionRow]:
    """Tasks whose window starts in ``[start, end)`` that ``by`` may see, grouped.

    ``group_by``: plan, area (the plan's or route's area; None: enterprise-wide),
    person (assignee), or day/week/month (local time).
    """
    if group_by not in GROUPINGS:
        raise field_error("group_by", _("Unknown grouping."), Code.INVALID)
    if end <= start:
        raise field_error("end", _("The period ends before it starts."), Code.INVALID)
    qs = visible_tasks(by).filter(window_start__gte=start, window_start__lt=end)
    tz = timezone.get_current_timezone()
    key = {
        "plan": F("plan_id"),
        "area": Coalesce("plan__area_id", "route__area_id"),
        "person": F("assignee_id"),
        "day": TruncDay("window_start", tzinfo=tz),
        "week": TruncWeek("window_start", tzinfo=tz),
        "month": TruncMonth("window_start", tzinfo=tz),
    }[group_by]
    rows = (
        qs.annotate(group=key)
        .values("group")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(state=TaskState.DONE)),
            missed=Count("id", filter=Q(state=TaskState.MISSED)),
            open=Count("id", filter=Q(state=TaskState.OPEN)),
        )
        .order_by("group")
    )
    rows = list(rows)
    labels = _labels(group_by, [r["group"] for r in rows])
    return [
        CompletionRow(
            key=r["group"],
            label=labels.get(r["group"], ""),
            total=r["total"],
            done=r["done"],
            missed=r["missed"],
            open=r["open"],
        )
        for r in rows
    ]


def _labels(group_by: str, keys: list) -> dict:
    ids = [k for k in keys if k is not None]
    if group_by == "plan":
        return {p.pk: p.display_name for p in InspectionPlan.objects.filter(pk__in=ids)}
    if group_by == "area":
        labels = {a.pk: a.display_name for a in Area.objects.filter(pk__in=ids)}
        labels[None] = _("Whole enterprise")
        return labels
    if group_by == "person":
        return {p.pk: p.full_name for p in Person.objects.filter(pk__in=ids).select_related("user")}
    fmt = "%Y-%m" if group_by == "month" else "%Y-%m-%d"
    return {k: timezone.localtime(k).strftime(fmt) for k in ids}


def answer_tally(*, by, start: datetime, end: datetime) -> Tally:
    """Pass, fail and 不适用 answers of the inspections ``by`` may see, submitted in
    ``[start, end)``; its ``pass_rate`` (检查项合格率) leaves 不适用 out."""
    inspections = visible_inspections(by).filter(submitted_at__gte=start, submitted_at__lt=end)
    return tally_of(Answer.objects.filter(inspection__in=inspections))
