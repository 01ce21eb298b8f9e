"""Hazard settings (/h/settings/): grades, routing rules and anonymous reporting.

Thin: the forms parse, ``config_services`` checks permission, validates and audits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeloop.access import Role
from safeloop.tenants.hazards import config_services
from safeloop.tenants.hazards.forms_config import (
    GradePolicyForm,
    RoutingRuleForm,
    apply_config_error,
)
from safeloop.tenants.hazards.models import (
    AcceptanceLevel,
    Grade,
    GradePolicy,
    HazardSettings,
    RoutingRule,
)
from safeloop.tenants.hazards.permissions import HazardPerm
from safeloop.tenants.hazards.services import policy_for
from safeloop.web.forms import ShellForm
from safeloop.web.guards import guarded


def acceptance_chain(levels: list[str]) -> str:
    """The acceptance path as people read it: 班组长 → 安全员 → 分管领导."""
    return " → ".join(_label(AcceptanceLevel, level) for level in levels)


def role_names(roles: list[str]) -> list[str]:
    return [Role(r).label if r in Role.__members__.values() else r for r in roles]


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


@dataclass(frozen=True)
class GradeRow:
    policy: GradePolicy
    chain: str
    told: list[str]


def _grade_rows() -> list[GradeRow]:
    policies = {p.grade: p for p in GradePolicy.objects.all()}
    rows = []
    for grade in Grade.values:  # general → serious → major, however the table sorts
        policy = policies.get(grade) or policy_for(grade)
        chain = acceptance_chain(policy.acceptance_levels)
        rows.append(GradeRow(policy, chain, role_names(policy.notify_roles)))
    return rows


def _submit(form: ShellForm, action: Callable[[dict], object]) -> bool:
    if not form.is_valid():
        return False
    try:
        action(form.cleaned_data)
    except ValidationError as exc:
        apply_config_error(form, exc)
        return False
    return True


def _form_page(request: HttpRequest, form: ShellForm, **context) -> HttpResponse:
    return render(request, "hazards/config_form.html", {"form": form, **context})


@guarded(HazardPerm.HAZARD_CONFIGURE)
def config(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "hazards/config.html",
        {
            "grades": _grade_rows(),
            "rules": list(
                config_services.rules_in_order().select_related(
                    "category", "area", "equipment_type", "assignee__user", "assignee_job_role"
                )
            ),
            "anonymous_reporting": HazardSettings.current().anonymous_reporting,
        },
    )


@guarded(HazardPerm.HAZARD_CONFIGURE)
def grade_edit(request: HttpRequest, grade: str) -> HttpResponse:
    if grade not in Grade.values:
        raise Http404
    policy = policy_for(grade)
    form = GradePolicyForm(request.POST or None, initial=GradePolicyForm.initial_for(policy))

    def save(_data: dict) -> None:
        config_services.update_grade_policy(policy, by=request.user, **form.changes())

    if request.method == "POST" and _submit(form, save):
        messages.success(
            request, _("%(grade)s hazards: settings saved.") % {"grade": policy.get_grade_display()}
        )
        return redirect(f"{reverse('hazards:config')}#grade-{grade}")
    return _form_page(
        request,
        form,
        title=_("%(grade)s hazards") % {"grade": policy.get_grade_display()},
        form_id="grade-form",
        note=_(
            "Changes apply to hazards reported from now on: hazards already reported keep "
            "their deadline and acceptance path."
        ),
    )


@guarded(HazardPerm.HAZARD_CONFIGURE)
def rule_add(request: HttpRequest) -> HttpResponse:
    form = RoutingRuleForm(request.POST or None)
    if request.method == "POST" and _submit(
        form, lambda data: config_services.create_routing_rule(by=request.user, **data)
    ):
        messages.success(request, _("Routing rule added."))
        return redirect(f"{reverse('hazards:config')}#rules")
    return _form_page(request, form, title=_("Add routing rule"), form_id="rule-form")


@guarded(HazardPerm.HAZARD_CONFIGURE)
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(RoutingRule, pk=pk)
    if request.method == "POST" and "set_active" in request.POST:
        return _set_active(request, rule)
    initial = RoutingRuleForm.initial_for(rule)
    form = RoutingRuleForm(request.POST or None, initial=initial, rule=rule)

    def save(data: dict) -> None:
        data = dict(data)
        catch_all = data.pop("catch_all")
        config_services.update_routing_rule(rule, by=request.user, catch_all=catch_all, **data)

    if request.method == "POST" and _submit(form, save):
        messages.success(request, _("Routing rule saved."))
        return redirect(f"{reverse('hazards:config')}#rule-{rule.pk}")
    return _form_page(request, form, title=_("Edit routing rule"), form_id="rule-form")


def _set_active(request: HttpRequest, rule: RoutingRule) -> HttpResponse:
    active = request.POST["set_active"] == "1"
    try:
        config_services.update_routing_rule(rule, by=request.user, is_active=active)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if active:
            messages.success(request, _("Routing rule switched on."))
        else:
            messages.success(request, _("Routing rule switched off."))
    return redirect(f"{reverse('hazards:config')}#rule-{rule.pk}")


@require_POST
@guarded(HazardPerm.HAZARD_CONFIGURE)
def settings_edit(request: HttpRequest) -> HttpResponse:
    enabled = request.POST.get("anonymous_reporting") == "1"
    config_services.set_anonymous_reporting(by=request.user, enabled=enabled)
    if enabled:
        messages.success(request, _("Anonymous reporting is on."))
    else:
        messages.success(request, _("Anonymous reporting is off."))
    return redirect(f"{reverse('hazards:config')}#reporting")
