"""Inspection set-up pages (/i/setup/): checklists with their items and bindings.

Plans and routes are in ``views_setup_plans``. Everything here needs
``inspections.manage``; the services check it again and write the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch
from django.forms import Form
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeloop.tenants.inspections.forms_setup import (
    BindingForm,
    ChecklistForm,
    ItemFormSet,
    earlier_items,
    item_initial,
    point_choices,
)
from safeloop.tenants.inspections.models import Checklist, ChecklistBinding, ItemKind
from safeloop.tenants.inspections.permissions import InspectionPerm
from safeloop.tenants.inspections.services import (
    ItemSpec,
    bind_checklist,
    create_checklist,
    revise_checklist,
    unbind_checklist,
    update_checklist,
)
from safeloop.tenants.inspections.services.checklists import MAX_ITEMS, clean_items
from safeloop.web.forms import apply_service_error
from safeloop.web.guards import guarded

ITEMS = "items"
BINDINGS = ChecklistBinding.objects.select_related(
    "point__area", "point__equipment", "equipment_type", "area"
)


# Sign-in required; without ``inspections.manage`` (or when a service refuses) the 403 page.
manager_page = guarded(InspectionPerm.INSPECTIONS_MANAGE)


def row_action(request: HttpRequest) -> str | None:
    """``add`` or ``<row>:up|down`` when a row button was pressed (no script): no saving then."""
    if "add_row" in request.POST:
        return "add"
    return request.POST.get("move") or None


def rows_of(formset, earlier: dict | None = None) -> list[dict]:
    """What the page draws per row: the form, its index in the formset, its earlier item."""
    earlier = earlier or {}
    rows = []
    for form in display_order(formset):
        copied = form["copied_from"].value() if "copied_from" in form.fields else None
        rows.append(
            {
                "form": form,
                "index": form.prefix.rsplit("-", 1)[-1],
                "earlier": earlier.get(int(copied)) if str(copied or "").isdigit() else None,
            }
        )
    return rows


def set_active(request: HttpRequest, obj: Any, service: Callable) -> None:
    active = request.POST.get("is_active") == "1"
    service(obj, by=request.user, is_active=active)
    messages.success(request, _("Switched on.") if active else _("Switched off."))


# --- Rows: add and move without a script ---------------------------------------------


def _order_of(data: QueryDict, prefix: str, index: int) -> tuple[float, int]:
    raw = str(data.get(f"{prefix}-{index}-ORDER", "")).strip()
    return (int(raw) if raw.lstrip("-").isdigit() else float("inf"), index)


def display_order(formset) -> list:
    """The forms in the order the page shows them: by ``ORDER``, then as posted."""
    if not formset.is_bound:
        return list(formset.forms)
    return [
        formset.forms[i]
        for _key, i in sorted(
            _order_of(formset.data, formset.prefix, i) for i in range(len(formset.forms))
        )
    ]


def rearrange(data: QueryDict, prefix: str, action: str) -> QueryDict:
    """Posted formset data after a row action: ``add`` or ``<row>:up`` / ``<row>:down``."""
    data = data.copy()
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), MAX_ITEMS)
    except ValueError:
        return data
    if action == "add":
        data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
        return data
    row, _sep, direction = action.partition(":")
    rows = [i for _key, i in sorted(_order_of(data, prefix, i) for i in range(total))]
    if not row.isdigit() or int(row) not in rows or direction not in ("up", "down"):
        return data
    at = rows.index(int(row))
    to = at - 1 if direction == "up" else at + 1
    if 0 <= to < len(rows):
        rows[at], rows[to] = rows[to], rows[at]
    for position, index in enumerate(rows, start=1):
        data[f"{prefix}-{index}-ORDER"] = str(position)
    return data


# --- Checklists ---------------------------------------------------------------------------


@manager_page
def checklists(request: HttpRequest) -> HttpResponse:
    rows = (
        Checklist.objects.select_related("current_version")
        .annotate(item_count=Count("current_version__items"))
        .prefetch_related(Prefetch("bindings", queryset=BINDINGS))
        .order_by("-is_active", "code")
    )
    return render(request, "inspections/setup/checklists.html", {"checklists": rows})


def _items_formset(request: HttpRequest, checklist: Checklist | None):
    if request.method == "POST":
        action = row_action(request)
        data = rearrange(request.POST, ITEMS, action) if action else request.POST
        return ItemFormSet(data, request.FILES or None, prefix=ITEMS), action
    items = checklist.current_version.items.all() if checklist and checklist.current_version else []
    return ItemFormSet(prefix=ITEMS, initial=[item_initial(i) for i in items]), None


def _specs(formset, earlier) -> tuple[list[Form], list[ItemSpec]]:
    kept = list(formset.ordered_forms)
    return kept, [form.spec(earlier) for form in kept]


def _item_errors(exc: ValidationError, kept: list[Form], formset) -> list[str]:
    """Put each item's error on its row; the rest (too few, too many) for the whole list.

    The service numbers the items it was given (blank rows left out); the row says
    the number the page shows above it, so "Item 4" sits in the card headed 4.
    """
    shown = {id(form): n for n, form in enumerate(display_order(formset), start=1)}
    general = []
    for error in getattr(exc, "error_dict", {}).get(ITEMS, []):
        n = (error.params or {}).get("n")
        if isinstance(n, int) and 0 < n <= len(kept):
            form = kept[n - 1]
            params = {**error.params, "n": shown.get(id(form), n)}
            form.add_error(None, ValidationError(error.message, code=error.code, params=params))
        else:
            general.extend(error.messages)
    return general


def _checklist_page(
    request, checklist, head, formset, *, binding_form=None, status=200, **extra
) -> HttpResponse:
    earlier = earlier_items(checklist, formset)
    version = checklist.current_version if checklist else None
    context = {
        "checklist": checklist,
        "head": head,
        "formset": formset,
        "rows": rows_of(formset, earlier),
        "empty_row": {"form": formset.empty_form, "index": "__prefix__"},
        "formset_has_files": bool(request.FILES),
        "kinds": ItemKind,
        "version": version,
        "version_used": version is not None and version.is_used,
        "show_errors": request.method == "POST" and not row_action(request),
        **extra,
    }
    if checklist is not None:
        context["bindings"] = list(BINDINGS.filter(checklist=checklist))
        context["binding_form"] = binding_form or BindingForm(point_options=point_choices())
    return render(request, "inspections/setup/checklist_form.html", context, status=status)


@manager_page
def checklist_create(request: HttpRequest) -> HttpResponse:
    head = ChecklistForm(request.POST or None)
    formset, action = _items_formset(request, None)
    if request.method != "POST" or action:
        return _checklist_page(request, None, head, formset)
    items_errors: list[str] = []
    if head.is_valid() and formset.is_valid():
        kept, specs = _specs(formset, {})
        try:
            created = create_checklist(by=request.user, items=specs, **head.cleaned_data)
        except ValidationError as exc:
            items_errors = _item_errors(exc, kept, formset)
            _apply(head, _without_items(exc))
        else:
            messages.success(
                request,
                _("Checklist %(code)s saved as version 1.") % {"code": created.code},
            )
            return redirect("inspections:setup_checklist", created.pk)
    return _checklist_page(request, None, head, formset, items_errors=items_errors, status=400)


def _without_items(exc: ValidationError) -> ValidationError | None:
    if not hasattr(exc, "error_dict"):
        return exc
    rest = {k: v for k, v in exc.error_dict.items() if k != ITEMS}
    return ValidationError(rest) if rest else None


def _apply(head: Form, exc: ValidationError | None) -> None:
    if exc is not None:
        apply_service_error(head, exc, "name")


def _items_changed(version, specs: list[ItemSpec]) -> bool:
    """Whether saving ``specs`` would change ``version``'s items (compared as the service
    would write them, so a blank choice list on a pass/fail item is no change)."""
    if version is None:
        return True
    cleaned = clean_items([replace(spec) for spec in specs])
    return cleaned != [ItemSpec.from_item(item) for item in version.items.all()]


def _saved_message(before, after) -> str:
    if after is None or before is None:
        return _("Saved.")
    if after.pk != before.pk:
        return _("Saved as version %(new)d; past inspections keep version %(old)d.") % {
            "new": after.number,
            "old": before.number,
        }
    return _("Saved version %(n)d: no inspection had used it yet, so it was changed in place.") % {
        "n": after.number
    }


@manager_page
def checklist_edit(request: HttpRequest, pk: int) -> HttpResponse:
    checklist = get_object_or_404(Checklist.objects.select_related("current_version"), pk=pk)
    initial = {"name": checklist.name, "name_en": checklist.name_en}
    head = ChecklistForm(request.POST or None, initial=initial, editing=True)
    formset, action = _items_formset(request, checklist)
    if request.method != "POST" or action:
        return _checklist_page(request, checklist, head, formset)
    items_errors: list[str] = []
    if head.is_valid() and formset.is_valid():
        kept, specs = _specs(formset, earlier_items(checklist, formset))
        before = checklist.current_version
        after = None
        try:
            with transaction.atomic():
                changes = {name: head.cleaned_data[name] for name in head.changed_data}
                if changes:
                    update_checklist(checklist, by=request.user, **changes)
                if _items_changed(before, specs):
                    after = revise_checklist(checklist, by=request.user, items=specs)
        except ValidationError as exc:
            items_errors = _item_errors(exc, kept, formset)
            _apply(head, _without_items(exc))
        else:
            if after is None:
                messages.success(request, _("Saved. The items did not change."))
            else:
                messages.success(request, _saved_message(before, after))
            return redirect("inspections:setup_checklist", checklist.pk)
    return _checklist_page(request, checklist, head, formset, items_errors=items_errors, status=400)


@require_POST
@manager_page
def checklist_active(request: HttpRequest, pk: int) -> HttpResponse:
    checklist = get_object_or_404(Checklist, pk=pk)
    set_active(request, checklist, update_checklist)
    return redirect("inspections:setup_checklist", checklist.pk)


@require_POST
@manager_page
def binding_add(request: HttpRequest, pk: int) -> HttpResponse:
    checklist = get_object_or_404(Checklist.objects.select_related("current_version"), pk=pk)
    form = BindingForm(request.POST, point_options=point_choices())
    if form.is_valid():
        try:
            bind_checklist(checklist, by=request.user, **form.scope_kwargs())
        except ValidationError as exc:
            apply_service_error(form, exc, None)
        else:
            messages.success(request, _("The checklist now applies there too."))
            return redirect(reverse("inspections:setup_checklist", args=[pk]) + "#bindings")
    head = ChecklistForm(
        initial={"name": checklist.name, "name_en": checklist.name_en}, editing=True
    )
    formset = ItemFormSet(
        prefix=ITEMS,
        initial=[item_initial(i) for i in checklist.current_version.items.all()]
        if checklist.current_version
        else [],
    )
    return _checklist_page(request, checklist, head, formset, binding_form=form, status=400)


@require_POST
@manager_page
def binding_remove(request: HttpRequest, pk: int, binding_pk: int) -> HttpResponse:
    binding = get_object_or_404(ChecklistBinding, pk=binding_pk, checklist_id=pk)
    unbind_checklist(binding, by=request.user)
    messages.success(request, _("Binding removed."))
    return redirect(reverse("inspections:setup_checklist", args=[pk]) + "#bindings")
