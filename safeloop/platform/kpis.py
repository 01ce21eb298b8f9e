"""The public copy of every tenant's daily KPI snapshot, and taking them all.

A tenant's snapshot (tenants/reports) is copied here by the receiver of
``kpis_snapshotted``; ``snapshot_all`` takes one per active tenant on demand
(the nightly run goes through beat's per-tenant fan-out), each in its own
transaction, so one tenant's failure neither stops nor undoes the others.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from django_tenants.utils import get_tenant_model, tenant_context

from safeloop.platform.models import SiteKpis

log = logging.getLogger(__name__)


def copy_snapshot(sender, *, snapshot, schema_name: str, **kwargs) -> None:
    enterprise = get_tenant_model().objects.filter(schema_name=schema_name).first()
    if enterprise is None:
        return
    SiteKpis.objects.update_or_create(
        enterprise=enterprise,
        day=snapshot.day,
        defaults={"values": snapshot.values, "computed_at": snapshot.computed_at},
    )


@dataclass
class SnapshotRun:
    done: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def snapshot_all(day: date | None = None) -> SnapshotRun:
    """Every active tenant's snapshot of ``day`` (default: yesterday)."""
    from safeloop.tenants.reports.services import take_snapshot

    run = SnapshotRun()
    tenants = get_tenant_model().objects.exclude(schema_name="public").filter(is_active=True)
    for tenant in tenants.order_by("schema_name"):
        try:
            with tenant_context(tenant):
                take_snapshot(day)
        except Exception as exc:  # one tenant's failure is reported, the others go on
            log.exception("KPI snapshot failed for %s", tenant.schema_name)
            run.failed[tenant.schema_name] = f"{type(exc).__name__}: {exc}"
        else:
            run.done.append(tenant.schema_name)
    return run
