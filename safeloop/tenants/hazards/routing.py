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
from safeloop.tenants.hazards.acceptance import acceptor_user_ids
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


# The area's owner (属地) when no rule names someone: the workshop's director first, then
# its team leader (scoped: within the hazard's workshop). A workshop with neither on
# record falls to a director of the enterprise's production side, and only then to the
# safety staff, who usually sign the acceptance and so are passed over.
OWNER_CHAIN: tuple[tuple[Role, bool], ...] = (
    (Role.WORKSHOP_DIRECTOR, True),
    (Role.TEAM_LEADER, True),
    (Role.WORKSHOP_DIRECTOR, False),
    (Role.SAFETY_OFFICER, False),
    (Role.SAFETY_MANAGER, False),
)


def resolve_assignee(hazard: Hazard) -> Person | None:
    """Who fixes the hazard: the most specific matching rule's person, else the area's
    owner (属地, :data:`OWNER_CHAIN`). Never someone who signs one of the hazard's
    acceptance levels (a fix is accepted by another person), nor someone holding the
    job its library entry names as the violator ("叉车无证驾驶" is not the driver's to
    fix). None when nobody else is there: the hazard then stays reported (unrouted, in
    its audit trail) for the safety staff to assign by hand."""
    barred_users = acceptor_user_ids(hazard)
    entry = hazard.library_entry
    violator_role = entry.violator_job_role_id if entry is not None else None

    def eligible(person: Person) -> bool:
        return person.user_id not in barred_users and (
            violator_role is None or person.job_role_id != violator_role
        )

    for person in _candidates(hazard):
        if eligible(person):
            return person
    return None


def _candidates(hazard: Hazard):
    """Everyone who could fix the hazard, the most fitting first (rules, then the owner)."""
    workshop = workshop_of(hazard.area)
    for rule in _matching_rules(hazard):
        if rule.assignee_id and rule.assignee.user.is_active:
            yield rule.assignee
        if rule.assignee_job_role_id and workshop is not None:
            yield from (
                active_people()
                .filter(
                    job_role_id=rule.assignee_job_role_id, area_id__in=areas_of_workshop(workshop)
                )
                .order_by("pk")
            )
    for role, scoped in OWNER_CHAIN:
        if scoped and workshop is None:
            continue
        yield from people_with_role(role, workshop if scoped else None)


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
