"""Taking the daily KPI snapshot of the current tenant (beat, nightly; or on demand)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from safeloop.tenants.reports import kpis
from safeloop.tenants.reports.models import KpiSnapshot
from safeloop.tenants.reports.signals import kpis_snapshotted


def yesterday() -> date:
    return timezone.localdate() - timedelta(days=1)


@transaction.atomic
def take_snapshot(day: date | None = None) -> KpiSnapshot:
    """Compute ``day``'s KPIs (default: yesterday, the last whole day) and store them,
    replacing an earlier snapshot of the same day; the public copy follows."""
    day = day or yesterday()
    snapshot, _ = KpiSnapshot.objects.update_or_create(
        day=day, defaults={"values": kpis.compute(day), "computed_at": timezone.now()}
    )
    kpis_snapshotted.send(sender=KpiSnapshot, snapshot=snapshot, schema_name=connection.schema_name)
    return snapshot
