"""Site passes at work: the guard's gate check (/k/gate/check/), who is on site now for a
muster (/k/gate/onsite/), and the managers' pass list with its decisions (/k/passes/).
Thin: the verdict, the log and the decisions are services'."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeloop.access import can
from safeloop.contractors import services
from safeloop.contractors.forms_passes import GateCheckForm, PassFilterForm
from safeloop.contractors.models import ContractorWorker, GateDirection, GateEvent, SitePass
from safeloop.contractors.permissions import ContractorPerm
from safeloop.platform.files import serve_tenant_file
from safeloop.web.guards import guarded

GATE = ContractorPerm.GATE_CHECK
VIEW = ContractorPerm.CONTRACTOR_VIEW
MANAGE = ContractorPerm.CONTRACTOR_MANAGE
PASSES_PER_PAGE = 50


# --- The guard's check ----------------------------------------------------------------


def _verdict(event: GateEvent) -> dict:
    """What the guard reads off one logged check: the headline, its colour, the reasons."""
    reasons = [r for r in event.reason.split("; ") if r] if event.reason else []
    if event.direction == GateDirection.OUT:
        headline = _("Exit allowed") if event.allowed else _("Not a valid pass")
    else:
        headline = pgettext("gate", "Allowed") if event.allowed else pgettext("gate", "Refused")
    return {
        "event": event,
        "allowed": event.allowed,
        # An exit let through on a lapsed pass: green, but the guard is told why it lapsed.
        "warn": event.allowed and bool(reasons),
        "headline": headline,
        "reasons": reasons,
        "site_pass": event.site_pass,
        "worker": event.worker,
    }


@never_cache
@require_http_methods(["GET", "POST"])
@guarded(GATE)
def gate_check(request: HttpRequest) -> HttpResponse:
    """Scan or type a pass: logged through the service, then shown (after a redirect, so
    reloading the page does not log the check twice)."""
    mine = GateEvent.objects.filter(by=request.user).select_related(
        "site_pass", "worker__company", "worker__crew", "gate"
    )
    if request.method == "POST":
        form = GateCheckForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            verdict = services.check(
                services.token_from_input(data["code"]),
                by=request.user,
                direction=data["direction"],
                gate=data["gate"],
            )
            return redirect(f"{reverse('contractors:gate_check')}?e={verdict.event.pk}")
        shown = None
    else:
        last = mine.first()
        event_id = request.GET.get("e", "")
        shown = mine.filter(pk=event_id).first() if event_id.isdigit() else None
        # The guard stays at the gate and the direction they last checked.
        initial = (
            {"gate": last.gate_id, "direction": last.direction}
            if last is not None
            else {"direction": GateDirection.IN}
        )
        form = GateCheckForm(initial=initial)
    return render(
        request,
        "contractors/gate_check.html",
        {"form": form, "verdict": _verdict(shown) if shown else None},
    )


@require_GET
@guarded(GATE)
def gate_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """The holder's photo, for the guard to compare with the face at the gate."""
    site_pass = get_object_or_404(SitePass.objects.select_related("worker"), pk=pk)
    response = serve_tenant_file(site_pass.worker.photo, request)
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_GET
@guarded(GATE)
def onsite(request: HttpRequest) -> HttpResponse:
    """Who is on site now (在场人员), per company and gate, and by name: the muster list."""
    counts = services.on_site(by=request.user)
    people = list(services.on_site_workers(by=request.user))
    return render(
        request,
        "contractors/gate_onsite.html",
        {"counts": counts, "people": people, "total": sum(c.count for c in counts)},
    )


# --- The managers' list and decisions -------------------------------------------------


@require_GET
@guarded(VIEW)
def passes(request: HttpRequest) -> HttpResponse:
    filters = PassFilterForm(request.GET or None)
    page = Paginator(filters.passes(), PASSES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "contractors/passes.html",
        {
            "filters": filters,
            "page_obj": page,
            "passes": page.object_list,
            "can_manage": can(request.user, MANAGE),
            "here": request.get_full_path(),
        },
    )


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the page the decision was taken on (the list as filtered, a worker)."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = reverse("contractors:passes")
    return redirect(target)


def _decide(request: HttpRequest, action, done: str) -> HttpResponse:
    try:
        action(request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return _back(request)


@require_POST
@guarded(MANAGE)
def pass_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    site_pass = get_object_or_404(SitePass, pk=pk)
    return _decide(
        request,
        lambda reason: services.revoke_pass(site_pass, by=request.user, reason=reason),
        _("Pass %(number)s revoked.") % {"number": site_pass.number},
    )


@require_POST
@guarded(MANAGE)
def pass_reinstate(request: HttpRequest, pk: int) -> HttpResponse:
    site_pass = get_object_or_404(SitePass, pk=pk)
    return _decide(
        request,
        lambda _reason: services.reinstate_pass(site_pass, by=request.user),
        _("Pass %(number)s reinstated: it is valid again once every requirement holds.")
        % {"number": site_pass.number},
    )


@require_POST
@guarded(MANAGE)
def worker_blacklist(request: HttpRequest, pk: int) -> HttpResponse:
    worker = get_object_or_404(ContractorWorker, pk=pk)
    return _decide(
        request,
        lambda reason: services.blacklist_worker(worker, by=request.user, reason=reason),
        _("%(name)s is on the blacklist.") % {"name": worker.name},
    )


@require_POST
@guarded(MANAGE)
def worker_unblacklist(request: HttpRequest, pk: int) -> HttpResponse:
    worker = get_object_or_404(ContractorWorker, pk=pk)
    return _decide(
        request,
        lambda _reason: services.unblacklist_worker(worker, by=request.user),
        _("%(name)s is off the blacklist.") % {"name": worker.name},
    )
