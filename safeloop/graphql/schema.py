"""The GraphQL schema, composed from one module per area (Saleor's layout).

The strawberry-django optimizer is always on: lists, lookups and nested
relations load in a fixed number of queries however many rows there are.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLEnumType, GraphQLObjectType, GraphQLScalarType, get_named_type
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.tools import merge_types
from strawberry_django.fields.field import StrawberryDjangoField
from strawberry_django.optimizer import DjangoOptimizerExtension

from safeloop.graphql.accounts.mutations import AccountsMutation
from safeloop.graphql.accounts.queries import AccountsQuery
from safeloop.graphql.alerts.mutations import AlertsMutation
from safeloop.graphql.alerts.queries import AlertsQuery
from safeloop.graphql.billing.mutations import BillingMutation
from safeloop.graphql.billing.queries import BillingQuery
from safeloop.graphql.contractors.mutations import ContractorsMutation
from safeloop.graphql.contractors.queries import ContractorsQuery
from safeloop.graphql.facilities.mutations import FacilitiesMutation
from safeloop.graphql.facilities.queries import FacilitiesQuery
from safeloop.graphql.hazards.config import HazardsConfigMutation, HazardsConfigQuery
from safeloop.graphql.hazards.mutations import HazardsMutation
from safeloop.graphql.hazards.queries import HazardsQuery
from safeloop.graphql.hygiene import InputHygiene
from safeloop.graphql.inspections.mutations import InspectionsMutation
from safeloop.graphql.inspections.mutations_setup import InspectionsSetupMutation
from safeloop.graphql.inspections.queries import InspectionsQuery
from safeloop.graphql.iot.mutations import IotMutation
from safeloop.graphql.iot.queries import IotQuery
from safeloop.graphql.learning.bank import BankMutation, BankQuery
from safeloop.graphql.learning.courses import CoursesMutation, CoursesQuery
from safeloop.graphql.learning.quiz import QuizMutation, QuizQuery
from safeloop.graphql.learning.training import TrainingMutation, TrainingQuery
from safeloop.graphql.masking import SafeLoopSchema
from safeloop.graphql.reports.queries import ReportsQuery
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
        ReportsQuery,
        AlertsQuery,
        CoursesQuery,
        QuizQuery,
        BankQuery,
        TrainingQuery,
        ContractorsQuery,
        IotQuery,
        BillingQuery,
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
        CoursesMutation,
        QuizMutation,
        BankMutation,
        TrainingMutation,
        ContractorsMutation,
        IotMutation,
        BillingMutation,
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


def _plain_column(field: Any) -> bool:
    """A strawberry-django field that only reads a scalar attribute of its row."""
    return (
        isinstance(field, StrawberryDjangoField)
        and field.base_resolver is None
        and not field.extensions
        and not field.arguments
        and not field.is_relation
        and not field.is_async
    )


def _read_plain_columns_directly(schema: SafeLoopSchema) -> None:
    """Resolve scalar model attributes without strawberry's per-field machinery.

    strawberry-django marks all its fields "not basic", so each scalar of each row
    (a hazard page of 20 has ~200) builds an Info, converts (no) arguments and runs
    an extension chain before reading ``row.title``. For a field with no resolver,
    arguments, extensions or relation, strawberry's own basic path does the same
    read (``field.get_result`` without info); the optimizer's ``only()`` hints are
    taken from the query beforehand and are unaffected.
    """
    gql = schema._schema
    roots = {gql.query_type, gql.mutation_type, gql.subscription_type}
    for gql_type in gql.type_map.values():
        if not isinstance(gql_type, GraphQLObjectType) or gql_type in roots:
            continue
        for gql_field in gql_type.fields.values():
            field = (gql_field.extensions or {}).get("strawberry-definition")
            named = get_named_type(gql_field.type)
            if isinstance(named, GraphQLScalarType | GraphQLEnumType) and _plain_column(field):
                gql_field.resolve = _basic_resolver(field)


def _basic_resolver(field: StrawberryDjangoField):
    attname = field.django_name or field.python_name
    # Per row class: is the attribute a Python property (``display_name``)? strawberry-
    # django reads those through django_getattr's sync/async wrapper; the view is sync.
    is_property: dict[type, bool] = {}

    def resolve(source: Any, _info: Any, **_kwargs: Any) -> Any:
        cls = type(source)
        plain = is_property.get(cls)
        if plain is None:
            plain = is_property[cls] = isinstance(getattr(cls, attname, None), property)
        if plain:
            return getattr(source, attname)
        return field.get_result(source, info=None, args=[], kwargs={})

    return resolve


_read_plain_columns_directly(schema)


def sdl() -> str:
    """The schema as SDL, as committed in schema.graphql."""
    return schema.as_str() + "\n"
