"""Forms of the contractor pages; the services check everything again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safeloop.contractors.models import (
    CertificateKind,
    ContractorWorker,
    Crew,
    Project,
    QualificationKind,
    WorkType,
)
from safeloop.tenants.facilities.models import Area, Person
from safeloop.web.forms import ShellForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
IMAGE = forms.ClearableFileInput(attrs={"accept": "image/*"})


class CompanyForm(ShellForm):
    name = forms.CharField(label=_("company name"), max_length=120)
    credit_code = forms.CharField(
        label=_("unified social credit code"),
        max_length=40,
        help_text=_("18 characters, on the business licence."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    contact_name = forms.CharField(label=_("contact person"), max_length=60, required=False)
    phone = forms.CharField(
        label=_("phone"), max_length=30, required=False, widget=forms.TextInput({"type": "tel"})
    )


class QualificationForm(ShellForm):
    kind = forms.ChoiceField(label=_("kind"), choices=QualificationKind.choices)
    number = forms.CharField(label=_("certificate number"), max_length=60)
    valid_until = forms.DateField(
        label=_("valid until"), required=False, widget=DATE, help_text=_("Empty: no end date.")
    )
    file = forms.FileField(
        label=_("scan"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
        help_text=_("PDF or picture, at most 12 MB."),
    )


class WorkerForm(ShellForm):
    name = forms.CharField(label=_("name"), max_length=60)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        help_text=_("Resident ID card, 18 characters. Stored encrypted and shown masked."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("phone"), max_length=30, required=False, widget=forms.TextInput({"type": "tel"})
    )
    work_types = forms.MultipleChoiceField(
        label=_("work types"),
        choices=WorkType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    crew = forms.ModelChoiceField(label=_("crew"), queryset=Crew.objects.none(), required=False)
    photo = forms.FileField(label=_("photo"), required=False, widget=IMAGE)
    consent = forms.BooleanField(
        label=_("The worker has read the privacy notice above and agrees to it."),
        required=False,
    )

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["crew"].queryset = Crew.objects.filter(company=company)


class ProjectForm(ShellForm):
    name = forms.CharField(label=_("project name"), max_length=120)
    starts_on = forms.DateField(label=_("starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("ends on"), widget=DATE)
    responsible = forms.ModelChoiceField(
        label=_("responsible person"),
        queryset=Person.objects.none(),
        help_text=_("The enterprise's employee who answers for the project."),
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("areas"),
        queryset=Area.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Where the crews work: the zones of their site passes."),
    )
    active = forms.BooleanField(
        label=_("Active: its workers may enter while it runs"), required=False, initial=True
    )

    def __init__(self, *args, new: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = (
            Person.objects.employees().filter(user__is_active=True).select_related("user")
        )
        self.fields["areas"].queryset = Area.objects.order_by("code")
        self.fields["areas"].label_from_instance = lambda a: f"{a.code} {a.display_name}"
        if new:
            del self.fields["active"]

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The project cannot end before it starts."))
        return data


class CrewForm(ShellForm):
    name = forms.CharField(label=_("crew name"), max_length=60)
    project = forms.ModelChoiceField(
        label=_("project"), queryset=Project.objects.none(), required=False
    )
    lead = forms.ModelChoiceField(
        label=_("crew lead"),
        queryset=ContractorWorker.objects.none(),
        required=False,
        help_text=_("One of the company's workers; the lead joins the crew."),
    )

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(company=company)
        self.fields["lead"].queryset = ContractorWorker.objects.filter(
            company=company, blacklisted_at__isnull=True
        ).order_by("name", "id")


class MoveToCrewForm(ShellForm):
    crew = forms.ModelChoiceField(
        label=_("crew"),
        queryset=Crew.objects.none(),
        required=False,
        empty_label=_("No crew"),
    )

    def __init__(self, *args, company_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["crew"].queryset = Crew.objects.filter(company_id=company_id)


class CertificateForm(ShellForm):
    kind = forms.ChoiceField(label=_("operation type"), choices=CertificateKind.choices)
    number = forms.CharField(label=_("certificate number"), max_length=40)
    issuer = forms.CharField(label=_("issued by"), max_length=120)
    valid_until = forms.DateField(label=_("valid until"), widget=DATE)
    card_photo = forms.FileField(label=_("photo of the card"), required=False, widget=IMAGE)


class SupplierForm(ShellForm):
    name = forms.CharField(label=_("supplier name"), max_length=120)
    credit_code = CompanyForm.base_fields["credit_code"]
    contact_name = forms.CharField(label=_("contact person"), max_length=60, required=False)
    phone = forms.CharField(
        label=_("phone"), max_length=30, required=False, widget=forms.TextInput({"type": "tel"})
    )


class SelfInspectionFormForm(ShellForm):
    title = forms.CharField(label=_("title"), max_length=120)
    due_day = forms.IntegerField(
        label=_("due day of the month"),
        min_value=1,
        max_value=28,
        initial=25,
        help_text=_("Suppliers hand in each month's report by this day."),
    )
    items = forms.CharField(
        label=_("checklist items"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("One item per line, in the order suppliers answer them."),
    )


class WorkerImportForm(ShellForm):
    file = forms.FileField(
        label=_("worker list (XLSX)"),
        help_text=_("At most 1,000 workers and 2 MB per file."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    consent = forms.BooleanField(
        label=_("Every worker on the list has read the privacy notice above and agrees to it."),
        required=False,
    )


class WorkerExportForm(ShellForm):
    full_id_numbers = forms.BooleanField(
        label=_("Include full ID numbers"),
        required=False,
        help_text=_("Recorded in the audit trail. Keep the file safe and delete it after use."),
    )
