"""Facilities mutations: thin calls into ``tenants/facilities/services.py``.

The services check permissions, validate and write the audit trail; here we
only turn IDs into visible rows; ``mutation`` puts what they raise in the payload.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from django.db.models import Model
from strawberry import Info

from safeloop.graphql.errors import changes_of, find, mutation
from safeloop.graphql.facilities.inputs import (
    AreaPayload,
    CreateAreaInput,
    CreateEquipmentInput,
    CreatePersonInput,
    EquipmentPayload,
    PersonPayload,
    UpdateAreaInput,
    UpdateEquipmentInput,
    UpdatePersonInput,
)
from safeloop.graphql.facilities.types import (
    AreaType,
    EquipmentNode,
    EquipmentTypeType,
    JobRoleType,
    PersonType,
)
from safeloop.graphql.permissions import current_user
from safeloop.tenants.facilities import services
from safeloop.tenants.facilities.models import Area, Equipment, Person

# Input fields holding the ID of another row, and the type that row must be.
_RELATIONS = {
    "parent": AreaType,
    "area": AreaType,
    "equipment_type": EquipmentTypeType,
    "job_role": JobRoleType,
    "superior": PersonType,
}


def _values(data: Any, info: Info, model: type[Model]) -> dict[str, Any]:
    """The input's set fields as the services take them: rows for IDs, values for enums."""
    values = {}
    for field, value in changes_of(data, model=model).items():
        if field in _RELATIONS:
            value = find(_RELATIONS[field], value, info, field=field)
        elif isinstance(value, Enum):
            value = value.value
        elif isinstance(value, list):
            value = [v.value if isinstance(v, Enum) else v for v in value]
        values[field] = value
    return values


@strawberry.type
class FacilitiesMutation:
    @mutation(description="Add a site, workshop or area (needs facilities.manage_areas).")
    def create_area(self, info: Info, input: CreateAreaInput) -> AreaPayload:
        area = services.create_area(by=current_user(info), **_values(input, info, Area))
        return AreaPayload(area=area)

    @mutation(description="Change an area (needs facilities.manage_areas).")
    def update_area(self, info: Info, input: UpdateAreaInput) -> AreaPayload:
        area = find(AreaType, input.id, info, field="id")
        area = services.update_area(area, by=current_user(info), **_values(input, info, Area))
        return AreaPayload(area=area)

    @mutation(description="Add equipment (needs facilities.manage_equipment).")
    def create_equipment(self, info: Info, input: CreateEquipmentInput) -> EquipmentPayload:
        equipment = services.create_equipment(
            by=current_user(info), **_values(input, info, Equipment)
        )
        return EquipmentPayload(equipment=equipment)

    @mutation(description="Change equipment (needs facilities.manage_equipment).")
    def update_equipment(self, info: Info, input: UpdateEquipmentInput) -> EquipmentPayload:
        equipment = find(EquipmentNode, input.id, info, field="id")
        equipment = services.update_equipment(
            equipment, by=current_user(info), **_values(input, info, Equipment)
        )
        return EquipmentPayload(equipment=equipment)

    @mutation(description="Add an employee and their account (needs people.manage).")
    def create_person(self, info: Info, input: CreatePersonInput) -> PersonPayload:
        person = services.create_person(by=current_user(info), **_values(input, info, Person))
        return PersonPayload(person=person)

    @mutation(description="Change an employee (needs people.manage).")
    def update_person(self, info: Info, input: UpdatePersonInput) -> PersonPayload:
        person = find(PersonType, input.id, info, field="id")
        person = services.update_person(
            person, by=current_user(info), **_values(input, info, Person)
        )
        return PersonPayload(person=person)
