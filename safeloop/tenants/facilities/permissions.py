"""What may be done with areas, equipment, QR points and people, and which roles may."""

from __future__ import annotations

from enum import StrEnum

from safeloop.access import Role, declare


class FacilityPerm(StrEnum):
    VIEW_FACILITIES = "facilities.view"
    MANAGE_AREAS = "facilities.manage_areas"
    MANAGE_EQUIPMENT = "facilities.manage_equipment"
    VIEW_PEOPLE = "people.view"
    MANAGE_PEOPLE = "people.manage"


_ALL = set(FacilityPerm)
_STAFF = {FacilityPerm.VIEW_FACILITIES, FacilityPerm.VIEW_PEOPLE}

declare(
    FacilityPerm,
    {
        Role.ADMIN: _ALL,
        Role.SAFETY_MANAGER: _ALL,
        Role.SAFETY_OFFICER: {*_STAFF, FacilityPerm.MANAGE_EQUIPMENT},
        Role.LEADER_IN_CHARGE: _STAFF,
        Role.WORKSHOP_DIRECTOR: {*_STAFF, FacilityPerm.MANAGE_EQUIPMENT},
        Role.TEAM_LEADER: _STAFF,
        Role.MAINTENANCE: _STAFF,
        Role.OPERATOR: {FacilityPerm.VIEW_FACILITIES},
    },
)


# moved to safeloop.access and each app's permissions.py; kept for w's and h's merge
from safeloop.access import ROLE_CHOICES, ROLE_LABELS, can, ensure_can, roles_of  # noqa: E402, F401


def __getattr__(name: str):  # the old all-apps ``Perm``; kept for w's and h's merge
    if name != "Perm":
        raise AttributeError(name)
    from safeloop.tenants.accounts.permissions import AccountPerm
    from safeloop.tenants.hazards.permissions import HazardPerm
    from safeloop.tenants.inspections.permissions import InspectionPerm
    from safeloop.tenants.risks.permissions import RiskPerm

    apps_perms = (FacilityPerm, AccountPerm, HazardPerm, InspectionPerm, RiskPerm)
    return StrEnum("Perm", [(p.name, p.value) for perms in apps_perms for p in perms])
