"""Hazard queries: the board as a Relay connection, one hazard by ID, the library."""

from __future__ import annotations

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import Info, relay
from strawberry_django.relay import DjangoListConnection

from safeloop.graphql.hazards.filters import HazardFilter, LibraryEntryFilter
from safeloop.graphql.hazards.types import (
    GradePolicyType,
    HazardCategoryType,
    HazardType,
    LibraryEntryType,
)
from safeloop.graphql.nodes import lookup
from safeloop.tenants.hazards.models import LibraryEntry


@strawberry.type
class HazardsQuery:
    hazards: DjangoListConnection[HazardType] = strawberry_django.connection(
        filters=HazardFilter,
        description="Hazards (隐患) you may see, newest first: managers see all, team leaders "
        "their workshop's, everyone else those they reported or must fix.",
    )
    hazard_categories: list[HazardCategoryType] = strawberry_django.field(
        description="Kinds of hazard, by code."
    )
    grade_policies: list[GradePolicyType] = strawberry_django.field(
        description="What each grade means here: deadline, who is told, who accepts."
    )

    @strawberry_django.connection(
        DjangoListConnection[LibraryEntryType],
        filters=LibraryEntryFilter,
        description="The hazard library (隐患库), by code: the entries offered when reporting.",
    )
    def hazard_library(self) -> QuerySet[LibraryEntry]:
        return LibraryEntry.objects.filter(is_active=True)

    @strawberry.field(description="One hazard; null when it does not exist here or is hidden.")
    def hazard(self, info: Info, id: relay.GlobalID) -> HazardType | None:
        return lookup(HazardType, id, info)
