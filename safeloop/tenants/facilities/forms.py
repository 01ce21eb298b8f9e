"""Forms of the facilities pages: they parse input; the services own the rules."""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from safeloop.access import ROLE_CHOICES
from safeloop.tenants.facilities.fields import AreaChoiceField, PersonChoiceField
from safeloop.tenants.facilities.models import (
    AREA_PARENT_KIND,
    Area,
    AreaKind,
    EquipmentStatus,
    EquipmentType,
    JobRole,
    Person,
)
from safeloop.web.forms import SEARCH_WIDGET, FilterForm, ShellForm


class ParentSelect(forms.Select):
    """Each option carries its area kind so the page can offer only valid parents."""

    kinds: dict[str, str] = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        kind = self.kinds.get(str(value))
        if kind:
            option["attrs"]["data-kind"] = kind
        return option


class AreaForm(ShellForm):
    code = forms.CharField(label=_("code"), max_length=40)
    name = forms.CharField(label=_("name (Chinese)"), max_length=120)
    name_en = forms.CharField(label=_("name (English)"), max_length=120, required=False)
    kind = forms.ChoiceField(label=_("kind"), choices=AreaKind.choices)
    parent = AreaChoiceField(
        label=_("parent"),
        queryset=Area.objects.none(),
        required=False,
        widget=ParentSelect(
            attrs={
                "data-parent-for": "id_kind",
                # Which kind of parent each kind takes, for the page's script.
                "data-parent-kinds": json.dumps(
                    {k.value: (v.value if v else "") for k, v in AREA_PARENT_KIND.items()}
                ),
            }
        ),
        help_text=_("A workshop sits under a site, an area under a workshop; a site has none."),
    )

    def __init__(self, *args, area: Area | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.area = area
        kind = self._chosen_kind()
        parents = Area.objects.exclude(kind=AreaKind.AREA)
        if area is not None:
            # A kind change would strand the area's children: kind is fixed once created.
            self.fields["kind"].disabled = True
            parents = parents.exclude(pk=area.pk)
        expected = AREA_PARENT_KIND.get(AreaKind(kind)) if kind in AreaKind.values else None
        if kind in AreaKind.values:
            parents = parents.filter(kind=expected) if expected else parents.none()
        parents = parents.order_by("code")
        self.fields["parent"].queryset = parents
        self.fields["parent"].widget.kinds = {str(a.pk): a.kind for a in parents}

    def _chosen_kind(self) -> str | None:
        if self.area is not None:
            return self.area.kind
        if self.is_bound:
            return self.data.get(self.add_prefix("kind"))
        return self.initial.get("kind")


class EquipmentForm(ShellForm):
    code = forms.CharField(label=_("code"), max_length=40)
    name = forms.CharField(label=_("name"), max_length=120)
    equipment_type = forms.ModelChoiceField(
        label=_("type"), queryset=EquipmentType.objects.order_by("code")
    )
    area = AreaChoiceField(label=_("area"), queryset=Area.objects.order_by("code"))
    status = forms.ChoiceField(
        label=_("status"), choices=EquipmentStatus.choices, initial=EquipmentStatus.IN_SERVICE
    )
    manufacturer = forms.CharField(label=_("manufacturer"), max_length=120, required=False)
    model_number = forms.CharField(label=_("model"), max_length=80, required=False)
    serial_number = forms.CharField(label=_("serial number"), max_length=80, required=False)
    rated_capacity = forms.CharField(label=_("rated capacity"), max_length=80, required=False)
    manufactured_on = forms.DateField(
        label=_("manufactured on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    fieldsets = (
        (None, ("code", "name", "equipment_type", "area", "status")),
        (
            _("Nameplate"),
            ("manufacturer", "model_number", "serial_number", "rated_capacity", "manufactured_on"),
        ),
    )


class PersonForm(ShellForm):
    full_name = forms.CharField(label=_("name"), max_length=300)
    email = forms.EmailField(label=_("email"))
    employee_no = forms.CharField(label=_("employee number"), max_length=40)
    phone = forms.CharField(
        label=_("phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    area = AreaChoiceField(
        label=_("department / area"), queryset=Area.objects.order_by("code"), required=False
    )
    job_role = forms.ModelChoiceField(
        label=_("job role"), queryset=JobRole.objects.order_by("code"), required=False
    )
    roles = forms.MultipleChoiceField(
        label=_("roles"),
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    superior = PersonChoiceField(
        label=_("superior"),
        queryset=Person.objects.select_related("user").order_by("employee_no"),
        required=False,
    )
    language = forms.ChoiceField(
        label=_("language"),
        choices=[("", _("Automatic"))] + list(settings.LANGUAGES),
        required=False,
    )
    password = forms.CharField(
        label=_("password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Optional. Without one, the person signs in with a link or a PIN."),
    )
    pin = forms.CharField(
        label=_("PIN"),
        required=False,
        widget=forms.PasswordInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]*"}
        ),
        help_text=_("Optional. 4 to 8 digits for the quick phone login."),
    )
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)
    fieldsets = (
        (None, ("full_name", "email", "employee_no", "phone")),
        (_("Place and job"), ("area", "job_role", "superior", "roles")),
        (_("Sign-in"), ("language", "password", "pin", "is_active")),
    )

    def __init__(self, *args, person: Person | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        if person is None:
            del self.fields["is_active"]
        else:
            # Passwords are changed by their owner; admins hand out PINs and sign-in links.
            del self.fields["password"]
            self.fields["pin"].help_text = _("Leave empty to keep the current PIN.")
            self.fields["superior"].queryset = self.fields["superior"].queryset.exclude(
                pk=person.pk
            )

    @staticmethod
    def initial_for(person: Person) -> dict:
        return {
            "full_name": person.user.get_full_name(),
            "email": person.user.email,
            "employee_no": person.employee_no,
            "phone": person.phone,
            "area": person.area_id,
            "job_role": person.job_role_id,
            "roles": list(person.roles),
            "superior": person.superior_id,
            "language": person.language,
            "is_active": person.user.is_active,
        }


class CsvUploadForm(ShellForm):
    file = forms.FileField(
        label=_("CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class EquipmentFilterForm(FilterForm):
    q = forms.CharField(label=_("Search"), required=False, widget=SEARCH_WIDGET)
    area = AreaChoiceField(label=_("area"), queryset=Area.objects.order_by("code"), required=False)
    equipment_type = forms.ModelChoiceField(
        label=_("type"), queryset=EquipmentType.objects.order_by("code"), required=False
    )
    status = forms.ChoiceField(
        label=_("status"), choices=[("", "---------")] + EquipmentStatus.choices, required=False
    )

    def filter(self, qs: QuerySet) -> QuerySet:
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            qs = qs.filter(
                Q(code__icontains=q)
                | Q(name__icontains=q)
                | Q(serial_number__icontains=q)
                | Q(manufacturer__icontains=q)
                | Q(model_number__icontains=q)
            )
        if data["area"]:
            qs = qs.filter(_in_area("area", data["area"]))
        if data["equipment_type"]:
            qs = qs.filter(equipment_type=data["equipment_type"])
        if data["status"]:
            qs = qs.filter(status=data["status"])
        return qs


class PersonFilterForm(FilterForm):
    q = forms.CharField(label=_("Search"), required=False, widget=SEARCH_WIDGET)
    area = AreaChoiceField(
        label=_("department / area"), queryset=Area.objects.order_by("code"), required=False
    )
    job_role = forms.ModelChoiceField(
        label=_("job role"), queryset=JobRole.objects.order_by("code"), required=False
    )
    role = forms.ChoiceField(
        label=_("role"), choices=[("", "---------")] + ROLE_CHOICES, required=False
    )

    def filter(self, qs: QuerySet) -> QuerySet:
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            qs = qs.filter(
                Q(employee_no__icontains=q)
                | Q(user__email__icontains=q)
                | Q(user__first_name__icontains=q)
                | Q(user__last_name__icontains=q)
                | Q(phone__icontains=q)
            )
        if data["area"]:
            qs = qs.filter(_in_area("area", data["area"]))
        if data["job_role"]:
            qs = qs.filter(job_role=data["job_role"])
        if data["role"]:
            qs = qs.filter(roles__contains=[data["role"]])
        return qs


def _in_area(field: str, area: Area) -> Q:
    """The area itself and everything under it (the tree is three levels deep)."""
    return (
        Q(**{field: area})
        | Q(**{f"{field}__parent": area})
        | Q(**{f"{field}__parent__parent": area})
    )
