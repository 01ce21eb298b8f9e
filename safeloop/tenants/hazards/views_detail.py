"""The hazard page (/h/<pk>/), its actions, and the verifier's page (/h/v/<token>/)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from safeloop.access import can
from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.facilities.models import Person
from safeloop.tenants.hazards import clauses, major, services
from safeloop.tenants.hazards.forms_detail import ACTION_FORMS, ActionForm
from safeloop.tenants.hazards.models import (
    AcceptanceLevel,
    ClauseStatus,
    DeadlineSignal,
    Decision,
    ExtensionState,
    Hazard,
    PhotoStage,
    State,
)
from safeloop.tenants.hazards.permissions import HazardPerm
from safeloop.tenants.hazards.selectors import hazards_open_to, visible_hazards
from safeloop.tenants.hazards.services import HazardAction
from safeloop.tenants.hazards.views_board import countdown, countdown_labels
from safeloop.web.guards import forbidden

HAZARD_RELATED = ("area__parent", "equipment", "category", "library_entry", "reporter")
# Signing off a level: below the evidence, one "accept" per level, the rejection beside it.
DECISION_ACTIONS = (HazardAction.ACCEPT, HazardAction.REJECT)
VERIFIER_ACTIONS = DECISION_ACTIONS


# --- The story of one hazard, shared by both pages -----------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    verb: str
    text: str
    actor: str
    detail: str = ""
    # The acceptor's drawn signature, for a sign-off (a path; the page adds its file query).
    signature_url: str = ""


def _when(value) -> str:
    parsed = parse_datetime(value) if isinstance(value, str) else value
    return f"{timezone.localtime(parsed):%Y-%m-%d %H:%M}" if parsed else ""


def _level(value) -> str:
    try:
        return str(AcceptanceLevel(value).label)
    except ValueError:
        return str(value or "")


def _event_text(event: AuditEvent, names: dict[str, str]) -> tuple[str, str]:
    """The event in words, and the free text that came with it (note, reason)."""
    data = event.data or {}
    verb = event.verb.removeprefix("hazard.")
    if verb == "assigned":
        who = names.get(data.get("assignee"), data.get("assignee", ""))
        text = _("Assigned to %(who)s, to fix by %(deadline)s") % {
            "who": who,
            "deadline": _when(data.get("deadline")),
        }
        reason = data.get("reason", "")
        return text, (_("by the routing rules") if reason == "routing rule" else reason)
    if verb in ("accepted", "rejected"):
        text = (_("Accepted: %(level)s") if verb == "accepted" else _("Rejected: %(level)s")) % {
            "level": _level(data.get("level"))
        }
        return text, data.get("note") or data.get("reason") or ""
    if verb == "extension_requested":
        text = _("More time asked for, until %(when)s") % {"when": _when(data.get("new_deadline"))}
        return text, data.get("reason", "")
    if verb == "extension_decided":
        when = _when(data.get("new_deadline"))
        if data.get("approved"):
            return _("Extension until %(when)s approved") % {"when": when}, data.get("note", "")
        return _("Extension until %(when)s refused") % {"when": when}, data.get("note", "")
    if verb == "rectified":
        result = data.get("test_result", "")
        return _("Fix submitted for acceptance"), (
            _("Test result: %(r)s") % {"r": result} if result else ""
        )
    if verb == "stop_work_ordered":
        return _("Stop-work order"), data.get("scope", "")
    if verb == "major_plan_saved":
        return _("Remediation plan saved, deadline %(when)s") % {
            "when": _when(data.get("deadline"))
        }, ""
    if verb == "major_plan_approved":
        return _("Remediation plan approved by the principal; deadline %(when)s") % {
            "when": _when(data.get("deadline"))
        }, ""
    if verb == "major_assessed":
        text = _("Assessment passed") if data.get("passed") else _("Assessment not passed")
        return text, data.get("note", "")
    if verb == "major_reported_to":
        text = (
            _("Reported to the regulator")
            if data.get("recipient") == "regulator"
            else _("Reported to the workers' congress")
        )
        return text, ""
    if verb in DeadlineSignal.values:
        return str(DeadlineSignal(verb).label), ""
    if verb in ("clause_proposed", "clause_confirmed", "clause_overruled"):
        text = {
            "clause_proposed": _("Graded major by the clause check: %(number)s"),
            "clause_confirmed": _("Clause confirmed: %(number)s"),
            "clause_overruled": _("Clause overruled: %(number)s"),
        }[verb] % {"number": data.get("number", "")}
        return text, data.get("reason", "")
    fixed = {
        "reported": _("Reported"),
        "unrouted": _("No routing rule matched: waiting to be assigned"),
        "rectifying": _("Rectification started"),
        "closed": _("Closed"),
        "dismissed": _("Dismissed as not a hazard"),
        "major_opened": _("Major hazard: the legal path opens (plan, assessment, sign-off)"),
        "stop_work_lifted": _("Stop-work order lifted"),
    }
    return fixed.get(verb, event.verb), data.get("reason", "")


def _signature_url(event: AuditEvent) -> str:
    data = event.data or {}
    if event.verb != "hazard.accepted" or not data.get("signature") or not data.get("acceptance"):
        return ""
    return reverse("hazards:acceptance_signature", args=[data["acceptance"]])


def timeline(hazard: Hazard) -> list[TimelineEntry]:
    events = list(
        AuditEvent.objects.filter(object_type="hazards.hazard", object_id=str(hazard.pk))
        .select_related("actor")
        .order_by("id")
    )
    numbers = {e.data.get("assignee") for e in events if e.verb == "hazard.assigned"}
    names = {
        p.employee_no: p.full_name
        for p in Person.objects.filter(employee_no__in=numbers).select_related("user")
    }
    entries = []
    for event in events:
        if event.actor is not None:
            actor = event.actor.get_full_name() or event.actor.email
        elif event.verb == "hazard.reported" and hazard.is_anonymous:
            actor = _("Anonymous")
        else:
            actor = _("System")
        text, detail = _event_text(event, names)
        entries.append(
            TimelineEntry(event.occurred_at, event.verb, text, actor, detail, _signature_url(event))
        )
    return entries


def acceptance_path(hazard: Hazard) -> list[dict]:
    """Each level of the hazard's path: signed (by whom), next, or still to come."""
    signed = {}
    for acceptance in hazard.acceptances.select_related("by").order_by("at", "id"):
        if acceptance.decision == Decision.ACCEPT:
            signed[acceptance.level] = acceptance
    closed = hazard.state == State.CLOSED
    steps = []
    for index, level in enumerate(hazard.acceptance_levels):
        done = closed or index < hazard.accepted_count
        steps.append(
            {
                "level": level,
                "label": _level(level),
                "done": done,
                "next": level == hazard.next_acceptance_level and not done,
                "acceptance": signed.get(level) if done else None,
            }
        )
    return steps


def _hint(hazard: Hazard) -> str:
    entry = hazard.library_entry
    if entry is None:
        return ""
    if (get_language() or "").startswith("en") and entry.rectification_hint_en:
        return entry.rectification_hint_en
    return entry.rectification_hint


def hazard_context(hazard: Hazard, *, file_query: str = "") -> dict:
    photos = list(hazard.photos.order_by("id"))
    return {
        "hazard": hazard,
        "countdown": countdown(hazard, timezone.now()),
        "countdown_labels": countdown_labels(),
        "hint": _hint(hazard),
        "before_photos": [p for p in photos if p.stage == PhotoStage.REPORT],
        "after_photos": [p for p in photos if p.stage == PhotoStage.RECTIFICATION],
        "rectifications": list(hazard.rectifications.select_related("by").order_by("id")),
        "pending_extension": hazard.extensions.filter(state=ExtensionState.PENDING)
        .select_related("requested_by")
        .first(),
        "acceptance_path": acceptance_path(hazard),
        "major_case": major.case_of(hazard),
        "timeline": timeline(hazard),
        "file_query": file_query,
    }


# --- The hazard page ------------------------------------------------------------------


def _visible_hazard(user, pk: int) -> Hazard:
    hazard = (
        visible_hazards(user)
        .select_related(*HAZARD_RELATED, "assignee__user")
        .filter(pk=pk)
        .first()
    )
    if hazard is None:
        raise Http404
    return hazard


def _decision(hazard: Hazard, forms: list[ActionForm]) -> dict | None:
    """The level's sign-off (accept and reject), shown below the evidence it judges."""
    by_action = {form.action: form for form in forms if form.action in DECISION_ACTIONS}
    if not by_action:
        return None
    return {
        "level": _level(hazard.next_acceptance_level),
        "accept_form": by_action.get(HazardAction.ACCEPT),
        "reject_form": by_action.get(HazardAction.REJECT),
    }


def _clause_context(user, hazard: Hazard, errors: dict | None = None, reason: str = "") -> dict:
    """The 判定标准 panel: the clause on record, or what the check finds now; a manager
    (hazards.configure) decides a proposed one, or grades an open hazard major under a
    clause the check finds."""
    proposals = [] if hazard.clause_id else clauses.proposed_clauses(hazard)
    decidable = can(user, HazardPerm.HAZARD_CONFIGURE) and (
        hazard.clause_status == ClauseStatus.PROPOSED
        or (not hazard.clause_id and proposals and hazard.is_open)
    )
    return {
        "clause_proposals": proposals,
        "clause_decidable": decidable,
        "clause_errors": errors or {},
        "clause_reason_value": reason,
    }


def _render_detail(
    request: HttpRequest,
    hazard: Hazard,
    bound: ActionForm | None = None,
    clause_state: dict | None = None,
):
    allowed = services.allowed_actions(request.user, hazard)
    forms = [
        bound
        if bound is not None and bound.action == action
        else form(hazard=hazard, user=request.user)
        for action, form in ACTION_FORMS.items()
        if action in allowed
    ]
    # An action that is no longer offered (the state moved on) shows its errors on top.
    stray = bound if bound is not None and bound.action not in allowed else None
    context = hazard_context(hazard)
    context.update(
        {
            "action_forms": [f for f in forms if f.action not in DECISION_ACTIONS],
            "decision": _decision(hazard, forms),
            "stray_form": stray,
            "opened": bound,
        }
    )
    context.update(clause_state or _clause_context(request.user, hazard))
    return render(request, "hazards/detail.html", context)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _visible_hazard(request.user, pk))


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    hazard = _visible_hazard(request.user, pk)
    if action not in ACTION_FORMS:
        raise Http404
    form = ACTION_FORMS[action](request.POST, request.FILES, hazard=hazard, user=request.user)
    try:
        message = form.submit()
    except PermissionDenied:
        return forbidden(request)
    if message is None:
        return _render_detail(request, hazard, bound=form)
    messages.success(request, message)
    if not services.can_view(request.user, hazard):
        return redirect("hazards:board")
    return redirect("hazards:detail", pk=hazard.pk)


@login_required
@require_POST
def decide_clause(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm or overrule the clause on record (clauses.py decides who may)."""
    hazard = _visible_hazard(request.user, pk)
    decision = request.POST.get("decision", "")
    reason = request.POST.get("reason", "")
    try:
        if decision == "confirm":
            clauses.confirm_clause(
                hazard, by=request.user, reason=reason, clause_id=request.POST.get("clause") or None
            )
            message = _("Clause confirmed: the hazard is major.")
        elif decision == "overrule":
            grade = request.POST.get("grade") or None
            hazard = clauses.overrule_clause(hazard, by=request.user, reason=reason, grade=grade)
            message = _("Clause overruled: the hazard is now %(grade)s.") % {
                "grade": hazard.get_grade_display()
            }
        else:
            raise Http404
    except PermissionDenied:
        return forbidden(request)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"general": exc.messages}
        hazard.refresh_from_db()
        state = _clause_context(request.user, hazard, errors, reason)
        return _render_detail(request, hazard, clause_state=state)
    messages.success(request, message)
    return redirect("hazards:detail", pk=hazard.pk)


# --- The verifier's page --------------------------------------------------------------


def _hazard_for_token(user, token: str) -> Hazard:
    hazard = (
        hazards_open_to(user, token)
        .select_related(*HAZARD_RELATED, "assignee__user")
        .filter(verifier_token=token)
        .first()
    )
    if hazard is None:
        raise Http404
    return hazard


def _verifier_forms(request: HttpRequest, hazard: Hazard, bound: ActionForm | None) -> list:
    if hazard.next_acceptance_level != AcceptanceLevel.VERIFIER:
        return []
    allowed = services.allowed_actions(request.user, hazard)
    return [
        bound
        if bound is not None and bound.action == action
        else ACTION_FORMS[action](hazard=hazard, user=request.user)
        for action in VERIFIER_ACTIONS
        if action in allowed
    ]


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    hazard = _hazard_for_token(request.user, token)
    bound = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in VERIFIER_ACTIONS:
            raise Http404
        if hazard.next_acceptance_level != AcceptanceLevel.VERIFIER:
            return forbidden(request)
        bound = ACTION_FORMS[action](request.POST, hazard=hazard, user=request.user)
        try:
            message = bound.submit()
        except PermissionDenied:
            return forbidden(request)
        if message is not None:
            messages.success(request, message)
            return redirect("hazards:verify", token=token)
    context = hazard_context(hazard, file_query=f"?v={hazard.verifier_token}")
    forms = _verifier_forms(request, hazard, bound)
    context.update({"decision": _decision(hazard, forms), "opened": bound, "token": token})
    return render(request, "hazards/verify.html", context)
