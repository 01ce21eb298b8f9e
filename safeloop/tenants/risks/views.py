"""Risk register pages (thin: services decide, selectors read)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from safeloop.access import can
from safeloop.tenants.facilities.models import Area, AreaKind
from safeloop.tenants.risks import services
from safeloop.tenants.risks.checks import (
    check_target,
    existing_inspection_point,
    own_checklist,
    sync_check_items,
)
from safeloop.tenants.risks.filters import filter_points
from safeloop.tenants.risks.forms import (
    AssessmentForm,
    MeasureForm,
    RiskPointForm,
    SettingsForm,
    SourcesForm,
    sources_text,
)
from safeloop.tenants.risks.models import (
    ControlLevel,
    ControlMeasure,
    MeasureKind,
    RiskPoint,
    RiskPointKind,
    RiskSettings,
)
from safeloop.tenants.risks.permissions import RiskPerm
from safeloop.tenants.risks.reports import colour_counts_by_area, colour_totals
from safeloop.tenants.risks.scoring import BAND_COLOURS, BAND_ORDER, Band
from safeloop.web.forms import submit_form
from safeloop.web.guards import guarded

PAGE_SIZE = 50
BAND_SHORT = {
    Band.RED: gettext_lazy("Red"),
    Band.ORANGE: gettext_lazy("Orange"),
    Band.YELLOW: gettext_lazy("Yellow"),
    Band.BLUE: gettext_lazy("Blue"),
}


def _form_page(request: HttpRequest, form: Form, *, title: str, back: str, **extra) -> HttpResponse:
    return render(
        request, "risks/form_page.html", {"form": form, "title": title, "back": back, **extra}
    )


@guarded(RiskPerm.RISKS_VIEW)
def register(request: HttpRequest) -> HttpResponse:
    """The register (风险分级管控清单): filterable by colour, area, level and kind."""
    points = filter_points(
        RiskPoint.objects.filter(is_active=True).select_related("area", "equipment", "responsible"),
        request.GET,
    )
    totals = colour_totals(points)
    page = Paginator(points, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "risks/register.html",
        {
            "page_obj": page,
            "counts": [
                (b, Band(b).label, getattr(totals, b), BAND_COLOURS[b], BAND_SHORT[b])
                for b in BAND_ORDER
            ],
            "unassessed": totals.unassessed,
            "total": totals.total,
            "by_area": [
                row
                for row in colour_counts_by_area(points, skip_empty=True)
                if row.area.kind != AreaKind.AREA
            ],
            "areas": Area.objects.order_by("code"),
            "bands": [(b.value, b.label) for b in BAND_ORDER],
            "levels": ControlLevel.choices,
            "kinds": RiskPointKind.choices,
            "params": request.GET,
            "query": query.urlencode(),
            "can_manage": can(request.user, RiskPerm.RISKS_MANAGE),
        },
    )


@guarded(RiskPerm.RISKS_VIEW)
def point_detail(request: HttpRequest, pk: int) -> HttpResponse:
    point = get_object_or_404(
        RiskPoint.objects.select_related("area", "equipment", "responsible").prefetch_related(
            "sources",
            Prefetch(
                "measures",
                queryset=ControlMeasure.objects.filter(is_active=True).select_related(
                    "owner", "owner_role"
                ),
            ),
        ),
        pk=pk,
    )
    assessments = list(point.assessments.select_related("assessed_by")[:20])
    flags = list(point.flags.select_related("hazard", "measure").filter(cleared_by__isnull=True))
    by_kind = {kind: [] for kind in MeasureKind.values}
    for measure in point.measures.all():
        by_kind[measure.kind].append(measure)
    target = existing_inspection_point(point)
    return render(
        request,
        "risks/point.html",
        {
            "point": point,
            "colour": BAND_COLOURS.get(point.band, ""),
            "latest": assessments[0] if assessments else None,
            "assessments": assessments,
            "flags": flags,
            "measure_groups": [(k, label, by_kind[k]) for k, label in MeasureKind.choices],
            "qr_target": check_target(point),
            "checklist": own_checklist(target) if target else None,
            "can_manage": can(request.user, RiskPerm.RISKS_MANAGE),
        },
    )


@guarded(RiskPerm.RISKS_MANAGE)
def point_create(request: HttpRequest) -> HttpResponse:
    form = RiskPointForm(request.POST or None, initial={"area": request.GET.get("area")})
    made: list[RiskPoint] = []
    if request.method == "POST" and submit_form(
        form, lambda data: made.append(services.create_risk_point(by=request.user, **data))
    ):
        messages.success(request, _("Risk point %(code)s added.") % {"code": made[0].code})
        return redirect("risks:point", pk=made[0].pk)
    return _form_page(request, form, title=_("Add risk point"), back=reverse("risks:register"))


EDITABLE = ("name", "name_en", "description", "description_en", "responsible", "is_active")


@guarded(RiskPerm.RISKS_MANAGE)
def point_edit(request: HttpRequest, pk: int) -> HttpResponse:
    point = get_object_or_404(RiskPoint, pk=pk)
    initial = {name: getattr(point, name) for name in EDITABLE}
    form = RiskPointForm(request.POST or None, initial=initial, editing=True)

    def save(data: dict) -> None:
        changes = {name: data[name] for name in form.changed_data if name in EDITABLE}
        if changes:
            services.update_risk_point(point, by=request.user, **changes)

    if request.method == "POST" and submit_form(form, save):
        messages.success(request, _("Risk point %(code)s saved.") % {"code": point.code})
        return redirect("risks:point", pk=point.pk)
    title = _("Edit risk point %(code)s") % {"code": point.code}
    return _form_page(request, form, title=title, back=reverse("risks:point", args=[pk]))


@guarded(RiskPerm.RISKS_MANAGE)
def point_sources(request: HttpRequest, pk: int) -> HttpResponse:
    point = get_object_or_404(RiskPoint, pk=pk)
    form = SourcesForm(request.POST or None, initial={"sources": sources_text(point)})
    if request.method == "POST" and submit_form(
        form,
        lambda data: services.set_hazard_sources(point, by=request.user, sources=form.specs()),
        "sources",
    ):
        messages.success(request, _("Hazard sources saved."))
        return redirect("risks:point", pk=point.pk)
    title = _("Hazard sources of %(code)s") % {"code": point.code}
    return _form_page(request, form, title=title, back=reverse("risks:point", args=[pk]))


@guarded(RiskPerm.RISKS_MANAGE)
def point_assess(request: HttpRequest, pk: int) -> HttpResponse:
    point = get_object_or_404(RiskPoint, pk=pk)
    method = RiskSettings.current().method
    latest = point.assessments.first()
    initial = {}
    if latest is not None and latest.method == method:
        initial = {f"inherent_{k}": v for k, v in latest.inherent_factors.items()}
        initial |= {f"residual_{k}": v for k, v in latest.residual_factors.items()}
    form = AssessmentForm(request.POST or None, method=method, initial=initial)
    done: list = []

    def assess(data: dict) -> None:
        done.append(
            services.assess_risk(
                point,
                by=request.user,
                method=method,
                inherent=form.factors("inherent"),
                residual=form.factors("residual"),
                note=data["note"],
            )
        )

    if request.method == "POST" and submit_form(form, assess):
        messages.success(
            request,
            _("Assessed: %(band)s (score %(score)s).")
            % {"band": done[0].get_residual_band_display(), "score": done[0].residual_score},
        )
        return redirect("risks:point", pk=point.pk)
    title = _("Assess %(code)s") % {"code": point.code}
    return _form_page(
        request, form, title=title, back=reverse("risks:point", args=[pk]), method=method
    )


@guarded(RiskPerm.RISKS_MANAGE)
def measure_edit(request: HttpRequest, pk: int, measure_pk: int | None = None) -> HttpResponse:
    point = get_object_or_404(RiskPoint, pk=pk)
    measure = None
    if measure_pk is not None:
        measure = get_object_or_404(ControlMeasure, pk=measure_pk, risk_point=point, is_active=True)
    fields = tuple(MeasureForm.base_fields)
    initial = {name: getattr(measure, name) for name in fields} if measure else {}
    if measure is None:
        initial["level"] = point.control_level or ControlLevel.TEAM
    form = MeasureForm(request.POST or None, initial=initial)

    def save(data: dict) -> None:
        if measure is None:
            services.add_control_measure(point, by=request.user, **data)
        else:
            changes = {name: data[name] for name in form.changed_data}
            if changes:
                services.update_control_measure(measure, by=request.user, **changes)

    if request.method == "POST" and submit_form(form, save):
        messages.success(request, _("Control measure saved."))
        return redirect(f"{reverse('risks:point', args=[pk])}#measures")
    title = _("Control measure for %(code)s") % {"code": point.code}
    return _form_page(request, form, title=title, back=reverse("risks:point", args=[pk]))


@require_POST
@guarded(RiskPerm.RISKS_MANAGE)
def measure_remove(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    measure = get_object_or_404(ControlMeasure, pk=measure_pk, risk_point_id=pk)
    services.remove_control_measure(measure, by=request.user)
    messages.success(request, _("Control measure removed."))
    return redirect(f"{reverse('risks:point', args=[pk])}#measures")


@require_POST
@guarded(RiskPerm.RISKS_MANAGE)
def point_sync_checks(request: HttpRequest, pk: int) -> HttpResponse:
    point = get_object_or_404(RiskPoint, pk=pk)
    try:
        checklist = sync_check_items(point, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Checklist %(code)s now holds the measures' check items (version %(n)s).")
            % {"code": checklist.code, "n": checklist.current_version.number},
        )
    return redirect(f"{reverse('risks:point', args=[pk])}#measures")


@guarded(RiskPerm.RISKS_MANAGE)
def settings_page(request: HttpRequest) -> HttpResponse:
    current = RiskSettings.current()
    form = SettingsForm(
        request.POST or None,
        initial={"method": current.method, "emergency_phone": current.emergency_phone},
    )
    if request.method == "POST" and submit_form(
        form, lambda data: services.update_settings(by=request.user, **data)
    ):
        messages.success(request, _("Risk settings saved."))
        return redirect("risks:register")
    return _form_page(
        request, form, title=_("Risk assessment settings"), back=reverse("risks:register")
    )
