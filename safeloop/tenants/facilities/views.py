"""The workspace pages for areas, equipment and people (thin: the services decide)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from safeloop.access import ROLE_CHOICES, can
from safeloop.tenants.facilities import csv_import
from safeloop.tenants.facilities.forms import (
    AreaForm,
    CsvUploadForm,
    EquipmentFilterForm,
    EquipmentForm,
    PersonFilterForm,
    PersonForm,
)
from safeloop.tenants.facilities.models import Area, Equipment, EquipmentType, JobRole, Person
from safeloop.tenants.facilities.permissions import FacilityPerm
from safeloop.tenants.facilities.services import (
    create_area,
    create_equipment,
    create_person,
    set_pin,
    update_area,
    update_equipment,
    update_person,
)
from safeloop.web.forms import submit_form
from safeloop.web.guards import forbidden, guarded

PAGE_SIZE = 25


def _update(form: Form, names: tuple[str, ...], service: Callable, obj: Any, by: Any) -> None:
    """Call the update service with the fields the user changed (none: no call, no event)."""
    changes = {name: form.cleaned_data[name] for name in form.changed_data if name in names}
    if changes:
        service(obj, by=by, **changes)


def _page(request: HttpRequest, queryset) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _form_page(request: HttpRequest, form: Form, **context: Any) -> HttpResponse:
    return render(request, "facilities/form_page.html", {"form": form, **context})


# --- Areas ------------------------------------------------------------------

AREA_CHANGES = ("code", "name", "name_en", "parent")


@guarded(FacilityPerm.VIEW_FACILITIES)
def areas(request: HttpRequest) -> HttpResponse:
    rows = Area.objects.annotate(
        equipment_count=Count("equipment", distinct=True),
        people_count=Count("people", distinct=True),
    ).order_by("code")
    children: dict[int | None, list[Area]] = defaultdict(list)
    for area in rows:
        children[area.parent_id].append(area)

    def nodes(parent_id: int | None) -> list[dict]:
        return [{"area": a, "children": nodes(a.pk)} for a in children[parent_id]]

    return render(
        request,
        "facilities/areas.html",
        {"tree": nodes(None), "can_manage": can(request.user, FacilityPerm.MANAGE_AREAS)},
    )


@guarded(FacilityPerm.MANAGE_AREAS)
def area_create(request: HttpRequest) -> HttpResponse:
    initial = {"kind": request.GET.get("kind", ""), "parent": request.GET.get("parent")}
    form = AreaForm(request.POST or None, initial=initial)
    created: list[Area] = []
    if request.method == "POST" and submit_form(
        form, lambda data: created.append(create_area(by=request.user, **data))
    ):
        messages.success(request, _("Area %(code)s added.") % {"code": created[0].code})
        return redirect(f"{reverse('workspace:areas')}#area-{created[0].pk}")
    return _form_page(request, form, title=_("Add area"), form_id="area-form", back="areas")


@guarded(FacilityPerm.MANAGE_AREAS)
def area_edit(request: HttpRequest, pk: int) -> HttpResponse:
    area = get_object_or_404(Area, pk=pk)
    initial = {f: getattr(area, f) for f in ("code", "name", "name_en", "kind")}
    initial["parent"] = area.parent_id
    form = AreaForm(request.POST or None, initial=initial, area=area)
    if request.method == "POST" and submit_form(
        form, lambda data: _update(form, AREA_CHANGES, update_area, area, request.user)
    ):
        messages.success(request, _("Area %(code)s saved.") % {"code": area.code})
        return redirect(f"{reverse('workspace:areas')}#area-{area.pk}")
    return _form_page(
        request,
        form,
        title=_("Edit area %(code)s") % {"code": area.code},
        form_id="area-form",
        back="areas",
    )


# --- Equipment --------------------------------------------------------------

EQUIPMENT_CHANGES = tuple(EquipmentForm.base_fields)


@guarded(FacilityPerm.VIEW_FACILITIES)
def equipment(request: HttpRequest) -> HttpResponse:
    filters = EquipmentFilterForm(request.GET or None)
    queryset = Equipment.objects.select_related("equipment_type", "area").order_by("code")
    return render(
        request,
        "facilities/equipment_list.html",
        {
            "filters": filters,
            "page_obj": _page(request, filters.filter(queryset)),
            "can_manage": can(request.user, FacilityPerm.MANAGE_EQUIPMENT),
        },
    )


@guarded(FacilityPerm.MANAGE_EQUIPMENT)
def equipment_create(request: HttpRequest) -> HttpResponse:
    form = EquipmentForm(request.POST or None, initial={"area": request.GET.get("area")})
    created: list[Equipment] = []
    if request.method == "POST" and submit_form(
        form, lambda data: created.append(create_equipment(by=request.user, **data))
    ):
        messages.success(request, _("Equipment %(code)s added.") % {"code": created[0].code})
        return redirect("workspace:equipment")
    return _form_page(
        request, form, title=_("Add equipment"), form_id="equipment-form", back="equipment"
    )


@guarded(FacilityPerm.MANAGE_EQUIPMENT)
def equipment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Equipment, pk=pk)
    initial = {f: getattr(item, f) for f in EQUIPMENT_CHANGES}
    initial.update(equipment_type=item.equipment_type_id, area=item.area_id)
    form = EquipmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and submit_form(
        form,
        lambda data: _update(form, EQUIPMENT_CHANGES, update_equipment, item, request.user),
    ):
        messages.success(request, _("Equipment %(code)s saved.") % {"code": item.code})
        return redirect("workspace:equipment")
    return _form_page(
        request,
        form,
        title=_("Edit equipment %(code)s") % {"code": item.code},
        form_id="equipment-form",
        back="equipment",
    )


# --- People -----------------------------------------------------------------

PERSON_CHANGES = tuple(name for name in PersonForm.base_fields if name not in ("password", "pin"))


@guarded(FacilityPerm.VIEW_PEOPLE)
def people(request: HttpRequest) -> HttpResponse:
    filters = PersonFilterForm(request.GET or None)
    queryset = Person.objects.select_related("user", "area", "job_role", "superior__user")
    return render(
        request,
        "facilities/people_list.html",
        {
            "filters": filters,
            "page_obj": _page(request, filters.filter(queryset.order_by("employee_no"))),
            "can_manage": can(request.user, FacilityPerm.MANAGE_PEOPLE),
        },
    )


@guarded(FacilityPerm.MANAGE_PEOPLE)
def person_create(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None)
    created: list[Person] = []

    def save(data: dict) -> None:
        data = {**data, "password": data["password"] or None, "pin": data["pin"] or None}
        created.append(create_person(by=request.user, **data))

    # Password rules fail as a plain list: they belong beside the password field.
    if request.method == "POST" and submit_form(form, save, default_field="password"):
        messages.success(request, _("%(name)s added.") % {"name": created[0].full_name})
        return redirect("workspace:people")
    return _form_page(request, form, title=_("Add person"), form_id="person-form", back="people")


@guarded(FacilityPerm.MANAGE_PEOPLE)
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.select_related("user"), pk=pk)
    form = PersonForm(request.POST or None, initial=PersonForm.initial_for(person), person=person)

    @transaction.atomic
    def save(data: dict) -> None:
        _update(form, PERSON_CHANGES, update_person, person, request.user)
        if data["pin"]:
            set_pin(person, data["pin"], by=request.user)

    # An email the validator refuses fails as a plain list.
    if request.method == "POST" and submit_form(form, save, default_field="email"):
        messages.success(request, _("%(name)s saved.") % {"name": person.full_name})
        return redirect("workspace:people")
    return _form_page(
        request,
        form,
        title=_("Edit %(name)s") % {"name": person.full_name},
        form_id="person-form",
        back="people",
    )


# --- CSV import -------------------------------------------------------------

IMPORTS = {
    "people": (FacilityPerm.MANAGE_PEOPLE, csv_import.import_people, "workspace:people"),
    "equipment": (
        FacilityPerm.MANAGE_EQUIPMENT,
        csv_import.import_equipment,
        "workspace:equipment",
    ),
}


def _import_page(request: HttpRequest, kind: str) -> HttpResponse:
    perm, run_import, list_url = IMPORTS[kind]
    if not can(request.user, perm):
        return forbidden(request)
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # Reading one byte past the limit is enough to refuse a large file.
            report = run_import(upload.read(csv_import.MAX_BYTES + 1), by=request.user)
        except ValidationError as exc:
            form.add_error("file", exc)
        if report is not None and report.ok:
            message = ngettext(
                "Imported %(count)d row.", "Imported %(count)d rows.", report.imported
            ) % {"count": report.imported}
            messages.success(request, message)
            return redirect(list_url)
    columns = csv_import.PEOPLE_COLUMNS if kind == "people" else csv_import.EQUIPMENT_COLUMNS
    return render(
        request,
        "facilities/import.html",
        {
            "kind": kind,
            "form": form,
            "report": report,
            "columns": columns,
            "max_rows": csv_import.MAX_ROWS,
            "max_mb": csv_import.MAX_BYTES // (1024 * 1024),
            "areas": Area.objects.order_by("code"),
            "job_roles": JobRole.objects.order_by("code") if kind == "people" else None,
            "equipment_types": EquipmentType.objects.order_by("code")
            if kind == "equipment"
            else None,
            "roles": ROLE_CHOICES if kind == "people" else None,
        },
    )


@guarded()
def people_import(request: HttpRequest) -> HttpResponse:
    return _import_page(request, "people")


@guarded()
def equipment_import(request: HttpRequest) -> HttpResponse:
    return _import_page(request, "equipment")


@guarded()
def import_sample(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in IMPORTS:
        raise Http404
    if not can(request.user, IMPORTS[kind][0]):
        return forbidden(request)
    chinese = request.GET.get("headers") == "zh"
    response = HttpResponse(
        csv_import.sample_csv(kind, chinese=chinese), content_type="text/csv; charset=utf-8"
    )
    filename = f"safeloop-{kind}{'-zh' if chinese else ''}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
