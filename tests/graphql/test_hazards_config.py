"""The enterprise's hazard rules through the API: grades, routing rules, anonymity.

Wang (admin) tightens the serious grade and sends electrical hazards in W1 to
Ma instead of the electrician the template picks; failures come back in the
payload as ``errors { field code message }``. Zhang (operator) and Li (team
leader) get permission_denied and no rules; Chen (Globex) sees only Globex's.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from safeloop.graphql.nodes import global_id
from safeloop.tenants.facilities.models import Area, EquipmentType, JobRole, Person
from safeloop.tenants.hazards import services
from safeloop.tenants.hazards.models import (
    GradePolicy,
    HazardCategory,
    HazardSettings,
    LibraryEntry,
    RoutingRule,
)
from tests.graphql.conftest import run
from tests.graphql.test_query_counts import PER_REQUEST

pytestmark = pytest.mark.django_db

ERRORS = "errors { field code message }"
UPDATE_GRADE = f"""
mutation ($input: UpdateGradePolicyInput!) {{
  updateGradePolicy(input: $input) {{
    gradePolicy {{ grade deadlineHours reminderBeforeHours acceptanceLevels notifyRoles }}
    {ERRORS}
  }}
}}
"""
RULE_FIELDS = """
id priority isActive isCatchAll
category { code } area { code } equipmentType { code }
assignee { employeeNo name } assigneeJobRole { code }
"""
CREATE_RULE = f"""
mutation ($input: CreateRoutingRuleInput!) {{
  createRoutingRule(input: $input) {{ routingRule {{ {RULE_FIELDS} }} {ERRORS} }}
}}
"""
UPDATE_RULE = f"""
mutation ($input: UpdateRoutingRuleInput!) {{
  updateRoutingRule(input: $input) {{ routingRule {{ {RULE_FIELDS} }} {ERRORS} }}
}}
"""
SET_ANONYMOUS = f"""
mutation ($input: SetAnonymousReportingInput!) {{
  setAnonymousReporting(input: $input) {{ settings {{ anonymousReporting }} {ERRORS} }}
}}
"""
RULES = f"query {{ routingRules {{ {RULE_FIELDS} }} }}"
SETTINGS = "query { hazardSettings { anonymousReporting } }"
THREE_LEVELS = ["TEAM_LEADER", "SAFETY_OFFICER", "LEADER_IN_CHARGE"]


def _report_electrical(by):
    return services.report_hazard(
        by=by,
        area=Area.objects.get(code="W1-A1"),
        library_entry=LibraryEntry.objects.filter(category__code="electrical").first(),
    )


def _ma_rule_input() -> dict:
    return {
        "category": global_id("HazardCategory", HazardCategory.objects.get(code="electrical")),
        "area": global_id("Area", Area.objects.get(code="W1")),
        "assignee": global_id("Person", Person.objects.get(employee_no="M3001")),
    }


def _codes(payload: dict) -> set[tuple[str | None, str]]:
    return {(e["field"], e["code"]) for e in payload["errors"]}


def test_admin_tightens_the_serious_grade_and_new_hazards_follow(as_wang, zhang):
    data = run(
        as_wang,
        UPDATE_GRADE,
        {"input": {"grade": "SERIOUS", "deadlineHours": 24, "acceptanceLevels": THREE_LEVELS}},
    )

    payload = data["updateGradePolicy"]
    assert payload["errors"] == []
    assert payload["gradePolicy"]["deadlineHours"] == 24
    assert payload["gradePolicy"]["acceptanceLevels"] == THREE_LEVELS
    assert payload["gradePolicy"]["reminderBeforeHours"] == 12  # left alone
    hazard = services.report_hazard(
        by=zhang, area=Area.objects.get(code="W1-A1"), description="Sparks", grade="serious"
    )
    assert hazard.acceptance_levels == ["team_leader", "safety_officer", "leader_in_charge"]
    assert (hazard.deadline - hazard.reported_at).total_seconds() == 24 * 3600


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"reminderBeforeHours": 48}, ("reminderBeforeHours", "reminder_not_before_deadline")),
        ({"acceptanceLevels": []}, ("acceptanceLevels", "required")),
        (
            {"acceptanceLevels": ["TEAM_LEADER", "TEAM_LEADER"]},
            ("acceptanceLevels", "duplicate_level"),
        ),
        ({"secondEscalationAfterHours": 1}, ("secondEscalationAfterHours", "escalation_order")),
        ({"deadlineHours": -5}, ("deadlineHours", "out_of_range")),
    ],
)
def test_bad_grade_policy_comes_back_in_the_payload(as_wang, changes, error):
    data = run(as_wang, UPDATE_GRADE, {"input": {"grade": "SERIOUS", **changes}})

    payload = data["updateGradePolicy"]
    assert payload["gradePolicy"] is None
    assert error in _codes(payload)
    assert GradePolicy.objects.get(grade="serious").deadline_hours == 48


def test_admin_routes_electrical_hazards_in_w1_to_ma(as_wang, zhang, ma):
    data = run(as_wang, CREATE_RULE, {"input": _ma_rule_input()})

    rule = data["createRoutingRule"]["routingRule"]
    assert data["createRoutingRule"]["errors"] == []
    assert rule["assignee"] == {"employeeNo": "M3001", "name": "Ma Jun"}
    assert (rule["category"]["code"], rule["area"]["code"], rule["isCatchAll"]) == (
        "electrical",
        "W1",
        False,
    )
    assert run(as_wang, RULES)["routingRules"][0]["id"] == rule["id"]  # tried first
    assert _report_electrical(zhang).assignee.user == ma


def test_switched_off_rule_is_skipped(as_wang, zhang, qian):
    rule_id = run(as_wang, CREATE_RULE, {"input": _ma_rule_input()})["createRoutingRule"][
        "routingRule"
    ]["id"]

    data = run(as_wang, UPDATE_RULE, {"input": {"id": rule_id, "isActive": False}})

    assert data["updateRoutingRule"]["routingRule"]["isActive"] is False
    assert run(as_wang, RULES)["routingRules"][-1]["id"] == rule_id  # switched-off ones last
    assert _report_electrical(zhang).assignee.user == qian


def test_rule_naming_both_a_person_and_a_job_role_is_refused(as_wang):
    rule = {
        **_ma_rule_input(),
        "assigneeJobRole": global_id("JobRole", JobRole.objects.get(code="electrician")),
    }
    before = RoutingRule.objects.count()

    data = run(as_wang, CREATE_RULE, {"input": rule})

    assert ("assignee", "one_assignee") in _codes(data["createRoutingRule"])
    assert RoutingRule.objects.count() == before


def test_rule_without_conditions_needs_catch_all(as_wang):
    role = global_id("JobRole", JobRole.objects.get(code="safety_officer"))

    refused = run(as_wang, CREATE_RULE, {"input": {"assigneeJobRole": role}})
    created = run(as_wang, CREATE_RULE, {"input": {"assigneeJobRole": role, "catchAll": True}})

    assert _codes(refused["createRoutingRule"]) == {("catchAll", "no_condition")}
    assert created["createRoutingRule"]["routingRule"]["isCatchAll"] is True


def test_admin_allows_anonymous_reporting(as_wang):
    assert run(as_wang, SETTINGS)["hazardSettings"]["anonymousReporting"] is False

    data = run(as_wang, SET_ANONYMOUS, {"input": {"enabled": True}})

    assert data["setAnonymousReporting"] == {"settings": {"anonymousReporting": True}, "errors": []}
    assert HazardSettings.current().anonymous_reporting


@pytest.mark.parametrize("client_name", ["as_zhang", "as_li"])
def test_operator_and_team_leader_are_denied(request, client_name):
    client = request.getfixturevalue(client_name)
    rule = RoutingRule.objects.first()
    denied = {(None, "permission_denied")}

    grade = run(client, UPDATE_GRADE, {"input": {"grade": "SERIOUS", "deadlineHours": 1}})
    electrical_to_electricians = {
        "category": global_id("HazardCategory", HazardCategory.objects.get(code="electrical")),
        "assigneeJobRole": global_id("JobRole", JobRole.objects.get(code="electrician")),
    }
    create = run(client, CREATE_RULE, {"input": electrical_to_electricians})
    update = run(
        client, UPDATE_RULE, {"input": {"id": global_id("RoutingRule", rule), "isActive": False}}
    )
    anonymous = run(client, SET_ANONYMOUS, {"input": {"enabled": True}})

    assert _codes(grade["updateGradePolicy"]) == denied
    assert _codes(create["createRoutingRule"]) == denied
    assert _codes(update["updateRoutingRule"]) == denied
    assert _codes(anonymous["setAnonymousReporting"]) == denied
    assert run(client, RULES)["routingRules"] == []
    rule.refresh_from_db()
    assert rule.is_active and GradePolicy.objects.get(grade="serious").deadline_hours == 48
    assert not HazardSettings.current().anonymous_reporting


def test_globex_admin_sees_only_globex_rules_and_cannot_touch_acme_ones(as_chen, globex, acme):
    with tenant_context(acme):
        acme_rule = global_id("RoutingRule", RoutingRule.objects.first())
    with tenant_context(globex):
        globex_rules = {global_id("RoutingRule", r) for r in RoutingRule.objects.all()}

    listed = {rule["id"] for rule in run(as_chen, RULES)["routingRules"]}
    update = run(as_chen, UPDATE_RULE, {"input": {"id": acme_rule, "isActive": False}})

    assert listed == globex_rules
    assert _codes(update["updateRoutingRule"]) == {("id", "not_found")}
    with tenant_context(acme):
        assert RoutingRule.objects.filter(is_active=False).count() == 0


@pytest.mark.parametrize("rows", [1, 20])
def test_routing_rules_take_a_fixed_number_of_queries(as_wang, rows):
    # rules, then one query per relation: category, area, equipment type, person, job role
    ma = Person.objects.get(employee_no="M3001")
    RoutingRule.objects.bulk_create(
        RoutingRule(
            priority=n,
            area=Area.objects.get(code="W1"),
            equipment_type=EquipmentType.objects.get(code="PRESS"),
            assignee=ma,
        )
        for n in range(rows)
    )

    with CaptureQueriesContext(connection) as captured:
        rules = run(as_wang, RULES)["routingRules"]

    assert len(rules) == RoutingRule.objects.count()
    queries = [q for q in captured.captured_queries if not q["sql"].startswith("SET ")]
    assert len(queries) == PER_REQUEST + 6
