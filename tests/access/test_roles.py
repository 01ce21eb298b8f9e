"""What each role may do, read from the permissions every app declares."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from safeloop import access
from safeloop.access import Role

# The table as it stood when the permissions of every app lived in one file;
# moving them next to their apps must not change what anybody may do.
EXPECTED = {
    Role.ADMIN: {
        *("facilities.view", "facilities.manage_areas", "facilities.manage_equipment"),
        *("people.view", "people.manage", "accounts.manage_own_tokens"),
        *("hazards.report", "hazards.view_all", "hazards.reassign", "hazards.dismiss"),
        *("hazards.decide_extension", "hazards.configure", "hazards.export"),
        "hazards.manage_major",
        *("inspections.do", "inspections.manage", "inspections.view_all"),
        *("risks.view", "risks.manage"),
        # Chat robots have their own permission now (alerts no longer asks for
        # hazards.configure), held by exactly the roles that hold hazards.configure.
        "alerts.manage_robots",
    },
    Role.SAFETY_OFFICER: {
        *("facilities.view", "facilities.manage_equipment", "people.view"),
        "accounts.manage_own_tokens",
        *("hazards.report", "hazards.view_all", "hazards.reassign", "hazards.dismiss"),
        *("hazards.decide_extension", "hazards.export", "hazards.manage_major"),
        *("inspections.do", "inspections.manage", "inspections.view_all"),
        *("risks.view", "risks.manage"),
    },
    Role.LEADER_IN_CHARGE: {
        *("facilities.view", "people.view", "accounts.manage_own_tokens"),
        *("hazards.report", "hazards.view_all", "hazards.reassign"),
        *("hazards.decide_extension", "hazards.export"),
        *("inspections.do", "inspections.view_all", "risks.view"),
    },
    Role.WORKSHOP_DIRECTOR: {
        *("facilities.view", "facilities.manage_equipment", "people.view"),
        "accounts.manage_own_tokens",
        *("hazards.report", "hazards.view_all", "hazards.reassign"),
        *("hazards.decide_extension", "hazards.export"),
        *("inspections.do", "inspections.manage", "inspections.view_all"),
        *("risks.view", "risks.manage"),
    },
    Role.TEAM_LEADER: {
        *("facilities.view", "people.view", "accounts.manage_own_tokens"),
        *("hazards.report", "hazards.view_workshop"),
        *("inspections.do", "inspections.manage", "inspections.view_workshop"),
        "risks.view",
    },
    Role.MAINTENANCE: {
        *("facilities.view", "people.view", "accounts.manage_own_tokens"),
        *("hazards.report", "inspections.do", "risks.view"),
    },
    Role.OPERATOR: {"facilities.view", "hazards.report", "inspections.do", "risks.view"},
    Role.VERIFIER: set(),
    # The gate guard checks passes; outsiders hold only what their portal gives them.
    Role.GATE_GUARD: set(),
    # A crew lead's and a supplier's API tokens see only their own company. A crew lead
    # reports hazards from QR points like an employee (and sees only their own).
    Role.CREW_LEAD: {"accounts.manage_own_tokens", "hazards.report"},
    Role.CONTRACTOR_WORKER: set(),
    Role.SUPPLIER: {"accounts.manage_own_tokens"},
}
EXPECTED[Role.SAFETY_MANAGER] = EXPECTED[Role.ADMIN]
# The principal (主要负责人) oversees like the leader in charge, and alone approves a
# major hazard's remediation plan (issue 15).
EXPECTED[Role.PRINCIPAL] = EXPECTED[Role.LEADER_IN_CHARGE] | {
    "hazards.manage_major",
    "hazards.approve_major_plan",
}
# Sharing the figures with a group HQ or a district authority is the enterprise's
# consent: its admin's or its principal's (issue 16), not the safety manager's.
EXPECTED[Role.ADMIN] = EXPECTED[Role.ADMIN] | {"reports.share"}
EXPECTED[Role.PRINCIPAL] = EXPECTED[Role.PRINCIPAL] | {"reports.share"}

# Learning came after the move: everyone on the roll takes courses; managers keep
# them; officers and the leader in charge read every archive, workshops their own.
_LEARNING = {
    Role.ADMIN: {"learning.take", "learning.manage", "learning.view_all"},
    Role.SAFETY_MANAGER: {"learning.take", "learning.manage", "learning.view_all"},
    Role.SAFETY_OFFICER: {"learning.take", "learning.view_all"},
    Role.LEADER_IN_CHARGE: {"learning.take", "learning.view_all"},
    Role.PRINCIPAL: {"learning.take", "learning.view_all"},
    Role.WORKSHOP_DIRECTOR: {"learning.take", "learning.view_workshop"},
    Role.TEAM_LEADER: {"learning.take", "learning.view_workshop"},
    Role.MAINTENANCE: {"learning.take"},
    Role.OPERATOR: {"learning.take"},
    Role.VERIFIER: set(),
    Role.GATE_GUARD: set(),
    # A contractor's people take their induction courses and exams.
    Role.CREW_LEAD: {"learning.take"},
    Role.CONTRACTOR_WORKER: {"learning.take"},
    Role.SUPPLIER: set(),
}
# Contractors: managers keep the companies and workers and may read full ID numbers;
# the officer, the leader in charge and workshop directors (whose areas the crews
# work in) look, with ID numbers masked; nobody else sees contractors.
# Gate checks: the guards, and the people who run the site's safety.
_CONTRACTORS = {
    Role.ADMIN: {"contractors.view", "contractors.manage", "contractors.gate_check"},
    Role.SAFETY_MANAGER: {"contractors.view", "contractors.manage", "contractors.gate_check"},
    Role.SAFETY_OFFICER: {"contractors.view", "contractors.gate_check"},
    Role.LEADER_IN_CHARGE: {"contractors.view", "contractors.gate_check"},
    Role.PRINCIPAL: {"contractors.view", "contractors.gate_check"},
    Role.WORKSHOP_DIRECTOR: {"contractors.view"},
    Role.TEAM_LEADER: set(),
    Role.MAINTENANCE: set(),
    Role.OPERATOR: set(),
    Role.VERIFIER: set(),
    Role.GATE_GUARD: {"contractors.gate_check"},
    Role.CREW_LEAD: {"contractors.crew_portal"},
    Role.CONTRACTOR_WORKER: set(),
    Role.SUPPLIER: set(),
}
# Sensors and alarms (issue 17): whoever answers an alarm sees the board; the people
# who run the site acknowledge; the safety department registers devices.
_ANSWER = {"iot.view", "iot.acknowledge"}
_IOT = {
    Role.ADMIN: {"iot.view", "iot.acknowledge", "iot.manage_devices"},
    Role.SAFETY_MANAGER: {"iot.view", "iot.acknowledge", "iot.manage_devices"},
    Role.SAFETY_OFFICER: _ANSWER,
    Role.LEADER_IN_CHARGE: _ANSWER,
    Role.PRINCIPAL: _ANSWER,
    Role.WORKSHOP_DIRECTOR: _ANSWER,
    Role.TEAM_LEADER: _ANSWER,
    Role.MAINTENANCE: {"iot.view"},
    Role.OPERATOR: {"iot.view"},
}
EXPECTED = {
    role: EXPECTED[role] | _LEARNING[role] | _CONTRACTORS[role] | _IOT.get(role, set())
    for role in Role
}
# Billing (issue 18): subscribing and the invoicing data are the enterprise admin's alone.
EXPECTED[Role.ADMIN] = EXPECTED[Role.ADMIN] | {"billing.manage"}
# Taking all the data out in one ZIP (issue 18): the enterprise admin's alone.
EXPECTED[Role.ADMIN] = EXPECTED[Role.ADMIN] | {"reports.export_all"}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_holds_what_it_held_before_the_apps_declared_their_own(role):
    assert {str(p) for p in access.role_permissions(role)} == EXPECTED[role]


def test_every_permission_is_declared_by_the_app_it_is_named_after():
    for perm in access.declared_permissions():
        app = perm.value.split(".")[0]
        app = {"people": "facilities", "iot": "iot_bridge", "billing": "platform.billing"}.get(
            app, app
        )
        assert type(perm).__module__ in (
            f"safeloop.tenants.{app}.permissions",
            f"safeloop.{app}.permissions",
        ), perm


def test_an_app_cannot_declare_a_permission_another_app_declared():
    from enum import StrEnum

    class Copy(StrEnum):
        REPORT = "hazards.report"

    with pytest.raises(ValueError, match="declared twice"):
        access.declare(Copy, {Role.OPERATOR: {Copy.REPORT}})
    assert type(access.permission("hazards.report")).__name__ == "HazardPerm"
    assert all(type(p) is not Copy for p in access.role_permissions(Role.OPERATOR))


def test_a_template_asking_for_a_permission_no_app_declares_fails_loudly():
    template = Template('{% load safeloop_shell %}{% if user|can:"hazards.reprot" %}x{% endif %}')
    with pytest.raises(ValueError, match="hazards.reprot"):
        template.render(Context({"user": None}))
