"""Forms of the training pages: a course pack, a revocation."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safeloop.learning.assignment_services import MAX_DUE_DAYS, MAX_RENEWAL_MONTHS
from safeloop.learning.models import CoursePack, CoursePage
from safeloop.tenants.facilities.models import Area, JobRole, Person
from safeloop.web.forms import ShellForm


class _CourseChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: CoursePage) -> str:
        return f"{obj.code} {obj.display_title}"


class _PersonChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.employee_no} {obj.full_name}"


class _AreaChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Area) -> str:
        return f"{obj.code} {obj.display_name}"


class PackForm(ShellForm):
    code = forms.CharField(label=_("code"), max_length=40)
    name = forms.CharField(label=_("name (Chinese)"), max_length=120)
    name_en = forms.CharField(label=_("name (English)"), max_length=120, required=False)
    courses = _CourseChoice(
        label=_("courses"),
        queryset=CoursePage.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    job_roles = forms.ModelMultipleChoiceField(
        label=_("job roles"),
        queryset=JobRole.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    areas = _AreaChoice(
        label=_("areas"),
        queryset=Area.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Everyone in these areas (and the areas below them)."),
    )
    people = _PersonChoice(
        label=_("people"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    due_days = forms.IntegerField(
        label=_("due within (days)"), min_value=1, max_value=MAX_DUE_DAYS, initial=30
    )
    renewal_months = forms.IntegerField(
        label=_("renewal interval (months)"),
        min_value=0,
        max_value=MAX_RENEWAL_MONTHS,
        required=False,
        help_text=_("Empty: each course's own interval; 0: certificates never expire."),
    )
    active = forms.BooleanField(label=_("active"), required=False, initial=True)

    fieldsets = (
        (None, ("code", "name", "name_en")),
        (_("Courses"), ("courses",)),
        (_("Who takes it"), ("job_roles", "areas", "people")),
        (_("Deadlines"), ("due_days", "renewal_months", "active")),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["courses"].queryset = CoursePage.objects.live().order_by("code")
        self.fields["job_roles"].queryset = JobRole.objects.order_by("code")
        self.fields["areas"].queryset = Area.objects.order_by("code")
        self.fields["people"].queryset = (
            Person.objects.filter(user__is_active=True)
            .select_related("user")
            .order_by("employee_no")
        )

    @staticmethod
    def initial_for(pack: CoursePack) -> dict:
        return {
            "code": pack.code,
            "name": pack.name,
            "name_en": pack.name_en,
            "courses": [item.course_id for item in pack.items.all()],
            "job_roles": list(pack.job_roles.values_list("pk", flat=True)),
            "areas": list(pack.areas.values_list("pk", flat=True)),
            "people": list(pack.people.values_list("pk", flat=True)),
            "due_days": pack.due_days,
            "renewal_months": pack.renewal_months,
            "active": pack.active,
        }


class RevokeForm(ShellForm):
    reason = forms.CharField(label=_("reason"), max_length=200)
