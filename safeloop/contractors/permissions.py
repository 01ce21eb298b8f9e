"""What may be done with contractors (相关方 / 承包商), and which roles may.

Seeing the companies, their crews and workers (ID numbers masked) is for the
people who run the site's safety and those whose workshops the crews work in;
registering, editing and reading a worker's full ID number (personal
information under PIPL) is the safety management's alone.
"""

from __future__ import annotations

from enum import StrEnum

from safeloop.access import Role, declare


class ContractorPerm(StrEnum):
    # Read companies, qualifications, projects, crews, workers (ID numbers masked).
    CONTRACTOR_VIEW = "contractors.view"
    # Add and edit companies and workers, blacklist, read a worker's full ID number.
    CONTRACTOR_MANAGE = "contractors.manage"
    # Check site passes at the gate, log entries and exits, read who is on site now.
    GATE_CHECK = "contractors.gate_check"
    # A crew lead: their own company's crews, workers and passes, their crew's hazards.
    CREW_PORTAL = "contractors.crew_portal"


_BOTH = {
    ContractorPerm.CONTRACTOR_VIEW,
    ContractorPerm.CONTRACTOR_MANAGE,
    ContractorPerm.GATE_CHECK,
}
_VIEW = {ContractorPerm.CONTRACTOR_VIEW, ContractorPerm.GATE_CHECK}

declare(
    ContractorPerm,
    {
        Role.ADMIN: _BOTH,
        Role.SAFETY_MANAGER: _BOTH,
        Role.SAFETY_OFFICER: _VIEW,
        Role.LEADER_IN_CHARGE: _VIEW,
        Role.PRINCIPAL: _VIEW,
        Role.WORKSHOP_DIRECTOR: {ContractorPerm.CONTRACTOR_VIEW},
        Role.GATE_GUARD: {ContractorPerm.GATE_CHECK},
        Role.CREW_LEAD: {ContractorPerm.CREW_PORTAL},
    },
)
