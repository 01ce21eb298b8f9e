"""The tiered response (分级响应) of each kind of device, as Acme's safety department sets it.

Tang Li is Acme's safety manager. She sends level 2 gas alarms to the team leaders
only (Li Na) and writes the chlorine detector's level 1 guidance herself; the next
alarms follow. Zhang San, an operator, sees the board but changes no plan; Zhao Min,
the outside verifier, does not even see the plans through the API.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from safeloop.iot_bridge.models import ResponsePlan
from safeloop.iot_bridge.services.alarms import DEFAULT_ROLES, plan_for
from safeloop.iot_bridge.services.response_plans import (
    plans_by_kind,
    reset_response_plan,
    set_response_plan,
)
from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.facilities.services import create_person
from tests.graphql.conftest import run
from tests.graphql.test_query_counts import PER_REQUEST
from tests.iot.test_alarm_loop import notices

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}
PAGE = "/iot/response/"
GUIDANCE = "立即佩戴正压式空气呼吸器，关闭氯气钢瓶角阀。\n撤离下风向人员，向安全部报告。"


@pytest.fixture
def tang(wang):
    """Tang Li, Acme's safety manager."""
    return create_person(
        by=wang,
        email="tang@acme.test",
        full_name="Tang Li",
        employee_no="S5002",
        password="Safe-Loop-2026!",
        roles=["safety_manager"],
    ).user


@pytest.fixture
def as_tang(acme_client, tang):
    acme_client.force_login(tang)
    return acme_client


def _emails(level: int) -> set[str]:
    return {n.recipient.email for n in notices(level) if n.recipient_id}


def _errors(exc: pytest.ExceptionInfo) -> dict[str, str]:
    return {field: errors[0].code for field, errors in exc.value.error_dict.items()}


# --- The service, and the alarms that follow it ----------------------------------------


def test_level_2_gas_alarms_tell_exactly_the_roles_the_safety_manager_chose(tang, feed):
    set_response_plan(by=tang, kind="gas", level=2, roles=["team_leader"], area_people=False)

    feed.send("gd-101", 1.5)  # beyond level 2 (1.0 ppm)

    assert _emails(2) == {"li@acme.test"}
    assert not {"sun@acme.test", "liu@acme.test", "tang@acme.test"} & _emails(2)
    # Level 1, still the standard plan, went to the area's people as before.
    assert "ma@acme.test" in _emails(1)


def test_her_guidance_is_the_body_of_the_level_1_inbox_notice(tang, feed):
    set_response_plan(by=tang, kind="gas", level=1, guidance=GUIDANCE, roles=[], area_people=True)

    feed.send("gd-101", 0.5)  # level 1 only

    level1 = notices(1)
    assert level1 and {n.body for n in level1} == {GUIDANCE}
    assert {n.channel for n in level1} == {"inbox"}
    assert notices(2) == []


def test_a_change_is_audited_with_before_and_after_and_reset_brings_the_standard_back(tang):
    set_response_plan(by=tang, kind="gas", level=3, roles=["principal"], area_people=False)
    set_response_plan(
        by=tang, kind="gas", level=3, roles=["principal", "safety_manager"], area_people=True
    )

    changes = AuditEvent.objects.filter(verb="iot.response_plan_set").order_by("id")
    assert [e.actor_id for e in changes] == [tang.pk, tang.pk]
    assert changes[0].data["before"] is None
    assert changes[1].data["before"]["roles"] == ["principal"]
    assert changes[1].data["after"] == {
        "guidance": "",
        "roles": ["principal", "safety_manager"],
        "area_people": True,
    }
    assert reset_response_plan(by=tang, kind="gas", level=3) is True
    assert plan_for("gas", 3).roles == DEFAULT_ROLES[3]
    assert AuditEvent.objects.filter(verb="iot.response_plan_reset").count() == 1
    assert reset_response_plan(by=tang, kind="gas", level=3) is False


def test_every_kind_lists_three_levels_with_the_defaults_marked(tang):
    set_response_plan(by=tang, kind="pressure", level=2, roles=["maintenance"], area_people=False)

    plans = plans_by_kind()

    assert list(plans) == ["gas", "pressure", "temperature", "other"]
    assert all([row.level for row in rows] == [1, 2, 3] for rows in plans.values())
    pressure2 = plans["pressure"][1]
    assert not pressure2.is_default and pressure2.roles == ["maintenance"]
    assert pressure2.guidance  # no text of its own: the standard one
    gas2 = plans["gas"][1]
    assert gas2.is_default and gas2.roles == DEFAULT_ROLES[2]


def test_the_standard_text_saved_unchanged_stays_the_standard_one(tang):
    standard = plans_by_kind()["gas"][0].guidance

    set_response_plan(by=tang, kind="gas", level=1, guidance=standard, roles=[], area_people=True)

    assert ResponsePlan.objects.get(kind="gas", level=1).guidance == ""


def test_an_operator_cannot_change_a_plan(zhang):
    with pytest.raises(PermissionDenied):
        set_response_plan(by=zhang, kind="gas", level=2, roles=["operator"], area_people=True)
    with pytest.raises(PermissionDenied):
        reset_response_plan(by=zhang, kind="gas", level=2)
    assert not ResponsePlan.objects.exists()


@pytest.mark.parametrize(
    ("given", "refused"),
    [
        ({"roles": ["janitor"]}, {"roles": "invalid"}),
        ({"roles": ["contractor_worker"]}, {"roles": "invalid"}),  # outsiders are never told
        ({"roles": [], "area_people": False}, {"roles": "nobody"}),
        ({"guidance": "漏" * 1001}, {"guidance": "too_long"}),
        ({"level": 4}, {"level": "invalid"}),
        ({"kind": "radiation"}, {"kind": "invalid"}),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(tang, given, refused):
    values = {"kind": "gas", "level": 2, "roles": ["safety_officer"], "area_people": False}

    with pytest.raises(ValidationError) as exc:
        set_response_plan(by=tang, **{**values, **given})

    assert _errors(exc) == refused
    assert not ResponsePlan.objects.exists()


def test_globex_keeps_its_own_plans(tang, chen, globex):
    set_response_plan(by=tang, kind="gas", level=2, roles=["team_leader"], area_people=False)

    with tenant_context(globex):
        assert plans_by_kind()["gas"][1].is_default


# --- The page ---------------------------------------------------------------------------


def test_the_page_shows_each_kind_with_its_three_levels_in_chinese(as_tang):
    response = as_tang.get(PAGE, **ZH)

    html = response.content.decode()
    assert response.status_code == 200
    for text in ("一级响应", "二级响应", "三级响应", "处置指引", "通知角色", "通知区域人员"):
        assert text in html
    for kind in ("gas", "pressure", "temperature", "other"):
        for level in (1, 2, 3):
            assert f'data-testid="plan-{kind}-{level}"' in html
    assert "班组长" in html and "安全经理" in html  # the roles as the app names them
    assert "iot.alarm_level3" in html


def test_saving_a_level_on_the_page_stores_it_and_goes_back_to_it(as_tang):
    form = {
        "kind": "gas",
        "level": "2",
        "gas-2-guidance": "疏散下风向人员。",
        "gas-2-roles": ["team_leader", "safety_officer"],
    }

    response = as_tang.post(PAGE, form, **ZH)

    assert response.status_code == 302 and response["Location"].endswith("#plan-gas-2")
    plan = ResponsePlan.objects.get(kind="gas", level=2)
    assert plan.roles == ["safety_officer", "team_leader"] and not plan.area_people
    assert plan.guidance == "疏散下风向人员。"
    page = as_tang.get(response["Location"], **ZH).content.decode()
    assert "已保存" in page


def test_a_level_telling_nobody_is_shown_again_with_the_error_in_place(as_tang):
    response = as_tang.post(PAGE, {"kind": "gas", "level": "3", "gas-3-guidance": "启动预案"}, **ZH)

    assert response.status_code == 200
    assert "无人会收到通知" in response.content.decode()
    assert response.context["cards"][0][2][2].errors["roles"]
    assert "启动预案" in response.content.decode()  # what she typed is kept
    assert not ResponsePlan.objects.exists()


def test_the_board_links_to_the_page_only_for_people_who_manage_devices(
    as_tang, acme_client, zhang
):
    assert 'data-testid="response-link"' in as_tang.get("/iot/").content.decode()
    acme_client.force_login(zhang)
    assert 'data-testid="response-link"' not in acme_client.get("/iot/").content.decode()
    assert acme_client.get(PAGE).status_code == 403


# --- The API ----------------------------------------------------------------------------

PLANS = "query { iotResponsePlans { kind level guidance roles areaPeople isDefault } }"
SET_PLAN = """
mutation ($input: SetIotResponsePlanInput!) {
  setIotResponsePlan(input: $input) {
    plan { kind level guidance roles areaPeople isDefault }
    errors { field code message }
  }
}
"""


def test_the_api_sets_a_level_and_lists_every_level(as_tang):
    given = {"kind": "GAS", "level": 2, "roles": ["TEAM_LEADER"], "areaPeople": False}

    result = run(as_tang, SET_PLAN, {"input": given})["setIotResponsePlan"]
    plans = run(as_tang, PLANS)["iotResponsePlans"]

    assert result["errors"] == []
    assert result["plan"]["roles"] == ["TEAM_LEADER"] and not result["plan"]["isDefault"]
    assert len(plans) == 12
    gas2 = next(p for p in plans if p["kind"] == "GAS" and p["level"] == 2)
    assert gas2 == result["plan"]
    assert sum(not p["isDefault"] for p in plans) == 1


def test_the_api_refuses_a_level_telling_nobody(as_tang):
    given = {"kind": "GAS", "level": 2, "roles": [], "areaPeople": False}

    errors = run(as_tang, SET_PLAN, {"input": given})["setIotResponsePlan"]["errors"]

    assert [(e["field"], e["code"]) for e in errors] == [("roles", "nobody")]


def test_the_plans_are_empty_for_someone_without_the_sensor_pages(acme_client, zhao):
    acme_client.force_login(zhao)
    assert run(acme_client, PLANS)["iotResponsePlans"] == []


@pytest.mark.parametrize("stored", [0, 12])
def test_the_plans_take_one_query(as_tang, tang, stored):
    for kind in ("gas", "pressure", "temperature", "other")[: stored // 3]:
        for level in (1, 2, 3):
            set_response_plan(by=tang, kind=kind, level=level, roles=["admin"], area_people=True)

    with CaptureQueriesContext(connection) as captured:
        plans = run(as_tang, PLANS)["iotResponsePlans"]

    assert sum(not p["isDefault"] for p in plans) == stored
    queries = [q for q in captured.captured_queries if not q["sql"].startswith("SET ")]
    assert len(queries) == PER_REQUEST + 1
