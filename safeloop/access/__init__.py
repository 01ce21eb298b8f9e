"""Roles and permissions — who may do what, for every app.

A person holds one or more :class:`Role` (stored as their string values in
``Person.roles``). Each app declares its own permissions, and which roles hold
them, in its ``permissions.py`` with :func:`declare` (imported by the app's
``AppConfig.ready``). Every service checks a permission with
:func:`ensure_can`, never a role, so changing what a role may do is an edit to
that app's grants alone.

This module is at the bottom of the import graph: it imports no app.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import TypeVar

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    ADMIN = "admin"
    # 主要负责人: leads the remediation of a major hazard and signs it off (安全生产法 Art. 21).
    PRINCIPAL = "principal"
    SAFETY_MANAGER = "safety_manager"
    SAFETY_OFFICER = "safety_officer"
    LEADER_IN_CHARGE = "leader_in_charge"
    WORKSHOP_DIRECTOR = "workshop_director"
    TEAM_LEADER = "team_leader"
    MAINTENANCE = "maintenance"
    OPERATOR = "operator"
    VERIFIER = "verifier"
    # Checks site passes at the gate (门卫): an employee or a security company's guard.
    GATE_GUARD = "gate_guard"
    # Outsiders: people of contractors and suppliers, who sign in on the portal and see
    # only their own company's data (see OUTSIDER_ROLES).
    CREW_LEAD = "crew_lead"
    CONTRACTOR_WORKER = "contractor_worker"
    SUPPLIER = "supplier"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.ADMIN: _("Enterprise admin"),
    Role.PRINCIPAL: _("Principal (legal head of safety)"),
    Role.SAFETY_MANAGER: _("Safety manager"),
    Role.SAFETY_OFFICER: _("Safety officer"),
    Role.LEADER_IN_CHARGE: _("Leader in charge"),
    Role.WORKSHOP_DIRECTOR: _("Workshop director"),
    Role.TEAM_LEADER: _("Team leader"),
    Role.MAINTENANCE: _("Maintenance"),
    Role.OPERATOR: _("Operator"),
    Role.VERIFIER: _("Verifier"),
    Role.GATE_GUARD: _("Gate guard"),
    Role.CREW_LEAD: _("Contractor crew lead"),
    Role.CONTRACTOR_WORKER: _("Contractor worker"),
    Role.SUPPLIER: _("Supplier"),
}
# Roles of people from outside the enterprise: given only by the contractor and supplier
# services, never picked on the people pages or in routing rules.
OUTSIDER_ROLES = frozenset({Role.CREW_LEAD, Role.CONTRACTOR_WORKER, Role.SUPPLIER})
# Every role (what Person.roles may hold).
ALL_ROLE_CHOICES = [(role.value, label) for role, label in ROLE_LABELS.items()]
# The roles an enterprise gives its own people: what the pickers offer.
ROLE_CHOICES = [(v, label) for v, label in ALL_ROLE_CHOICES if v not in OUTSIDER_ROLES]


# Any app's declared permission (a member of the StrEnum it declared), for type hints.
Permission = StrEnum

# Filled by declare(): every declared permission by its value ("hazards.report"),
# in declaration order, and what each role holds.
_PERMISSIONS: dict[str, Permission] = {}
_GRANTS: dict[Role, set[Permission]] = {role: set() for role in Role}


P = TypeVar("P", bound=StrEnum)


def declare(perms: type[P], grants: Mapping[Role, Iterable[P]]) -> type[P]:
    """Declare an app's permissions (a ``StrEnum`` of ``"app.action"`` values)
    and the roles that hold them. Returns ``perms``; declaring twice is a no-op."""
    if any(type(p) is perms for p in _PERMISSIONS.values()):
        return perms
    for perm in perms:
        if perm.value in _PERMISSIONS or any(p.name == perm.name for p in _PERMISSIONS.values()):
            raise ValueError(f"Permission {perm.name} ({perm.value}) is declared twice.")
    for role, held in grants.items():
        held = set(held)
        foreign = [p for p in held if type(p) is not perms]
        if foreign:
            raise ValueError(f"{perms.__name__} grants permissions it does not declare: {foreign}")
        _GRANTS[Role(role)] |= held
    for perm in perms:
        _PERMISSIONS[perm.value] = perm
    return perms


def declared_permissions() -> list[Permission]:
    """Every permission of every app, apps in ``INSTALLED_APPS`` order."""
    order = [config.name for config in apps.get_app_configs()]

    def app_index(perm: Permission) -> int:
        module = type(perm).__module__
        return next(
            (i for i, name in enumerate(order) if module.startswith(name + ".")), len(order)
        )

    return sorted(_PERMISSIONS.values(), key=app_index)  # stable: declaration order within an app


def permission(value: str) -> Permission:
    """The declared permission named ``value`` ("people.manage"); ValueError if none is."""
    try:
        return _PERMISSIONS[value]
    except KeyError:
        raise ValueError(f"No app declares the permission {value!r}.") from None


def role_permissions(role: Role) -> frozenset[Permission]:
    return frozenset(_GRANTS[role])


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


def permissions_of(user) -> frozenset[Permission]:
    perms: set[Permission] = set()
    for role in roles_of(user):
        perms |= _GRANTS[role]
    return frozenset(perms)


def can(user, perm: Permission) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return perm in permissions_of(user)


def ensure_can(user, perm: Permission) -> None:
    if not can(user, perm):
        raise PermissionDenied(_("You do not have permission to do this."))
