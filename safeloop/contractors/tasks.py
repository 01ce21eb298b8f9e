"""Celery entry points of contractors; beat fans the scans out per tenant (settings)."""

from datetime import date, datetime

from celery import shared_task


@shared_task(acks_late=True)
def scan_site_passes(today: str | None = None) -> dict:
    """Suspend the passes whose validity ended (an expired certificate, exam or licence).

    ``today`` (ISO date) replays the scan for a day; a replay suspends nothing twice.
    """
    from safeloop.contractors.services.passes import scan_expired

    result = scan_expired(today=date.fromisoformat(today) if today else None)
    return {"checked": result.checked, "suspended": result.suspended}


@shared_task(acks_late=True)
def scan_supplier_deadlines(now: str | None = None) -> dict:
    """Suppliers' reminders before and after the due date, and the managers' overdue
    digest, for this tenant. ``now`` (ISO 8601) replays a scan; the rows make a
    replay harmless."""
    from safeloop.contractors.services.supplier_reminders import scan_suppliers

    result = scan_suppliers(datetime.fromisoformat(now) if now else None)
    return {
        "reminders": result.reminders,
        "overdue": result.overdue,
        "digests": result.digests,
        "sent": [list(s) for s in result.sent],
    }


@shared_task(acks_late=True)
def send_supplier_reminders(reminder_ids: list[int] | None = None) -> int:
    """Send these reminders by SMS (every due one without ids) in the sending schema."""
    from safeloop.contractors.services.supplier_reminders import send_reminders

    return send_reminders(reminder_ids)
