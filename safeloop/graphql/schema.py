"""The GraphQL schema, composed from one module per area (Saleor's layout).

The strawberry-django optimizer is always on: lists, lookups and nested
relations load in a fixed number of queries however many rows there are.
"""

from __future__ import annotations

from strawberry.extensions import ParserCache, ValidationCache
from strawberry.tools import merge_types
from strawberry_django.optimizer import DjangoOptimizerExtension

from safeloop.graphql.accounts.mutations import AccountsMutation
from safeloop.graphql.accounts.queries import AccountsQuery
from safeloop.graphql.alerts.mutations import AlertsMutation
from safeloop.graphql.alerts.queries import AlertsQuery
from safeloop.graphql.facilities.mutations import FacilitiesMutation
from safeloop.graphql.facilities.queries import FacilitiesQuery
from safeloop.graphql.hazards.config import HazardsConfigMutation, HazardsConfigQuery
from safeloop.graphql.hazards.mutations import HazardsMutation
from safeloop.graphql.hazards.queries import HazardsQuery
from safeloop.graphql.hygiene import InputHygiene
from safeloop.graphql.inspections.mutations import InspectionsMutation
from safeloop.graphql.inspections.mutations_setup import InspectionsSetupMutation
from safeloop.graphql.inspections.queries import InspectionsQuery
from safeloop.graphql.masking import SafeLoopSchema
from safeloop.graphql.risks.mutations import RisksMutation
from safeloop.graphql.risks.queries import RisksQuery

QUERY_CACHE_SIZE = 256

Query = merge_types(
    "Query",
    (
        AccountsQuery,
        FacilitiesQuery,
        HazardsQuery,
        HazardsConfigQuery,
        InspectionsQuery,
        RisksQuery,
        AlertsQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        AccountsMutation,
        FacilitiesMutation,
        HazardsMutation,
        HazardsConfigMutation,
        InspectionsMutation,
        InspectionsSetupMutation,
        RisksMutation,
        AlertsMutation,
    ),
)

schema = SafeLoopSchema(
    query=Query,
    mutation=Mutation,
    extensions=[
        # Integrations send the same few documents over and over: parse and validate
        # each once per process. Bounded, so distinct documents cannot grow memory.
        lambda: ParserCache(maxsize=QUERY_CACHE_SIZE),
        lambda: ValidationCache(maxsize=QUERY_CACHE_SIZE),
        InputHygiene,
        DjangoOptimizerExtension,
    ],
)


def sdl() -> str:
    """The schema as SDL, as committed in schema.graphql."""
    return schema.as_str() + "\n"
