"""The four-colour risk map (四色风险分布图) as data: the active site plan and its
zones, each coloured by the highest current risk in its area's subtree, with
the counts the map overlays (``tenants/risks/selectors.map_zones``)."""

from __future__ import annotations

import strawberry
from strawberry import Info

from safeloop.access import can
from safeloop.graphql.facilities.types import AreaType
from safeloop.graphql.nodes import global_id
from safeloop.graphql.permissions import current_user
from safeloop.graphql.risks.enums import RiskBand
from safeloop.graphql.risks.types import SitePlanType
from safeloop.tenants.facilities.permissions import FacilityPerm
from safeloop.tenants.risks.models import SitePlan
from safeloop.tenants.risks.scoring import BAND_ORDER, Band
from safeloop.tenants.risks.selectors import ZoneView, map_zones


@strawberry.type(description="How many active risk points of one colour.")
class BandCount:
    band: RiskBand
    count: int


@strawberry.type(
    description="An area's zone on the site plan, coloured by the highest current risk in the "
    "area and below it."
)
class MapZone:
    view: strawberry.Private[ZoneView]
    may_see_area: strawberry.Private[bool]

    @strawberry.field(description="The zone's ID (for editing its outline).")
    def id(self) -> strawberry.ID:
        return strawberry.ID(global_id("MapZone", self.view.zone))

    @strawberry.field(description="The area; null when you may not see areas.")
    def area(self) -> AreaType | None:
        return self.view.area if self.may_see_area else None

    @strawberry.field(description="The area's code.")
    def area_code(self) -> str:
        return self.view.area.code

    @strawberry.field(description="The area's name in the request's language.")
    def area_name(self) -> str:
        return self.view.area.display_name

    @strawberry.field(
        description="The outline: [x, y] pairs, each a fraction (0–1) of the image's width and "
        "height, so it scales with the image."
    )
    def polygon(self) -> list[list[float]]:
        return [[float(x), float(y)] for x, y in self.view.zone.polygon]

    @strawberry.field(description="The highest current band inside; null when none is assessed.")
    def band(self) -> RiskBand | None:
        return Band(self.view.risk.band) if self.view.risk.band else None

    @strawberry.field(description="The fill colour (#rrggbb; grey when nothing is assessed).")
    def colour(self) -> str:
        return self.view.risk.colour

    @strawberry.field(description="Active risk points inside.")
    def risk_points(self) -> int:
        return self.view.risk.risk_points

    @strawberry.field(description="Active risk points inside by colour, red first.")
    def by_band(self) -> list[BandCount]:
        counts = self.view.risk.by_band
        return [BandCount(band=band, count=counts.get(band, 0)) for band in BAND_ORDER]

    @strawberry.field(description="Risk points inside flagged for re-assessment.")
    def needs_reassessment(self) -> int:
        return self.view.risk.needs_reassessment

    @strawberry.field(description="Hazards still in the loop inside.")
    def open_hazards(self) -> int:
        return self.view.risk.open_hazards

    @strawberry.field(description="Of those, hazards past their deadline.")
    def overdue_hazards(self) -> int:
        return self.view.risk.overdue_hazards


@strawberry.type(description="The four-colour risk map: a site plan and its coloured zones.")
class RiskMap:
    site_plan: SitePlanType
    zones: list[MapZone] = strawberry.field(description="By area code.")


def risk_map(info: Info, plan: SitePlan) -> RiskMap:
    may_see_area = can(current_user(info), FacilityPerm.VIEW_FACILITIES)
    return RiskMap(
        site_plan=plan,
        zones=[MapZone(view=view, may_see_area=may_see_area) for view in map_zones(plan)],
    )
