"""Celery entry points of learning; beat fans them out per tenant (settings)."""

from datetime import datetime

from celery import shared_task

from safeloop.learning.reminders import scan_training


@shared_task(acks_late=True)
def scan_training_deadlines(now: str | None = None) -> dict:
    """Reminders, overdue notices, certificate expiry and renewals for this tenant.

    ``now`` (ISO 8601) replays a scan for a moment; the marks make a replay harmless.
    """
    result = scan_training(datetime.fromisoformat(now) if now else None)
    return {
        "reminders": result.reminders,
        "overdue": result.overdue,
        "expiry_reminders": result.expiry_reminders,
        "renewals": result.renewals,
    }
