"""The quick phone login form: employee number + PIN, big and keypad-friendly."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class QuickLoginForm(forms.Form):
    # Employee numbers carry letters (E1001, V0001), so this one keeps the full
    # keyboard; the PIN is digits only and gets the numeric keypad.
    employee_no = forms.CharField(
        label=_("Employee number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "username",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "quick-input",
            }
        ),
    )
    pin = forms.CharField(
        label=_("PIN"),
        max_length=8,
        strip=True,
        widget=forms.PasswordInput(
            attrs={
                "inputmode": "numeric",
                "pattern": "[0-9]*",
                "autocomplete": "current-password",
                "class": "quick-input quick-pin",
            }
        ),
        error_messages={"required": _("Enter your PIN.")},
    )

    def __init__(self, *args, remembered=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.remembered = remembered
        if remembered is None:
            self.fields["employee_no"].widget.attrs["required"] = True
            self.fields["employee_no"].widget.attrs["autofocus"] = True
        else:
            # This device knows who it belongs to: only the PIN is asked.
            del self.fields["employee_no"]
            self.fields["pin"].widget.attrs["autofocus"] = True

    def clean_employee_no(self) -> str:
        value = (self.cleaned_data.get("employee_no") or "").strip()
        if not value:
            raise forms.ValidationError(_("Enter your employee number."), code="required")
        return value

    @property
    def who(self) -> str:
        """The employee number to check: typed in, or the one this device remembers."""
        if self.remembered is not None:
            return self.remembered.employee_no
        return self.cleaned_data["employee_no"]
