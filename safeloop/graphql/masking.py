"""No exception of ours or of a library reaches a client as text.

Every error of a GraphQL request passes through :class:`SafeLoopSchema.process_errors`
before the response is written: the errors of parsing and validation, of variable
coercion, of resolvers, and of a schema extension that crashed. Those GraphQL
itself or our code raised as ``GraphQLError`` are for the client and stay as they
are. Expected failures of a service raised in a query (``PermissionDenied``,
``ValidationError``, a row that is gone) become errors with our codes. Anything
else is a bug: the client reads "Something went wrong on our side. Quote error id
ABC123 to support." with ``extensions {code: "internal_error", errorId}``, and the
log holds the traceback under that id and the enterprise's schema.

Why ``process_errors`` rather than strawberry's ``MaskErrors`` extension: the
extension runs when the operation ends, so it never sees the errors of an
extension that crashed (strawberry returns those from outside the operation),
and it would mask after strawberry logged the raw error without an id. Strawberry
calls ``process_errors`` on every path with the very list it returns.
"""

from __future__ import annotations

import logging
from typing import Any

import strawberry
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import connection
from django.utils.translation import gettext as _
from graphql import GraphQLError
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.types import ExecutionContext

from safeloop.graphql.errors import INVALID, NOT_FOUND, errors_from
from safeloop.platform.errors import new_error_id

logger = logging.getLogger("safeloop.graphql")

INTERNAL_ERROR = "internal_error"


def client_error(error: GraphQLError, message: str, code: str, **extensions: Any) -> GraphQLError:
    """``error`` at the same place in the query with our message and code."""
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={"code": code, **extensions},
    )


def _expected(error: GraphQLError, original: Exception) -> GraphQLError | None:
    """The error a client may read for a service's expected failure, else None."""
    if isinstance(original, PermissionDenied | ValidationError):
        errors = errors_from(original)
        message = " ".join(e.message for e in errors)
        return client_error(error, message, errors[0].code, field=errors[0].field)
    if isinstance(original, ObjectDoesNotExist):
        return client_error(error, _("Nothing with this ID exists here."), NOT_FOUND)
    return None


def masked(error: GraphQLError, execution_context: ExecutionContext | None) -> GraphQLError:
    """What the client may read of ``error``; logs a bug under a new error id."""
    original = error.original_error
    if isinstance(original, StrawberryInputCoercionError):
        # An argument the client sent that does not parse (e.g. an ID that is no
        # global ID): met while executing, so it has a path; give it our code.
        return client_error(error, error.message, INVALID)
    if original is None or isinstance(original, GraphQLError):
        return error
    if (expected := _expected(error, original)) is not None:
        return expected
    error_id = new_error_id()
    operation = getattr(execution_context, "operation_name", None)
    logger.error(
        "GraphQL internal error %s in schema %s at %s (operation %s): %s",
        error_id,
        connection.schema_name,
        ".".join(str(p) for p in error.path or ()) or "-",
        operation or "-",
        original,
        exc_info=original,
    )
    message = _("Something went wrong on our side. Quote error id %(id)s to support.") % {
        "id": error_id
    }
    return client_error(error, message, INTERNAL_ERROR, errorId=error_id)


class SafeLoopSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # In place: strawberry returns this very list to the client.
        errors[:] = [masked(error, execution_context) for error in errors]
        for error in errors:
            if (error.extensions or {}).get("code") != INTERNAL_ERROR:
                # The client's own mistakes: worth a line, not an alarm.
                logger.info("GraphQL error for the client: %s", error.message)
