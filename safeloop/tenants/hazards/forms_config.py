"""Forms of the hazard settings pages: they parse input; config_services owns the rules."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from safeloop.access import ROLE_CHOICES
from safeloop.tenants.facilities.fields import AreaChoiceField
from safeloop.tenants.facilities.models import Area, EquipmentType, JobRole, Person
from safeloop.tenants.hazards.acceptance import MAX_ACCEPTANCE_LEVELS
from safeloop.tenants.hazards.config_services import (
    HOUR_FIELDS,
    is_catch_all,
)
from safeloop.tenants.hazards.models import (
    AcceptanceLevel,
    GradePolicy,
    HazardCategory,
    RoutingRule,
)
from safeloop.web.forms import ShellForm, apply_service_error

LEVEL_FIELDS = tuple(f"level_{n}" for n in range(1, MAX_ACCEPTANCE_LEVELS + 1))
LEVEL_CHOICES = [("", _("— none —")), *AcceptanceLevel.choices]


def apply_config_error(form: forms.Form, exc: ValidationError) -> None:
    """A service error beside its field; the acceptance path's errors go by its first select."""
    if hasattr(exc, "error_dict"):
        renamed = {
            ("level_1" if field == "acceptance_levels" else field): errors
            for field, errors in exc.error_dict.items()
        }
        exc = ValidationError(renamed)
    apply_service_error(form, exc, None)


class GradePolicyForm(ShellForm):
    deadline_hours = forms.IntegerField(
        label=_("deadline (hours)"),
        help_text=_("Hours from the report to the deadline (整改期限)."),
    )
    reminder_before_hours = forms.IntegerField(
        label=_("reminder (hours before the deadline)"),
        help_text=_("The person fixing it is reminded this long before the deadline."),
    )
    escalate_after_hours = forms.IntegerField(
        label=_("first escalation (hours after the deadline)"),
        help_text=_("The workshop director hears of it this long after the deadline."),
    )
    second_escalation_after_hours = forms.IntegerField(
        label=_("second escalation (hours after the deadline)"),
        help_text=_("The leader in charge hears of it this long after the deadline."),
    )
    notify_roles = forms.MultipleChoiceField(
        label=_("told at once"),
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Who hears of a new hazard of this grade as soon as it is reported."),
    )
    level_1 = forms.ChoiceField(
        label=_("first level"),
        choices=LEVEL_CHOICES,
        required=False,
        help_text=_("Who signs the fix off, in this order. Leave the later levels empty."),
    )
    level_2 = forms.ChoiceField(label=_("second level"), choices=LEVEL_CHOICES, required=False)
    level_3 = forms.ChoiceField(label=_("third level"), choices=LEVEL_CHOICES, required=False)
    level_4 = forms.ChoiceField(label=_("fourth level"), choices=LEVEL_CHOICES, required=False)
    fieldsets = (
        (_("Deadline and escalation"), HOUR_FIELDS),
        (None, ("notify_roles",)),
        (_("Acceptance path"), LEVEL_FIELDS),
    )

    @staticmethod
    def initial_for(policy: GradePolicy) -> dict:
        initial = {name: getattr(policy, name) for name in HOUR_FIELDS}
        initial["notify_roles"] = list(policy.notify_roles)
        for name, level in zip(LEVEL_FIELDS, policy.acceptance_levels, strict=False):
            initial[name] = level
        return initial

    def changes(self) -> dict:
        """The policy as the service takes it: the chosen levels in the order given."""
        data = self.cleaned_data
        changes = {name: data[name] for name in HOUR_FIELDS}
        changes["notify_roles"] = list(data["notify_roles"])
        changes["acceptance_levels"] = [data[name] for name in LEVEL_FIELDS if data.get(name)]
        return changes


class _NamedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


class _PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        job = f" · {obj.job_role.display_name}" if obj.job_role_id else ""
        return f"{obj.full_name} ({obj.employee_no}){job}"


class RoutingRuleForm(ShellForm):
    category = _NamedChoiceField(
        label=_("hazard category"),
        queryset=HazardCategory.objects.order_by("code"),
        required=False,
        empty_label=_("Any category"),
    )
    area = AreaChoiceField(
        label=_("area"),
        queryset=Area.objects.order_by("code"),
        required=False,
        empty_label=_("Anywhere"),
        help_text=_("A site or workshop includes the areas below it."),
    )
    equipment_type = _NamedChoiceField(
        label=_("equipment type"),
        queryset=EquipmentType.objects.order_by("code"),
        required=False,
        empty_label=_("Any equipment"),
    )
    catch_all = forms.BooleanField(
        label=_("catch-all rule (no conditions)"),
        required=False,
        help_text=_("Takes every hazard that no rule with conditions takes."),
    )
    assignee = _PersonChoiceField(
        label=_("a person"),
        queryset=Person.objects.none(),
        required=False,
        empty_label="—",
    )
    assignee_job_role = _NamedChoiceField(
        label=_("or a job role"),
        queryset=JobRole.objects.order_by("code"),
        required=False,
        empty_label="—",
        help_text=_(
            "Someone with this job role in the hazard's workshop; if there is nobody, "
            "the next rule is tried."
        ),
    )
    priority = forms.IntegerField(
        label=_("priority"),
        initial=100,
        help_text=_("Among rules with as many conditions, the lower number is tried first."),
    )
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)
    fieldsets = (
        (_("When a hazard matches"), ("category", "area", "equipment_type", "catch_all")),
        (_("It goes to"), ("assignee", "assignee_job_role")),
        (_("Order"), ("priority", "is_active")),
    )

    def __init__(self, *args, rule: RoutingRule | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        people = Person.objects.filter(user__is_active=True)
        if rule is not None and rule.assignee_id:
            people = Person.objects.filter(pk=rule.assignee_id) | people
        self.fields["assignee"].queryset = people.select_related("user", "job_role").order_by(
            "employee_no"
        )

    @staticmethod
    def initial_for(rule: RoutingRule) -> dict:
        return {
            "category": rule.category_id,
            "area": rule.area_id,
            "equipment_type": rule.equipment_type_id,
            "catch_all": is_catch_all(rule),
            "assignee": rule.assignee_id,
            "assignee_job_role": rule.assignee_job_role_id,
            "priority": rule.priority,
            "is_active": rule.is_active,
        }
