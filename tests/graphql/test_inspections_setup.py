"""Setting inspections up through the API: checklists (versioned), plans, patrols.

Wang Wei (admin) writes Acme's own forklift checklist and a plan for W1's team
leaders; Zhang San (operator) may inspect but not change checklists or plans.
"""

from __future__ import annotations

from datetime import time

import pytest
from django.utils import timezone

from safeloop.tenants.facilities.models import Area, Shift
from safeloop.tenants.inspections.models import Checklist, InspectionPlan, Point
from safeloop.tenants.inspections.services import create_route, start_inspection
from tests.graphql.conftest import run
from tests.graphql.test_hazards_mutations import codes, gid
from tests.inspections.conftest import on_one_shift  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

ERRORS = "errors { field code message }"
CREATE = f"""
mutation ($input: CreateChecklistInput!) {{
  createChecklist(input: $input) {{
    checklist {{ code name kind isActive currentVersion {{ number items {{ order kind label
      numberMin numberMax unit choices failingChoices required }} }} }}
    version {{ number }}
    {ERRORS}
  }}
}}
"""
REVISE = f"""
mutation ($input: ReviseChecklistInput!) {{
  reviseChecklist(input: $input) {{
    version {{ number items {{ label }} }}
    checklist {{ versions {{ number }} currentVersion {{ number }} }}
    {ERRORS}
  }}
}}
"""
UPDATE = f"""
mutation ($input: UpdateChecklistInput!) {{
  updateChecklist(input: $input) {{ checklist {{ name isActive }} {ERRORS} }}
}}
"""
CREATE_PLAN = f"""
mutation ($input: CreatePlanInput!) {{
  createPlan(input: $input) {{
    plan {{ name cadence rrule startTime windowMinutes role area {{ code }}
            checklists {{ code }} pointSelection }}
    {ERRORS}
  }}
}}
"""
START_PATROL = f"""
mutation ($input: StartPatrolInput!) {{
  startPatrol(input: $input) {{
    task {{ isPatrol state route {{ name }} nextPoint {{ order point {{ code }} }} }}
    {ERRORS}
  }}
}}
"""

FORKLIFT_ITEMS = [
    {"kind": "PASS_FAIL", "label": "刹车有效", "labelEn": "Brakes work"},
    {
        "kind": "NUMBER",
        "label": "胎压",
        "labelEn": "Tyre pressure",
        "numberMin": "6.5",
        "numberMax": "8",
        "unit": "bar",
    },
    {
        "kind": "CHOICE",
        "label": "货叉状态",
        "choices": ["完好", "磨损", "裂纹"],
        "failingChoices": ["裂纹"],
    },
]


def create_forklift_checklist(client) -> dict:
    return run(
        client,
        CREATE,
        {"input": {"code": "FORKLIFT-D", "name": "叉车日检", "items": FORKLIFT_ITEMS}},
    )["createChecklist"]


def test_a_manager_writes_a_checklist(as_wang):
    payload = create_forklift_checklist(as_wang)

    checklist = payload["checklist"]
    assert payload["errors"] == []
    assert checklist["kind"] == "OWN" and checklist["isActive"] is True
    assert payload["version"] == {"number": 1}
    assert [i["kind"] for i in checklist["currentVersion"]["items"]] == [
        "PASS_FAIL",
        "NUMBER",
        "CHOICE",
    ]
    tyres = checklist["currentVersion"]["items"][1]
    assert (tyres["numberMin"], tyres["numberMax"], tyres["unit"]) == ("6.500", "8.000", "bar")
    assert checklist["currentVersion"]["items"][2]["failingChoices"] == ["裂纹"]


def test_revising_a_used_checklist_publishes_the_next_version(as_wang, wang):
    create_forklift_checklist(as_wang)
    checklist = Checklist.objects.get(code="FORKLIFT-D")
    start_inspection(
        Point.objects.for_target(Area.objects.get(code="W1-A1")), by=wang, checklist=checklist
    )
    items = [*FORKLIFT_ITEMS, {"kind": "TEXT", "label": "备注", "required": False}]

    payload = run(as_wang, REVISE, {"input": {"id": gid(checklist), "items": items}})[
        "reviseChecklist"
    ]

    assert payload["errors"] == []
    assert payload["version"]["number"] == 2 and len(payload["version"]["items"]) == 4
    assert payload["checklist"]["versions"] == [{"number": 1}, {"number": 2}]
    assert payload["checklist"]["currentVersion"] == {"number": 2}


def test_an_operator_cannot_write_or_change_checklists(as_zhang):
    daily = Checklist.objects.get(code="DAILY-AREA")

    created = create_forklift_checklist(as_zhang)
    revised = run(as_zhang, REVISE, {"input": {"id": gid(daily), "items": FORKLIFT_ITEMS}})
    switched = run(as_zhang, UPDATE, {"input": {"id": gid(daily), "isActive": False}})

    assert codes(created) == [(None, "permission_denied")]
    assert codes(revised["reviseChecklist"]) == [(None, "permission_denied")]
    assert codes(switched["updateChecklist"]) == [(None, "permission_denied")]
    assert not Checklist.objects.filter(code="FORKLIFT-D").exists()
    assert Checklist.objects.get(code="DAILY-AREA").is_active


def test_bad_items_and_a_taken_code_are_refused(as_wang):
    backwards = [{"kind": "NUMBER", "label": "胎压", "numberMin": "9", "numberMax": "1"}]

    bad = run(as_wang, CREATE, {"input": {"code": "TYRES", "name": "胎压", "items": backwards}})
    taken = run(
        as_wang,
        CREATE,
        {"input": {"code": "DAILY-AREA", "name": "又一个", "items": FORKLIFT_ITEMS}},
    )
    empty = run(as_wang, CREATE, {"input": {"code": "EMPTY", "name": "空", "items": []}})

    assert codes(bad["createChecklist"]) == [("items", "invalid")]
    assert codes(taken["createChecklist"]) == [("code", "duplicate")]
    assert codes(empty["createChecklist"]) == [("items", "required")]


def test_a_manager_switches_a_checklist_off(as_wang):
    daily = Checklist.objects.get(code="DAILY-AREA")

    payload = run(as_wang, UPDATE, {"input": {"id": gid(daily), "isActive": False}})

    assert payload["updateChecklist"] == {
        "checklist": {"name": daily.name, "isActive": False},
        "errors": [],
    }


def test_a_manager_plans_daily_inspections_for_w1s_team_leaders(as_wang):
    w1 = Area.objects.get(code="W1")
    daily = Checklist.objects.get(code="DAILY-AREA")

    payload = run(
        as_wang,
        CREATE_PLAN,
        {
            "input": {
                "name": "W1 班前检查",
                "cadence": "DAILY_PRE_SHIFT",
                "role": "TEAM_LEADER",
                "area": gid(w1),
                "checklists": [gid(daily)],
            }
        },
    )["createPlan"]

    assert payload["errors"] == []
    assert payload["plan"] == {
        "name": "W1 班前检查",
        "cadence": "DAILY_PRE_SHIFT",
        "rrule": "FREQ=DAILY",
        "startTime": "07:30:00",
        "windowMinutes": 60,
        "role": "TEAM_LEADER",
        "area": {"code": "W1"},
        "checklists": [{"code": "DAILY-AREA"}],
        "pointSelection": "SUBTREE",
    }


def test_plans_need_someone_and_a_readable_rule_and_a_manager(as_wang, acme_client, zhang):
    nobody = run(as_wang, CREATE_PLAN, {"input": {"name": "无人", "cadence": "WEEKLY_SPECIAL"}})
    unreadable = run(
        as_wang,
        CREATE_PLAN,
        {
            "input": {
                "name": "乱",
                "cadence": "CUSTOM",
                "rrule": "EVERY TUESDAY",
                "startTime": "09:00",
                "windowMinutes": 60,
                "role": "OPERATOR",
            }
        },
    )
    acme_client.force_login(zhang)
    by_operator = run(
        acme_client, CREATE_PLAN, {"input": {"name": "我的", "cadence": "DAILY_PRE_SHIFT"}}
    )

    assert codes(nobody["createPlan"]) == [("assignees", "required")]
    assert codes(unreadable["createPlan"]) == [("rrule", "bad_rrule")]
    assert codes(by_operator["createPlan"]) == [(None, "permission_denied")]
    assert not InspectionPlan.objects.filter(name__in=["无人", "乱", "我的"]).exists()


@pytest.mark.usefixtures("on_one_shift")
def test_a_patrol_starts_at_the_first_stop_of_the_route(as_zhang, wang):
    hour = timezone.localtime().hour
    shift = Shift.NIGHT if hour < 8 else Shift.DAY if hour < 16 else Shift.MIDDLE
    stops = [Area.objects.get(code=code) for code in ("W1-A3", "W1-A1")]
    route = create_route(
        by=wang,
        name="冲压夜巡",
        shift=shift,
        points=Point.objects.for_targets(areas=stops[:1])
        + Point.objects.for_targets(areas=stops[1:]),
    )

    payload = run(as_zhang, START_PATROL, {"input": {"route": gid(route)}})["startPatrol"]

    assert payload["errors"] == []
    assert payload["task"] == {
        "isPatrol": True,
        "state": "OPEN",
        "route": {"name": "冲压夜巡"},
        "nextPoint": {"order": 1, "point": {"code": "W1-A3"}},
    }


def test_plan_start_times_may_be_given(as_wang):
    payload = run(
        as_wang,
        CREATE_PLAN,
        {
            "input": {
                "name": "夜班前",
                "cadence": "DAILY_PRE_SHIFT",
                "role": "TEAM_LEADER",
                "startTime": time(19, 30).isoformat(),
                "windowMinutes": 45,
            }
        },
    )["createPlan"]

    assert (payload["plan"]["startTime"], payload["plan"]["windowMinutes"]) == ("19:30:00", 45)
