"""Expected failures: ValidationError with a field and a machine-readable code.

GraphQL returns them in the payload as ``{field, code, message}``; forms show
the message beside the field.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction


def field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def create_unique(model: type[models.Model], unique: str, taken: ValidationError, **values: Any):
    """``model.objects.create(**values)`` where a concurrent request may have taken the
    same ``unique`` value between our "is it free?" check and our insert: the unique
    index's IntegrityError becomes ``taken`` (the error the check gives) instead of a 500,
    and the caller's transaction stays usable (the insert runs in a savepoint)."""
    try:
        with transaction.atomic():
            return model._default_manager.create(**values)
    except IntegrityError:
        if model._default_manager.filter(**{unique: values[unique]}).exists():
            raise taken from None
        raise
