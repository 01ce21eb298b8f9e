"""Expected failures: ValidationError with a field and a machine-readable code.

GraphQL returns them in the payload as ``{field, code, message}``; forms show
the message beside the field.
"""

from django.core.exceptions import ValidationError


def field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})
