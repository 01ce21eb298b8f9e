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


_MANAGE_ALL = {
    Perm.VIEW_FACILITIES,
    Perm.MANAGE_AREAS,
    Perm.MANAGE_EQUIPMENT,
    Perm.VIEW_PEOPLE,
    Perm.MANAGE_PEOPLE,
    Perm.MANAGE_API_TOKENS,
}
_STAFF = {Perm.VIEW_FACILITIES, Perm.VIEW_PEOPLE, Perm.MANAGE_API_TOKENS}

ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.ADMIN: frozenset(_MANAGE_ALL),
    Role.SAFETY_MANAGER: frozenset(_MANAGE_ALL),
    Role.SAFETY_OFFICER: frozenset(_STAFF | {Perm.MANAGE_EQUIPMENT}),
    Role.LEADER_IN_CHARGE: frozenset(_STAFF),
    Role.WORKSHOP_DIRECTOR: frozenset(_STAFF | {Perm.MANAGE_EQUIPMENT}),
    Role.TEAM_LEADER: frozenset(_STAFF),
    Role.MAINTENANCE: frozenset(_STAFF),
    Role.OPERATOR: frozenset({Perm.VIEW_FACILITIES}),
    # A third-party verifier sees only what it is shown hazard by hazard.
    Role.VERIFIER: frozenset(),
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
