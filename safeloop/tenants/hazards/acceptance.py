"""Who signs off a fixed hazard (验收) — the acceptance rule in one place.

grade → levels
    Each grade has an acceptance path: the levels that sign, in order. An
    enterprise starts from :data:`DEFAULT_PATHS` (written into its
    ``GradePolicy`` rows when it is provisioned, see ``template_section.py``)
    and may change them on the hazard settings page (``config_services``
    validates a path: known levels, each once, at most
    :data:`MAX_ACCEPTANCE_LEVELS`). The path is copied onto the hazard when it
    is reported (``services.report_hazard``), so a later change applies only
    to hazards reported afterwards.

levels → who
    :data:`ACCEPTANCE_LEVEL_ROLES` says which roles sign each level. A team
    leader signs only for hazards of their own workshop; a third-party
    verifier reaches its hazard through the hazard's own QR token.

Levels sign one after another (``Hazard.next_acceptance_level``); the
person who fixed the hazard never signs off their own fix. So by default a
major hazard is signed by the team leader of its workshop, then a safety
officer (or the safety manager), then the leader in charge.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from safeloop.access import Role, roles_of
from safeloop.tenants.facilities.selectors import areas_of_workshop, people_with_role, workshop_of
from safeloop.tenants.hazards.models import AcceptanceLevel, Grade, Hazard, MajorCase

DEFAULT_PATHS: dict[str, tuple[AcceptanceLevel, ...]] = {
    Grade.GENERAL: (AcceptanceLevel.TEAM_LEADER,),
    Grade.SERIOUS: (AcceptanceLevel.TEAM_LEADER, AcceptanceLevel.SAFETY_OFFICER),
    Grade.MAJOR: (
        AcceptanceLevel.TEAM_LEADER,
        AcceptanceLevel.SAFETY_OFFICER,
        AcceptanceLevel.LEADER_IN_CHARGE,
    ),
}
MAX_ACCEPTANCE_LEVELS = 4

ACCEPTANCE_LEVEL_ROLES: dict[str, frozenset[Role]] = {
    AcceptanceLevel.TEAM_LEADER: frozenset({Role.TEAM_LEADER}),
    AcceptanceLevel.SAFETY_OFFICER: frozenset({Role.SAFETY_OFFICER, Role.SAFETY_MANAGER}),
    AcceptanceLevel.LEADER_IN_CHARGE: frozenset({Role.LEADER_IN_CHARGE}),
    AcceptanceLevel.VERIFIER: frozenset({Role.VERIFIER}),
    AcceptanceLevel.PRINCIPAL: frozenset({Role.PRINCIPAL}),
}


def acceptors_for(hazard: Hazard, level: str) -> list:
    """The users who may sign off ``level`` for this hazard."""
    workshop = workshop_of(hazard.area)
    users = []
    for role in ACCEPTANCE_LEVEL_ROLES.get(level, ()):
        scoped = workshop if level == AcceptanceLevel.TEAM_LEADER else None
        users += [p.user for p in people_with_role(role, scoped)]
    return users


def acceptor_user_ids(hazard: Hazard) -> set[int]:
    """Everyone who may sign any level of the hazard's acceptance path (user ids)."""
    return {user.pk for level in hazard.acceptance_levels for user in acceptors_for(hazard, level)}


def can_accept_level(user, hazard: Hazard, level: str) -> bool:
    roles = roles_of(user) & ACCEPTANCE_LEVEL_ROLES.get(level, frozenset())
    if not roles:
        return False
    if level == AcceptanceLevel.TEAM_LEADER:
        workshop = workshop_of(hazard.area)
        person = getattr(user, "person", None)
        return (
            workshop is not None
            and person is not None
            and person.area_id in areas_of_workshop(workshop)
        )
    return True


def _fixed_it(user, hazard: Hazard) -> bool:
    return hazard.assignee is not None and hazard.assignee.user_id == user.pk


def may_sign_now(user, hazard: Hazard) -> bool:
    """Whether ``user`` signs the hazard's next level now (the hazard page offers it)."""
    level = hazard.next_acceptance_level
    return (
        bool(level)
        and not _fixed_it(user, hazard)
        and can_accept_level(user, hazard, level)
        and not waits_for_assessment(hazard, level)
    )


def waits_for_assessment(hazard: Hazard, level: str) -> bool:
    """A major hazard is signed off (销号) by the principal only after a passed assessment."""
    if level != AcceptanceLevel.PRINCIPAL:
        return False
    if hazard.grade != Grade.MAJOR:
        return False
    case = MajorCase.objects.filter(hazard=hazard).first()
    return case is not None and not case.assessment_passed


def ensure_acceptor(hazard: Hazard, by) -> str:
    """The level ``by`` signs now; PermissionDenied when it is not theirs to sign."""
    level = hazard.next_acceptance_level
    if level is None or not can_accept_level(by, hazard, level):
        raise PermissionDenied(_("You cannot sign off this level of acceptance."))
    if _fixed_it(by, hazard):
        raise PermissionDenied(_("You cannot accept your own rectification."))
    if waits_for_assessment(hazard, level):
        raise ValidationError(
            _("The fix of a major hazard is assessed before the principal signs it off."),
            code="not_assessed",
        )
    return level
