"""A crew lead's worker list on the phone (/p/crew/import/): the template, the upload
and the consent the lead confirms for the workers. Thin: the rules are in
safeloop.contractors.services.crew_import."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from safeloop.contractors import services
from safeloop.contractors.privacy import notice
from safeloop.contractors.services import crew_import, crew_portal
from safeloop.contractors.services.worker_sheet import MAX_ROWS
from safeloop.contractors.xlsx import CONTENT_TYPE
from safeloop.portal.forms import CrewImportForm
from safeloop.portal.views import _private
from safeloop.web.guards import forbidden

TEMPLATE = "portal/crew_import.html"


def _lead_only(view):
    """The crew page's guard: a current lead of a company in good standing, as
    ``request.lead``; signed out: to the sign-in; anybody else: the outsider's 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        lead = crew_portal.lead_of_user(request.user)
        if lead is None:
            if not request.user.is_authenticated:
                return redirect("portal:crew_login")
            return forbidden(request, outsider=True)
        request.lead = lead
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return forbidden(request, outsider=True)

    return wrapper


@never_cache
@_lead_only
def crew_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(crew_import.lead_template(request.lead), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="crew-worker-list.xlsx"'
    return _private(response)


@never_cache
@require_http_methods(["GET", "POST"])
@_lead_only
def crew_import_page(request: HttpRequest) -> HttpResponse:
    """Upload the crew's worker list; every bad row is listed, or what was added and
    updated. The lead confirms the workers' consent to the notice shown here."""
    lead = request.lead
    crews = crew_import.crews_led_by(lead)
    shown = notice()
    form = CrewImportForm(request.POST or None, request.FILES or None, crews=crews)
    context = {"lead": lead, "crews": crews, "form": form, "notice": shown, "max_rows": MAX_ROWS}
    if request.method != "POST":
        return _private(render(request, TEMPLATE, context))
    if not form.is_valid():
        return _private(render(request, TEMPLATE, context, status=400))
    consent = (
        services.Consent(shown.version, shown.text_hash, request.META.get("REMOTE_ADDR"))
        if form.cleaned_data["consent"]
        else None
    )
    try:
        result = crew_import.import_crew_list(
            lead, form.cleaned_data["file"], consent=consent, crew=form.cleaned_data.get("crew")
        )
    except services.WorkerListError as exc:
        for problem in exc.problems:
            if problem.row is None and problem.field in form.fields:
                form.add_error(problem.field, problem.message)
        context["problems"] = [
            p for p in exc.problems if p.row is not None or p.field not in form.fields
        ]
        return _private(render(request, TEMPLATE, context, status=400))
    context.update(result=result, form=CrewImportForm(crews=crews))
    return _private(render(request, TEMPLATE, context))
