"""Forms of the induction set-up page (/k/induction/); the services check everything again."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from safeloop.contractors.models import CertificateKind, Project, WorkType
from safeloop.web.forms import ShellForm


def induction_courses() -> QuerySet:
    """The courses a requirement may name: published, with a final quiz (the exam)."""
    from safeloop.learning.models import CoursePage, Quiz

    finals = Quiz.objects.filter(lesson__isnull=True).values("course_id")
    return CoursePage.objects.live().filter(pk__in=finals).order_by("title")


class RequirementForm(ShellForm):
    work_type = forms.ChoiceField(
        label=_("work type"),
        choices=[("", _("Every worker"))] + list(WorkType.choices),
        required=False,
    )
    project = forms.ModelChoiceField(
        label=_("project"),
        queryset=Project.objects.none(),
        required=False,
        empty_label=_("Every project"),
    )
    course = forms.ModelChoiceField(
        label=_("course and exam"),
        queryset=Project.objects.none(),
        required=False,
        empty_label="—",
        help_text=_("Published courses with a final quiz."),
    )
    certificate_kind = forms.ChoiceField(
        label=_("or a special operation certificate"),
        choices=[("", "—")] + list(CertificateKind.choices),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.select_related("company").order_by(
            "-ends_on", "name"
        )
        self.fields["project"].label_from_instance = lambda p: f"{p.company.name} · {p.name}"
        self.fields["course"].queryset = induction_courses()


class BriefingForm(ShellForm):
    project = forms.ModelChoiceField(
        label=_("project"),
        queryset=Project.objects.none(),
        required=False,
        empty_label=_("The whole site"),
        help_text=_("A project's briefing is signed in addition to the site's."),
    )
    title = forms.CharField(label=_("title"), max_length=120)
    body = forms.CharField(
        label=_("text"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Changing the text makes a new version: every worker signs it again."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.select_related("company").order_by(
            "-ends_on", "name"
        )
        self.fields["project"].label_from_instance = lambda p: f"{p.company.name} · {p.name}"
