"""Who fixes a hazard and who signs it off — decided by rules, never picked by hand."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db.models import Q

from safeloop.access import Role
from safeloop.tenants.facilities.models import Person
from safeloop.tenants.facilities.selectors import (
    active_people,
    areas_of_workshop,
    people_with_role,
    workshop_of,
)
from safeloop.tenants.hazards.models import Hazard, RoutingRule

User = get_user_model()

# Other areas name the level above an assignee the enterprise's tree does not place
# (a contractor crew's lead answers to the project's responsible person): each hook
# takes the hazard and returns the users of the first escalation level, or nothing.
_FIRST_LEVEL_HOOKS: list[Callable[[Hazard], list]] = []


def register_first_escalation_level(hook: Callable[[Hazard], list]) -> None:
    """Let ``hook(hazard)`` name who hears of the hazard first when it is overdue."""
    if hook not in _FIRST_LEVEL_HOOKS:
        _FIRST_LEVEL_HOOKS.append(hook)


def _matching_rules(hazard: Hazard) -> list[RoutingRule]:
    area_ids = [
        a
        for a in [
            hazard.area_id,
            hazard.area.parent_id,
            getattr(hazard.area.parent, "parent_id", None),
        ]
        if a
    ]
    equipment_type_id = hazard.equipment.equipment_type_id if hazard.equipment_id else None
    rules = (
        RoutingRule.objects.filter(is_active=True)
        .filter(Q(category__isnull=True) | Q(category_id=hazard.category_id))
        .filter(Q(area__isnull=True) | Q(area_id__in=area_ids))
        .filter(Q(equipment_type__isnull=True) | Q(equipment_type_id=equipment_type_id))
        .select_related("assignee__user", "assignee_job_role")
    )

    def specificity(rule: RoutingRule) -> tuple:
        matched = sum(
            x is not None for x in (rule.category_id, rule.area_id, rule.equipment_type_id)
        )
        return (-matched, rule.priority, rule.pk)

    return sorted(rules, key=specificity)


def resolve_assignee(hazard: Hazard) -> Person | None:
    """The most specific matching rule's person; fallbacks keep a hazard from being orphaned."""
    workshop = workshop_of(hazard.area)
    for rule in _matching_rules(hazard):
        if rule.assignee_id and rule.assignee.user.is_active:
            return rule.assignee
        if rule.assignee_job_role_id:
            qs = active_people().filter(job_role_id=rule.assignee_job_role_id)
            if workshop is not None:
                in_workshop = qs.filter(area_id__in=areas_of_workshop(workshop)).first()
                if in_workshop:
                    return in_workshop
    for role, scoped in (
        (Role.TEAM_LEADER, True),
        (Role.WORKSHOP_DIRECTOR, True),
        (Role.SAFETY_OFFICER, False),
        (Role.SAFETY_MANAGER, False),
    ):
        if scoped and workshop is None:
            continue
        person = people_with_role(role, workshop if scoped else None).first()
        if person:
            return person
    return None


def escalation_chain(hazard: Hazard) -> list[list]:
    """Who hears of an overdue hazard: first the workshop director (or whom a registered
    hook names for its assignee), then the leader in charge."""
    workshop = workshop_of(hazard.area)
    first = next((users for hook in _FIRST_LEVEL_HOOKS if (users := hook(hazard))), None)
    if first is None:
        first = (
            [p.user for p in people_with_role(Role.WORKSHOP_DIRECTOR, workshop)] if workshop else []
        )
    if not first:
        first = [p.user for p in people_with_role(Role.SAFETY_MANAGER)]
    second = [p.user for p in people_with_role(Role.LEADER_IN_CHARGE)] or [
        p.user for p in people_with_role(Role.SAFETY_MANAGER)
    ]
    return [first, second]
