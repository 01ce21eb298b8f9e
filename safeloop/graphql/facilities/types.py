"""Facilities (设施) types: areas, equipment, equipment types, job roles and people.

Visibility lives in each type's ``get_queryset``: facilities need
``facilities.view``; people need ``people.view``, except that everyone sees
their own person record.
"""

from __future__ import annotations

import strawberry_django
from django.db.models import QuerySet
from strawberry import Info, auto

from safeloop.access import can
from safeloop.graphql.facilities.enums import AreaKind, EquipmentStatus, Role
from safeloop.graphql.nodes import TenantNode
from safeloop.graphql.permissions import current_user, visible_if
from safeloop.tenants.facilities import models
from safeloop.tenants.facilities.permissions import FacilityPerm

_NAME = "Name in Chinese (the enterprise's working language)."
_NAME_EN = "Name in English; empty when nobody entered one."
_DISPLAY_NAME = "Name in the request's language: English when asked for and present, else Chinese."
_BILINGUAL = ["name", "name_en"]


class FacilitiesNode(TenantNode):
    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return visible_if(queryset, info, FacilityPerm.VIEW_FACILITIES)


@strawberry_django.type(models.Area, name="Area")
class AreaType(FacilitiesNode):
    code: auto
    name: auto = strawberry_django.field(description=_NAME)
    name_en: auto = strawberry_django.field(description=_NAME_EN)
    display_name: str = strawberry_django.field(only=_BILINGUAL, description=_DISPLAY_NAME)
    kind: AreaKind
    parent: AreaType | None = strawberry_django.field(
        description="The site above a workshop, the workshop above an area; null for a site."
    )
    children: list[AreaType] = strawberry_django.field(description="The areas directly below.")
    created_at: auto


@strawberry_django.type(
    models.EquipmentType,
    name="EquipmentType",
    description="A kind of equipment, such as overhead crane or forklift.",
)
class EquipmentTypeType(FacilitiesNode):
    code: auto
    name: auto = strawberry_django.field(description=_NAME)
    name_en: auto = strawberry_django.field(description=_NAME_EN)
    display_name: str = strawberry_django.field(only=_BILINGUAL, description=_DISPLAY_NAME)
    inspection_interval_days: auto


@strawberry_django.type(models.Equipment, name="Equipment")
class EquipmentNode(FacilitiesNode):
    code: auto
    name: auto
    equipment_type: EquipmentTypeType
    area: AreaType
    status: EquipmentStatus
    manufacturer: auto = strawberry_django.field(description="Nameplate (铭牌): manufacturer.")
    model_number: auto = strawberry_django.field(description="Nameplate: model.")
    serial_number: auto = strawberry_django.field(description="Nameplate: serial number.")
    rated_capacity: auto = strawberry_django.field(description="Nameplate: rated capacity.")
    manufactured_on: auto = strawberry_django.field(description="Nameplate: date of manufacture.")
    created_at: auto


@strawberry_django.type(models.JobRole, name="JobRole")
class JobRoleType(FacilitiesNode):
    code: auto
    name: auto = strawberry_django.field(description=_NAME)
    name_en: auto = strawberry_django.field(description=_NAME_EN)
    display_name: str = strawberry_django.field(only=_BILINGUAL, description=_DISPLAY_NAME)


_USER_FIELDS = ["user__first_name", "user__last_name", "user__email", "user__is_active"]


@strawberry_django.type(models.Person, name="Person")
class PersonType(TenantNode):
    employee_no: auto
    phone: auto
    area: AreaType | None = strawberry_django.field(description="Department or area.")
    job_role: JobRoleType | None
    superior: PersonType | None
    language: str = strawberry_django.field(
        description="Preferred language (zh-hans or en); empty: the enterprise default."
    )
    created_at: auto

    @strawberry_django.field(only=_USER_FIELDS, select_related=["user"])
    def name(self, root: models.Person) -> str:
        """Full name (the email when no name is recorded)."""
        return root.full_name

    @strawberry_django.field(only=_USER_FIELDS, select_related=["user"])
    def email(self, root: models.Person) -> str:
        """Sign-in email."""
        return root.user.email

    @strawberry_django.field(only=_USER_FIELDS, select_related=["user"])
    def is_active(self, root: models.Person) -> bool:
        """False once the person may no longer sign in."""
        return root.user.is_active

    @strawberry_django.field(only=["roles"])
    def roles(self, root: models.Person) -> list[Role]:
        """The roles this person holds."""
        return [Role(value) for value in root.roles if value in Role._value2member_map_]

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        user = current_user(info)
        if can(user, FacilityPerm.VIEW_PEOPLE):
            return queryset
        return queryset.filter(user_id=user.pk)
