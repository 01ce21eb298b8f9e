"""A worker's induction on the phone (/p/induction/), right after gate registration:
what still stands between them and a site pass, the safety briefing to sign with a
drawn signature, the courses and exams (learning's pages, taken as the worker's
person), and the pass once it is issued. Thin: the rules are in
safeloop.contractors.services (``evaluate`` decides, nowhere else)."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from safeloop.contractors import services
from safeloop.contractors.models import ContractorWorker, PassStatus, SafetyBriefing, SitePass
from safeloop.contractors.services import crew_portal
from safeloop.contractors.services.passes import LackCode
from safeloop.platform.throttle import client_ip
from safeloop.portal.views import SESSION_KEY, _private
from safeloop.tenants.accounts.backends import MODEL_BACKEND
from safeloop.web.forms import ShellForm
from safeloop.web.guards import forbidden
from safeloop.web.outsiders import is_outsider


def _signed_in_worker(request: HttpRequest) -> ContractorWorker | None:
    if not is_outsider(request.user):
        return None
    return (
        ContractorWorker.objects.select_related("company").filter(person__user=request.user).first()
    )


def _worker(request: HttpRequest) -> ContractorWorker | None:
    """The worker this browser belongs to: the one signed in, or the one just registered
    at the gate here, who is then signed in as their person (so the learning pages take
    the exam as them). A new registration in this browser wins over an older sign-in."""
    current = _signed_in_worker(request)
    registered = request.session.get(SESSION_KEY) or {}
    worker_id = registered.get("worker")
    if worker_id is None or (current is not None and current.pk == worker_id):
        return current
    worker = ContractorWorker.objects.select_related("company").filter(pk=worker_id).first()
    if worker is None:
        return current
    person = services.ensure_person(worker)
    # Signing in someone else flushes the session: keep the registration it names.
    login(request, person.user, backend=MODEL_BACKEND)
    request.session[SESSION_KEY] = registered
    return worker


@dataclass(frozen=True)
class Step:
    """One lack as the worker reads it, with what to tap to fix it when they can."""

    code: str
    text: str
    # "briefing", "course" or "office" (only the safety office can help).
    kind: str
    url: str = ""
    exam_url: str = ""


def _steps(eligibility) -> list[Step]:
    from safeloop.learning.models import Quiz

    course_ids = [lack.course_id for lack in eligibility.lacks if lack.course_id]
    finals = {
        quiz.course_id: quiz.pk
        for quiz in Quiz.objects.filter(course_id__in=course_ids, lesson__isnull=True)
    }
    steps = []
    for lack in eligibility.lacks:
        if lack.code == LackCode.BRIEFING_UNSIGNED and lack.briefing_id:
            url = reverse("portal:briefing", args=[lack.briefing_id])
            steps.append(Step(lack.code, lack.text(), "briefing", url))
        elif lack.course_id:
            quiz = finals.get(lack.course_id)
            steps.append(
                Step(
                    lack.code,
                    lack.text(),
                    "course",
                    reverse("learning:course", args=[lack.course_id]),
                    reverse("learning:quiz", args=[quiz]) if quiz else "",
                )
            )
        else:
            steps.append(Step(lack.code, lack.text(), "office"))
    return steps


@never_cache
def home(request: HttpRequest) -> HttpResponse:
    """An outsider's home: a crew lead's is their crews, a contractor's worker's their
    induction."""
    if crew_portal.lead_of_user(request.user) is not None:
        return redirect("portal:crew")
    if _worker(request) is None:
        return forbidden(request, outsider=True)
    return redirect("portal:induction")


@never_cache
def induction(request: HttpRequest) -> HttpResponse:
    worker = _worker(request)
    if worker is None:
        return forbidden(request, outsider=True)
    eligibility = services.evaluate(worker)
    site_pass = SitePass.objects.filter(worker=worker).first()
    return _private(
        render(
            request,
            "portal/induction.html",
            {
                "worker": worker,
                "eligibility": eligibility,
                "steps": _steps(eligibility),
                "site_pass": site_pass,
                "pass_active": site_pass is not None
                and site_pass.status == PassStatus.ACTIVE
                and eligibility.ok,
            },
        )
    )


class SignatureForm(ShellForm):
    # The PNG data URL the signature box (briefing-sign.js) writes after every stroke.
    signature = forms.CharField(required=False, widget=forms.HiddenInput)


@never_cache
@require_http_methods(["GET", "POST"])
def briefing(request: HttpRequest, pk: int) -> HttpResponse:
    worker = _worker(request)
    if worker is None:
        return forbidden(request, outsider=True)
    eligibility = services.evaluate(worker)
    # Only a briefing that applies to this worker (the site's, their project's).
    shown = next((b for b in eligibility.briefings if b.pk == pk), None)
    if shown is None:
        raise Http404
    signed = not any(lack.briefing_id == pk for lack in eligibility.lacks)
    form = SignatureForm(request.POST or None)
    status = 200
    if request.method == "POST":
        form.is_valid()
        try:
            services.sign_briefing(
                worker,
                SafetyBriefing.objects.get(pk=pk),
                signature=request.POST.get("signature", ""),
                ip=client_ip(request) or None,
            )
        except ValidationError as exc:
            form.add_error("signature", exc.messages[0] if exc.messages else str(exc))
            status = 400
        else:
            messages.success(request, _("Signed. Thank you."))
            return redirect("portal:induction")
    return _private(
        render(
            request,
            "portal/briefing.html",
            {"worker": worker, "briefing": shown, "signed": signed, "form": form},
            status=status,
        )
    )
