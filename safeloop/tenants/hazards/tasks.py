from datetime import datetime

from celery import shared_task

from safeloop.tenants.hazards.deadlines import scan_deadlines


@shared_task(acks_late=True)
def scan_hazard_deadlines(now: str | None = None) -> dict:
    """Reminders and escalations for the tenant this task was sent from.

    ``now`` (ISO 8601) lets an operator replay a scan for a past moment; the
    deadline marks make a replay harmless.
    """
    result = scan_deadlines(datetime.fromisoformat(now) if now else None)
    return {
        "checked": result.checked,
        "reminders": result.reminders,
        "escalations": result.escalations,
        "sent": result.sent,
    }
