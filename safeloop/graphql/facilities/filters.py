"""Filters for the facilities lists. IDs from another enterprise match nothing."""

from __future__ import annotations

import strawberry_django
from django.db.models import Q
from strawberry import relay

from safeloop.graphql.facilities.enums import AreaKind, EquipmentStatus, Role
from safeloop.graphql.facilities.types import AreaType, EquipmentTypeType, JobRoleType
from safeloop.graphql.filters import matching_id, matching_words
from safeloop.tenants.facilities import models


@strawberry_django.filter_type(
    models.Area, description="Narrow the areas; all conditions given must hold."
)
class AreaFilter:
    kind: AreaKind | None = strawberry_django.filter_field(description="Only this level.")

    @strawberry_django.filter_field(description="Only the areas directly below this one.")
    def parent(self, value: relay.GlobalID, prefix: str) -> Q:
        return matching_id(f"{prefix}parent_id", value, AreaType)

    @strawberry_django.filter_field(description="Text found in the code or either name.")
    def search(self, value: str, prefix: str) -> Q:
        return matching_words(prefix, value, "code", "name", "name_en")


@strawberry_django.filter_type(
    models.Equipment, description="Narrow the equipment; all conditions given must hold."
)
class EquipmentFilter:
    status: EquipmentStatus | None = strawberry_django.filter_field()

    @strawberry_django.filter_field(description="Only equipment in this area.")
    def area(self, value: relay.GlobalID, prefix: str) -> Q:
        return matching_id(f"{prefix}area_id", value, AreaType)

    @strawberry_django.filter_field(description="Only equipment of this type.")
    def equipment_type(self, value: relay.GlobalID, prefix: str) -> Q:
        return matching_id(f"{prefix}equipment_type_id", value, EquipmentTypeType)

    @strawberry_django.filter_field(
        description="Text found in the code, name, manufacturer, model or serial number."
    )
    def search(self, value: str, prefix: str) -> Q:
        return matching_words(
            prefix, value, "code", "name", "manufacturer", "model_number", "serial_number"
        )


@strawberry_django.filter_type(
    models.Person, description="Narrow the people; all conditions given must hold."
)
class PersonFilter:
    @strawberry_django.filter_field(description="Only people of this department or area.")
    def area(self, value: relay.GlobalID, prefix: str) -> Q:
        return matching_id(f"{prefix}area_id", value, AreaType)

    @strawberry_django.filter_field(description="Only people in this job.")
    def job_role(self, value: relay.GlobalID, prefix: str) -> Q:
        return matching_id(f"{prefix}job_role_id", value, JobRoleType)

    @strawberry_django.filter_field(description="Only people who hold this role.")
    def role(self, value: Role, prefix: str) -> Q:
        return Q(**{f"{prefix}roles__contains": [value.value]})

    @strawberry_django.filter_field(description="Text found in the employee number, name or email.")
    def search(self, value: str, prefix: str) -> Q:
        return matching_words(
            prefix,
            value,
            "employee_no",
            "user__first_name",
            "user__last_name",
            "user__email",
            "phone",
        )
