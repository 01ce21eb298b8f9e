"""Form fields that pick an area or a person; other apps' forms use them too."""

from __future__ import annotations

from django import forms

from safeloop.tenants.facilities.models import Area, Person


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Area) -> str:
        return f"{obj.code} · {obj.display_name}"


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.employee_no} · {obj.full_name}"
