"""Celery entry points of contractors; beat fans them out per tenant (settings)."""

from datetime import date

from celery import shared_task

from safeloop.contractors.services.passes import scan_expired


@shared_task(acks_late=True)
def scan_site_passes(today: str | None = None) -> dict:
    """Suspend the passes whose validity ended (an expired certificate, exam or licence).

    ``today`` (ISO date) replays the scan for a day; a replay suspends nothing twice.
    """
    result = scan_expired(today=date.fromisoformat(today) if today else None)
    return {"checked": result.checked, "suspended": result.suspended}
