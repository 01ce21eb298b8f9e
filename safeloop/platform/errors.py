"""Expected failures: ValidationError with a field and a machine-readable code.

GraphQL returns them in the payload as ``{field, code, message}``; forms show
the message beside the field. Unexpected ones (bugs) reach nobody: the client
gets an error id to quote (GraphQL's masking, the pages' 500 handler) and the
details go to the log under that id.
"""

import logging
import secrets
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

# Read aloud over the phone: no 0/O or 1/I to confuse.
_ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def clean_text(value: str | None, field: str, *, max_length: int, required: bool = True) -> str:
    """``value`` with its whitespace collapsed; a field error (``required`` / ``too_long``)
    when missing or longer than its column."""
    from django.utils.translation import gettext as _

    text = " ".join((value or "").split())
    if required and not text:
        raise field_error(field, _("This field is required."), "required")
    if len(text) > max_length:
        raise field_error(field, _("At most %(n)d characters.") % {"n": max_length}, "too_long")
    return text


def new_error_id() -> str:
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(6))


def server_error(request):
    """The pages' 500 (``handler500``): an error id to quote; the traceback is logged under it.

    Plain HTML, no template: whatever broke (a template, the shell's context) must
    not break the error page too.
    """
    from django.db import connection
    from django.http import HttpResponseServerError
    from django.utils.html import escape
    from django.utils.translation import get_language
    from django.utils.translation import gettext as _

    error_id = new_error_id()
    logging.getLogger("safeloop.errors").error(
        "Page internal error %s in schema %s at %s",
        error_id,
        getattr(connection, "schema_name", "-"),
        request.path,
        exc_info=sys.exc_info(),
    )
    message = escape(
        _("Something went wrong on our side. Quote error id %(id)s to support.") % {"id": error_id}
    )
    return HttpResponseServerError(
        f'<!doctype html><html lang="{escape(get_language() or "zh-hans")}"><head>'
        '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>500 · SafeLoop</title></head><body><h1>SafeLoop</h1><p>{message}</p>"
        '<p><a href="/">⌂</a></p></body></html>'
    )


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
