"""Suppliers' self-inspection pages: the managers' (/k/suppliers/) and the supplier's
own page behind its signed link (/s/<token>/). Thin: the rules are in
services/suppliers.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from safeloop.access import can
from safeloop.contractors import services
from safeloop.contractors.forms import SelfInspectionFormForm, SupplierForm
from safeloop.contractors.models import (
    ItemResult,
    ReportAttachment,
    ReportStatus,
    SelfInspectionReport,
    Supplier,
)
from safeloop.contractors.permissions import ContractorPerm
from safeloop.contractors.services.companies import local_today
from safeloop.contractors.services.suppliers import (
    MonthStatus,
    active_form,
    month_of,
    month_status_label,
    report_month_status,
)
from safeloop.platform.files import serve_tenant_file
from safeloop.web.forms import submit_form
from safeloop.web.guards import guarded

VIEW = ContractorPerm.CONTRACTOR_VIEW
MANAGE = ContractorPerm.CONTRACTOR_MANAGE


def _link(request: HttpRequest, supplier: Supplier) -> str:
    token = services.supplier_link_token(supplier)
    return request.build_absolute_uri(reverse("supplier_report", args=[token]))


def _answers(report: SelfInspectionReport):
    return report.answers.select_related("item").prefetch_related("attachments")


def _error_messages(exc: ValidationError) -> list[str]:
    return [m for errors in exc.message_dict.values() for m in errors]


# --- Managers ----------------------------------------------------------------------


@guarded(VIEW)
def suppliers(request: HttpRequest) -> HttpResponse:
    manage = can(request.user, MANAGE)
    standings = services.month_standings()
    rows = [(s, _link(request, s.supplier) if manage else "") for s in standings]
    this_month = month_of(local_today())
    earlier = [s for s in services.overdue() if s.period < this_month]
    return render(
        request,
        "contractors/suppliers.html",
        {
            "rows": rows,
            "earlier_overdue": earlier,
            "form": active_form(),
            "can_manage": manage,
        },
    )


@guarded(MANAGE)
def supplier_new(request: HttpRequest) -> HttpResponse:
    form = SupplierForm(request.POST or None)
    saved: list[Supplier] = []

    def save(data: dict) -> None:
        saved.append(services.create_supplier(by=request.user, **data))

    if request.method == "POST" and submit_form(form, save, "name"):
        messages.success(request, _("Supplier %(name)s saved.") % {"name": saved[0].name})
        return redirect("contractors:supplier", pk=saved[0].pk)
    return render(
        request,
        "contractors/form.html",
        {"form": form, "title": _("New supplier"), "cancel": reverse("contractors:suppliers")},
    )


@guarded(VIEW)
def supplier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = get_object_or_404(Supplier, pk=pk)
    manage = can(request.user, MANAGE)
    return render(
        request,
        "contractors/supplier_detail.html",
        {
            "supplier": supplier,
            "reports": services.history(supplier),
            "link": _link(request, supplier) if manage else "",
            "can_manage": manage,
        },
    )


@guarded(MANAGE)
def form_edit(request: HttpRequest) -> HttpResponse:
    current = active_form()
    initial = (
        {
            "title": current.title,
            "due_day": current.due_day,
            "items": "\n".join(item.text for item in current.items.all()),
        }
        if current
        else None
    )
    form = SelfInspectionFormForm(request.POST or None, initial=initial)

    def save(data: dict) -> None:
        services.set_form(
            by=request.user,
            title=data["title"],
            due_day=data["due_day"],
            items=data["items"].splitlines(),
        )

    if request.method == "POST" and submit_form(form, save, "items"):
        messages.success(request, _("The self-inspection form is saved."))
        return redirect("contractors:suppliers")
    return render(
        request,
        "contractors/form.html",
        {
            "form": form,
            "title": _("Self-inspection form"),
            "cancel": reverse("contractors:suppliers"),
        },
    )


@guarded(VIEW)
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """A report with its answers and files; a reviewer accepts or returns it with a
    comment on each item to redo."""
    report = get_object_or_404(SelfInspectionReport.objects.select_related("supplier"), pk=pk)
    errors: list[str] = []
    if request.method == "POST":
        accept = request.POST.get("action") == "accept"
        comments = {
            answer.item_id: request.POST.get(f"comment-{answer.item_id}", "")
            for answer in report.answers.all()
        }
        try:
            services.review_report(report, by=request.user, accept=accept, comments=comments)
        except ValidationError as exc:
            errors = _error_messages(exc)
        else:
            messages.success(
                request, _("Report accepted.") if accept else _("Report returned to the supplier.")
            )
            return redirect("contractors:report", pk=report.pk)
    return render(
        request,
        "contractors/report_review.html",
        {
            "report": report,
            "answers": _answers(report),
            "errors": errors,
            "can_review": can(request.user, MANAGE) and report.status == ReportStatus.SUBMITTED,
        },
    )


@require_GET
@guarded(VIEW)
def report_file(request: HttpRequest, pk: int) -> HttpResponse:
    return serve_tenant_file(get_object_or_404(ReportAttachment, pk=pk).file)


# --- The supplier, through its link ------------------------------------------------


def _supplier_or_404(token: str) -> Supplier:
    supplier = services.supplier_from_token(token)
    if supplier is None:
        raise Http404
    return supplier


def _private(response: HttpResponse) -> HttpResponse:
    """The link is the key: keep the page out of caches, search engines and other
    sites' Referer (same-origin, not no-referrer: a form POST would then send
    "Origin: null", which the CSRF check refuses)."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "same-origin"
    return response


@never_cache
def supplier_report(request: HttpRequest, token: str) -> HttpResponse:
    """The supplier's phone page for this month's report: answer, attach, submit."""
    supplier = _supplier_or_404(token)
    errors: list[str] = []
    try:
        report = services.open_report(supplier)
    except ValidationError as exc:
        report, errors = None, _error_messages(exc)
    if report is not None and request.method == "POST":
        answers = [
            services.Answer(
                answer.item_id,
                request.POST.get(f"result-{answer.item_id}", ""),
                request.POST.get(f"note-{answer.item_id}", ""),
                files=request.FILES.getlist(f"files-{answer.item_id}"),
            )
            for answer in report.answers.all()
        ]
        try:
            services.save_answers(report, supplier=supplier, answers=answers)
            if request.POST.get("action") == "submit":
                services.submit_report(report, supplier=supplier)
                messages.success(request, _("Report submitted. Thank you."))
            else:
                messages.success(request, _("Saved. Submit when every item is answered."))
        except ValidationError as exc:
            errors = _error_messages(exc)
        else:
            return _private(redirect("supplier_report", token=token))
    if report is not None:
        report.refresh_from_db()
    editable = report is not None and report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)
    response = render(
        request,
        "contractors/supplier_report.html",
        {
            "supplier": supplier,
            "report": report,
            "answers": _answers(report) if report else [],
            "results": ItemResult.choices,
            "errors": errors,
            "editable": editable,
            "token": token,
            "status_label": month_status_label(
                report_month_status(report, None, local_today())
                if report
                else MonthStatus.NOT_SUBMITTED
            ),
        },
    )
    return _private(response)


@require_GET
def supplier_file(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """A file of the supplier's own report; any other is not there."""
    supplier = _supplier_or_404(token)
    attachment = get_object_or_404(ReportAttachment, pk=pk, answer__report__supplier=supplier)
    return _private(serve_tenant_file(attachment.file))
