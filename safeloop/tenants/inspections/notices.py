"""What inspection tasks tell whom. Deduplicated per task: a second beat tick tells no one twice."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.access import Role
from safeloop.platform.urls_util import tenant_absolute_url
from safeloop.tenants.alerts.services import Message, notify
from safeloop.tenants.facilities.models import Person
from safeloop.tenants.facilities.selectors import people_with_role, workshop_of
from safeloop.tenants.inspections.models import InspectionTask


def task_link(task: InspectionTask) -> str:
    return tenant_absolute_url(reverse("inspections:task", args=[task.pk]))


def task_title(task: InspectionTask) -> str:
    source = task.plan or task.route
    return source.display_name if source else _("Inspection")


def _window(task: InspectionTask) -> str:
    start, end = timezone.localtime(task.window_start), timezone.localtime(task.window_end)
    end_fmt = "%H:%M" if start.date() == end.date() else "%m-%d %H:%M"
    return f"{start:%m-%d %H:%M}–{end.strftime(end_fmt)}"


def superiors_of(person: Person) -> list:
    """Who hears that ``person`` missed a task: their superior; without one, the
    team leader of their workshop, then its director, then the safety managers."""
    superior = person.superior
    if superior is not None and superior.pk != person.pk and superior.user.is_active:
        return [superior.user]
    workshop = workshop_of(person.area)
    chain = [(Role.TEAM_LEADER, workshop), (Role.WORKSHOP_DIRECTOR, workshop)]
    chain.append((Role.SAFETY_MANAGER, None))
    for role, scope in chain:
        if scope is None and role != Role.SAFETY_MANAGER:
            continue
        users = [p.user for p in people_with_role(role, scope) if p.pk != person.pk]
        if users:
            return users
    return []


def task_created(task: InspectionTask) -> None:
    notify(
        [task.assignee.user],
        Message(
            event="inspection.task_created",
            subject=_("Inspection to do %(w)s: %(t)s")
            % {"w": _window(task), "t": task_title(task)},
            link=task_link(task),
        ),
        dedupe_key=f"inspection-task:{task.pk}:created",
        robots=False,
    )


def task_missed(task: InspectionTask) -> list:
    """Tell the assignee's superior (see :func:`superiors_of`); returns who was told."""
    users = superiors_of(task.assignee)
    notify(
        users,
        Message(
            event="inspection.missed",
            subject=_("Inspection missed by %(p)s %(w)s: %(t)s")
            % {"p": task.assignee.full_name, "w": _window(task), "t": task_title(task)},
            link=task_link(task),
        ),
        dedupe_key=f"inspection-task:{task.pk}:missed",
    )
    return users
