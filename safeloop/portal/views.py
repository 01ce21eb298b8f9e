"""Gate registration pages (/p/g/<token>/): a contractor's worker registers on their
phone without an account. Thin: the rules are in safeloop.contractors.services."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from safeloop.contractors import services
from safeloop.contractors.models import ContractorWorker
from safeloop.contractors.privacy import notice
from safeloop.platform.throttle import client_ip, count_gate_registration, describe_wait
from safeloop.portal.forms import GateRegistrationForm
from safeloop.web.forms import submit_form

# The worker registered through this browser, for the "next steps" page after the redirect.
SESSION_KEY = "portal.gate_registration"


def _not_found(request: HttpRequest) -> HttpResponse:
    # A forged link, another enterprise's or a removed site: the worker reads Chinese
    # whatever their browser says, and never gets a form.
    with translation.override(settings.LANGUAGE_CODE):
        return render(request, "portal/gate_invalid.html", status=404)


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def gate(request: HttpRequest, token: str) -> HttpResponse:
    site = services.site_for_token(token)
    if site is None:
        return _not_found(request)
    companies = services.gate_companies()
    form = GateRegistrationForm(request.POST or None, request.FILES or None, companies=companies)
    shown = notice()
    status = 200
    if request.method == "POST":
        verdict = count_gate_registration(request)
        if verdict.refused:
            form.is_valid()
            form.add_error(
                None,
                _("Too many registrations from this network. Please try again in %(wait)s.")
                % {"wait": describe_wait(verdict.retry_after)},
            )
            response = _page(request, site, form, shown, status=429)
            response["Retry-After"] = str(verdict.retry_after)
            return response
        result: list[services.Registration] = []

        def save(data: dict) -> None:
            consent = (
                services.Consent(shown.version, shown.text_hash, client_ip(request) or None)
                if data["consent"]
                else None
            )
            result.append(
                services.register_at_gate(
                    site,
                    company_id=data["company"].pk if data["company"] else None,
                    credit_code=data["credit_code"],
                    name=data["name"],
                    id_number_value=data["id_number"],
                    consent=consent,
                    phone=data["phone"],
                    work_types=data["work_types"],
                    photo=data["photo"],
                )
            )

        if submit_form(form, save, "name"):
            registration = result[0]
            request.session[SESSION_KEY] = {
                "worker": registration.worker.pk,
                "created": registration.created,
            }
            return redirect("portal:gate_done", token=token)
        status = 400
    return _page(request, site, form, shown, status=status)


def _page(request, site, form, shown, *, status: int) -> HttpResponse:
    return _private(
        render(
            request,
            "portal/gate.html",
            {"site": site, "form": form, "notice": shown},
            status=status,
        )
    )


@never_cache
def gate_done(request: HttpRequest, token: str) -> HttpResponse:
    site = services.site_for_token(token)
    if site is None:
        return _not_found(request)
    done = request.session.get(SESSION_KEY) or {}
    worker = (
        ContractorWorker.objects.select_related("company").filter(pk=done.get("worker")).first()
    )
    if worker is None:
        return redirect("portal:gate", token=token)
    return _private(
        render(
            request,
            "portal/gate_done.html",
            {"site": site, "worker": worker, "created": done.get("created", True), "token": token},
        )
    )
