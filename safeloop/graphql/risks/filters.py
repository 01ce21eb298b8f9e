"""Filters for the risk register (风险分级管控清单). IDs from another enterprise match nothing."""

from __future__ import annotations

import strawberry_django
from django.db.models import Q
from strawberry import relay

from safeloop.graphql.facilities.types import AreaType, EquipmentNode, PersonType
from safeloop.graphql.filters import matching_id, matching_words
from safeloop.graphql.nodes import node_pk
from safeloop.graphql.risks.enums import ControlLevel, RiskBand, RiskPointKind
from safeloop.tenants.risks import models

_LEVEL_BANDS = {level: band for band, level in models.BAND_CONTROL_LEVEL.items()}


@strawberry_django.filter_type(
    models.RiskPoint, description="Narrow the register; all conditions given must hold."
)
class RiskPointFilter:
    band: RiskBand | None = strawberry_django.filter_field(description="Only this colour.")
    kind: RiskPointKind | None = strawberry_django.filter_field()
    needs_reassessment: bool | None = strawberry_django.filter_field(
        description="true: only points flagged for re-assessment; false: only the others."
    )

    @strawberry_django.filter_field(description="Only risk points in this area or anywhere below.")
    def area(self, value: relay.GlobalID, prefix: str) -> Q:
        pk = node_pk(value, AreaType)
        if pk is None:
            return Q(pk__in=[])
        return (
            Q(**{f"{prefix}area_id": pk})
            | Q(**{f"{prefix}area__parent_id": pk})
            | Q(**{f"{prefix}area__parent__parent_id": pk})
        )

    @strawberry_django.filter_field(
        description="Only points this level controls (分级管控): COMPANY the red ones, WORKSHOP "
        "orange, TEAM yellow, POST blue."
    )
    def level(self, value: ControlLevel, prefix: str) -> Q:
        return Q(**{f"{prefix}band": _LEVEL_BANDS[models.ControlLevel(value.value)]})

    @strawberry_django.filter_field(
        description="true: only assessed points; false: only those not yet assessed."
    )
    def assessed(self, value: bool, prefix: str) -> Q:
        q = Q(**{f"{prefix}band": ""})
        return ~q if value else q

    @strawberry_django.filter_field(description="Only the risk points of this machine.")
    def equipment(self, value: relay.GlobalID, prefix: str) -> Q:
        return matching_id(f"{prefix}equipment_id", value, EquipmentNode)

    @strawberry_django.filter_field(description="Only points this person answers for.")
    def responsible(self, value: relay.GlobalID, prefix: str) -> Q:
        return matching_id(f"{prefix}responsible_id", value, PersonType)

    @strawberry_django.filter_field(description="Text found in the code or either name.")
    def search(self, value: str, prefix: str) -> Q:
        return matching_words(prefix, value, "code", "name", "name_en")
