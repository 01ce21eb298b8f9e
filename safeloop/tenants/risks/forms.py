"""Forms of the risk pages; the services validate the rules, these the shapes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safeloop.platform.gb6441 import Accident2025, chinese_name, edition_in_force
from safeloop.tenants.facilities.fields import AreaChoiceField, PersonChoiceField
from safeloop.tenants.facilities.models import Area, Equipment, JobRole, Person
from safeloop.tenants.risks.models import (
    ControlLevel,
    MeasureKind,
    RiskPointKind,
)
from safeloop.tenants.risks.scoring import (
    LEC_C,
    LEC_E,
    LEC_L,
    MATRIX_LIKELIHOOD,
    MATRIX_SEVERITY,
    Method,
    plain,
)
from safeloop.web.forms import ShellForm


def table_choices(table: dict) -> list[tuple[str, str]]:
    """A factor table as select options, the highest value first: "6 — Quite possible"."""
    return [("", "—")] + [
        (plain(v), f"{plain(v)} — {meaning}") for v, meaning in sorted(table.items(), reverse=True)
    ]


class RiskPointForm(ShellForm):
    code = forms.CharField(label=_("code"), max_length=40)
    name = forms.CharField(label=_("name (Chinese)"), max_length=120)
    name_en = forms.CharField(label=_("name (English)"), max_length=120, required=False)
    kind = forms.ChoiceField(label=_("kind"), choices=RiskPointKind.choices)
    area = AreaChoiceField(label=_("area"), queryset=Area.objects.order_by("code"), required=False)
    equipment = forms.ModelChoiceField(
        label=_("equipment"),
        queryset=Equipment.objects.select_related("area").order_by("code"),
        required=False,
        help_text=_("For an equipment risk point; it belongs to the machine's area."),
    )
    description = forms.CharField(
        label=_("description (Chinese)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    description_en = forms.CharField(
        label=_("description (English)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    responsible = PersonChoiceField(
        label=_("responsible person"),
        queryset=Person.objects.filter(user__is_active=True)
        .select_related("user")
        .order_by("employee_no"),
        required=False,
    )
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:  # what a point is and where it is stays; a different one is a new point
            for name in ("code", "kind", "area", "equipment"):
                del self.fields[name]
        else:
            del self.fields["is_active"]


class SourcesForm(ShellForm):
    """Hazard sources, one per line: ``description | accident type, accident type``."""

    sources = forms.CharField(label=_("hazard sources"), widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        edition = edition_in_force()
        self.fields["sources"].help_text = _(
            "One per line: the hazard source, a vertical bar, then its accident types of "
            "%(edition)s separated by commas, e.g. “滑块下行时手进入模区 | %(example)s”. "
            "Names of the 1986 edition are mapped to it."
        ) % {
            "edition": edition.label,
            "example": chinese_name(edition, Accident2025.MACHINERY),
        }

    def specs(self) -> list[dict]:
        rows = []
        for line in self.cleaned_data["sources"].splitlines():
            if not line.strip():
                continue
            text, _bar, types = line.partition("|")
            rows.append(
                {
                    "description": text.strip(),
                    "accident_types": [
                        t.strip() for t in types.replace("，", ",").split(",") if t.strip()
                    ],
                }
            )
        return rows


def sources_text(point) -> str:
    """The sources as the form edits them, each in its own edition's Chinese names
    (saving maps 1986 names to the edition in force)."""
    return "\n".join(
        f"{source.description} | {', '.join(source.accident_type_chinese)}"
        for source in point.sources.all()
    )


class AssessmentForm(ShellForm):
    """Inherent and residual factors of the enterprise's method, picked from the tables."""

    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, method: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.method = method
        if method == Method.LEC:
            tables = (("l", _("L (likelihood)"), LEC_L), ("e", _("E (exposure)"), LEC_E))
            tables += (("c", _("C (consequence)"), LEC_C),)
        else:
            tables = (
                ("likelihood", _("Likelihood"), MATRIX_LIKELIHOOD),
                ("severity", _("Severity"), MATRIX_SEVERITY),
            )
        self.factor_names = [name for name, _label, _table in tables]
        for stage, required in (("inherent", True), ("residual", False)):
            for name, label, table in tables:
                self.fields[f"{stage}_{name}"] = forms.ChoiceField(
                    label=label, choices=table_choices(table), required=required
                )
        note = self.fields.pop("note")
        self.fields["note"] = note
        self.fieldsets = (
            (
                _("Inherent risk (without controls)"),
                tuple(f"inherent_{n}" for n in self.factor_names),
            ),
            (
                _("Residual risk (with the controls in place)"),
                tuple(f"residual_{n}" for n in self.factor_names),
            ),
            (None, ("note",)),
        )

    def factors(self, stage: str) -> dict | None:
        values = {n: self.cleaned_data.get(f"{stage}_{n}") for n in self.factor_names}
        if stage == "residual" and not any(values.values()):
            return None
        return values


class MeasureForm(ShellForm):
    kind = forms.ChoiceField(label=_("kind"), choices=MeasureKind.choices)
    level = forms.ChoiceField(label=_("control level"), choices=ControlLevel.choices)
    description = forms.CharField(
        label=_("measure (Chinese)"), widget=forms.Textarea(attrs={"rows": 2})
    )
    description_en = forms.CharField(
        label=_("measure (English)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    owner = PersonChoiceField(
        label=_("owner"),
        queryset=Person.objects.filter(user__is_active=True)
        .select_related("user")
        .order_by("employee_no"),
        required=False,
    )
    owner_role = forms.ModelChoiceField(
        label=_("owner job role"), queryset=JobRole.objects.order_by("code"), required=False
    )
    check_label = forms.CharField(
        label=_("check item (Chinese)"),
        max_length=200,
        required=False,
        help_text=_(
            "What an inspector checks to see the measure is in place; leave empty for none."
        ),
    )
    check_label_en = forms.CharField(
        label=_("check item (English)"), max_length=200, required=False
    )


class SettingsForm(ShellForm):
    method = forms.ChoiceField(
        label=_("assessment method"), choices=Method.choices, widget=forms.RadioSelect
    )
    emergency_phone = forms.CharField(
        label=_("emergency phone"),
        max_length=40,
        required=False,
        help_text=_("The site's 24-hour emergency number, printed on every notification card."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )


class InventoryLineForm(ShellForm):
    """One line of the 有限空间 or 粉尘 台账: who answers for it, its sign or head count."""

    responsible = PersonChoiceField(
        label=_("person in charge"),
        queryset=Person.objects.filter(user__is_active=True)
        .select_related("user")
        .order_by("employee_no"),
        required=False,
    )
    sign_posted = forms.BooleanField(label=_("warning sign posted"), required=False)
    workers = forms.IntegerField(label=_("workers exposed"), min_value=0, max_value=5000)

    def __init__(self, *args, confined: bool, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["workers" if confined else "sign_posted"]
