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
    # A major hazard's legal path (major.py): order a stop, draft the plan, record the
    # assessment and the reports; the principal alone approves the plan.
    HAZARD_MANAGE_MAJOR = "hazards.manage_major"
    HAZARD_APPROVE_MAJOR_PLAN = "hazards.approve_major_plan"


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
        Role.ADMIN: {*_MANAGE, HazardPerm.HAZARD_MANAGE_MAJOR},
        Role.SAFETY_MANAGER: {*_MANAGE, HazardPerm.HAZARD_MANAGE_MAJOR},
        Role.SAFETY_OFFICER: {
            *_OVERSIGHT,
            HazardPerm.HAZARD_DISMISS,
            HazardPerm.HAZARD_MANAGE_MAJOR,
        },
        Role.PRINCIPAL: {
            *_OVERSIGHT,
            HazardPerm.HAZARD_MANAGE_MAJOR,
            HazardPerm.HAZARD_APPROVE_MAJOR_PLAN,
        },
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
