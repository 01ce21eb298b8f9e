"""What may be done with the risk register, and which roles may."""

from __future__ import annotations

from enum import StrEnum

from safeloop.access import Role, declare


class RiskPerm(StrEnum):
    RISKS_VIEW = "risks.view"
    RISKS_MANAGE = "risks.manage"


# Everyone may read the register (the notification card is on the wall
# anyway); the safety department and workshop directors identify, assess and
# set control measures.
_VIEW = {RiskPerm.RISKS_VIEW}
_MANAGE = {RiskPerm.RISKS_VIEW, RiskPerm.RISKS_MANAGE}

declare(
    RiskPerm,
    {
        Role.ADMIN: _MANAGE,
        Role.SAFETY_MANAGER: _MANAGE,
        Role.SAFETY_OFFICER: _MANAGE,
        Role.LEADER_IN_CHARGE: _VIEW,
        Role.PRINCIPAL: _VIEW,
        Role.WORKSHOP_DIRECTOR: _MANAGE,
        Role.TEAM_LEADER: _VIEW,
        Role.MAINTENANCE: _VIEW,
        Role.OPERATOR: _VIEW,
    },
)
