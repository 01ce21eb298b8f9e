"""The free-trial signup form, and the public site's "sign in to your workspace".

The form only collects and redisplays; every rule (required fields, sub-domain
format and availability, email, password strength, industry) lives in
``safeloop.platform.services.validate_signup`` and comes back as field errors.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from safeloop.platform.industry import IndustryTemplate, list_templates
from safeloop.platform.services import SignupData

SIGNUP_FIELDS = ("company_name", "slug", "industry", "admin_name", "admin_email", "admin_password")


def _text(label, *, widget=forms.TextInput, help_text="", **attrs) -> forms.CharField:
    # required=False: the service reports missing values in the user's language,
    # the browser's `required` attribute only saves a round trip.
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        strip=False,
        widget=widget(attrs={"required": True, **attrs}),
    )


class SignupForm(forms.Form):
    company_name = _text(_("Company name"), autocomplete="organization", maxlength=200)
    slug = _text(
        _("Sub-domain"),
        help_text=_("Lowercase letters, digits and hyphens."),
        autocomplete="off",
        autocapitalize="none",
        spellcheck="false",
        maxlength=30,
    )
    industry = forms.CharField(label=_("Industry"), required=False, widget=forms.RadioSelect)
    admin_name = _text(_("Your name"), autocomplete="name", maxlength=150)
    admin_email = _text(_("Work email"), widget=forms.EmailInput, autocomplete="email")
    admin_password = _text(_("Password"), widget=forms.PasswordInput, autocomplete="new-password")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request so names follow the active language.
        self.industries: list[IndustryTemplate] = list_templates()
        self.fields["industry"].widget.choices = [(t.key, t.name) for t in self.industries]

    def industry_options(self) -> list[dict]:
        chosen = self["industry"].value()
        return [
            {"key": t.key, "name": t.name, "description": t.description, "checked": t.key == chosen}
            for t in self.industries
        ]

    def signup_data(self, *, language: str) -> SignupData:
        """The submitted values, unchecked: call after is_valid(), which only collects."""
        values = {name: self.cleaned_data.get(name) or "" for name in SIGNUP_FIELDS}
        return SignupData(
            company_name=values["company_name"],
            slug=values["slug"].strip().lower(),
            industry=values["industry"],
            admin_name=values["admin_name"],
            admin_email=values["admin_email"].strip(),
            admin_password=values["admin_password"],
            language=language,
        )

    def add_service_errors(self, exc: ValidationError) -> None:
        """Show the service's errors beside the fields they name."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for field, errors in exc.error_dict.items():
            target = field if field in self.fields and field != NON_FIELD_ERRORS else None
            self.add_error(target, errors)


class FindWorkspaceForm(forms.Form):
    """Sign-in starts on the enterprise's own host: ask which one."""

    slug = forms.CharField(
        label=_("Your workspace"),
        max_length=63,
        help_text=_("The first part of your workspace's address, as your administrator gave it."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "organization",
                "autocapitalize": "none",
                "spellcheck": "false",
                "required": True,
            }
        ),
    )

    def clean_slug(self) -> str:
        # Accept the whole address pasted in ("acme.safeloop.cn/w/") as well as "acme".
        value = self.cleaned_data["slug"].strip().lower()
        value = value.split("://", 1)[-1].split("/", 1)[0].split(".", 1)[0].split(":", 1)[0]
        return value
