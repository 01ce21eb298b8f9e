from celery import shared_task


@shared_task
def snapshot_kpis(day: str | None = None) -> str:
    """Beat (through the per-tenant fan-out): store the tenant's KPIs of yesterday."""
    from datetime import date

    from safeloop.tenants.reports.services import take_snapshot

    snapshot = take_snapshot(date.fromisoformat(day) if day else None)
    return snapshot.day.isoformat()
