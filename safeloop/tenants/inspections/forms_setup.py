"""Forms of the inspection set-up pages: checklists with their items, bindings,
plans and routes. They parse what was posted; the services decide what is allowed.

Items and route stops are Django formsets with ``ORDER`` and ``DELETE``: the
page lists the rows in ``ORDER`` order, a script moves rows and renumbers them,
and without the script the move buttons post back and ``views_setup.rearrange``
does it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.access import ROLE_CHOICES
from safeloop.tenants.facilities.fields import AreaChoiceField
from safeloop.tenants.facilities.models import (
    Area,
    AreaKind,
    Equipment,
    EquipmentStatus,
    EquipmentType,
    Person,
    Shift,
)
from safeloop.tenants.inspections.models import (
    BindingScope,
    Cadence,
    CheckItem,
    Checklist,
    ItemKind,
    PatrolRoute,
    Point,
    PointSelection,
)
from safeloop.tenants.inspections.services import ItemSpec
from safeloop.tenants.inspections.services.checklists import MAX_ITEMS
from safeloop.web.forms import ShellForm

# --- Points as choices ------------------------------------------------------------------


def point_value(point: Point) -> str:
    return f"area:{point.area_id}" if point.area_id else f"equipment:{point.equipment_id}"


def point_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every area and machine in service, grouped, as ``area:<id>`` / ``equipment:<id>``."""
    areas = [
        (f"area:{a.pk}", f"{a.code} · {a.display_name}") for a in Area.objects.order_by("code")
    ]
    machines = [
        (f"equipment:{e.pk}", f"{e.code} · {e.name}")
        for e in Equipment.objects.exclude(status=EquipmentStatus.RETIRED).order_by("code")
    ]
    return [(str(_("Areas")), areas), (str(_("Equipment")), machines)]


def points_for(values: Iterable[str]) -> list[Point]:
    """The points named by ``area:<id>`` / ``equipment:<id>`` values, in the same order
    (made on first use; unknown values are left out)."""
    values = [v for v in values if v]
    area_ids, equipment_ids = set(), set()
    for value in values:
        kind, _sep, pk = value.partition(":")
        if pk.isdigit():
            (area_ids if kind == "area" else equipment_ids).add(int(pk))
    known_areas = set(Area.objects.filter(pk__in=area_ids).values_list("pk", flat=True))
    known_machines = set(
        Equipment.objects.filter(pk__in=equipment_ids).values_list("pk", flat=True)
    )
    by_value = {
        point_value(p): p
        for p in Point.objects.for_targets(areas=known_areas, equipment=known_machines)
    }
    return [by_value[v] for v in values if v in by_value]


def _offer_points(form: forms.Form, options: list | None, *names: str) -> None:
    """Give the point fields their choices: ``options`` from :func:`point_choices`,
    computed once per request (a formset has many rows), else now."""
    options = point_choices() if options is None else options
    for name in names:
        form.fields[name].choices = [("", "---------"), *options] if name != "points" else options


# --- Checklists -------------------------------------------------------------------------


class ChecklistForm(ShellForm):
    code = forms.CharField(
        label=_("code"), max_length=40, help_text=_("Letters, digits and dashes, e.g. FORKLIFT-D.")
    )
    name = forms.CharField(label=_("name (Chinese)"), max_length=120, required=False)
    name_en = forms.CharField(label=_("name (English)"), max_length=120, required=False)

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]  # the code is the checklist's stable name


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class RowForm(forms.Form):
    """A formset row: its position (``ORDER``, renumbered by the page) and the removal
    box are not content, so a blank extra row stays blank wherever it was moved."""

    def has_changed(self) -> bool:
        return any(name not in ("ORDER", "DELETE") for name in self.changed_data)


class ItemForm(RowForm):
    """One check item. ``copied_from`` is the item of an earlier version it was copied from,
    whose guidance picture is kept unless replaced or removed."""

    copied_from = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices, initial=ItemKind.PASS_FAIL)
    label = forms.CharField(label=_("check item (Chinese)"), max_length=200, required=False)
    label_en = forms.CharField(label=_("check item (English)"), max_length=200, required=False)
    guidance = forms.CharField(
        label=_("guidance (Chinese)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    guidance_en = forms.CharField(
        label=_("guidance (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    guidance_image = forms.ImageField(
        label=_("Guidance picture"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/*"}),
    )
    remove_image = forms.BooleanField(label=_("Remove the picture"), required=False)
    number_min = forms.DecimalField(
        label=_("Lowest value"), required=False, max_digits=12, decimal_places=3
    )
    number_max = forms.DecimalField(
        label=_("Highest value"), required=False, max_digits=12, decimal_places=3
    )
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    choices = forms.CharField(
        label=_("Choices, one per line"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    failing_choices = forms.CharField(
        label=_("Choices that fail, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    required = forms.BooleanField(label=_("Must be answered"), required=False, initial=True)
    allows_na = forms.BooleanField(label=_("May be not applicable"), required=False)

    def spec(self, earlier_items: dict[int, CheckItem]) -> ItemSpec:
        """The item as edited; what the form does not show (e.g. where a generated item
        came from) is carried over from the earlier item it was copied from."""
        data = self.cleaned_data
        earlier = earlier_items.get(data.get("copied_from"))
        base = ItemSpec.from_item(earlier) if earlier else ItemSpec(ItemKind.PASS_FAIL, "")
        image = data.get("guidance_image")
        if not image:
            image = None if data.get("remove_image") else base.guidance_image
        return replace(
            base,
            kind=data.get("kind") or ItemKind.PASS_FAIL,
            label=(data.get("label") or "").strip(),
            label_en=(data.get("label_en") or "").strip(),
            guidance=(data.get("guidance") or "").strip(),
            guidance_en=(data.get("guidance_en") or "").strip(),
            guidance_image=image or None,
            number_min=data.get("number_min"),
            number_max=data.get("number_max"),
            unit=(data.get("unit") or "").strip(),
            choices=_lines(data.get("choices")),
            failing_choices=_lines(data.get("failing_choices")),
            required=bool(data.get("required")),
            allows_na=bool(data.get("allows_na")),
        )


ItemFormSet = forms.formset_factory(
    ItemForm,
    extra=1,
    can_order=True,
    can_delete=True,
    max_num=MAX_ITEMS,
    validate_max=True,
)


def item_initial(item: CheckItem) -> dict:
    return {
        "copied_from": item.pk,
        "kind": item.kind,
        "label": item.label,
        "label_en": item.label_en,
        "guidance": item.guidance,
        "guidance_en": item.guidance_en,
        "number_min": item.number_min,
        "number_max": item.number_max,
        "unit": item.unit,
        "choices": "\n".join(item.choices),
        "failing_choices": "\n".join(item.failing_choices),
        "required": item.required,
        "allows_na": item.allows_na,
    }


def earlier_items(checklist: Checklist | None, formset) -> dict[int, CheckItem]:
    """The earlier items the posted rows name, of this checklist only."""
    if checklist is None:
        return {}
    ids = set()
    for form in formset.forms:
        value = form["copied_from"].value()
        if str(value or "").isdigit():
            ids.add(int(value))
    items = CheckItem.objects.filter(pk__in=ids, version__checklist=checklist)
    return {item.pk: item for item in items}


# --- Bindings ---------------------------------------------------------------------------


class BindingForm(ShellForm):
    scope = forms.ChoiceField(
        label=_("Applies to"),
        choices=BindingScope.choices,
        initial=BindingScope.EQUIPMENT_TYPE,
        widget=forms.RadioSelect,
    )
    point = forms.ChoiceField(label=_("Point"), required=False)
    equipment_type = forms.ModelChoiceField(
        label=_("Equipment type"), queryset=EquipmentType.objects.order_by("code"), required=False
    )
    area = AreaChoiceField(
        label=_("Area"),
        queryset=Area.objects.order_by("code"),
        required=False,
        empty_label=_("The whole enterprise"),
    )
    area_kind = forms.ChoiceField(
        label=_("Only areas of this kind"),
        choices=[("", _("Any kind")), *AreaKind.choices],
        required=False,
    )

    def __init__(self, *args, point_options: list | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _offer_points(self, point_options, "point")

    def clean(self) -> dict:
        data = super().clean()
        scope = data.get("scope")
        if scope == BindingScope.POINT and not data.get("point"):
            self.add_error("point", _("Pick the point."))
        if scope == BindingScope.EQUIPMENT_TYPE and not data.get("equipment_type"):
            self.add_error("equipment_type", _("Pick the equipment type."))
        return data

    def scope_kwargs(self) -> dict:
        """The keyword arguments of ``bind_checklist`` for the chosen scope."""
        data, scope = self.cleaned_data, self.cleaned_data["scope"]
        if scope == BindingScope.POINT:
            return {"point": points_for([data["point"]])[0]}
        if scope == BindingScope.EQUIPMENT_TYPE:
            return {"equipment_type": data["equipment_type"], "area": data.get("area")}
        return {"area": data.get("area"), "area_kind": data.get("area_kind") or ""}


# --- Plans ------------------------------------------------------------------------------


class PlanForm(ShellForm):
    name = forms.CharField(label=_("name (Chinese)"), max_length=120, required=False)
    name_en = forms.CharField(label=_("name (English)"), max_length=120, required=False)
    cadence = forms.ChoiceField(label=_("Cadence"), choices=Cadence.choices)
    rrule = forms.CharField(
        label=_("Recurrence rule (custom cadence)"),
        required=False,
        help_text=_("An RRULE line, e.g. FREQ=WEEKLY;BYDAY=TU,FR or FREQ=MONTHLY;BYMONTHDAY=15."),
    )
    starts_on = forms.DateField(
        label=_("First day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    start_time = forms.TimeField(
        label=_("Window opens at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Leave empty for the preset's: daily 07:30, weekly and monthly 08:00."),
    )
    window_minutes = forms.IntegerField(
        label=_("Window length (minutes)"),
        required=False,
        min_value=1,
        help_text=_("Leave empty for the preset's: 1 hour, 2 days, 5 days."),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("", _("No role: only the named people")), *ROLE_CHOICES],
        required=False,
    )
    area = AreaChoiceField(
        label=_("Area"),
        queryset=Area.objects.order_by("code"),
        required=False,
        empty_label=_("The whole enterprise"),
    )
    assignees = forms.ModelMultipleChoiceField(
        label=_("Named people"),
        queryset=Person.objects.select_related("user").order_by("employee_no"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to pick several."),
    )
    checklists = forms.ModelMultipleChoiceField(
        label=_("Checklists"),
        queryset=Checklist.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: whichever checklist is bound at each point."),
    )
    point_selection = forms.ChoiceField(
        label=_("Points"), choices=PointSelection.choices, widget=forms.RadioSelect
    )
    points = forms.MultipleChoiceField(
        label=_("Listed points"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to pick several."),
    )
    route = forms.ModelChoiceField(
        label=_("Patrol route"), queryset=PatrolRoute.objects.filter(is_active=True), required=False
    )

    fieldsets = (
        (None, ("name", "name_en")),
        (
            pgettext_lazy("inspection plan", "When"),
            ("cadence", "rrule", "starts_on", "start_time", "window_minutes"),
        ),
        (pgettext_lazy("inspection plan", "Who"), ("role", "area", "assignees")),
        (_("Which points"), ("point_selection", "points", "route", "checklists")),
    )

    def __init__(self, *args, plan=None, point_options: list | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _offer_points(self, point_options, "points")
        self.fields["assignees"].label_from_instance = lambda p: f"{p.employee_no} · {p.full_name}"
        if plan is not None:
            # A plan keeps its switched-off checklist or route until someone changes them.
            self.fields["checklists"].queryset = Checklist.objects.filter(
                Q(is_active=True) | Q(plans=plan)
            ).distinct()
            self.fields["route"].queryset = PatrolRoute.objects.filter(
                Q(is_active=True) | Q(plans=plan)
            ).distinct()

    def plan_kwargs(self) -> dict:
        """The fields of ``create_plan`` / ``update_plan``."""
        data = dict(self.cleaned_data)
        data["points"] = points_for(data.get("points") or [])
        data["rrule"] = (data.get("rrule") or "").strip()
        return data


# --- Routes -----------------------------------------------------------------------------


class RouteForm(ShellForm):
    name = forms.CharField(label=_("name (Chinese)"), max_length=120, required=False)
    name_en = forms.CharField(label=_("name (English)"), max_length=120, required=False)
    shift = forms.ChoiceField(label=_("Shift"), choices=Shift.choices)


class StopForm(RowForm):
    point = forms.ChoiceField(label=_("Point"), required=False)

    def __init__(self, *args, point_options: list | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _offer_points(self, point_options, "point")


StopFormSet = forms.formset_factory(StopForm, extra=2, can_order=True, can_delete=True)


def chosen_points(formset) -> list[Point]:
    """The route's points in the order the rows say (blank and removed rows left out)."""
    values = [form.cleaned_data.get("point") for form in formset.ordered_forms]
    return points_for(v for v in values if v)
