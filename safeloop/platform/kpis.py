"""The public copy of every tenant's daily KPI snapshot, and taking them all.

A tenant's snapshot (tenants/reports) is copied here by the receiver of
``kpis_snapshotted``; ``snapshot_all`` takes one per active tenant on demand
(the nightly run goes through beat's per-tenant fan-out), each in its own
transaction, so one tenant's failure neither stops nor undoes the others.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection, transaction
from django_tenants.utils import get_tenant_model, tenant_context

from safeloop.platform import scoring
from safeloop.platform.dbconn import shed_catalog_cache
from safeloop.platform.models import SiteKpis

log = logging.getLogger(__name__)


def copy_snapshot(sender, *, snapshot, schema_name: str, **kwargs) -> None:
    enterprise = get_tenant_model().objects.filter(schema_name=schema_name).first()
    if enterprise is None:
        return
    store_site_kpis(enterprise.pk, snapshot.day, snapshot.values, snapshot.computed_at)


# pg_advisory_xact_lock's first key: one writer of a site's running totals at a time.
_RUNNING_LOCK = 16_0001
# A night's run hands its connection back every so many tenants (platform/dbconn.py).
TENANTS_PER_CONNECTION = 50


def store_site_kpis(enterprise_id: int, day: date, values: dict, computed_at: datetime) -> None:
    """Stores a site's KPIs of ``day`` in the public copy, and the running totals of that
    day and of every later day (a day taken again changes them all)."""
    with transaction.atomic():
        _lock_site(enterprise_id)
        SiteKpis.objects.update_or_create(
            enterprise_id=enterprise_id,
            day=day,
            defaults={"values": values, "computed_at": computed_at},
        )
        refresh_running(enterprise_id, since=day)


def _lock_site(enterprise_id: int) -> None:
    """Until the transaction ends, the only writer of this site's KPI rows."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_RUNNING_LOCK, enterprise_id])


def refresh_running(enterprise_id: int, since: date | None = None) -> int:
    """Recomputes a site's running totals from ``since`` (default: its first day) on;
    returns how many days it wrote."""
    with transaction.atomic():
        _lock_site(enterprise_id)
        site = SiteKpis.objects.filter(enterprise_id=enterprise_id)
        running: dict = {}
        if since is not None:
            earlier = site.filter(day__lt=since).order_by("-day").values_list("running", flat=True)
            running = earlier.first() or {}
            site = site.filter(day__gte=since)
        rows = list(site.order_by("day").only("pk", "values"))
        for row in rows:
            running = row.running = scoring.accumulate(running, row.values)
        SiteKpis.objects.bulk_update(rows, ["running"], batch_size=500)
        return len(rows)


@dataclass
class SnapshotRun:
    done: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def snapshot_all(day: date | None = None) -> SnapshotRun:
    """Every active tenant's snapshot of ``day`` (default: yesterday)."""
    from safeloop.tenants.reports.services import take_snapshot

    run = SnapshotRun()
    tenants = get_tenant_model().objects.exclude(schema_name="public").filter(is_active=True)
    for n, tenant in enumerate(tenants.order_by("schema_name"), start=1):
        if n % TENANTS_PER_CONNECTION == 0:
            shed_catalog_cache()
        try:
            with tenant_context(tenant):
                take_snapshot(day)
        except Exception as exc:  # one tenant's failure is reported, the others go on
            log.exception("KPI snapshot failed for %s", tenant.schema_name)
            run.failed[tenant.schema_name] = f"{type(exc).__name__}: {exc}"
        else:
            run.done.append(tenant.schema_name)
    return run
