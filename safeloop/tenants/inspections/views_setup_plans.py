"""Inspection set-up pages (/i/setup/): plans and patrol routes (needs ``inspections.manage``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeloop.tenants.inspections.forms_setup import (
    PlanForm,
    RouteForm,
    StopFormSet,
    chosen_points,
    point_choices,
    point_value,
)
from safeloop.tenants.inspections.models import Cadence, InspectionPlan, PatrolRoute, RouteStop
from safeloop.tenants.inspections.services import (
    create_plan,
    create_route,
    update_plan,
    update_route,
)
from safeloop.tenants.inspections.views_setup import (
    manager_page,
    rearrange,
    row_action,
    rows_of,
    set_active,
)
from safeloop.web.forms import apply_service_error

STOPS = "stops"
ROUTE_FIELDS = ("name", "name_en", "shift")

# --- Plans --------------------------------------------------------------------------------


def plan_initial(plan) -> dict:
    return {
        "name": plan.name,
        "name_en": plan.name_en,
        "cadence": plan.cadence,
        "rrule": plan.rrule if plan.cadence == Cadence.CUSTOM else "",
        "starts_on": plan.starts_on,
        "start_time": plan.start_time,
        "window_minutes": plan.window_minutes,
        "role": plan.role,
        "area": plan.area_id,
        "assignees": list(plan.assignees.all()),
        "checklists": list(plan.checklists.all()),
        "point_selection": plan.point_selection,
        "points": [point_value(pp.point) for pp in plan.plan_points.select_related("point")],
        "route": plan.route_id,
    }


@manager_page
def plans(request: HttpRequest) -> HttpResponse:
    rows = (
        InspectionPlan.objects.select_related("area", "route")
        .prefetch_related("checklists", "assignees__user")
        .annotate(point_count=Count("plan_points", distinct=True))
        .order_by("-is_active", "name", "id")
    )
    return render(request, "inspections/setup/plans.html", {"plans": rows})


def _plan_page(request, form, plan=None, *, status=200) -> HttpResponse:
    return render(
        request, "inspections/setup/plan_form.html", {"form": form, "plan": plan}, status=status
    )


@manager_page
def plan_create(request: HttpRequest) -> HttpResponse:
    form = PlanForm(
        request.POST or None,
        initial={"cadence": "daily_pre_shift", "point_selection": "subtree"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = create_plan(by=request.user, **form.plan_kwargs())
        except ValidationError as exc:
            apply_service_error(form, exc, None)
        else:
            messages.success(request, _("Plan saved."))
            return redirect("inspections:setup_plan", plan.pk)
    return _plan_page(request, form, status=400 if form.is_bound else 200)


@manager_page
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(InspectionPlan, pk=pk)
    form = PlanForm(request.POST or None, initial=plan_initial(plan), plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.plan_kwargs()
        changes = {name: data[name] for name in form.changed_data}
        try:
            if changes:
                update_plan(plan, by=request.user, **changes)
        except ValidationError as exc:
            apply_service_error(form, exc, None)
        else:
            messages.success(request, _("Plan saved.") if changes else _("Nothing changed."))
            return redirect("inspections:setup_plan", plan.pk)
    return _plan_page(request, form, plan, status=400 if form.is_bound else 200)


@require_POST
@manager_page
def plan_active(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(InspectionPlan, pk=pk)
    try:
        set_active(request, plan, update_plan)
    except ValidationError as exc:
        # A plan that no longer passes today's rules must be fixed before it runs again.
        for message in exc.messages:
            messages.error(request, message)
    return redirect("inspections:setup_plan", plan.pk)


# --- Routes -------------------------------------------------------------------------------


@manager_page
def routes(request: HttpRequest) -> HttpResponse:
    rows = (
        PatrolRoute.objects.prefetch_related(
            Prefetch(
                "stops",
                queryset=RouteStop.objects.select_related("point__area", "point__equipment"),
            )
        )
        .annotate(plan_count=Count("plans", distinct=True))
        .order_by("-is_active", "name", "id")
    )
    return render(request, "inspections/setup/routes.html", {"routes": rows})


def _stops_formset(request: HttpRequest, route: PatrolRoute | None, options: list):
    kwargs = {"prefix": STOPS, "form_kwargs": {"point_options": options}}
    if request.method == "POST":
        action = row_action(request)
        data = rearrange(request.POST, STOPS, action) if action else request.POST
        return StopFormSet(data, **kwargs), action
    stops = route.stops.select_related("point") if route else []
    return StopFormSet(initial=[{"point": point_value(s.point)} for s in stops], **kwargs), None


def _route_page(request, route, form, formset, *, stop_errors=(), status=200) -> HttpResponse:
    context = {
        "route": route,
        "form": form,
        "formset": formset,
        "rows": rows_of(formset),
        "empty_row": {"form": formset.empty_form, "index": "__prefix__"},
        "stop_errors": list(stop_errors),
        "show_errors": request.method == "POST" and not row_action(request),
    }
    return render(request, "inspections/setup/route_form.html", context, status=status)


def _save_route(request, route, form, formset) -> PatrolRoute:
    points = chosen_points(formset)
    if route is None:
        return create_route(by=request.user, points=points, **form.cleaned_data)
    changes = {name: form.cleaned_data[name] for name in form.changed_data}
    if [p.pk for p in points] != list(route.stops.values_list("point_id", flat=True)):
        changes["points"] = points
    return update_route(route, by=request.user, **changes) if changes else route


@manager_page
def route_create(request: HttpRequest) -> HttpResponse:
    return _route_form(request, None)


@manager_page
def route_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _route_form(request, get_object_or_404(PatrolRoute, pk=pk))


def _route_form(request: HttpRequest, route: PatrolRoute | None) -> HttpResponse:
    initial = {f: getattr(route, f) for f in ROUTE_FIELDS} if route else {}
    form = RouteForm(request.POST or None, initial=initial)
    formset, action = _stops_formset(request, route, point_choices())
    if request.method != "POST" or action:
        return _route_page(request, route, form, formset)
    stop_errors: list[str] = []
    if form.is_valid() and formset.is_valid():
        try:
            saved = _save_route(request, route, form, formset)
        except ValidationError as exc:
            errors = dict(getattr(exc, "error_dict", {}))
            if not errors:
                apply_service_error(form, exc, None)
            if "points" in errors:
                stop_errors = ValidationError(errors.pop("points")).messages
            if errors:
                apply_service_error(form, ValidationError(errors), None)
        else:
            messages.success(request, _("Route saved."))
            return redirect("inspections:setup_route", saved.pk)
    return _route_page(request, route, form, formset, stop_errors=stop_errors, status=400)


@require_POST
@manager_page
def route_active(request: HttpRequest, pk: int) -> HttpResponse:
    route = get_object_or_404(PatrolRoute, pk=pk)
    set_active(request, route, update_route)
    return redirect("inspections:setup_route", route.pk)
