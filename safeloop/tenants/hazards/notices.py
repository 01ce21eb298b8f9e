"""What each step of the loop tells whom. Deduplicated: a retry never tells twice."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from safeloop.access import Role
from safeloop.platform.urls_util import tenant_absolute_url
from safeloop.tenants.alerts.services import Message, notify
from safeloop.tenants.facilities.selectors import people_with_role, workshop_of
from safeloop.tenants.hazards.acceptance import acceptors_for
from safeloop.tenants.hazards.models import AcceptanceLevel, Grade, GradePolicy, Hazard

# Roles told about a new hazard are looked up in its workshop when that makes sense.
WORKSHOP_SCOPED_ROLES = {Role.TEAM_LEADER.value, Role.WORKSHOP_DIRECTOR.value}


def hazard_link(hazard: Hazard) -> str:
    return tenant_absolute_url(reverse("hazards:detail", args=[hazard.pk]))


def verifier_link(hazard: Hazard) -> str:
    return tenant_absolute_url(reverse("hazards:verify", args=[hazard.verifier_token]))


def _summary(hazard: Hazard) -> str:
    return f"{hazard.number} {hazard.title} · {hazard.area} · {hazard.get_grade_display()}"


def reported(hazard: Hazard, policy: GradePolicy) -> None:
    users = []
    workshop = workshop_of(hazard.area)
    for role in policy.notify_roles:
        scoped = workshop if role in WORKSHOP_SCOPED_ROLES else None
        users += [p.user for p in people_with_role(Role(role), scoped)]
    if not users:
        return
    major = hazard.grade == Grade.MAJOR
    notify(
        users,
        Message(
            event="hazard.major_reported" if major else "hazard.reported",
            subject=(_("MAJOR hazard reported: %(s)s") if major else _("Hazard reported: %(s)s"))
            % {"s": _summary(hazard)},
            body=hazard.description,
            link=hazard_link(hazard),
            urgent=major,
        ),
        dedupe_key=f"hazard:{hazard.pk}:reported",
    )


def assigned(hazard: Hazard) -> None:
    if hazard.assignee is None:
        return
    deadline = hazard.deadline.strftime("%Y-%m-%d %H:%M") if hazard.deadline else "-"
    notify(
        [hazard.assignee.user],
        Message(
            event="hazard.assigned",
            subject=_("To fix by %(d)s: %(s)s") % {"d": deadline, "s": _summary(hazard)},
            body=hazard.description,
            link=hazard_link(hazard),
            urgent=hazard.grade == Grade.MAJOR,
        ),
        dedupe_key=f"hazard:{hazard.pk}:assigned:{hazard.assignee_id}",
        robots=False,
    )


def awaiting_acceptance(hazard: Hazard) -> None:
    level = hazard.next_acceptance_level
    if level is None:
        return
    link = verifier_link(hazard) if level == AcceptanceLevel.VERIFIER else hazard_link(hazard)
    rounds = hazard.rectifications.count()
    notify(
        acceptors_for(hazard, level),
        Message(
            event="hazard.awaiting_acceptance",
            subject=_("Please check the fix (%(level)s): %(s)s")
            % {"level": AcceptanceLevel(level).label, "s": _summary(hazard)},
            link=link,
        ),
        dedupe_key=f"hazard:{hazard.pk}:accept:{rounds}:{hazard.accepted_count}",
        robots=False,
    )


def rejected(hazard: Hazard, reason: str) -> None:
    if hazard.assignee is None:
        return
    rounds = hazard.rectifications.count()
    notify(
        [hazard.assignee.user],
        Message(
            event="hazard.rejected",
            subject=_("Fix not accepted: %(s)s") % {"s": _summary(hazard)},
            body=reason,
            link=hazard_link(hazard),
        ),
        dedupe_key=f"hazard:{hazard.pk}:rejected:{rounds}",
        robots=False,
    )


def closed(hazard: Hazard) -> None:
    users = [u for u in [hazard.reporter, hazard.assignee.user if hazard.assignee else None] if u]
    notify(
        users,
        Message(
            event="hazard.closed",
            subject=_("Closed: %(s)s") % {"s": _summary(hazard)},
            link=hazard_link(hazard),
        ),
        dedupe_key=f"hazard:{hazard.pk}:closed",
        robots=False,
    )


def extension_requested(hazard: Hazard, extension) -> None:
    workshop = workshop_of(hazard.area)
    users = [p.user for p in people_with_role(Role.SAFETY_OFFICER)]
    if workshop:
        users += [p.user for p in people_with_role(Role.WORKSHOP_DIRECTOR, workshop)]
    notify(
        users,
        Message(
            event="hazard.extension_requested",
            subject=_("More time asked until %(d)s: %(s)s")
            % {"d": extension.new_deadline.strftime("%Y-%m-%d %H:%M"), "s": _summary(hazard)},
            body=extension.reason,
            link=hazard_link(hazard),
        ),
        dedupe_key=f"hazard:{hazard.pk}:extension:{extension.pk}",
        robots=False,
    )


def extension_decided(hazard: Hazard, extension) -> None:
    notify(
        [extension.requested_by],
        Message(
            event="hazard.extension_decided",
            subject=(
                _("Extension approved: %(s)s")
                if extension.state == "approved"
                else _("Extension refused: %(s)s")
            )
            % {"s": _summary(hazard)},
            link=hazard_link(hazard),
        ),
        dedupe_key=f"hazard:{hazard.pk}:extension:{extension.pk}:decided",
        robots=False,
    )


def deadline_signal(hazard: Hazard, signal: str, users, *, late: bool = False) -> None:
    """``late``: a reminder sent after its deadline (nothing ran in its window)."""
    deadline = hazard.deadline.strftime("%Y-%m-%d %H:%M")
    if signal == "reminder" and late:
        subject = _("Past due %(d)s (this reminder is late): %(s)s") % {
            "d": deadline,
            "s": _summary(hazard),
        }
    elif signal == "reminder":
        subject = _("Due %(d)s: %(s)s") % {"d": deadline, "s": _summary(hazard)}
    else:
        subject = _("OVERDUE since %(d)s: %(s)s") % {"d": deadline, "s": _summary(hazard)}
    notify(
        users,
        Message(
            event=f"hazard.{signal}",
            subject=subject,
            link=hazard_link(hazard),
            urgent=signal != "reminder",
        ),
        dedupe_key=f"hazard:{hazard.pk}:{signal}:{hazard.deadline.timestamp():.0f}",
    )
