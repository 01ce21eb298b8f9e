"""Forms of the gate check and of the managers' site-pass list."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.contractors import services
from safeloop.contractors.models import ContractorCompany, GateDirection, PassStatus, SitePass
from safeloop.tenants.facilities.fields import AreaChoiceField
from safeloop.web.forms import SEARCH_WIDGET, FilterForm, ShellForm


class GateCheckForm(ShellForm):
    """What the guard scanned or typed, at which gate, which way."""

    code = forms.CharField(
        label=_("Pass URL or number"),
        max_length=500,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "off",
                "spellcheck": "false",
                "enterkeyhint": "go",
                "placeholder": _("Paste the pass link, or type its number"),
                "data-testid": "gate-code",
                "data-gate-code": "",
            }
        ),
    )
    gate = AreaChoiceField(
        label=_("Gate"),
        queryset=services.gate_sites(),
        required=False,
        empty_label=_("Gate not chosen"),
        widget=forms.Select(attrs={"data-testid": "gate-gate"}),
    )
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=GateDirection.choices,
        initial=GateDirection.IN,
        widget=forms.RadioSelect(attrs={"data-testid": "gate-direction"}),
    )


class PassFilterForm(FilterForm):
    q = forms.CharField(label=_("Name or pass number"), required=False, widget=SEARCH_WIDGET)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status")), *PassStatus.choices],
        required=False,
    )
    company = forms.ModelChoiceField(
        label=pgettext_lazy("contractor", "Company"),
        queryset=ContractorCompany.objects.order_by("name"),
        required=False,
        empty_label=_("Every company"),
    )

    def passes(self) -> QuerySet[SitePass]:
        rows = SitePass.objects.select_related(
            "worker__company", "worker__crew", "inside_gate"
        ).order_by("worker__company__name", "number")
        if not self.is_valid():
            return rows
        data = self.cleaned_data
        q = data["q"].strip()
        if q:
            rows = rows.filter(Q(number__icontains=q) | Q(worker__name__icontains=q))
        if data["status"]:
            rows = rows.filter(status=data["status"])
        if data["company"] is not None:
            rows = rows.filter(worker__company=data["company"])
        return rows
