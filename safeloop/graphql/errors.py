"""Mutation errors in the payload: ``errors { field code message }`` (Saleor's shape).

Services raise ``ValidationError`` with codes and ``PermissionDenied``; mutations
catch exactly these and return them, so a client reads one list for every
expected failure and top-level GraphQL errors mean a bug or a malformed request.
"""

from __future__ import annotations

from typing import Any

import strawberry
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from strawberry import Info, relay
from strawberry.utils.str_converters import to_camel_case

from safeloop.graphql.nodes import lookup
from safeloop.platform.errors import field_error

PERMISSION_DENIED = "permission_denied"
NOT_FOUND = "not_found"
INVALID = "invalid"

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


def changes_of(data: Any, *, skip: tuple[str, ...] = ("id",)) -> dict[str, Any]:
    """The fields an update input actually sets (UNSET ones are left alone)."""
    return {
        f.python_name: getattr(data, f.python_name)
        for f in data.__strawberry_definition__.fields
        if f.python_name not in skip and getattr(data, f.python_name) is not strawberry.UNSET
    }
