"""The action forms of the hazard page: each parses its input and calls one service.

Fields whose emptiness is a business rule (a rejection's reason, the fix's
description) are optional here so the service's own message is the one shown.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from safeloop.tenants.facilities.fields import PersonChoiceField
from safeloop.tenants.facilities.models import Person
from safeloop.tenants.hazards import major, services
from safeloop.tenants.hazards.models import ExtensionState, Hazard, State
from safeloop.tenants.hazards.services import HazardAction
from safeloop.web.forms import ShellForm, apply_service_error

REQUIRED = {"required": True}


def _text(label, *, rows: int = 3, required_in_browser: bool = False) -> forms.CharField:
    attrs = {"rows": rows, **(REQUIRED if required_in_browser else {})}
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs=attrs))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several files under one name; the service checks that they are photos."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not isinstance(data, list | tuple):
            data = [data] if data else []
        return [super(PhotosField, self).clean(item, initial) for item in data if item]


class ActionForm(ShellForm):
    """One action of the hazard page; ``submit`` returns the success message or None."""

    action: str = ""
    label = ""
    # Where an error the service attaches to no field of this form is shown.
    default_field: str | None = None
    # The service's name of a field, where this form calls it differently.
    field_aliases: dict[str, str] = {}
    # Each action defines run(cleaned_data): it calls the hazard service for the
    # action and returns the success message.
    run: Callable[[dict], str]

    def __init__(self, *args, hazard: Hazard, user, **kwargs):
        kwargs.setdefault("prefix", self.action)
        super().__init__(*args, **kwargs)
        self.hazard = hazard
        self.user = user

    def submit(self) -> str | None:
        if not self.is_valid():
            return None
        try:
            return self.run(self.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and self.field_aliases:
                exc = ValidationError(
                    {self.field_aliases.get(k, k): v for k, v in exc.error_dict.items()}
                )
            apply_service_error(self, exc, self.default_field)
            return None


class StartForm(ActionForm):
    action = HazardAction.START
    label = gettext_lazy("Start rectification")

    def run(self, data: dict) -> str:
        services.start_rectification(self.hazard, by=self.user)
        return _("Rectification started.")


class RectifyForm(ActionForm):
    action = HazardAction.RECTIFY
    label = gettext_lazy("Submit the fix")
    description = _text(gettext_lazy("what was done"), required_in_browser=True)
    test_result = forms.CharField(
        label=gettext_lazy("test result"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("For example: the guard stops the press when opened."),
    )
    after_photos = PhotosField(label=gettext_lazy("photos after the fix"), required=False)
    signature = forms.CharField(required=False, widget=forms.HiddenInput)
    field_aliases = {"photos": "after_photos"}
    # The camera tiles the page shows (hazards/_photo_slots.html, as on the report).
    photo_slots = (
        (1, pgettext_lazy("photo slot", "Site")),
        (2, pgettext_lazy("photo slot", "Close-up")),
        (3, pgettext_lazy("photo slot", "Test")),
    )

    def run(self, data: dict) -> str:
        services.submit_rectification(
            self.hazard,
            by=self.user,
            description=data["description"],
            after_photos=data["after_photos"],
            signature_data_url=data["signature"],
            test_result=data["test_result"],
        )
        return _("The fix is submitted for acceptance.")


class AcceptForm(ActionForm):
    action = HazardAction.ACCEPT
    label = gettext_lazy("Accept")
    default_field = "signature"
    note = _text(gettext_lazy("note"), rows=2)
    # Drawn on the page's signature pad (detail.js), as the fixer's; required by the service.
    signature = forms.CharField(required=False, widget=forms.HiddenInput)

    def run(self, data: dict) -> str:
        hazard = services.accept(
            self.hazard, by=self.user, signature_data_url=data["signature"], note=data["note"]
        )
        if hazard.state == State.CLOSED:
            return _("Accepted. The hazard is closed.")
        return _("Accepted. The next level signs off now.")


class RejectForm(ActionForm):
    action = HazardAction.REJECT
    label = gettext_lazy("Reject")
    # The button that opens the form, beside the sign-off: not a second "accept".
    opener = gettext_lazy("Not fixed: send it back")
    default_field = "reason"
    reason = _text(gettext_lazy("what is still wrong"), required_in_browser=True)

    def run(self, data: dict) -> str:
        services.reject(self.hazard, by=self.user, reason=data["reason"])
        return _("Rejected. The hazard goes back for rectification.")


class ReassignForm(ActionForm):
    action = HazardAction.REASSIGN
    label = gettext_lazy("Reassign")
    default_field = "assignee"
    assignee = PersonChoiceField(label=gettext_lazy("new assignee"), queryset=Person.objects.none())
    reason = _text(gettext_lazy("reason"), rows=2, required_in_browser=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = (
            Person.objects.filter(user__is_active=True)
            .select_related("user")
            .order_by("employee_no")
        )

    def run(self, data: dict) -> str:
        services.reassign(
            self.hazard, by=self.user, assignee=data["assignee"], reason=data["reason"]
        )
        return _("Reassigned to %(name)s.") % {"name": data["assignee"].full_name}


class ExtendForm(ActionForm):
    action = HazardAction.EXTEND
    label = gettext_lazy("Ask for more time")
    default_field = "new_deadline"
    new_deadline = forms.DateTimeField(
        label=gettext_lazy("new deadline"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = _text(gettext_lazy("why more time is needed"), rows=2, required_in_browser=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.hazard.deadline:
            self.initial.setdefault(
                "new_deadline", timezone.localtime(self.hazard.deadline + timedelta(days=1))
            )

    def run(self, data: dict) -> str:
        services.request_extension(
            self.hazard, by=self.user, new_deadline=data["new_deadline"], reason=data["reason"]
        )
        return _("Extension requested.")


class DecideExtensionForm(ActionForm):
    action = HazardAction.DECIDE_EXTENSION
    label = gettext_lazy("Decide on the extension")
    decision = forms.ChoiceField(
        choices=[("approve", gettext_lazy("Approve")), ("refuse", gettext_lazy("Refuse"))],
        widget=forms.HiddenInput,
    )
    note = _text(gettext_lazy("note"), rows=2)

    @property
    def extension(self):
        return self.hazard.extensions.filter(state=ExtensionState.PENDING).first()

    def run(self, data: dict) -> str:
        extension = self.extension
        if extension is None:
            raise ValidationError(_("No extension is waiting for a decision."))
        approve = data["decision"] == "approve"
        services.decide_extension(extension, by=self.user, approve=approve, note=data["note"])
        return _("Extension approved.") if approve else _("Extension refused.")


class DismissForm(ActionForm):
    action = HazardAction.DISMISS
    label = gettext_lazy("Dismiss")
    default_field = "reason"
    reason = _text(gettext_lazy("why this is not a hazard"), rows=2, required_in_browser=True)

    def run(self, data: dict) -> str:
        services.dismiss(self.hazard, by=self.user, reason=data["reason"])
        return _("Dismissed.")


class StopWorkForm(ActionForm):
    action = HazardAction.STOP_WORK
    label = gettext_lazy("Order a stop")
    default_field = "scope"
    scope = _text(
        gettext_lazy("what stops until the sign-off (line, machine, area)"),
        rows=2,
        required_in_browser=True,
    )

    def run(self, data: dict) -> str:
        major.order_stop_work(self.hazard, by=self.user, scope=data["scope"])
        return _("Stop-work order recorded.")


class PlanForm(ActionForm):
    """治理方案: the six parts of 16号令 Art. 15."""

    action = HazardAction.PLAN
    label = gettext_lazy("Remediation plan")
    goal = _text(gettext_lazy("goal and tasks"), rows=2, required_in_browser=True)
    measures = _text(gettext_lazy("methods and measures"), required_in_browser=True)
    funds = _text(gettext_lazy("funds and materials"), rows=2, required_in_browser=True)
    people = _text(
        gettext_lazy("organisation and people in charge"), rows=2, required_in_browser=True
    )
    deadline = forms.DateTimeField(
        label=gettext_lazy("remediation deadline"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    interim_measures = _text(
        gettext_lazy("safety measures and emergency plan meanwhile"),
        rows=2,
        required_in_browser=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        case = major.case_of(self.hazard)
        if case is not None and case.plan_at is not None:
            for name in major.PLAN_FIELDS:
                self.initial.setdefault(name, getattr(case, name))
            if case.plan_deadline:
                self.initial.setdefault("deadline", timezone.localtime(case.plan_deadline))

    def run(self, data: dict) -> str:
        major.save_plan(
            self.hazard,
            by=self.user,
            goal=data["goal"],
            measures=data["measures"],
            funds=data["funds"],
            people=data["people"],
            deadline=data["deadline"],
            interim_measures=data["interim_measures"],
        )
        return _("Plan saved. It waits for the principal's approval.")


class ApprovePlanForm(ActionForm):
    action = HazardAction.APPROVE_PLAN
    label = gettext_lazy("Approve the plan")

    def run(self, data: dict) -> str:
        major.approve_plan(self.hazard, by=self.user)
        return _("Plan approved. Its deadline is now the hazard's.")


class AssessForm(ActionForm):
    action = HazardAction.ASSESS
    label = gettext_lazy("Record the assessment")
    assessors = forms.CharField(
        label=gettext_lazy("assessed by (technical staff and experts)"),
        required=False,
        max_length=300,
    )
    conclusion = _text(gettext_lazy("conclusion"), rows=3, required_in_browser=True)
    result = forms.ChoiceField(
        choices=[("pass", gettext_lazy("Passed")), ("fail", gettext_lazy("Not passed"))],
        widget=forms.HiddenInput,
    )

    def run(self, data: dict) -> str:
        passed = data["result"] == "pass"
        major.record_assessment(
            self.hazard,
            by=self.user,
            assessors=data["assessors"],
            conclusion=data["conclusion"],
            passed=passed,
        )
        if passed:
            return _("Assessment passed. The principal can sign it off.")
        return _("Assessment not passed. The fix goes back.")


class MarkReportedForm(ActionForm):
    action = HazardAction.MARK_REPORTED
    label = gettext_lazy("Record a report")
    recipient = forms.ChoiceField(
        label=gettext_lazy("reported to"),
        choices=[
            ("regulator", gettext_lazy("the regulator (应急管理部门)")),
            ("congress", gettext_lazy("the workers' congress (职代会)")),
        ],
    )

    def run(self, data: dict) -> str:
        major.record_report(self.hazard, by=self.user, recipient=data["recipient"])
        return _("Report recorded.")


# In the order the page offers them.
ACTION_FORMS: dict[str, type[ActionForm]] = {
    form.action: form
    for form in (
        ApprovePlanForm,
        StopWorkForm,
        PlanForm,
        StartForm,
        RectifyForm,
        AssessForm,
        AcceptForm,
        RejectForm,
        DecideExtensionForm,
        ExtendForm,
        ReassignForm,
        DismissForm,
        MarkReportedForm,
    )
}
