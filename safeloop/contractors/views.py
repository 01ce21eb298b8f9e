"""The managers' contractor pages (/k/): companies, their licences, projects, crews and
workers, and the forms to add them. Thin: the rules are in services/."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from safeloop.access import can
from safeloop.contractors import services
from safeloop.contractors.forms import CertificateForm, CompanyForm, QualificationForm, WorkerForm
from safeloop.contractors.models import (
    ContractorCompany,
    ContractorWorker,
    Crew,
    Project,
    Qualification,
    SpecialCertificate,
)
from safeloop.contractors.permissions import ContractorPerm
from safeloop.contractors.privacy import notice
from safeloop.contractors.services.companies import local_today
from safeloop.platform.files import serve_tenant_file
from safeloop.web.forms import submit_form
from safeloop.web.guards import guarded

VIEW = ContractorPerm.CONTRACTOR_VIEW
MANAGE = ContractorPerm.CONTRACTOR_MANAGE


def _badge(valid_until) -> dict:
    status = services.expiry_status(valid_until, local_today())
    return {"status": status, "label": services.expiry_label(status)}


@guarded(VIEW)
def companies(request: HttpRequest) -> HttpResponse:
    rows = ContractorCompany.objects.annotate(
        worker_count=Count("workers", distinct=True), project_count=Count("projects", distinct=True)
    )
    return render(
        request,
        "contractors/companies.html",
        {"companies": rows, "can_manage": can(request.user, MANAGE)},
    )


def _certificates_with_badges(worker: ContractorWorker) -> list[tuple[SpecialCertificate, dict]]:
    return [(cert, _badge(cert.valid_until)) for cert in worker.certificates.all()]


@guarded(VIEW)
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    company = get_object_or_404(ContractorCompany, pk=pk)
    workers = (
        ContractorWorker.objects.filter(company=company)
        .select_related("crew")
        .prefetch_related("certificates")
    )
    return render(
        request,
        "contractors/company_detail.html",
        {
            "company": company,
            "qualifications": [(q, _badge(q.valid_until)) for q in company.qualifications.all()],
            "projects": Project.objects.filter(company=company)
            .annotate(
                worker_count=Count("crews__workers", distinct=True),
                crew_count=Count("crews", distinct=True),
            )
            .select_related("responsible__user")
            .prefetch_related("areas"),
            "crews": Crew.objects.filter(company=company)
            .annotate(worker_count=Count("workers"))
            .select_related("project", "lead"),
            "today": local_today(),
            "workers": [(w, _certificates_with_badges(w)) for w in workers],
            "can_manage": can(request.user, MANAGE),
        },
    )


def _form_page(request, form, *, title, cancel, submit_label=None, extra=None) -> HttpResponse:
    context = {"form": form, "title": title, "cancel": cancel, "submit_label": submit_label}
    return render(request, "contractors/form.html", context | (extra or {}))


@guarded(MANAGE)
def company_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    company = get_object_or_404(ContractorCompany, pk=pk) if pk else None
    initial = (
        {f: getattr(company, f) for f in ("name", "credit_code", "contact_name", "phone")}
        if company
        else None
    )
    form = CompanyForm(request.POST or None, initial=initial)
    saved: list[ContractorCompany] = []

    def save(data: dict) -> None:
        if company is None:
            saved.append(services.create_company(by=request.user, **data))
        else:
            saved.append(services.update_company(company, by=request.user, **data))

    if request.method == "POST" and submit_form(form, save, "name"):
        messages.success(request, _("Company %(name)s saved.") % {"name": saved[0].name})
        return redirect("contractors:company", pk=saved[0].pk)
    return _form_page(
        request,
        form,
        title=_("Edit contractor company") if company else _("New contractor company"),
        cancel=company.get_absolute_url() if company else None,
    )


@guarded(MANAGE)
def qualification_new(request: HttpRequest, pk: int) -> HttpResponse:
    company = get_object_or_404(ContractorCompany, pk=pk)
    form = QualificationForm(request.POST or None, request.FILES or None)

    def save(data: dict) -> None:
        services.add_qualification(company, by=request.user, **data)

    if request.method == "POST" and submit_form(form, save, "number"):
        messages.success(request, _("Licence recorded."))
        return redirect("contractors:company", pk=company.pk)
    return _form_page(
        request,
        form,
        title=_("Add a licence for %(company)s") % {"company": company.name},
        cancel=company.get_absolute_url(),
    )


@guarded(MANAGE)
def worker_new(request: HttpRequest, pk: int) -> HttpResponse:
    company = get_object_or_404(ContractorCompany, pk=pk)
    form = WorkerForm(request.POST or None, request.FILES or None, company=company)
    shown = notice()
    result: list[services.Registration] = []

    def save(data: dict) -> None:
        consent = (
            services.Consent(shown.version, shown.text_hash, request.META.get("REMOTE_ADDR"))
            if data["consent"]
            else None
        )
        result.append(
            services.register_worker(
                company,
                by=request.user,
                name=data["name"],
                id_number_value=data["id_number"],
                consent=consent,
                phone=data["phone"],
                work_types=data["work_types"],
                crew=data["crew"],
                photo=data["photo"],
            )
        )

    if request.method == "POST" and submit_form(form, save, "name"):
        registration = result[0]
        if registration.created:
            messages.success(request, _("Worker registered."))
        else:
            messages.warning(
                request,
                _("This ID number was registered before: the existing worker was updated."),
            )
        return redirect("contractors:worker", pk=registration.worker.pk)
    return _form_page(
        request,
        form,
        title=_("Register a worker of %(company)s") % {"company": company.name},
        cancel=company.get_absolute_url(),
        submit_label=_("Register"),
        extra={"notice": shown},
    )


def _worker_page(request: HttpRequest, worker: ContractorWorker, revealed: str = ""):
    response = render(
        request,
        "contractors/worker_detail.html",
        {
            "worker": worker,
            "certificates": _certificates_with_badges(worker),
            "consent": worker.consents.first(),
            "can_manage": can(request.user, MANAGE),
            "crews": Crew.objects.filter(company_id=worker.company_id),
            "revealed": revealed,
        },
    )
    return response


def _worker(pk: int) -> ContractorWorker:
    return get_object_or_404(
        ContractorWorker.objects.select_related("company", "crew").prefetch_related(
            Prefetch("certificates", SpecialCertificate.objects.order_by("valid_until", "id"))
        ),
        pk=pk,
    )


@guarded(VIEW)
def worker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _worker_page(request, _worker(pk))


@never_cache
@require_POST
@guarded(MANAGE)
def worker_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The full ID number, on a page no cache keeps; the service audits the reading."""
    worker = _worker(pk)
    response = _worker_page(request, worker, services.unmasked_id(worker, by=request.user))
    response["Cache-Control"] = "private, no-store"
    return response


@guarded(MANAGE)
def certificate_new(request: HttpRequest, pk: int) -> HttpResponse:
    worker = _worker(pk)
    form = CertificateForm(request.POST or None, request.FILES or None)

    def save(data: dict) -> None:
        services.add_certificate(worker, by=request.user, **data)

    if request.method == "POST" and submit_form(form, save, "number"):
        messages.success(request, _("Certificate recorded."))
        return redirect("contractors:worker", pk=worker.pk)
    return _form_page(
        request,
        form,
        title=_("Add a special operation certificate for %(name)s") % {"name": worker.name},
        cancel=worker.get_absolute_url(),
    )


@require_GET
@guarded(VIEW)
def worker_photo(request: HttpRequest, pk: int) -> HttpResponse:
    return serve_tenant_file(get_object_or_404(ContractorWorker, pk=pk).photo)


@require_GET
@guarded(VIEW)
def certificate_card(request: HttpRequest, pk: int) -> HttpResponse:
    return serve_tenant_file(get_object_or_404(SpecialCertificate, pk=pk).card_photo)


@require_GET
@guarded(VIEW)
def qualification_scan(request: HttpRequest, pk: int) -> HttpResponse:
    return serve_tenant_file(get_object_or_404(Qualification, pk=pk).file)
