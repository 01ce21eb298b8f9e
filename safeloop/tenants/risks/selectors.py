"""Reading the register: colours per area and the four-colour map's data.

An area's colour is the highest current band among the active risk points in
its subtree (a workshop is red when any risk inside it is red). Hazard counts
are likewise summed over the subtree. A few queries per map, whatever its size.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from safeloop.tenants.facilities.selectors import AreaTree
from safeloop.tenants.hazards.models import OPEN_STATES, Hazard
from safeloop.tenants.risks.models import RiskPoint, SitePlan, Zone
from safeloop.tenants.risks.scoring import BAND_COLOURS, BAND_RANK, Band

RANK_BAND = {rank: band for band, rank in BAND_RANK.items()}
UNASSESSED_COLOUR = "#9aa3ad"


@dataclass
class AreaRisk:
    """What one area's subtree holds: its highest band and the counts behind it."""

    band: str = ""
    by_band: Counter = field(default_factory=Counter)
    risk_points: int = 0
    needs_reassessment: int = 0
    open_hazards: int = 0
    overdue_hazards: int = 0

    @property
    def colour(self) -> str:
        return BAND_COLOURS.get(self.band, UNASSESSED_COLOUR)

    def plus(self, other: AreaRisk) -> AreaRisk:
        """Both together; the band is the higher of the two."""
        ranks = [BAND_RANK[Band(b)] for b in (self.band, other.band) if b]
        return AreaRisk(
            band=RANK_BAND[max(ranks)] if ranks else "",
            by_band=self.by_band + other.by_band,
            risk_points=self.risk_points + other.risk_points,
            needs_reassessment=self.needs_reassessment + other.needs_reassessment,
            open_hazards=self.open_hazards + other.open_hazards,
            overdue_hazards=self.overdue_hazards + other.overdue_hazards,
        )


def area_risks(tree: AreaTree | None = None) -> dict[int, AreaRisk]:
    """``AreaRisk`` for every area, rolled up its subtree."""
    tree = tree or AreaTree()
    own: dict[int, AreaRisk] = defaultdict(AreaRisk)
    for area_id, band, flagged in RiskPoint.objects.filter(is_active=True).values_list(
        "area_id", "band", "needs_reassessment"
    ):
        row = own[area_id]
        row.risk_points += 1
        row.needs_reassessment += int(flagged)
        if band:
            row.by_band[band] += 1
    now = timezone.now()
    for area_id, open_count, overdue in (
        Hazard.objects.filter(state__in=OPEN_STATES)
        .values("area_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(deadline__lt=now)))
        .values_list("area_id", "n", "late")
    ):
        own[area_id].open_hazards += open_count
        own[area_id].overdue_hazards += overdue
    for row in own.values():
        ranks = [BAND_RANK[Band(b)] for b in row.by_band]
        row.band = RANK_BAND[max(ranks)] if ranks else ""
    return tree.roll_up(own, AreaRisk.plus, AreaRisk())


@dataclass
class ZoneView:
    zone: Zone
    risk: AreaRisk

    @property
    def area(self):
        return self.zone.area

    def as_dict(self) -> dict:
        return {
            "id": self.zone.pk,
            "area": {
                "id": self.zone.area_id,
                "code": self.area.code,
                "name": self.area.display_name,
            },
            "polygon": self.zone.polygon,
            "band": self.risk.band,
            "colour": self.risk.colour,
            "riskPoints": self.risk.risk_points,
            "byBand": {b: self.risk.by_band.get(b, 0) for b in Band.values},
            "needsReassessment": self.risk.needs_reassessment,
            "openHazards": self.risk.open_hazards,
            "overdueHazards": self.risk.overdue_hazards,
        }


def map_zones(site_plan: SitePlan) -> list[ZoneView]:
    """The zones of a site plan, each with its area's colour and counts."""
    risks = area_risks()
    zones = site_plan.zones.select_related("area").order_by("area__code")
    return [ZoneView(zone, risks.get(zone.area_id, AreaRisk())) for zone in zones]


def current_site_plan() -> SitePlan | None:
    return SitePlan.objects.filter(is_active=True).first()
