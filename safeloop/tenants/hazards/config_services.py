"""The enterprise's own hazard rules: what each grade means, who fixes what, anonymity.

Every enterprise starts from its industry template (``template_section.py``);
these services are the only way to change that afterwards. Each checks
``hazards.configure``, validates with error codes and writes the audit trail.

A grade policy is read when a hazard is reported: the deadline and the
acceptance path (验收流程) are copied onto the hazard then, so a change here
applies to hazards reported afterwards. Reminders and escalations are worked
out from the current policy for every open hazard.
"""

from __future__ import annotations

from functools import reduce
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, QuerySet, Value, When
from django.utils.translation import gettext as _

from safeloop.access import Role, ensure_can
from safeloop.platform.errors import field_error
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.facilities.models import Area, EquipmentType, JobRole, Person
from safeloop.tenants.hazards.acceptance import MAX_ACCEPTANCE_LEVELS
from safeloop.tenants.hazards.models import (
    AcceptanceLevel,
    GradePolicy,
    HazardCategory,
    HazardSettings,
    RoutingRule,
)
from safeloop.tenants.hazards.permissions import HazardPerm

MAX_HOURS = 24 * 365
MAX_PRIORITY = 10_000
HOUR_FIELDS = (
    "deadline_hours",
    "reminder_before_hours",
    "escalate_after_hours",
    "second_escalation_after_hours",
)
GRADE_POLICY_FIELDS = (*HOUR_FIELDS, "notify_roles", "acceptance_levels")
RULE_CONDITIONS = ("category", "area", "equipment_type")
RULE_FIELDS = (*RULE_CONDITIONS, "assignee", "assignee_job_role", "priority", "is_active")


class ConfigErrorCode:
    INVALID = "invalid"
    REQUIRED = "required"
    OUT_OF_RANGE = "out_of_range"
    REMINDER_NOT_BEFORE_DEADLINE = "reminder_not_before_deadline"
    ESCALATION_ORDER = "escalation_order"
    UNKNOWN_LEVEL = "unknown_level"
    DUPLICATE_LEVEL = "duplicate_level"
    UNKNOWN_ROLE = "unknown_role"
    ONE_ASSIGNEE = "one_assignee"
    NO_CONDITION = "no_condition"
    INACTIVE_PERSON = "inactive_person"


class _Errors:
    """Collects every problem of one request, so a form shows them all at once."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[ValidationError]] = {}

    def add(self, field: str, message: str, code: str) -> None:
        self.by_field.setdefault(field, []).append(ValidationError(message, code=code))

    def raise_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def _reject_unknown(changes: dict[str, Any], allowed: tuple[str, ...]) -> None:
    for field in changes:
        if field not in allowed:
            raise field_error(
                field, _("This field cannot be changed here."), ConfigErrorCode.INVALID
            )


def _whole_number(value: Any, field: str, low: int, high: int, errors: _Errors) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        errors.add(field, _("Enter a whole number."), ConfigErrorCode.INVALID)
    elif not low <= value <= high:
        errors.add(
            field,
            _("Enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high},
            ConfigErrorCode.OUT_OF_RANGE,
        )
    return value


def _acceptance_levels(value: Any, errors: _Errors) -> list[str]:
    levels = [str(v) for v in (value or [])]
    if not levels:
        errors.add(
            "acceptance_levels",
            _("The acceptance path needs at least one level."),
            ConfigErrorCode.REQUIRED,
        )
    unknown = [v for v in levels if v not in AcceptanceLevel.values]
    if unknown:
        errors.add(
            "acceptance_levels",
            _("Unknown acceptance level(s): %(levels)s") % {"levels": ", ".join(unknown)},
            ConfigErrorCode.UNKNOWN_LEVEL,
        )
    if len(set(levels)) != len(levels):
        errors.add(
            "acceptance_levels",
            _("Each level can sign only once in the path."),
            ConfigErrorCode.DUPLICATE_LEVEL,
        )
    if len(levels) > MAX_ACCEPTANCE_LEVELS:
        errors.add(
            "acceptance_levels",
            _("At most %(n)d levels.") % {"n": MAX_ACCEPTANCE_LEVELS},
            ConfigErrorCode.INVALID,
        )
    return levels  # in the order given: that is the order they sign in


def _notify_roles(value: Any, errors: _Errors) -> list[str]:
    roles = list(dict.fromkeys(str(v) for v in (value or [])))
    unknown = [r for r in roles if r not in Role.__members__.values()]
    if unknown:
        errors.add(
            "notify_roles",
            _("Unknown role(s): %(roles)s") % {"roles": ", ".join(unknown)},
            ConfigErrorCode.UNKNOWN_ROLE,
        )
    return roles


def _check_hours_order(policy: GradePolicy, errors: _Errors) -> None:
    if policy.reminder_before_hours >= policy.deadline_hours:
        errors.add(
            "reminder_before_hours",
            _("The reminder must come before the deadline: fewer hours than the deadline."),
            ConfigErrorCode.REMINDER_NOT_BEFORE_DEADLINE,
        )
    if policy.second_escalation_after_hours <= policy.escalate_after_hours:
        errors.add(
            "second_escalation_after_hours",
            _("The second escalation must come later than the first."),
            ConfigErrorCode.ESCALATION_ORDER,
        )


@transaction.atomic
def update_grade_policy(policy: GradePolicy, *, by, **changes: Any) -> GradePolicy:
    """Change what a grade means; hazards already reported keep their deadline and path."""
    ensure_can(by, HazardPerm.HAZARD_CONFIGURE)
    _reject_unknown(changes, GRADE_POLICY_FIELDS)
    policy = GradePolicy.objects.select_for_update().get(pk=policy.pk)
    before = {field: getattr(policy, field) for field in GRADE_POLICY_FIELDS}
    errors = _Errors()
    for field, value in changes.items():
        if field in HOUR_FIELDS:
            value = _whole_number(value, field, 1, MAX_HOURS, errors)
        elif field == "acceptance_levels":
            value = _acceptance_levels(value, errors)
        else:
            value = _notify_roles(value, errors)
        setattr(policy, field, value)
    if not any(field in errors.by_field for field in HOUR_FIELDS):
        _check_hours_order(policy, errors)
    errors.raise_any()
    diff = {
        field: {"from": before[field], "to": getattr(policy, field)}
        for field in GRADE_POLICY_FIELDS
        if before[field] != getattr(policy, field)
    }
    if not diff:
        return policy
    policy.save(update_fields=list(diff))
    record_event(policy, "grade_policy.updated", by=by, grade=policy.grade, changes=diff)
    return policy


# --- Routing rules (派单规则) -----------------------------------------------------------


def rules_in_order() -> QuerySet[RoutingRule]:
    """Every rule in the order routing tries them: active first, the most specific, then
    the lowest priority (as ``routing._matching_rules`` sorts the matching ones)."""
    conditions = reduce(
        lambda total, expr: total + expr,
        [
            Case(When(**{f"{field}__isnull": False}, then=Value(1)), default=Value(0))
            for field in RULE_CONDITIONS
        ],
    )
    return RoutingRule.objects.annotate(conditions=conditions).order_by(
        "-is_active", "-conditions", "priority", "id"
    )


def is_catch_all(rule: RoutingRule) -> bool:
    return all(getattr(rule, f"{field}_id") is None for field in RULE_CONDITIONS)


def _describe_rule(rule: RoutingRule) -> dict[str, Any]:
    def code(obj) -> str | None:
        return getattr(obj, "code", None) if obj is not None else None

    return {
        "priority": rule.priority,
        "category": code(rule.category),
        "area": code(rule.area),
        "equipment_type": code(rule.equipment_type),
        "assignee": rule.assignee.employee_no if rule.assignee_id else None,
        "assignee_job_role": code(rule.assignee_job_role),
        "is_active": rule.is_active,
    }


def _check_rule(rule: RoutingRule, *, catch_all: bool, assignee_changed: bool) -> None:
    errors = _Errors()
    if not isinstance(rule.is_active, bool):
        errors.add("is_active", _("Say yes or no."), ConfigErrorCode.INVALID)
    _whole_number(rule.priority, "priority", 0, MAX_PRIORITY, errors)
    errors.raise_any()
    if (rule.assignee is None) == (rule.assignee_job_role is None):
        errors.add(
            "assignee",
            _("Name either a person or a job role, not both."),
            ConfigErrorCode.ONE_ASSIGNEE,
        )
    elif assignee_changed and rule.assignee is not None and not rule.assignee.user.is_active:
        errors.add(
            "assignee", _("This person is no longer active."), ConfigErrorCode.INACTIVE_PERSON
        )
    has_conditions = not is_catch_all(rule)
    if has_conditions and catch_all:
        errors.add(
            "catch_all",
            _("A catch-all rule has no conditions: clear them or untick catch-all."),
            ConfigErrorCode.INVALID,
        )
    elif not has_conditions and not catch_all:
        errors.add(
            "catch_all",
            _("Choose at least one condition, or mark the rule as a catch-all."),
            ConfigErrorCode.NO_CONDITION,
        )
    errors.raise_any()


@transaction.atomic
def create_routing_rule(
    *,
    by,
    category: HazardCategory | None = None,
    area: Area | None = None,
    equipment_type: EquipmentType | None = None,
    assignee: Person | None = None,
    assignee_job_role: JobRole | None = None,
    priority: int = 100,
    is_active: bool = True,
    catch_all: bool = False,
) -> RoutingRule:
    """Add a rule; a catch-all (no conditions) must be asked for explicitly."""
    ensure_can(by, HazardPerm.HAZARD_CONFIGURE)
    rule = RoutingRule(
        category=category,
        area=area,
        equipment_type=equipment_type,
        assignee=assignee,
        assignee_job_role=assignee_job_role,
        priority=priority,
        is_active=is_active,
    )
    _check_rule(rule, catch_all=catch_all, assignee_changed=True)
    rule.save()
    record_event(rule, "routing_rule.created", by=by, **_describe_rule(rule))
    return rule


@transaction.atomic
def update_routing_rule(
    rule: RoutingRule, *, by, catch_all: bool | None = None, **changes: Any
) -> RoutingRule:
    """Change a rule (``is_active=False`` switches it off). ``catch_all`` left out keeps a
    rule without conditions a catch-all; removing a rule's last condition needs it."""
    ensure_can(by, HazardPerm.HAZARD_CONFIGURE)
    _reject_unknown(changes, RULE_FIELDS)
    rule = RoutingRule.objects.select_for_update().get(pk=rule.pk)
    before = _describe_rule(rule)
    was_catch_all = is_catch_all(rule)
    for field, value in changes.items():
        setattr(rule, field, value)
    _check_rule(
        rule,
        catch_all=was_catch_all if catch_all is None else catch_all,
        assignee_changed="assignee" in changes,
    )
    after = _describe_rule(rule)
    diff = {k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]}
    if not diff:
        return rule
    rule.save()
    record_event(rule, "routing_rule.updated", by=by, changes=diff)
    return rule


# --- Enterprise-wide switches ---------------------------------------------------------------


@transaction.atomic
def set_anonymous_reporting(*, by, enabled: bool) -> HazardSettings:
    """Allow or stop anonymous hazard reports (off by default)."""
    ensure_can(by, HazardPerm.HAZARD_CONFIGURE)
    if not isinstance(enabled, bool):
        raise field_error("enabled", _("Say yes or no."), ConfigErrorCode.INVALID)
    settings = HazardSettings.objects.select_for_update().first() or HazardSettings()
    if settings.pk is not None and settings.anonymous_reporting == enabled:
        return settings
    before = settings.anonymous_reporting
    settings.anonymous_reporting = enabled
    settings.save()
    record_event(
        settings,
        "hazard_settings.updated",
        by=by,
        changes={"anonymous_reporting": {"from": before, "to": enabled}},
    )
    return settings
