"""The daily safety-health table through the API: the KPI definitions and the
stored snapshots (tenants/reports). For those who may oversee the loop."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import Info

from safeloop.access import can, permission
from safeloop.graphql.permissions import current_user
from safeloop.tenants.reports.kpis import KPIS
from safeloop.tenants.reports.models import KpiSnapshot

MAX_DAYS = 366


@strawberry.type(name="KpiValue", description="One KPI of one day.")
class KpiValue:
    code: str
    title: str
    threshold: float = strawberry.field(description="Green at or above this share (0–1).")
    measured: bool = strawberry.field(
        description="False when SafeLoop holds no data for this KPI yet (never a made-up value)."
    )
    value: float | None = strawberry.field(
        description="The share 0–1; null when nothing was there to measure that day."
    )
    numerator: int
    denominator: int


@strawberry.type(name="KpiSnapshot", description="The daily safety-health table of one day.")
class KpiSnapshotType:
    day: date
    kpis: list[KpiValue]


def _snapshot(row: KpiSnapshot) -> KpiSnapshotType:
    values = []
    for kpi in KPIS:
        stored = row.values.get(kpi.code) or {}
        values.append(
            KpiValue(
                code=kpi.code,
                title=str(kpi.title),
                threshold=kpi.threshold,
                measured=stored.get("measured", False),
                value=stored.get("value"),
                numerator=stored.get("numerator", 0),
                denominator=stored.get("denominator", 0),
            )
        )
    return KpiSnapshotType(day=row.day, kpis=values)


def _may_read(info: Info) -> bool:
    user = current_user(info)
    return can(user, permission("hazards.view_all")) or can(user, permission("risks.manage"))


@strawberry.type
class ReportsQuery:
    @strawberry.field(
        description="The daily KPI snapshots, newest first (at most 366 days). Empty "
        "without the right to oversee all hazards or manage risks."
    )
    def kpi_snapshots(self, info: Info, days: int = 14) -> list[KpiSnapshotType]:
        if not _may_read(info) or days < 1:
            return []
        rows = KpiSnapshot.objects.order_by("-day")[: min(days, MAX_DAYS)]
        return [_snapshot(row) for row in rows]
