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
from django.views.decorators.http import require_GET, require_POST

from safeloop.access import can
from safeloop.contractors import services
from safeloop.contractors.forms import SelfInspectionFormForm, SupplierForm
from safeloop.contractors.models import (
    ItemResult,
    ReportAttachment,
    ReportItem,
    ReportStatus,
    SelfInspectionReport,
    Supplier,
    SupplierHazard,
)
from safeloop.contractors.permissions import ContractorPerm
from safeloop.contractors.services.companies import local_today
from safeloop.contractors.services.supplier_hazards import REVIEWED
from safeloop.contractors.services.suppliers import (
    MonthStatus,
    active_form,
    month_of,
    month_status_label,
    report_month_status,
)
from safeloop.contractors.views_tokens import supplier_api_access
from safeloop.platform.files import serve_tenant_file
from safeloop.tenants.facilities.models import Area
from safeloop.tenants.hazards.models import Grade
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
    today = local_today()
    late = [(s, services.days_overdue(s.due_on, today)) for s in services.overdue(today)]
    return render(
        request,
        "contractors/suppliers.html",
        {
            "rows": rows,
            "overdue": late,
            "this_month": month_of(today),
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
            "hazards": services.hazards_of(supplier),
            "reminders": supplier.reminders.order_by("-created_at", "-id")[:12],
            "link": _link(request, supplier) if manage else "",
            "can_manage": manage,
            "api_access": supplier_api_access(supplier) if manage else None,
        },
    )


@require_POST
@guarded(MANAGE)
def send_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the supplier its link again by SMS (a fresh one, through the reminders' outbox)."""
    supplier = get_object_or_404(Supplier, pk=pk)
    try:
        services.send_supplier_link(supplier, by=request.user)
    except ValidationError as exc:
        for message in _error_messages(exc):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The link is being sent by SMS to %(phone)s.") % {"phone": supplier.phone},
        )
    return redirect(f"{supplier.get_absolute_url()}#link")


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
    manage = can(request.user, MANAGE)
    answers = list(_answers(report).select_related("hazard_link__hazard"))
    can_raise = manage and report.status in REVIEWED
    return render(
        request,
        "contractors/report_review.html",
        {
            "report": report,
            "answers": answers,
            "errors": errors,
            "can_review": manage and report.status == ReportStatus.SUBMITTED,
            "can_raise": can_raise,
            "failed": [a for a in answers if a.result == ItemResult.NOT_OK],
            "areas": Area.objects.order_by("code") if can_raise else [],
            "grades": Grade.choices,
        },
    )


@require_POST
@guarded(MANAGE)
def answer_hazard(request: HttpRequest, pk: int) -> HttpResponse:
    """A failed item becomes a hazard on the supplier's list (once; a second tap shows it)."""
    answer = get_object_or_404(ReportItem, pk=pk)
    area = Area.objects.filter(pk=request.POST.get("area") or None).first()
    try:
        hazard = services.create_hazard_from_report_item(
            answer,
            by=request.user,
            area=area,
            grade=request.POST.get("grade") or None,
            description=request.POST.get("description", ""),
        )
    except ValidationError as exc:
        for message in _error_messages(exc):
            messages.error(request, message)
        return redirect("contractors:report", pk=answer.report_id)
    messages.success(request, _("Hazard %(n)s reported.") % {"n": hazard.number})
    return redirect("contractors:report", pk=answer.report_id)


@require_GET
@guarded(VIEW)
def report_file(request: HttpRequest, pk: int) -> HttpResponse:
    return serve_tenant_file(get_object_or_404(ReportAttachment, pk=pk).file)


# --- The supplier, through its link ------------------------------------------------


def _supplier_or_404(token: str) -> Supplier:
    supplier = services.supplier_from_token(token)
    if supplier is None:
        raise Http404
    services.note_link_used(supplier)
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
            "hazards": services.hazards_for_supplier(supplier),
            "earlier": services.history(supplier).exclude(pk=report.pk if report else None),
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


@never_cache
@require_GET
def supplier_past_report(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """One of the supplier's own reports, read only; any other supplier's is not there."""
    supplier = _supplier_or_404(token)
    report = get_object_or_404(SelfInspectionReport, pk=pk, supplier=supplier)
    response = render(
        request,
        "contractors/supplier_past_report.html",
        {"supplier": supplier, "report": report, "answers": _answers(report), "token": token},
    )
    return _private(response)


@never_cache
@require_GET
def supplier_hazard(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """One hazard on the supplier's list: its number, title, state and deadline."""
    supplier = _supplier_or_404(token)
    link = get_object_or_404(
        SupplierHazard.objects.select_related("hazard", "answer__report", "answer__item"),
        pk=pk,
        supplier=supplier,
    )
    response = render(
        request,
        "contractors/supplier_hazard.html",
        {"supplier": supplier, "link": link, "hazard": link.hazard, "token": token},
    )
    return _private(response)
