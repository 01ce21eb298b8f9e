"""What may be done with inspections, and which roles may."""

from __future__ import annotations

from enum import StrEnum

from safeloop.access import Role, declare


class InspectionPerm(StrEnum):
    INSPECTIONS_DO = "inspections.do"
    INSPECTIONS_MANAGE = "inspections.manage"
    INSPECTIONS_VIEW_ALL = "inspections.view_all"
    INSPECTIONS_VIEW_WORKSHOP = "inspections.view_workshop"


# Everyone on the floor inspects; team leaders and up manage checklists,
# plans and routes; oversight roles see every task and record.
_INSPECT = {InspectionPerm.INSPECTIONS_DO}
_OVERSIGHT = {InspectionPerm.INSPECTIONS_DO, InspectionPerm.INSPECTIONS_VIEW_ALL}
_MANAGE = {*_OVERSIGHT, InspectionPerm.INSPECTIONS_MANAGE}

declare(
    InspectionPerm,
    {
        Role.ADMIN: _MANAGE,
        Role.SAFETY_MANAGER: _MANAGE,
        Role.SAFETY_OFFICER: _MANAGE,
        Role.LEADER_IN_CHARGE: _OVERSIGHT,
        Role.PRINCIPAL: _OVERSIGHT,
        Role.WORKSHOP_DIRECTOR: _MANAGE,
        Role.TEAM_LEADER: {
            *_INSPECT,
            InspectionPerm.INSPECTIONS_MANAGE,
            InspectionPerm.INSPECTIONS_VIEW_WORKSHOP,
        },
        Role.MAINTENANCE: _INSPECT,
        Role.OPERATOR: _INSPECT,
    },
)
