"""Reminders before a deadline and escalation after it, each sent once per deadline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from safeloop.tenants.audit.services import record_event
from safeloop.tenants.hazards import notices
from safeloop.tenants.hazards.models import (
    DeadlineMark,
    DeadlineSignal,
    GradePolicy,
    Hazard,
    State,
)
from safeloop.tenants.hazards.routing import escalation_chain

# The fixer's clock stops once the fix is submitted; acceptance has its own flow.
RUNNING_STATES = (State.REPORTED, State.ASSIGNED, State.RECTIFYING)


@dataclass
class ScanResult:
    reminders: int = 0
    escalations: int = 0
    checked: int = 0
    sent: list[tuple[str, str]] = field(default_factory=list)


def _due_signal(hazard: Hazard, policy: GradePolicy, now: datetime) -> list[str]:
    """The signals due at ``now``, highest last.

    A reminder whose window passed while nothing ran (a worker or beat down) is
    still due, late, until the first escalation supersedes it.
    """
    deadline = hazard.deadline
    second = deadline + timedelta(hours=policy.second_escalation_after_hours)
    first = deadline + timedelta(hours=policy.escalate_after_hours)
    if now >= second:
        return [DeadlineSignal.ESCALATION_1, DeadlineSignal.ESCALATION_2]
    if now >= first:
        return [DeadlineSignal.ESCALATION_1]
    if deadline - timedelta(hours=policy.reminder_before_hours) <= now:
        return [DeadlineSignal.REMINDER]
    return []


def _told(hazard: Hazard, signal: str) -> list:
    """Who hears of ``signal``: the assignee, and for an escalation its level of the chain."""
    users = [hazard.assignee.user] if hazard.assignee else []
    if signal == DeadlineSignal.ESCALATION_1:
        users += escalation_chain(hazard)[0]
    elif signal == DeadlineSignal.ESCALATION_2:
        users += escalation_chain(hazard)[1]
    return users


def _claim(hazard: Hazard, signal: str) -> bool:
    """Record the signal for this deadline; False if it was already sent."""
    try:
        with transaction.atomic():
            DeadlineMark.objects.create(hazard=hazard, signal=signal, deadline=hazard.deadline)
        return True
    except IntegrityError:
        return False


def scan_deadlines(now: datetime | None = None) -> ScanResult:
    """Run by Celery beat every few minutes in each tenant's schema."""
    now = now or timezone.now()
    policies = {p.grade: p for p in GradePolicy.objects.all()}
    result = ScanResult()
    horizon = now + timedelta(
        hours=max([p.reminder_before_hours for p in policies.values()] or [12])
    )
    hazards = Hazard.objects.filter(
        state__in=RUNNING_STATES, deadline__isnull=False, deadline__lte=horizon
    ).select_related("area__parent", "assignee__user")
    for hazard in hazards:
        result.checked += 1
        policy = policies.get(hazard.grade)
        if policy is None:
            continue
        with transaction.atomic():
            # The marks and the outbox rows of their message commit together:
            # a mark never exists without its notification queued.
            claimed = [
                signal for signal in _due_signal(hazard, policy, now) if _claim(hazard, signal)
            ]
            if claimed:
                _tell(hazard, claimed, now, result)
    return result


def _tell(hazard: Hazard, claimed: list[str], now: datetime, result: ScanResult) -> None:
    """One message per person for the signals claimed together: the highest one's.

    Both escalations due in one scan (nothing ran in between) tell the first
    level too, in the second escalation's message, instead of two alike.
    """
    signal = claimed[-1]
    users = [user for step in claimed for user in _told(hazard, step)]
    late = signal == DeadlineSignal.REMINDER and now >= hazard.deadline
    notices.deadline_signal(hazard, signal, users, late=late)
    for step in claimed:
        if step == DeadlineSignal.REMINDER:
            result.reminders += 1
        else:
            result.escalations += 1
        record_event(
            hazard,
            f"hazard.{step}",
            by=None,
            deadline=hazard.deadline,
            told=[u.email for u in users],
        )
        result.sent.append((hazard.number, step))
