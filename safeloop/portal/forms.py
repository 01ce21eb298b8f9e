"""The gate registration form and a crew lead's worker list upload; the contractors'
services check everything again."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.contractors.forms import WorkerImportForm
from safeloop.contractors.models import Crew, WorkType
from safeloop.contractors.validators import clean_credit_code, clean_id_number
from safeloop.web.forms import ShellForm


class NoEchoInput(forms.TextInput):
    """A text box that never writes its value back into the page: an ID number typed
    once must not come back in the HTML (a shared phone, a proxy's cache, a screenshot)."""

    def get_context(self, name, value, attrs):
        return super().get_context(name, None, attrs)


class GateRegistrationForm(ShellForm):
    company = forms.ModelChoiceField(
        label=_("company"), queryset=None, required=False, empty_label=_("Choose your company")
    )
    credit_code = forms.CharField(
        label=_("or its unified social credit code"),
        max_length=40,
        required=False,
        help_text=_("18 characters, on the business licence. Only if your company is not listed."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    name = forms.CharField(
        label=pgettext_lazy("worker", "name"),
        max_length=60,
        widget=forms.TextInput({"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("phone"),
        max_length=30,
        widget=forms.TextInput({"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        help_text=_("Resident ID card, 18 characters. Stored encrypted and shown masked."),
        widget=NoEchoInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    work_types = forms.MultipleChoiceField(
        label=_("work types"),
        choices=WorkType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    photo = forms.FileField(
        label=_("photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "user"}),
    )
    consent = forms.BooleanField(
        label=_("I have read the privacy notice above and agree to it."), required=False
    )

    def __init__(self, *args, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies

    # Both identifiers are checked here too, so a wrong ID number and a wrong credit
    # code are named at once instead of one per attempt.
    def clean_id_number(self) -> str:
        value = self.cleaned_data["id_number"]
        clean_id_number(value)
        return value

    def clean_credit_code(self) -> str:
        value = self.cleaned_data["credit_code"]
        if value.strip():
            clean_credit_code(value)
        return value

    def clean(self):
        data = super().clean()
        if not data.get("company") and not (data.get("credit_code") or "").strip():
            if "credit_code" not in self.errors:
                self.add_error(
                    "company",
                    ValidationError(
                        _("Choose your company, or type its unified social credit code."),
                        code="required",
                    ),
                )
        return data


class CrewImportForm(WorkerImportForm):
    """A crew lead's worker list: the manager's file and consent, and for a lead of
    several crews the crew that takes the rows naming none."""

    crew = forms.ModelChoiceField(
        label=_("crew for rows without one"), queryset=None, required=False, empty_label=None
    )

    def __init__(self, *args, crews, **kwargs):
        super().__init__(*args, **kwargs)
        if len(crews) > 1:
            self.fields["crew"].queryset = Crew.objects.filter(pk__in=[c.pk for c in crews])
            self.fields["crew"].required = True
        else:
            del self.fields["crew"]
