"""Form helpers of the web shell: the form every page uses, and services' errors on it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.text import capfirst


class ShellForm(forms.Form):
    """A form of the web shell: capitalised labels without a colon, CSS hooks for states."""

    required_css_class = "required"
    error_css_class = "has-error"
    # (legend, field names) groups for the page; empty: one group of every field.
    fieldsets: tuple[tuple[str | Promise | None, tuple[str, ...]], ...] = ()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for formfield in self.fields.values():
            formfield.label = capfirst(formfield.label)

    def groups(self) -> list[tuple[str | Promise | None, list[forms.BoundField]]]:
        if not self.fieldsets:
            return [(None, list(self))]
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.fieldsets
        ]


def apply_service_error(form: forms.Form, exc: ValidationError, default_field: str | None) -> None:
    """Show a service's ValidationError beside the fields it names (else on ``default_field``)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(default_field if default_field in form.fields else None, exc.error_list)


def submit_form(
    form: forms.Form, action: Callable[[dict], Any], default_field: str | None = None
) -> bool:
    """Validate ``form`` and run ``action``; a service's ValidationError lands on the form."""
    if not form.is_valid():
        return False
    try:
        action(form.cleaned_data)
    except ValidationError as exc:
        apply_service_error(form, exc, default_field)
        return False
    return True


SEARCH_WIDGET = forms.TextInput(
    attrs={"type": "search", "enterkeyhint": "search", "data-testid": "filter-q"}
)


class FilterForm(ShellForm):
    """The GET form above a list: a search box (``q``) and a few narrowing choices."""

    @property
    def narrowing(self) -> bool:
        return any(self.data.get(name) for name in self.fields if name != "q")

    def choices(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name != "q"]
