"""Filters for the hazard board and the library. IDs from another enterprise match nothing."""

from __future__ import annotations

import strawberry_django
from django.db.models import Q
from django.utils import timezone
from strawberry import relay

from safeloop.graphql.facilities.types import AreaType, EquipmentTypeType, PersonType
from safeloop.graphql.filters import matching_id, matching_words
from safeloop.graphql.hazards.enums import HazardGrade, HazardState
from safeloop.graphql.hazards.types import HazardCategoryType
from safeloop.graphql.nodes import node_pk
from safeloop.tenants.hazards import models


@strawberry_django.filter_type(
    models.Hazard, description="Narrow the hazards; all conditions given must hold."
)
class HazardFilter:
    grade: HazardGrade | None = strawberry_django.filter_field()
    state: HazardState | None = strawberry_django.filter_field()

    @strawberry_django.filter_field(description="Only hazards in this area or anywhere below it.")
    def area(self, value: relay.GlobalID, prefix: str) -> Q:
        pk = node_pk(value, AreaType)
        if pk is None:
            return Q(pk__in=[])
        return (
            Q(**{f"{prefix}area_id": pk})
            | Q(**{f"{prefix}area__parent_id": pk})
            | Q(**{f"{prefix}area__parent__parent_id": pk})
        )

    @strawberry_django.filter_field(description="Only hazards assigned to this person.")
    def assignee(self, value: relay.GlobalID, prefix: str) -> Q:
        return matching_id(f"{prefix}assignee_id", value, PersonType)

    @strawberry_django.filter_field(description="Only hazards of this category.")
    def category(self, value: relay.GlobalID, prefix: str) -> Q:
        return matching_id(f"{prefix}category_id", value, HazardCategoryType)

    @strawberry_django.filter_field(
        description="true: only open hazards past their deadline; false: all others."
    )
    def overdue(self, value: bool, prefix: str) -> Q:
        q = Q(**{f"{prefix}state__in": models.OPEN_STATES, f"{prefix}deadline__lt": timezone.now()})
        return q if value else ~q

    @strawberry_django.filter_field(
        description="true: only hazards still in the loop; false: only closed or dismissed ones."
    )
    def is_open(self, value: bool, prefix: str) -> Q:
        q = Q(**{f"{prefix}state__in": models.OPEN_STATES})
        return q if value else ~q

    @strawberry_django.filter_field(description="true: only near misses; false: no near misses.")
    def near_miss(self, value: bool, prefix: str) -> Q:
        return Q(**{f"{prefix}is_near_miss": value})

    @strawberry_django.filter_field(description="Text found in the number, title or description.")
    def search(self, value: str, prefix: str) -> Q:
        return matching_words(prefix, value, "number", "title", "description")


@strawberry_django.filter_type(
    models.LibraryEntry, description="Narrow the library; all conditions given must hold."
)
class LibraryEntryFilter:
    grade: HazardGrade | None = strawberry_django.filter_field()

    @strawberry_django.filter_field(description="Only entries of this category.")
    def category(self, value: relay.GlobalID, prefix: str) -> Q:
        return matching_id(f"{prefix}category_id", value, HazardCategoryType)

    @strawberry_django.filter_field(description="Only entries about this kind of equipment.")
    def equipment_type(self, value: relay.GlobalID, prefix: str) -> Q:
        return matching_id(f"{prefix}equipment_type_id", value, EquipmentTypeType)

    @strawberry_django.filter_field(description="Text found in the code or either title.")
    def search(self, value: str, prefix: str) -> Q:
        return matching_words(prefix, value, "code", "title", "title_en")
