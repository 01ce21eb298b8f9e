"""The legal path of a major hazard (重大事故隐患), beside the ordinary loop.

《安全生产事故隐患排查治理暂行规定》(16号令) Art. 15 and 18, 《安全生产法》 Art. 41:

1. When a hazard is (or becomes) major a case opens: the principal (主要负责人,
   :attr:`Role.PRINCIPAL`) becomes the last acceptance level, the sign-off (销号).
2. Where the danger cannot be held while it is fixed, a stop-work order names what
   stops (停产停业或者停止使用); it stays in force until the sign-off.
3. A remediation plan (治理方案) with its six parts is drafted and approved by the
   principal; until then nothing counts as a fix. The hazard's deadline becomes the
   plan's: the first deadline (the grade's hours) is the time to get the plan approved.
4. After the fix and the acceptance levels below the principal, the fix is assessed
   (评估) by the enterprise's technical people and experts. A failed assessment sends
   the fix back; a passed one lets the principal sign off, which lifts the stop.
5. The case is reported to the regulator and to the workers' congress (职代会): the
   report is a PDF (``major_report.py``); each report's date is recorded.

Every step is permission-checked, runs on the locked hazard and is audited.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.access import Role, ensure_can
from safeloop.platform.errors import field_error
from safeloop.tenants.alerts.services import Message, notify
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.facilities.models import Area
from safeloop.tenants.facilities.selectors import people_with_role
from safeloop.tenants.hazards.models import (
    OPEN_STATES,
    AcceptanceLevel,
    Grade,
    Hazard,
    MajorCase,
    State,
)
from safeloop.tenants.hazards.permissions import HazardPerm
from safeloop.tenants.hazards.transitions import require_state

PLAN_FIELDS = ("goal", "measures", "funds", "people", "interim_measures")
REPORT_RECIPIENTS = {
    "regulator": "reported_to_regulator_at",
    "congress": "reported_to_congress_at",
}


class MajorErrorCode:
    ILLEGAL_TRANSITION = "illegal_transition"
    REQUIRED = "required"
    INVALID = "invalid"
    NOT_MAJOR = "not_major"
    PLAN_NOT_APPROVED = "plan_not_approved"
    NOT_ASSESSED = "not_assessed"
    LEVELS_PENDING = "levels_pending"


def _locked(hazard: Hazard) -> tuple[Hazard, MajorCase]:
    hazard = Hazard.objects.select_for_update().get(pk=hazard.pk)
    case = MajorCase.objects.select_for_update().filter(hazard=hazard).first()
    if case is None or hazard.grade != Grade.MAJOR:
        raise ValidationError(_("This is not a major hazard."), code=MajorErrorCode.NOT_MAJOR)
    return hazard, case


def _require_open(hazard: Hazard) -> None:
    require_state(hazard, *OPEN_STATES)


def case_of(hazard: Hazard) -> MajorCase | None:
    if hazard.grade != Grade.MAJOR:
        return None
    return MajorCase.objects.filter(hazard=hazard).first()


def stops_here(area: Area) -> list[MajorCase]:
    """Stop-work orders in force at this place: on the area itself, on its workshop, or
    (at a workshop's QR code) on any of its areas. One query; the QR page asks it."""
    place = Q(hazard__area_id=area.pk) | Q(hazard__area__parent_id=area.pk)
    if area.parent_id:
        place |= Q(hazard__area_id=area.parent_id)
    return list(
        MajorCase.objects.filter(
            place,
            stop_ordered_at__isnull=False,
            stop_lifted_at__isnull=True,
            hazard__grade=Grade.MAJOR,
            hazard__state__in=OPEN_STATES,
        )
        .select_related("hazard__area")
        .order_by("stop_ordered_at")
    )


def open_case(hazard: Hazard, *, by=None) -> MajorCase:
    """Put a major hazard on the legal path (called by the services that make it major)."""
    case, created = MajorCase.objects.get_or_create(hazard=hazard)
    if AcceptanceLevel.PRINCIPAL not in hazard.acceptance_levels:
        hazard.acceptance_levels = [*hazard.acceptance_levels, AcceptanceLevel.PRINCIPAL.value]
        hazard.save(update_fields=["acceptance_levels"])
    if created:
        record_event(hazard, "hazard.major_opened", by=by, plan_due=hazard.deadline)
        _tell_principals(
            hazard,
            _("Major hazard: a remediation plan is needed by %(d)s — %(s)s"),
            key="opened",
        )
    return case


def _tell_principals(hazard: Hazard, subject: str, *, key: str) -> None:
    from safeloop.tenants.hazards.notices import hazard_link

    users = [p.user for p in people_with_role(Role.PRINCIPAL)]
    if not users:
        return
    due = timezone.localtime(hazard.deadline).strftime("%Y-%m-%d %H:%M") if hazard.deadline else "-"
    notify(
        users,
        Message(
            event=f"hazard.major_{key}",
            subject=subject % {"d": due, "s": f"{hazard.number} {hazard.title} · {hazard.area}"},
            link=hazard_link(hazard),
            urgent=True,
        ),
        dedupe_key=f"hazard:{hazard.pk}:major:{key}:{hazard.deadline:%Y%m%d%H%M}"
        if hazard.deadline
        else f"hazard:{hazard.pk}:major:{key}",
    )


@transaction.atomic
def order_stop_work(hazard: Hazard, *, by, scope: str) -> MajorCase:
    """停止作业: what stops until the sign-off (a line, a machine, an area)."""
    ensure_can(by, HazardPerm.HAZARD_MANAGE_MAJOR)
    hazard, case = _locked(hazard)
    _require_open(hazard)
    scope = (scope or "").strip()
    if not scope:
        raise field_error("scope", _("Say what is stopped."), MajorErrorCode.REQUIRED)
    if case.is_stopped:
        raise field_error(
            "scope", _("A stop-work order is already in force."), MajorErrorCode.INVALID
        )
    case.stop_scope = scope
    case.stop_ordered_at = timezone.now()
    case.stop_ordered_by = by
    case.stop_lifted_at = None
    case.save(update_fields=["stop_scope", "stop_ordered_at", "stop_ordered_by", "stop_lifted_at"])
    record_event(hazard, "hazard.stop_work_ordered", by=by, scope=scope)
    return case


@transaction.atomic
def save_plan(
    hazard: Hazard,
    *,
    by,
    goal: str,
    measures: str,
    funds: str,
    people: str,
    deadline: datetime | None,
    interim_measures: str,
) -> MajorCase:
    """The remediation plan's six parts; a change after approval needs approving again."""
    ensure_can(by, HazardPerm.HAZARD_MANAGE_MAJOR)
    hazard, case = _locked(hazard)
    _require_open(hazard)
    if hazard.state == State.AWAITING_ACCEPTANCE:
        raise ValidationError(
            _("The fix is being accepted; the plan can no longer change."),
            code=MajorErrorCode.ILLEGAL_TRANSITION,
        )
    values = {
        "goal": goal,
        "measures": measures,
        "funds": funds,
        "people": people,
        "interim_measures": interim_measures,
    }
    values = {k: (v or "").strip() for k, v in values.items()}
    errors = {
        k: [ValidationError(_("This part of the plan is required."), code=MajorErrorCode.REQUIRED)]
        for k, v in values.items()
        if not v
    }
    if deadline is None:
        errors["deadline"] = [
            ValidationError(_("Set the remediation deadline."), code=MajorErrorCode.REQUIRED)
        ]
    elif deadline <= timezone.now():
        errors["deadline"] = [
            ValidationError(_("The deadline must be in the future."), code=MajorErrorCode.INVALID)
        ]
    if errors:
        raise ValidationError(errors)
    for k, v in values.items():
        setattr(case, k, v)
    case.plan_deadline = deadline
    case.plan_by = by
    case.plan_at = timezone.now()
    was_approved = case.plan_approved
    case.plan_approved_by = None
    case.plan_approved_at = None
    case.save()
    record_event(
        hazard,
        "hazard.major_plan_saved",
        by=by,
        deadline=deadline,
        approval_withdrawn=was_approved,
    )
    _tell_principals(
        hazard, _("Please approve the remediation plan of a major hazard — %(s)s"), key="plan"
    )
    return case


@transaction.atomic
def approve_plan(hazard: Hazard, *, by) -> MajorCase:
    """The principal approves the plan; its deadline becomes the hazard's."""
    ensure_can(by, HazardPerm.HAZARD_APPROVE_MAJOR_PLAN)
    hazard, case = _locked(hazard)
    _require_open(hazard)
    if case.plan_at is None:
        raise ValidationError(
            _("There is no remediation plan to approve yet."),
            code=MajorErrorCode.ILLEGAL_TRANSITION,
        )
    if case.plan_approved:
        raise ValidationError(
            _("The plan is already approved."), code=MajorErrorCode.ILLEGAL_TRANSITION
        )
    case.plan_approved_by = by
    case.plan_approved_at = timezone.now()
    case.save(update_fields=["plan_approved_by", "plan_approved_at"])
    previous = hazard.deadline
    hazard.deadline = case.plan_deadline
    hazard.save(update_fields=["deadline"])
    record_event(
        hazard,
        "hazard.major_plan_approved",
        by=by,
        deadline=case.plan_deadline,
        previous_deadline=previous,
    )
    return case


def before_fix(hazard: Hazard) -> None:
    """No fix of a major hazard is submitted before its plan is approved; each new fix
    is assessed afresh (an earlier assessment judged an earlier fix)."""
    case = case_of(hazard)
    if case is None:
        return
    if not case.plan_approved:
        raise ValidationError(
            _("The principal must approve the remediation plan before the fix is submitted."),
            code=MajorErrorCode.PLAN_NOT_APPROVED,
        )
    if case.assessment_passed is not None:
        case.assessment_passed = None
        case.save(update_fields=["assessment_passed"])


def awaits_assessment(hazard: Hazard) -> bool:
    """Every level below the principal has signed and no passed assessment is on record."""
    if hazard.next_acceptance_level != AcceptanceLevel.PRINCIPAL:
        return False
    case = case_of(hazard)
    return case is not None and not case.assessment_passed


@transaction.atomic
def record_assessment(
    hazard: Hazard, *, by, assessors: str, conclusion: str, passed: bool
) -> MajorCase:
    """评估: a passed one opens the principal's sign-off; a failed one sends the fix back."""
    from safeloop.tenants.hazards import notices

    ensure_can(by, HazardPerm.HAZARD_MANAGE_MAJOR)
    hazard, case = _locked(hazard)
    if not awaits_assessment(hazard):
        raise ValidationError(
            _("The fix is assessed once every level below the principal has accepted it."),
            code=MajorErrorCode.LEVELS_PENDING,
        )
    assessors, conclusion = (assessors or "").strip(), (conclusion or "").strip()
    errors = {}
    if not assessors:
        errors["assessors"] = [
            ValidationError(_("Name who assessed the fix."), code=MajorErrorCode.REQUIRED)
        ]
    if not conclusion:
        errors["conclusion"] = [
            ValidationError(_("Write the assessment's conclusion."), code=MajorErrorCode.REQUIRED)
        ]
    if errors:
        raise ValidationError(errors)
    case.assessors = assessors
    case.assessment = conclusion
    case.assessment_passed = passed
    case.assessed_by = by
    case.assessed_at = timezone.now()
    case.save(
        update_fields=["assessors", "assessment", "assessment_passed", "assessed_by", "assessed_at"]
    )
    record_event(
        hazard, "hazard.major_assessed", by=by, passed=passed, assessors=assessors, note=conclusion
    )
    if passed:
        notices.awaiting_acceptance(hazard)
    else:
        hazard.state = State.RECTIFYING
        hazard.accepted_count = 0
        hazard.save(update_fields=["state", "accepted_count"])
        notices.rejected(hazard, conclusion)
    return case


def on_closed(hazard: Hazard, *, by) -> None:
    """The principal's sign-off (销号) lifts the stop-work order."""
    lift_stop(hazard, by=by)


def lift_stop(hazard: Hazard, *, by) -> None:
    """Lift a stop-work order in force: at the sign-off, or when a manager overrules the
    clause that made the hazard major (it leaves the legal path)."""
    case = MajorCase.objects.filter(hazard=hazard).first()
    if case is not None and case.is_stopped:
        case.stop_lifted_at = timezone.now()
        case.save(update_fields=["stop_lifted_at"])
        record_event(hazard, "hazard.stop_work_lifted", by=by)


@transaction.atomic
def record_report(hazard: Hazard, *, by, recipient: str, at: datetime | None = None) -> MajorCase:
    """The date the case was reported to the regulator or the workers' congress."""
    ensure_can(by, HazardPerm.HAZARD_MANAGE_MAJOR)
    hazard, case = _locked(hazard)
    field = REPORT_RECIPIENTS.get(recipient)
    if field is None:
        raise field_error("recipient", _("Unknown recipient."), MajorErrorCode.INVALID)
    at = at or timezone.now()
    setattr(case, field, at)
    case.save(update_fields=[field])
    record_event(hazard, "hazard.major_reported_to", by=by, recipient=recipient, at=at)
    return case
