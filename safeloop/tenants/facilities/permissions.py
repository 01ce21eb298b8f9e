"""Roles and what they may do — the one place that maps roles to permissions.

A person holds one or more roles; every service checks a permission with
:func:`ensure_can`, never a role, so changing what a role may do is an edit
to ``ROLE_PERMISSIONS`` alone.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    ADMIN = "admin"
    SAFETY_MANAGER = "safety_manager"
    SAFETY_OFFICER = "safety_officer"
    LEADER_IN_CHARGE = "leader_in_charge"
    WORKSHOP_DIRECTOR = "workshop_director"
    TEAM_LEADER = "team_leader"
    MAINTENANCE = "maintenance"
    OPERATOR = "operator"
    VERIFIER = "verifier"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.ADMIN: _("Enterprise admin"),
    Role.SAFETY_MANAGER: _("Safety manager"),
    Role.SAFETY_OFFICER: _("Safety officer"),
    Role.LEADER_IN_CHARGE: _("Leader in charge"),
    Role.WORKSHOP_DIRECTOR: _("Workshop director"),
    Role.TEAM_LEADER: _("Team leader"),
    Role.MAINTENANCE: _("Maintenance"),
    Role.OPERATOR: _("Operator"),
    Role.VERIFIER: _("Verifier"),
}
ROLE_CHOICES = [(role.value, label) for role, label in ROLE_LABELS.items()]


class Perm(StrEnum):
    VIEW_FACILITIES = "facilities.view"
    MANAGE_AREAS = "facilities.manage_areas"
    MANAGE_EQUIPMENT = "facilities.manage_equipment"
    VIEW_PEOPLE = "people.view"
    MANAGE_PEOPLE = "people.manage"
    MANAGE_API_TOKENS = "accounts.manage_own_tokens"
    HAZARD_REPORT = "hazards.report"
    HAZARD_VIEW_ALL = "hazards.view_all"
    HAZARD_VIEW_WORKSHOP = "hazards.view_workshop"
    HAZARD_REASSIGN = "hazards.reassign"
    HAZARD_DISMISS = "hazards.dismiss"
    HAZARD_DECIDE_EXTENSION = "hazards.decide_extension"
    HAZARD_CONFIGURE = "hazards.configure"
    HAZARD_EXPORT = "hazards.export"
    INSPECTIONS_DO = "inspections.do"
    INSPECTIONS_MANAGE = "inspections.manage"
    INSPECTIONS_VIEW_ALL = "inspections.view_all"
    INSPECTIONS_VIEW_WORKSHOP = "inspections.view_workshop"
    RISKS_VIEW = "risks.view"
    RISKS_MANAGE = "risks.manage"


_HAZARD_OVERSIGHT = {
    Perm.HAZARD_REPORT,
    Perm.HAZARD_VIEW_ALL,
    Perm.HAZARD_REASSIGN,
    Perm.HAZARD_DECIDE_EXTENSION,
    Perm.HAZARD_EXPORT,
}
_MANAGE_ALL = {
    Perm.VIEW_FACILITIES,
    Perm.MANAGE_AREAS,
    Perm.MANAGE_EQUIPMENT,
    Perm.VIEW_PEOPLE,
    Perm.MANAGE_PEOPLE,
    Perm.MANAGE_API_TOKENS,
    *_HAZARD_OVERSIGHT,
    Perm.HAZARD_DISMISS,
    Perm.HAZARD_CONFIGURE,
}
_STAFF = {Perm.VIEW_FACILITIES, Perm.VIEW_PEOPLE, Perm.MANAGE_API_TOKENS, Perm.HAZARD_REPORT}
# Inspections: everyone on the floor inspects; team leaders and up manage checklists,
# plans and routes; oversight roles see every task and record.
_INSPECT = {Perm.INSPECTIONS_DO}
_INSPECTIONS_OVERSIGHT = {Perm.INSPECTIONS_DO, Perm.INSPECTIONS_VIEW_ALL}
_INSPECTIONS_MANAGE = {*_INSPECTIONS_OVERSIGHT, Perm.INSPECTIONS_MANAGE}
# Risks: everyone may read the register (the notification card is on the wall
# anyway); the safety department and workshop directors identify, assess and
# set control measures.
_RISKS_VIEW = {Perm.RISKS_VIEW}
_RISKS_MANAGE = {Perm.RISKS_VIEW, Perm.RISKS_MANAGE}

ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.ADMIN: frozenset(_MANAGE_ALL | _INSPECTIONS_MANAGE | _RISKS_MANAGE),
    Role.SAFETY_MANAGER: frozenset(_MANAGE_ALL | _INSPECTIONS_MANAGE | _RISKS_MANAGE),
    Role.SAFETY_OFFICER: frozenset(
        _STAFF
        | _HAZARD_OVERSIGHT
        | {Perm.MANAGE_EQUIPMENT, Perm.HAZARD_DISMISS}
        | _INSPECTIONS_MANAGE
        | _RISKS_MANAGE
    ),
    Role.LEADER_IN_CHARGE: frozenset(
        _STAFF | _HAZARD_OVERSIGHT | _INSPECTIONS_OVERSIGHT | _RISKS_VIEW
    ),
    Role.WORKSHOP_DIRECTOR: frozenset(
        _STAFF | _HAZARD_OVERSIGHT | {Perm.MANAGE_EQUIPMENT} | _INSPECTIONS_MANAGE | _RISKS_MANAGE
    ),
    Role.TEAM_LEADER: frozenset(
        _STAFF
        | {Perm.HAZARD_VIEW_WORKSHOP}
        | _INSPECT
        | {Perm.INSPECTIONS_MANAGE, Perm.INSPECTIONS_VIEW_WORKSHOP}
        | _RISKS_VIEW
    ),
    Role.MAINTENANCE: frozenset(_STAFF | _INSPECT | _RISKS_VIEW),
    Role.OPERATOR: frozenset({Perm.VIEW_FACILITIES, Perm.HAZARD_REPORT} | _INSPECT | _RISKS_VIEW),
    # A third-party verifier sees only what it is shown hazard by hazard.
    Role.VERIFIER: frozenset(),
}


# Who may sign off each acceptance level of a hazard (the level names are
# hazards.models.AcceptanceLevel values). A team leader signs only for the
# hazards of their own workshop; hazards/services checks that scope.
ACCEPTANCE_LEVEL_ROLES: dict[str, frozenset[Role]] = {
    "team_leader": frozenset({Role.TEAM_LEADER}),
    "safety_officer": frozenset({Role.SAFETY_OFFICER, Role.SAFETY_MANAGER}),
    "leader_in_charge": frozenset({Role.LEADER_IN_CHARGE}),
    "verifier": frozenset({Role.VERIFIER}),
}


def roles_of(user) -> set[Role]:
    if user is None or not user.is_authenticated:
        return set()
    person = getattr(user, "person", None)
    if person is None:
        return {Role.ADMIN} if user.is_superuser else set()
    roles = {Role(r) for r in person.roles if r in Role.__members__.values()}
    if user.is_superuser:
        roles.add(Role.ADMIN)
    return roles


def permissions_of(user) -> frozenset[Perm]:
    perms: set[Perm] = set()
    for role in roles_of(user):
        perms |= ROLE_PERMISSIONS[role]
    return frozenset(perms)


def can(user, perm: Perm) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return perm in permissions_of(user)


def ensure_can(user, perm: Perm) -> None:
    if not can(user, perm):
        raise PermissionDenied(_("You do not have permission to do this."))
