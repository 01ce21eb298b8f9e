"""The daily safety-health table on the workspace home (seed 004: read at the shift
meeting): yesterday's snapshot, each KPI against its threshold, the trend against
the week before, and the list behind each number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.urls import reverse

from safeloop.access import can, permission
from safeloop.tenants.reports.kpis import KPIS
from safeloop.tenants.reports.models import KpiSnapshot

TREND_DAYS = 7


@dataclass(frozen=True)
class Row:
    code: str
    title: str
    value: float | None
    measured: bool
    numerator: int
    denominator: int
    threshold: float
    status: str  # "good", "bad", "none" (no data that day), "unmeasured"
    trend: str  # "up", "down", "flat", ""
    link: str


def _links() -> dict[str, str]:
    board = reverse("hazards:board")
    return {
        "closure_24h": board,
        "near_miss_ratio": f"{board}?near_miss=yes",
        "training_completion": reverse("learning:archive"),
        "inspection_completion": reverse("inspections:completion"),
    }


def _trend(now: dict, before: dict | None) -> str:
    if not before or now.get("value") is None or before.get("value") is None:
        return ""
    if abs(now["value"] - before["value"]) < 0.005:
        return "flat"
    return "up" if now["value"] > before["value"] else "down"


def rows(snapshot: KpiSnapshot, earlier: KpiSnapshot | None) -> list[Row]:
    links = _links()
    table = []
    for kpi in KPIS:
        now = snapshot.values.get(kpi.code) or {"value": None, "measured": False}
        measured = now.get("measured", False)
        value = now.get("value")
        if not measured:
            status = "unmeasured"
        elif value is None:
            status = "none"
        else:
            status = "good" if value >= kpi.threshold else "bad"
        table.append(
            Row(
                code=kpi.code,
                title=str(kpi.title),
                value=value,
                measured=measured,
                numerator=now.get("numerator", 0),
                denominator=now.get("denominator", 0),
                threshold=kpi.threshold,
                status=status,
                trend=_trend(now, (earlier.values if earlier else {}).get(kpi.code)),
                link=links.get(kpi.code, ""),
            )
        )
    return table


def panel_context(user) -> dict | None:
    """For those who oversee the loop (all hazards or all inspections); two queries."""
    if not (can(user, permission("hazards.view_all")) or can(user, permission("risks.manage"))):
        return None
    snapshot = KpiSnapshot.objects.order_by("-day").first()
    if snapshot is None:
        return {"snapshot": None, "rows": []}
    earlier = (
        KpiSnapshot.objects.filter(day__lte=snapshot.day - timedelta(days=TREND_DAYS))
        .order_by("-day")
        .first()
    )
    return {"snapshot": snapshot, "earlier": earlier, "rows": rows(snapshot, earlier)}
