"""A company's worker list in and out as XLSX (/k/<pk>/workers/import/ and export/).
Thin: ``services.crew_xlsx`` reads, checks, registers and audits; ``services.exports``
masks and audits."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from safeloop.contractors import services
from safeloop.contractors.forms import WorkerExportForm, WorkerImportForm
from safeloop.contractors.models import ContractorCompany
from safeloop.contractors.permissions import ContractorPerm
from safeloop.contractors.privacy import notice
from safeloop.contractors.services import crew_xlsx
from safeloop.contractors.xlsx import CONTENT_TYPE
from safeloop.platform.files import private_download
from safeloop.web.guards import guarded

VIEW = ContractorPerm.CONTRACTOR_VIEW
MANAGE = ContractorPerm.CONTRACTOR_MANAGE


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    # Personal information: no shared or browser cache keeps a copy.
    return private_download(content, CONTENT_TYPE, filename)


@guarded(MANAGE)
def workers_template(request: HttpRequest) -> HttpResponse:
    return _xlsx(crew_xlsx.template_file(), "worker-list-template.xlsx")


@never_cache
@guarded(MANAGE)
def workers_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a filled-in worker list; every bad row is listed, or what was added and
    updated. The importer confirms the workers' consent to the notice shown here."""
    company = get_object_or_404(ContractorCompany, pk=pk)
    shown = notice()
    form = WorkerImportForm(request.POST or None, request.FILES or None)
    context = {"company": company, "form": form, "notice": shown, "max_rows": crew_xlsx.MAX_ROWS}
    if request.method != "POST":
        return render(request, "contractors/workers_import.html", context)
    if not form.is_valid():
        return render(request, "contractors/workers_import.html", context, status=400)
    consent = (
        services.Consent(shown.version, shown.text_hash, request.META.get("REMOTE_ADDR"))
        if form.cleaned_data["consent"]
        else None
    )
    try:
        result = services.import_workers(
            company, form.cleaned_data["file"], by=request.user, consent=consent
        )
    except services.WorkerListError as exc:
        # The consent box and the file get their problem beside them; rows go in a table.
        for problem in exc.problems:
            if problem.row is None and problem.field in form.fields:
                form.add_error(problem.field, problem.message)
        context["problems"] = [
            p for p in exc.problems if p.row is not None or p.field not in form.fields
        ]
        return render(request, "contractors/workers_import.html", context, status=400)
    context.update(result=result, form=WorkerImportForm())
    return render(request, "contractors/workers_import.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@guarded(VIEW)
def workers_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The company's workers as XLSX; full ID numbers only when a manager ticks the box
    (POST), and then audited. A viewer asking for them is refused by the service."""
    company = get_object_or_404(ContractorCompany, pk=pk)
    form = WorkerExportForm(request.POST or None)
    full = request.method == "POST" and form.is_valid() and form.cleaned_data["full_id_numbers"]
    content = services.export_workers(company, by=request.user, full_id_numbers=full)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return _xlsx(content, f"workers-{company.pk}-{stamp}.xlsx")
