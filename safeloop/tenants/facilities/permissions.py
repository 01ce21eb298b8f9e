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
        Role.PRINCIPAL: _STAFF,
        Role.WORKSHOP_DIRECTOR: {*_STAFF, FacilityPerm.MANAGE_EQUIPMENT},
        Role.TEAM_LEADER: _STAFF,
        Role.MAINTENANCE: _STAFF,
        Role.OPERATOR: {FacilityPerm.VIEW_FACILITIES},
    },
)
