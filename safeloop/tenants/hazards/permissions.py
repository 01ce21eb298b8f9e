"""What may be done with hazards, and which roles may.

Who signs off each acceptance level is not a permission: it is the acceptance
rule in :mod:`safeloop.tenants.hazards.acceptance`.
"""

from __future__ import annotations

from enum import StrEnum

from safeloop.access import Role, declare


class HazardPerm(StrEnum):
    HAZARD_REPORT = "hazards.report"
    HAZARD_VIEW_ALL = "hazards.view_all"
    HAZARD_VIEW_WORKSHOP = "hazards.view_workshop"
    HAZARD_REASSIGN = "hazards.reassign"
    HAZARD_DISMISS = "hazards.dismiss"
    HAZARD_DECIDE_EXTENSION = "hazards.decide_extension"
    HAZARD_CONFIGURE = "hazards.configure"
    HAZARD_EXPORT = "hazards.export"


# Oversight roles see every hazard, move it to someone else, decide on
# extensions and export the register.
_OVERSIGHT = {
    HazardPerm.HAZARD_REPORT,
    HazardPerm.HAZARD_VIEW_ALL,
    HazardPerm.HAZARD_REASSIGN,
    HazardPerm.HAZARD_DECIDE_EXTENSION,
    HazardPerm.HAZARD_EXPORT,
}
_MANAGE = {*_OVERSIGHT, HazardPerm.HAZARD_DISMISS, HazardPerm.HAZARD_CONFIGURE}

declare(
    HazardPerm,
    {
        Role.ADMIN: _MANAGE,
        Role.SAFETY_MANAGER: _MANAGE,
        Role.SAFETY_OFFICER: {*_OVERSIGHT, HazardPerm.HAZARD_DISMISS},
        Role.LEADER_IN_CHARGE: _OVERSIGHT,
        Role.WORKSHOP_DIRECTOR: _OVERSIGHT,
        Role.TEAM_LEADER: {HazardPerm.HAZARD_REPORT, HazardPerm.HAZARD_VIEW_WORKSHOP},
        Role.MAINTENANCE: {HazardPerm.HAZARD_REPORT},
        Role.OPERATOR: {HazardPerm.HAZARD_REPORT},
        # A contractor crew's lead reports from QR points like an employee, and sees
        # only the hazards they reported or that are assigned to them.
        Role.CREW_LEAD: {HazardPerm.HAZARD_REPORT},
        # A third-party verifier sees only what it is shown hazard by hazard.
    },
)
