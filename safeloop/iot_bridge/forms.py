"""The form of one level of a response plan: it parses; ``services.response_plans`` rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safeloop.access import ROLE_CHOICES
from safeloop.iot_bridge.services.response_plans import GUIDANCE_MAX, PlanRow
from safeloop.web.forms import ShellForm


class ResponsePlanForm(ShellForm):
    guidance = forms.CharField(
        label=_("what to do"),
        required=False,
        max_length=GUIDANCE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the people told should do. Empty: the standard text."),
    )
    roles = forms.MultipleChoiceField(
        label=_("roles told"),
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    area_people = forms.BooleanField(
        label=_("tell the area's people"),
        required=False,
        help_text=_("Everyone who works in the device's area, its workshop or the areas below it."),
    )

    def __init__(self, *args, plan: PlanRow, **kwargs):
        kwargs.setdefault("prefix", f"{plan.kind}-{plan.level}")
        kwargs.setdefault(
            "initial",
            {"guidance": plan.guidance, "roles": plan.roles, "area_people": plan.area_people},
        )
        super().__init__(*args, **kwargs)
        self.plan = plan
