"""The induction set-up page (/k/induction/): what each work type and project requires
(a course and its exam, or a special operation certificate) and the safety briefings
(安全交底) workers sign. Managers change it; viewers read it. Thin: the rules and the
checks are in safeloop.contractors.services."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from safeloop.access import can
from safeloop.contractors import services
from safeloop.contractors.forms_induction import BriefingForm, RequirementForm
from safeloop.contractors.models import InductionRequirement, Project, SafetyBriefing
from safeloop.contractors.permissions import ContractorPerm
from safeloop.web.forms import submit_form
from safeloop.web.guards import forbidden, guarded


def _briefings() -> list[SafetyBriefing]:
    """The active briefings, each with how many workers signed its current version."""
    return list(
        SafetyBriefing.objects.filter(active=True)
        .select_related("project__company")
        .annotate(
            signed_count=Count(
                "signatures__worker",
                filter=Q(signatures__version=F("version")),
                distinct=True,
            )
        )
        .order_by(F("project_id").asc(nulls_first=True), "id")
    )


def _briefing_form(request: HttpRequest) -> BriefingForm:
    """The briefing form, filled with the chosen project's (or the site's) current text."""
    if request.method == "POST" and request.POST.get("action") == "briefing":
        return BriefingForm(request.POST, prefix="briefing")
    project = None
    if request.GET.get("project", "").isdigit():
        project = Project.objects.filter(pk=int(request.GET["project"])).first()
    current = SafetyBriefing.objects.filter(project=project, active=True).first()
    initial = {"project": project}
    if current is not None:
        initial |= {"title": current.title, "body": current.body}
    return BriefingForm(initial=initial, prefix="briefing")


@require_http_methods(["GET", "POST"])
@guarded(ContractorPerm.CONTRACTOR_VIEW)
def induction(request: HttpRequest) -> HttpResponse:
    manages = can(request.user, ContractorPerm.CONTRACTOR_MANAGE)
    action = request.POST.get("action") if request.method == "POST" else None
    if action is not None and not manages:
        return forbidden(request)
    requirement_form = RequirementForm(
        request.POST if action == "add" else None, prefix="requirement"
    )
    briefing_form = _briefing_form(request)
    status = 200
    if action == "add":

        def add(data: dict) -> None:
            services.add_requirement(
                by=request.user,
                work_type=data["work_type"],
                project=data["project"],
                course=data["course"],
                certificate_kind=data["certificate_kind"],
            )

        if submit_form(requirement_form, add, "course"):
            messages.success(request, _("Requirement added. Passes follow at once."))
            return redirect("contractors:induction")
        status = 400
    elif action == "remove":
        requirement = get_object_or_404(InductionRequirement, pk=request.POST.get("requirement"))
        services.remove_requirement(requirement, by=request.user)
        messages.success(request, _("Requirement removed."))
        return redirect("contractors:induction")
    elif action == "briefing":

        def save(data: dict) -> None:
            services.set_briefing(
                by=request.user, title=data["title"], body=data["body"], project=data["project"]
            )

        if submit_form(briefing_form, save, "body"):
            messages.success(request, _("Safety briefing saved."))
            return redirect("contractors:induction")
        status = 400
    elif action is not None:
        return redirect("contractors:induction")
    requirements = InductionRequirement.objects.select_related("project__company", "course")
    return render(
        request,
        "contractors/induction.html",
        {
            "requirements": requirements,
            "briefings": _briefings(),
            "requirement_form": requirement_form,
            "briefing_form": briefing_form,
            "can_manage": manages,
        },
        status=status,
    )
