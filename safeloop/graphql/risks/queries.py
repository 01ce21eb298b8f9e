"""Risk register queries: the register as a Relay connection, one point by ID,
the four-colour map, the enterprise's method and the tables pickers are built from."""

from __future__ import annotations

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import Info, relay
from strawberry_django.relay import DjangoListConnection

from safeloop.access import can
from safeloop.graphql.nodes import lookup
from safeloop.graphql.permissions import current_user
from safeloop.graphql.risks.enums import AccidentEdition
from safeloop.graphql.risks.filters import RiskPointFilter
from safeloop.graphql.risks.maps import RiskMap, risk_map
from safeloop.graphql.risks.reference import (
    AccidentTypeInfo,
    RiskSettingsType,
    RiskValueTables,
    accident_types,
    value_tables,
)
from safeloop.graphql.risks.types import ConfinedSpaceType, DustSiteType, RiskPointType
from safeloop.tenants.risks.models import ConfinedSpace, DustSite, RiskPoint, RiskSettings
from safeloop.tenants.risks.permissions import RiskPerm
from safeloop.tenants.risks.selectors import current_site_plan


def _may_view(info: Info) -> bool:
    return can(current_user(info), RiskPerm.RISKS_VIEW)


@strawberry.type
class RisksQuery:
    @strawberry_django.connection(
        DjangoListConnection[RiskPointType],
        filters=RiskPointFilter,
        description="The risk register (风险分级管控清单): active risk points, red first, then "
        "by code. Needs risks.view.",
    )
    def risk_points(self) -> QuerySet[RiskPoint]:
        return RiskPoint.objects.filter(is_active=True)

    @strawberry_django.field(
        description="The 有限空间管理台账: active confined spaces by code. Needs risks.view."
    )
    def confined_spaces(self) -> list[ConfinedSpaceType]:
        return ConfinedSpace.objects.filter(is_active=True)

    @strawberry_django.field(
        description="The 粉尘作业场所台账: active dust sites by code. Needs risks.view."
    )
    def dust_sites(self) -> list[DustSiteType]:
        return DustSite.objects.filter(is_active=True)

    @strawberry.field(
        description="One risk point, switched-off ones included; null when it does not exist "
        "here or you may not see the register."
    )
    def risk_point(self, info: Info, id: relay.GlobalID) -> RiskPointType | None:
        return lookup(RiskPointType, id, info)

    @strawberry.field(
        description="The four-colour risk map (四色风险分布图) on the active site plan; null "
        "before a plan is uploaded or without risks.view."
    )
    def risk_map(self, info: Info) -> RiskMap | None:
        plan = current_site_plan() if _may_view(info) else None
        return risk_map(info, plan) if plan is not None else None

    @strawberry.field(description="How this enterprise assesses risks; null without risks.view.")
    def risk_settings(self, info: Info) -> RiskSettingsType | None:
        return RiskSettingsType.of(RiskSettings.current()) if _may_view(info) else None

    @strawberry.field(
        description="The accident types of an edition of GB 6441, in the standard's order: "
        "by default the edition in force today, which new hazard sources use (GB 6441-2025, "
        "27 types, from 2026-07-01; before that GB/T 6441-1986, 20 types)."
    )
    def accident_types(self, edition: AccidentEdition | None = None) -> list[AccidentTypeInfo]:
        return accident_types(edition)

    @strawberry.field(
        description="The standard LEC and matrix value tables and the four bands, to build "
        "assessment pickers from."
    )
    def risk_value_tables(self) -> RiskValueTables:
        return value_tables()
