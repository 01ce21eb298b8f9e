"""Mutation inputs and payloads for facilities.

Optional fields left out of an input are left alone (UNSET); an explicit null
clears a relation (a site's parent, a person's area).
"""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import UNSET, relay

from safeloop.graphql.errors import MutationError
from safeloop.graphql.facilities.enums import AreaKind, EquipmentStatus, Role
from safeloop.graphql.facilities.types import AreaType, EquipmentNode, PersonType


@strawberry.input
class CreateAreaInput:
    code: str
    name: str = strawberry.field(description="Name in Chinese.")
    name_en: str = ""
    kind: AreaKind
    parent: relay.GlobalID | None = strawberry.field(
        default=UNSET, description="A workshop's site or an area's workshop; none for a site."
    )


@strawberry.input
class UpdateAreaInput:
    id: relay.GlobalID
    code: str | None = UNSET
    name: str | None = UNSET
    name_en: str | None = UNSET
    kind: AreaKind | None = UNSET
    parent: relay.GlobalID | None = UNSET


@strawberry.input
class CreateEquipmentInput:
    code: str
    name: str
    equipment_type: relay.GlobalID
    area: relay.GlobalID
    status: EquipmentStatus | None = UNSET
    manufacturer: str | None = UNSET
    model_number: str | None = UNSET
    serial_number: str | None = UNSET
    rated_capacity: str | None = UNSET
    manufactured_on: date | None = UNSET


@strawberry.input
class UpdateEquipmentInput:
    id: relay.GlobalID
    code: str | None = UNSET
    name: str | None = UNSET
    equipment_type: relay.GlobalID | None = UNSET
    area: relay.GlobalID | None = UNSET
    status: EquipmentStatus | None = UNSET
    manufacturer: str | None = UNSET
    model_number: str | None = UNSET
    serial_number: str | None = UNSET
    rated_capacity: str | None = UNSET
    manufactured_on: date | None = UNSET


@strawberry.input
class CreatePersonInput:
    email: str
    full_name: str
    employee_no: str
    password: str | None = strawberry.field(
        default=UNSET, description="Leave out for people who sign in with their PIN only."
    )
    pin: str | None = strawberry.field(default=UNSET, description="4 to 8 digits.")
    phone: str | None = UNSET
    area: relay.GlobalID | None = UNSET
    job_role: relay.GlobalID | None = UNSET
    roles: list[Role] | None = UNSET
    superior: relay.GlobalID | None = UNSET
    language: str | None = strawberry.field(default=UNSET, description="zh-hans, en or empty.")


@strawberry.input
class UpdatePersonInput:
    id: relay.GlobalID
    email: str | None = UNSET
    full_name: str | None = UNSET
    is_active: bool | None = strawberry.field(
        default=UNSET, description="false: the person can no longer sign in."
    )
    employee_no: str | None = UNSET
    phone: str | None = UNSET
    area: relay.GlobalID | None = UNSET
    job_role: relay.GlobalID | None = UNSET
    roles: list[Role] | None = UNSET
    superior: relay.GlobalID | None = UNSET
    language: str | None = UNSET


@strawberry.type
class AreaPayload:
    area: AreaType | None = None
    errors: list[MutationError] = strawberry.field(default_factory=list)


@strawberry.type
class EquipmentPayload:
    equipment: EquipmentNode | None = None
    errors: list[MutationError] = strawberry.field(default_factory=list)


@strawberry.type
class PersonPayload:
    person: PersonType | None = None
    errors: list[MutationError] = strawberry.field(default_factory=list)
