"""A crew's lead and their portal sign-in, from the company page (/k/crews/<pk>/lead/).
Thin: the rules are in services/crew_portal.py."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safeloop.contractors.models import ContractorWorker, Crew
from safeloop.contractors.permissions import ContractorPerm
from safeloop.contractors.services import crew_portal
from safeloop.contractors.views import _form_page
from safeloop.contractors.views_tokens import crew_lead_api_access
from safeloop.web.forms import ShellForm, submit_form
from safeloop.web.guards import guarded


class CrewLeadForm(ShellForm):
    lead = forms.ModelChoiceField(label=gettext_lazy("crew lead"), queryset=None)
    password = forms.CharField(
        label=gettext_lazy("new password (optional)"),
        required=False,
        strip=False,
        help_text=gettext_lazy(
            "Leave empty to keep the password. Without one, the lead signs in with a "
            "code sent by SMS to the phone on file."
        ),
        widget=forms.PasswordInput({"autocomplete": "new-password"}),
    )

    def __init__(self, *args, crew: Crew, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = ContractorWorker.objects.filter(
            company_id=crew.company_id, blacklisted_at__isnull=True
        )


@guarded(ContractorPerm.CONTRACTOR_MANAGE)
def crew_lead(request: HttpRequest, pk: int) -> HttpResponse:
    crew = get_object_or_404(Crew.objects.select_related("company", "lead"), pk=pk)
    form = CrewLeadForm(request.POST or None, initial={"lead": crew.lead_id}, crew=crew)

    def save(data: dict) -> None:
        crew_portal.give_crew_lead_access(
            crew, by=request.user, lead=data["lead"], password=data["password"]
        )

    if request.method == "POST" and submit_form(form, save, "lead"):
        messages.success(
            request,
            _("%(name)s leads %(crew)s and signs in at the crew leads' portal.")
            % {"name": form.cleaned_data["lead"].name, "crew": crew.name},
        )
        return redirect("contractors:company", pk=crew.company_id)
    return _form_page(
        request,
        form,
        title=_("Crew lead of %(crew)s") % {"crew": crew.name},
        cancel=crew.company.get_absolute_url(),
        extra={"api_access": crew_lead_api_access(crew)},
    )
