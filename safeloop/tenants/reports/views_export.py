"""The "export all data" page (thin: reports.exports decides)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeloop.platform.files import serve_tenant_file
from safeloop.tenants.reports.exports import KEEP_DAYS, is_downloadable, request_export
from safeloop.tenants.reports.models import DataExport
from safeloop.tenants.reports.permissions import ReportPerm
from safeloop.web.guards import guarded

EXPORT = ReportPerm.REPORTS_EXPORT_ALL
SHOWN = 10


def _state(export: DataExport) -> dict:
    return {
        "id": export.pk,
        "status": export.status,
        "label": export.get_status_display(),
        "done": export.done,
        "total": export.total,
        "percent": export.percent,
        "active": export.is_active,
    }


@guarded(EXPORT)
def export_page(request: HttpRequest) -> HttpResponse:
    exports = list(DataExport.objects.select_related("requested_by")[:SHOWN])
    for export in exports:
        export.downloadable = is_downloadable(export)
    return render(
        request,
        "reports/export.html",
        {
            "exports": exports,
            "running": next((e for e in exports if e.is_active), None),
            "keep_days": KEEP_DAYS,
        },
    )


@guarded(EXPORT)
@require_POST
def start_export(request: HttpRequest) -> HttpResponse:
    try:
        request_export(by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The export has started. It is ready to download here when done.")
        )
    return redirect("reports:export")


@guarded(EXPORT)
def export_status(request: HttpRequest, pk: int) -> HttpResponse:
    """What the page's script polls while an export runs."""
    response = JsonResponse(_state(get_object_or_404(DataExport, pk=pk)))
    response["Cache-Control"] = "no-store"
    return response


@guarded(EXPORT)
def download_export(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_object_or_404(DataExport, pk=pk)
    if not is_downloadable(export):
        raise Http404
    name = export.file.name.rsplit("/", 1)[-1]
    response = serve_tenant_file(
        export.file,
        request,
        content_type="application/zip",
        disposition=content_disposition_header(True, name),
    )
    response["Cache-Control"] = "private, no-store"
    return response
