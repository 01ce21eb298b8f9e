"""Mutation errors in the payload: ``errors { field code message }`` (Saleor's shape).

Services raise ``ValidationError`` with codes and ``PermissionDenied``. Every
mutation is declared with :func:`mutation`, whose field extension catches exactly
these and returns the mutation's own payload type with ``errors`` filled in, so a
client reads one list for every expected failure and top-level GraphQL errors mean
a bug or a malformed request. Resolvers just raise.

Why not strawberry-django's ``handle_django_errors``: it turns every payload into a
union with ``OperationInfo { messages { kind field message code } }``, which would
change the SDL of every mutation that clients already read as ``payload.errors``,
and it only applies to ``strawberry_django.mutation`` fields, which ours are not
(they call services, not model CRUD). The setting is off so that no such field
grows a second error path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db.models import Model
from django.utils.translation import gettext as _
from strawberry import Info, relay
from strawberry.extensions import FieldExtension
from strawberry.utils.str_converters import to_camel_case

from safeloop.graphql.hygiene import nul_field, nul_message
from safeloop.graphql.nodes import lookup
from safeloop.platform.errors import field_error

PERMISSION_DENIED = "permission_denied"
NOT_FOUND = "not_found"
INVALID = "invalid"
REQUIRED = "required"

# The failures a mutation reports in its payload; anything else is a bug.
EXPECTED_ERRORS = (ValidationError, PermissionDenied)


@strawberry.type(description="Why a mutation did not do what was asked.")
class MutationError:
    field: str | None = strawberry.field(
        description="The input field at fault (camelCase), or null when it is the whole request."
    )
    code: str = strawberry.field(
        description="Machine-readable: permission_denied, not_found, duplicate, bad_parent, "
        "invalid, required, in_use, or a password rule such as password_too_short."
    )
    message: str = strawberry.field(description="A sentence for people, in the request language.")


def errors_from(exc: Exception) -> list[MutationError]:
    if isinstance(exc, PermissionDenied):
        message = str(exc) or _("You do not have permission to do this.")
        return [MutationError(field=None, code=PERMISSION_DENIED, message=message)]
    assert isinstance(exc, ValidationError)
    errors = []
    for field, field_errors in _by_field(exc):
        for error in field_errors:
            message = error.message % error.params if error.params else error.message
            errors.append(
                MutationError(
                    field=None if field == NON_FIELD_ERRORS else to_camel_case(field),
                    code=error.code or INVALID,
                    message=str(message),
                )
            )
    return errors


class ErrorsInPayload(FieldExtension):
    """An expected failure of the resolver becomes the field's payload type with only
    ``errors`` set (every payload's other fields default to null or zero)."""

    def __init__(self, errors: Callable[[Exception], list] = errors_from):
        self.errors = errors

    def resolve(self, next_, source: Any, info: Info, **kwargs: Any) -> Any:
        try:
            if (field := nul_field(kwargs)) is not None:
                raise field_error(field, nul_message(), INVALID)
            return next_(source, info, **kwargs)
        except EXPECTED_ERRORS as exc:
            return info.return_type(errors=self.errors(exc))


def mutation(*, description: str, errors: Callable[[Exception], list] = errors_from) -> Any:
    """``strawberry.mutation`` whose expected failures come back in the payload.

    ``errors`` turns the exception into the payload's error list when a mutation
    needs more than ``errors_from`` (e.g. errors that name a check item).
    """
    return strawberry.mutation(description=description, extensions=[ErrorsInPayload(errors)])


def _by_field(exc: ValidationError) -> list[tuple[str, list[ValidationError]]]:
    if hasattr(exc, "error_dict"):
        return list(exc.error_dict.items())
    return [(NON_FIELD_ERRORS, exc.error_list)]


def find(node_type: type, global_id: relay.GlobalID | None, info: Info, *, field: str) -> Any:
    """The visible row an input ID names; a not_found error on ``field`` otherwise."""
    if global_id is None:
        return None
    row = lookup(node_type, global_id, info, optimized=False)
    if row is None:
        raise field_error(field, _("Nothing with this ID exists here."), NOT_FOUND)
    return row


def changes_of(
    data: Any, *, skip: tuple[str, ...] = ("id",), model: type[Model] | None = None
) -> dict[str, Any]:
    """The fields an update input actually sets (UNSET ones are left alone).

    With ``model``, null for a column that cannot hold it is a ``required`` error on
    that field; the database would refuse it with a message naming the whole row.
    """
    changes = {
        f.python_name: getattr(data, f.python_name)
        for f in data.__strawberry_definition__.fields
        if f.python_name not in skip and getattr(data, f.python_name) is not strawberry.UNSET
    }
    if model is not None:
        for name, value in changes.items():
            if value is None and not _nullable(model, name):
                raise field_error(name, _("This field is required."), REQUIRED)
    return changes


def _nullable(model: type[Model], name: str) -> bool:
    try:
        return model._meta.get_field(name).null
    except FieldDoesNotExist:
        return True  # not a column of this model: the service decides
