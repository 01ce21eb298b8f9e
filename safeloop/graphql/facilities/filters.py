"""Filters for the facilities lists. IDs from another enterprise match nothing."""

from __future__ import annotations

import strawberry_django
from django.db.models import Q
from strawberry import relay

from safeloop.graphql.facilities.enums import AreaKind, EquipmentStatus, Role
from safeloop.graphql.facilities.types import AreaType, EquipmentTypeType, JobRoleType
from safeloop.graphql.nodes import node_pk
from safeloop.tenants.facilities import models


def _is(lookup: str, value: relay.GlobalID, node_type: type) -> Q:
    pk = node_pk(value, node_type)
    return Q(**{lookup: pk}) if pk is not None else Q(pk__in=[])


def _search(prefix: str, value: str, *fields: str) -> Q:
    """Every word must appear in one of the fields ("Li Na" finds first + last name)."""
    q = Q()
    for word in value.split():
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{prefix}{field}__icontains": word})
        q &= any_field
    return q


@strawberry_django.filter_type(
    models.Area, description="Narrow the areas; all conditions given must hold."
)
class AreaFilter:
    kind: AreaKind | None = strawberry_django.filter_field(description="Only this level.")

    @strawberry_django.filter_field(description="Only the areas directly below this one.")
    def parent(self, value: relay.GlobalID, prefix: str) -> Q:
        return _is(f"{prefix}parent_id", value, AreaType)

    @strawberry_django.filter_field(description="Text found in the code or either name.")
    def search(self, value: str, prefix: str) -> Q:
        return _search(prefix, value, "code", "name", "name_en")


@strawberry_django.filter_type(
    models.Equipment, description="Narrow the equipment; all conditions given must hold."
)
class EquipmentFilter:
    status: EquipmentStatus | None = strawberry_django.filter_field()

    @strawberry_django.filter_field(description="Only equipment in this area.")
    def area(self, value: relay.GlobalID, prefix: str) -> Q:
        return _is(f"{prefix}area_id", value, AreaType)

    @strawberry_django.filter_field(description="Only equipment of this type.")
    def equipment_type(self, value: relay.GlobalID, prefix: str) -> Q:
        return _is(f"{prefix}equipment_type_id", value, EquipmentTypeType)

    @strawberry_django.filter_field(
        description="Text found in the code, name, manufacturer, model or serial number."
    )
    def search(self, value: str, prefix: str) -> Q:
        return _search(
            prefix, value, "code", "name", "manufacturer", "model_number", "serial_number"
        )


@strawberry_django.filter_type(
    models.Person, description="Narrow the people; all conditions given must hold."
)
class PersonFilter:
    @strawberry_django.filter_field(description="Only people of this department or area.")
    def area(self, value: relay.GlobalID, prefix: str) -> Q:
        return _is(f"{prefix}area_id", value, AreaType)

    @strawberry_django.filter_field(description="Only people in this job.")
    def job_role(self, value: relay.GlobalID, prefix: str) -> Q:
        return _is(f"{prefix}job_role_id", value, JobRoleType)

    @strawberry_django.filter_field(description="Only people who hold this role.")
    def role(self, value: Role, prefix: str) -> Q:
        return Q(**{f"{prefix}roles__contains": [value.value]})

    @strawberry_django.filter_field(description="Text found in the employee number, name or email.")
    def search(self, value: str, prefix: str) -> Q:
        return _search(
            prefix,
            value,
            "employee_no",
            "user__first_name",
            "user__last_name",
            "user__email",
            "phone",
        )
