from celery import shared_task


@shared_task
def snapshot_kpis(day: str | None = None) -> str:
    """Beat (through the per-tenant fan-out): store the tenant's KPIs of yesterday."""
    from datetime import date

    from safeloop.tenants.reports.services import take_snapshot

    snapshot = take_snapshot(date.fromisoformat(day) if day else None)
    return snapshot.day.isoformat()


@shared_task
def monthly_report() -> str:
    """Beat, on the 1st (through the per-tenant fan-out): last month's report, e-mailed."""
    from safeloop.tenants.reports.services import generate_monthly_report

    return generate_monthly_report().month.isoformat()


@shared_task
def build_data_export(export_id: int) -> int | None:
    """The admin asked for all the data: build the ZIP (in the schema it was sent from)."""
    from safeloop.tenants.reports.exports import build_export

    export = build_export(export_id)
    return export.size if export is not None else None


@shared_task
def delete_old_exports() -> int:
    """Beat, nightly (through the per-tenant fan-out): ZIPs older than a week deleted."""
    from safeloop.tenants.reports.exports import delete_old_exports as delete

    return delete()
