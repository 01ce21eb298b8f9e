"""A company's projects and crews (/k/<pk>/projects/, /k/<pk>/crews/), and moving a
worker to another crew. Thin: the rules are in services/companies.py and projects.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeloop.contractors import services
from safeloop.contractors.forms import CrewForm, MoveToCrewForm, ProjectForm
from safeloop.contractors.models import ContractorCompany, ContractorWorker, Crew, Project
from safeloop.contractors.permissions import ContractorPerm
from safeloop.contractors.views import _form_page
from safeloop.web.forms import submit_form
from safeloop.web.guards import guarded

MANAGE = ContractorPerm.CONTRACTOR_MANAGE


def _back(company: ContractorCompany, anchor: str) -> str:
    return f"{company.get_absolute_url()}#{anchor}"


def _form_view(request, form, save, *, saved: str, title: str, back: str) -> HttpResponse:
    """Show ``form``; on a valid POST ``save`` its data, say ``saved`` (with the name
    typed) and go back to the company's page; a service's refusal stays on its field."""
    if request.method == "POST" and submit_form(form, save, "name"):
        messages.success(request, saved % {"name": form.cleaned_data["name"]})
        return redirect(back)
    return _form_page(request, form, title=title, cancel=back)


@guarded(MANAGE)
def project_new(request: HttpRequest, pk: int) -> HttpResponse:
    company = get_object_or_404(ContractorCompany, pk=pk)

    def save(data: dict) -> None:
        services.create_project(company, by=request.user, **data)

    return _form_view(
        request,
        ProjectForm(request.POST or None, new=True),
        save,
        saved=_("Project %(name)s saved."),
        title=_("New project of %(company)s") % {"company": company.name},
        back=_back(company, "projects"),
    )


@guarded(MANAGE)
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("company"), pk=pk)
    initial = {
        "name": project.name,
        "starts_on": project.starts_on,
        "ends_on": project.ends_on,
        "responsible": project.responsible_id,
        "areas": list(project.areas.values_list("pk", flat=True)),
        "active": project.active,
    }

    def save(data: dict) -> None:
        services.update_project(project, by=request.user, **data)

    return _form_view(
        request,
        ProjectForm(request.POST or None, initial=initial),
        save,
        saved=_("Project %(name)s saved. Its workers' site passes follow the change."),
        title=_("Edit project %(name)s") % {"name": project.name},
        back=_back(project.company, "projects"),
    )


@guarded(MANAGE)
def crew_new(request: HttpRequest, pk: int) -> HttpResponse:
    company = get_object_or_404(ContractorCompany, pk=pk)

    def save(data: dict) -> None:
        services.create_crew(company, by=request.user, **data)

    return _form_view(
        request,
        CrewForm(request.POST or None, company=company),
        save,
        saved=_("Crew %(name)s saved."),
        title=_("New crew of %(company)s") % {"company": company.name},
        back=_back(company, "crews"),
    )


@guarded(MANAGE)
def crew_edit(request: HttpRequest, pk: int) -> HttpResponse:
    crew = get_object_or_404(Crew.objects.select_related("company"), pk=pk)
    initial = {"name": crew.name, "project": crew.project_id, "lead": crew.lead_id}

    def save(data: dict) -> None:
        services.update_crew(crew, by=request.user, **data)

    return _form_view(
        request,
        CrewForm(request.POST or None, initial=initial, company=crew.company),
        save,
        saved=_("Crew %(name)s saved."),
        title=_("Edit crew %(name)s") % {"name": crew.name},
        back=_back(crew.company, "crews"),
    )


@require_POST
@guarded(MANAGE)
def worker_crew(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a worker to another crew of the company (or to none), from the worker's page."""
    worker = get_object_or_404(ContractorWorker, pk=pk)
    form = MoveToCrewForm(request.POST, company_id=worker.company_id)
    if not form.is_valid():
        messages.error(request, _("Choose one of the company's crews."))
        return redirect(worker.get_absolute_url())
    crew = form.cleaned_data["crew"]
    try:
        services.move_worker_to_crew(worker, by=request.user, crew=crew)
    except ValidationError as exc:
        for errors in exc.message_dict.values():
            for message in errors:
                messages.error(request, message)
        return redirect(worker.get_absolute_url())
    if crew is None:
        messages.success(request, _("%(name)s is in no crew now.") % {"name": worker.name})
    else:
        messages.success(
            request,
            _("%(name)s moved to crew %(crew)s.") % {"name": worker.name, "crew": crew.name},
        )
    return redirect(worker.get_absolute_url())
