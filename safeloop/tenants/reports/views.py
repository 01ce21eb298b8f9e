"""The monthly report archive (thin: services.generate_monthly_report decides)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeloop.access import can, permission
from safeloop.platform.files import serve_tenant_file
from safeloop.tenants.reports.models import MonthlyReport, ReportSettings
from safeloop.tenants.reports.monthly import previous_month
from safeloop.tenants.reports.services import generate_monthly_report, set_monthly_recipients
from safeloop.web.guards import guarded

VIEW = permission("hazards.view_all")
MANAGE = permission("risks.manage")


@guarded(VIEW)
def archive(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/archive.html",
        {
            "reports": MonthlyReport.objects.all(),
            "can_generate": can(request.user, MANAGE),
            "last_month": previous_month(),
            "recipients": ReportSettings.current().monthly_recipients,
        },
    )


@guarded(MANAGE)
@require_POST
def recipients(request: HttpRequest) -> HttpResponse:
    try:
        settings = set_monthly_recipients(request.POST.get("recipients", ""), by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The report will also be e-mailed to %(n)d more address(es).")
            % {"n": len(settings.monthly_recipients)},
        )
    return redirect("reports:archive")


@guarded(MANAGE)
@require_POST
def generate(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("month", "")
    try:
        first = date.fromisoformat(f"{raw}-01")
    except ValueError:
        messages.error(request, _("Pick a month."))
        return redirect("reports:archive")
    try:
        report = generate_monthly_report(first, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reports:archive")
    messages.success(
        request, _("The report of %(month)s is ready.") % {"month": f"{report.month:%Y-%m}"}
    )
    return redirect("reports:archive")


@guarded(VIEW)
def download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    report = get_object_or_404(MonthlyReport, pk=pk)
    file = {"pdf": report.pdf, "xlsx": report.xlsx}.get(kind)
    if file is None:
        return HttpResponse(status=404)
    return serve_tenant_file(file, request, disposition="attachment" if kind == "xlsx" else "")
