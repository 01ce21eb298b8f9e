"""Input no resolver should see, refused where the request comes in.

* NUL bytes: PostgreSQL cannot store them in text, and psycopg refuses the whole
  statement. A mutation reports the input field in its payload (the
  ``ErrorsInPayload`` extension asks :func:`nul_field`); any other operation gets
  one error with code ``invalid`` before it runs.
* Relay paging arguments: a cursor we never issued (not base64, another prefix,
  not a number, negative, beyond any table) is ``invalid_cursor``; ``first`` and
  ``last`` outside 0..relay_max_results are ``invalid``. Strawberry would raise
  Python's own messages from deep inside the resolver.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from enum import Enum
from typing import Any

from django.utils.translation import gettext as _
from graphql import (
    BREAK,
    ExecutionResult,
    GraphQLError,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    StringValueNode,
    TypeInfo,
    TypeInfoVisitor,
    VariableNode,
    Visitor,
    get_named_type,
    is_object_type,
    visit,
)
from graphql.language import ArgumentNode, ValueNode
from strawberry.extensions import SchemaExtension
from strawberry.relay.types import PREFIX
from strawberry.relay.utils import from_base64

INVALID = "invalid"
INVALID_CURSOR = "invalid_cursor"
# An offset no table of ours reaches; larger ones overflow PostgreSQL's OFFSET.
MAX_CURSOR_OFFSET = 2**31 - 1


def nul_message() -> str:
    return _("Text may not contain control characters.")


def _has_nul(value: Any) -> bool:
    if isinstance(value, Enum) and not isinstance(value, str):
        return False  # a GraphQL enum value: its class carries a definition, not fields
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    if isinstance(value, Mapping):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if definition := getattr(value, "__strawberry_definition__", None):
        return any(_has_nul(getattr(value, f.python_name, None)) for f in definition.fields)
    return False


def nul_field(arguments: Mapping[str, Any]) -> str | None:
    """The (python) name of the first argument, or of the input's field, holding a NUL."""
    for name, value in arguments.items():
        if definition := getattr(value, "__strawberry_definition__", None):
            for field in definition.fields:
                if _has_nul(getattr(value, field.python_name, None)):
                    return field.python_name
        elif _has_nul(value):
            return name
    return None


def valid_cursor(cursor: str) -> bool:
    try:
        prefix, offset = from_base64(cursor)
    except ValueError:
        return False
    return prefix == PREFIX and offset.isdigit() and int(offset) <= MAX_CURSOR_OFFSET


def _is_connection(type_: Any) -> bool:
    named = get_named_type(type_)
    return is_object_type(named) and {"edges", "pageInfo"} <= named.fields.keys()


class _PagingArguments(Visitor):
    """Finds the first paging argument of a connection field that we must refuse."""

    def __init__(self, type_info: TypeInfo, variables: Mapping[str, Any], max_results: int):
        super().__init__()
        self.type_info = type_info
        self.variables = variables
        self.max_results = max_results
        self.error: GraphQLError | None = None

    def _value(self, node: ValueNode) -> Any:
        if isinstance(node, VariableNode):
            return self.variables.get(node.name.value)
        if isinstance(node, StringValueNode):
            return node.value
        if isinstance(node, IntValueNode):
            return int(node.value)
        return None

    def enter_argument(self, node: ArgumentNode, *_args: Any) -> Any:
        name = node.name.value
        field = self.type_info.get_field_def()
        if name not in ("after", "before", "first", "last") or field is None:
            return None
        if not _is_connection(field.type):
            return None
        value = self._value(node.value)
        if name in ("after", "before") and isinstance(value, str) and not valid_cursor(value):
            self.error = GraphQLError("Invalid cursor", node, extensions={"code": INVALID_CURSOR})
        elif name in ("first", "last") and isinstance(value, int):
            if not 0 <= value <= self.max_results:
                self.error = GraphQLError(
                    f"Argument '{name}' must be between 0 and {self.max_results}.",
                    node,
                    extensions={"code": INVALID},
                )
        return BREAK if self.error else None


class _StringLiterals(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.values: list[str] = []

    def enter_string_value(self, node: StringValueNode, *_args: Any) -> None:
        self.values.append(node.value)


def _string_literals(document: Any) -> list[str]:
    literals = _StringLiterals()
    visit(document, literals)
    return literals.values


# Documents sent without variables that passed: nothing in them can change until the
# text does, so integrations polling the same query skip the walk over it. Bounded.
_clean_documents: dict[str, None] = {}
CLEAN_DOCUMENTS_SIZE = 256


class InputHygiene(SchemaExtension):
    """Refuses NUL bytes (outside mutations) and bad paging arguments before execution."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query if not context.variables else None
        if query is not None and query in _clean_documents:
            yield
            return
        if (error := self._refusal()) is not None:
            context.result = ExecutionResult(data=None, errors=[error])
        elif query is not None and context.graphql_document is not None:
            while len(_clean_documents) >= CLEAN_DOCUMENTS_SIZE:
                _clean_documents.pop(next(iter(_clean_documents)), None)
            _clean_documents[query] = None
        yield

    def _refusal(self) -> GraphQLError | None:
        context = self.execution_context
        document = context.graphql_document
        if document is None:
            return None
        variables = context.variables or {}
        is_mutation = any(
            isinstance(d, OperationDefinitionNode) and d.operation == OperationType.MUTATION
            for d in document.definitions
        )
        # A mutation names the input field in its payload instead (ErrorsInPayload).
        if not is_mutation and (
            _has_nul(variables) or any("\x00" in s for s in _string_literals(document))
        ):
            return GraphQLError(nul_message(), extensions={"code": INVALID})
        schema = context.schema._schema
        type_info = TypeInfo(schema)
        paging = _PagingArguments(type_info, variables, context.schema.config.relay_max_results)
        visit(document, TypeInfoVisitor(type_info, paging))
        return paging.error
