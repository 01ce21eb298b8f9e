"""Facilities queries: lists as Relay connections with totalCount, lookups by ID."""

from __future__ import annotations

import strawberry
import strawberry_django
from strawberry import Info, relay
from strawberry_django.relay import DjangoListConnection

from safeloop.graphql.facilities.filters import AreaFilter, EquipmentFilter, PersonFilter
from safeloop.graphql.facilities.types import (
    AreaType,
    EquipmentNode,
    EquipmentTypeType,
    JobRoleType,
    PersonType,
)
from safeloop.graphql.nodes import lookup


@strawberry.type
class FacilitiesQuery:
    areas: DjangoListConnection[AreaType] = strawberry_django.connection(
        filters=AreaFilter, description="The area tree (sites, workshops, areas), by code."
    )
    equipment: DjangoListConnection[EquipmentNode] = strawberry_django.connection(
        filters=EquipmentFilter, description="Equipment (设备), by code."
    )
    people: DjangoListConnection[PersonType] = strawberry_django.connection(
        filters=PersonFilter,
        description="Employees, by employee number. Without people.view: only yourself.",
    )
    equipment_types: list[EquipmentTypeType] = strawberry_django.field(
        description="Kinds of equipment, by code."
    )
    job_roles: list[JobRoleType] = strawberry_django.field(
        description="Jobs (岗位) people hold, by code."
    )

    @strawberry.field(description="One area; null when it does not exist here or is hidden.")
    def area(self, info: Info, id: relay.GlobalID) -> AreaType | None:
        return lookup(AreaType, id, info)

    @strawberry.field(description="One piece of equipment; null when not found.")
    def equipment_item(self, info: Info, id: relay.GlobalID) -> EquipmentNode | None:
        return lookup(EquipmentNode, id, info)

    @strawberry.field(description="One person; null when not found or not visible to you.")
    def person(self, info: Info, id: relay.GlobalID) -> PersonType | None:
        return lookup(PersonType, id, info)
