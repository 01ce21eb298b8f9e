"""A person's open inspection tasks of today on their home page (see facilities/today.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import time_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from safeloop.tenants.facilities.today import DueItem, register_due
from safeloop.tenants.inspections.models import TaskState
from safeloop.tenants.inspections.selectors import tasks_for_day


def inspections_today(user) -> list[DueItem]:
    items = []
    for task in tasks_for_day(user).filter(state=TaskState.OPEN):
        name = task.plan.display_name if task.plan else task.route.display_name
        window = "–".join(
            time_format(localtime(t), "H:i") for t in (task.window_start, task.window_end)
        )
        items.append(
            DueItem(
                title=name,
                url=reverse("inspections:task", args=[task.pk]),
                detail=window,
                due=task.window_end,
                key=f"task-{task.pk}",
            )
        )
    return items


def register() -> None:
    register_due("inspections_today", _("Inspections today"), inspections_today, order=10)
