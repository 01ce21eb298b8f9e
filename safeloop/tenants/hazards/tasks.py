from celery import shared_task

from safeloop.tenants.hazards.deadlines import scan_deadlines


@shared_task(acks_late=True)
def scan_hazard_deadlines() -> dict:
    """Reminders and escalations for the tenant this task was sent from."""
    result = scan_deadlines()
    return {
        "checked": result.checked,
        "reminders": result.reminders,
        "escalations": result.escalations,
    }
