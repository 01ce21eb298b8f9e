"""Inspections through the API, reading: points and QR scans, checklists, tasks
("my inspections today"), inspection history and completion rates.

Acme is a metal works: areas get the DAILY-AREA checklist, presses EQUIP-PRESS. Li Na
leads W1's team, Zhang San operates there; Wang Wei is the admin and sees
everything; Zhao Min, a third-party verifier, sees nothing of inspections.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from safeloop.tenants.facilities.models import Area, EquipmentType, Person
from safeloop.tenants.facilities.services import create_equipment
from safeloop.tenants.inspections.models import InspectionPlan, Point, TaskState
from tests.graphql.conftest import run
from tests.graphql.test_hazards_mutations import gid
from tests.graphql.test_inspections_query_counts import make_inspections, make_tasks

pytestmark = pytest.mark.django_db

POINTS = """
query ($filters: PointFilter) {
  points(filters: $filters) {
    totalCount
    edges { node { id code name displayName kind area { code } equipment { code }
                   checklist { code } } }
  }
}
"""
POINT = "query ($id: ID!) { point(id: $id) { code kind } }"
SCAN = """
query ($token: String!) {
  pointByToken(token: $token) {
    point { id code displayName kind }
    checklist { code currentVersion { number items { order kind displayLabel required
                                                     numberMin numberMax unit choices } } }
    taskPoint { id state task { id } }
  }
}
"""
CHECKLISTS = """
query { checklists { code kind isActive displayName currentVersion { number items { kind } } } }
"""
MY_TASKS = """
query ($date: Date) {
  myTasks(date: $date) {
    id state windowStart assignee { employeeNo }
    points { order state point { code } }
    nextPoint { order point { code } }
  }
}
"""
TASKS = """
query ($filters: InspectionTaskFilter) {
  tasks(filters: $filters) { totalCount edges { node { id state windowStart } } }
}
"""
INSPECTIONS = """
query ($filters: InspectionFilter) {
  inspections(filters: $filters) { totalCount edges { node { id result submittedAt } } }
}
"""
STATS = """
query ($from: Date!, $to: Date!, $by: CompletionGrouping!) {
  completionStats(dateFrom: $from, dateTo: $to, groupBy: $by) {
    key label total done missed open due rate
  }
}
"""


@pytest.fixture
def press(wang):
    return create_equipment(
        by=wang,
        code="PR-G01",
        name="Press 1",
        area=Area.objects.get(code="W1-A1"),
        equipment_type=EquipmentType.objects.get(code="PRESS"),
    )


@pytest.fixture
def globex_area(globex):
    with tenant_context(globex):
        return Area.objects.filter(kind="area").order_by("code").first()


def nodes(data: dict, key: str) -> list[dict]:
    return [edge["node"] for edge in data[key]["edges"]]


# --- points and scans ---------------------------------------------------------------------


def test_points_list_every_area_and_machine_with_the_checklist_that_applies(as_zhang, press):
    data = run(as_zhang, POINTS, {"filters": {"area": gid(Area.objects.get(code="W1"))}})

    by_code = {node["code"]: node for node in nodes(data, "points")}
    assert {"W1", "W1-A1", "W1-A2", "W1-A3", "PR-G01"} <= set(by_code)
    assert not any(code.startswith("W2") for code in by_code)
    assert by_code["PR-G01"]["kind"] == "EQUIPMENT"
    assert by_code["PR-G01"]["equipment"] == {"code": "PR-G01"}
    assert by_code["PR-G01"]["checklist"] == {"code": "EQUIP-PRESS"}
    assert by_code["W1-A1"]["kind"] == "AREA" and by_code["W1-A1"]["name"] == "冲压线"
    assert by_code["W1-A1"]["checklist"] == {"code": "DAILY-AREA"}
    assert by_code["W1"]["checklist"]["code"] in {"WEEKLY-SPECIAL", "MONTHLY"}


def test_points_filter_by_kind_and_search(as_zhang, press):
    machines = run(as_zhang, POINTS, {"filters": {"kind": "EQUIPMENT"}})
    found = run(as_zhang, POINTS, {"filters": {"search": "press line"}})

    assert [node["code"] for node in nodes(machines, "points")] == ["PR-G01"]
    assert [node["code"] for node in nodes(found, "points")] == ["W1-A1"]


def test_scanning_a_machine_label_gives_the_point_and_its_checklist(as_zhang, press):
    scan = run(as_zhang, SCAN, {"token": press.qr_token})["pointByToken"]

    assert scan["point"]["code"] == "PR-G01" and scan["point"]["kind"] == "EQUIPMENT"
    assert scan["checklist"]["code"] == "EQUIP-PRESS"
    items = scan["checklist"]["currentVersion"]["items"]
    assert len(items) >= 5 and items[0]["order"] == 1
    assert any("光电保护" in item["displayLabel"] for item in items)  # a press's own questions
    assert scan["taskPoint"] is None
    assert Point.objects.filter(equipment=press).count() == 1


def test_scanning_where_my_task_is_due_shows_the_task_point(as_zhang):
    task = make_tasks(1)[0]  # Zhang's open task over W1-A1 and W1-A2, due now
    area = Area.objects.get(code="W1-A1")

    scan = run(as_zhang, SCAN, {"token": area.qr_token})["pointByToken"]

    assert scan["checklist"]["code"] == "DAILY-AREA"
    assert scan["taskPoint"]["state"] == "PENDING"
    assert scan["taskPoint"]["task"]["id"] == gid(task)


def test_unknown_and_other_enterprises_tokens_give_null(as_zhang, globex_area):
    assert run(as_zhang, SCAN, {"token": "no-such-token"})["pointByToken"] is None
    assert run(as_zhang, SCAN, {"token": globex_area.qr_token})["pointByToken"] is None


def test_another_enterprises_point_id_gives_null(as_zhang, as_chen, globex, globex_area):
    with tenant_context(globex):
        globex_point = Point.objects.for_target(globex_area)
        globex_id = gid(globex_point)
    acme_point = Point.objects.for_target(Area.objects.get(code="W1-A1"))

    assert run(as_zhang, POINT, {"id": gid(acme_point)})["point"]["code"] == "W1-A1"
    assert run(as_zhang, POINT, {"id": globex_id})["point"] is None


def test_a_verifier_sees_no_points_checklists_or_scans(as_zhao, press):
    assert run(as_zhao, POINTS)["points"]["totalCount"] == 0
    assert run(as_zhao, CHECKLISTS)["checklists"] == []
    assert run(as_zhao, SCAN, {"token": press.qr_token})["pointByToken"] is None


def test_checklists_show_the_current_version_and_its_items(as_zhang):
    data = run(as_zhang, CHECKLISTS)

    by_code = {c["code"]: c for c in data["checklists"]}
    assert {"DAILY-AREA", "EQUIP-PRESS", "WEEKLY-SPECIAL", "MONTHLY"} <= set(by_code)
    daily = by_code["DAILY-AREA"]
    assert daily["kind"] == "UNIVERSAL" and daily["currentVersion"]["number"] == 1
    kinds = {item["kind"] for item in daily["currentVersion"]["items"]}
    assert kinds == {"PASS_FAIL", "NUMBER", "CHOICE", "PHOTO", "TEXT"}


# --- tasks --------------------------------------------------------------------------------


def test_my_tasks_shows_only_my_tasks_of_the_day(as_zhang, acme_client, li, wang):
    make_tasks(3)  # Zhang's: today's open one and two missed ones before
    make_tasks(1, assignee="E1001")  # Li's today

    mine = run(as_zhang, MY_TASKS)["myTasks"]
    acme_client.force_login(li)
    li_tasks = run(acme_client, MY_TASKS)["myTasks"]
    acme_client.force_login(wang)
    wang_tasks = run(acme_client, MY_TASKS)["myTasks"]

    assert [t["assignee"]["employeeNo"] for t in mine] == ["E1002"]
    assert [p["point"]["code"] for p in mine[0]["points"]] == ["W1-A1", "W1-A2"]
    assert mine[0]["nextPoint"] == {"order": 1, "point": {"code": "W1-A1"}}
    assert [t["assignee"]["employeeNo"] for t in li_tasks] == ["E1001"]
    assert wang_tasks == []  # sees every task in `tasks`, but none is his


def test_my_tasks_of_another_day(as_zhang):
    make_tasks(3)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()

    tasks = run(as_zhang, MY_TASKS, {"date": yesterday})["myTasks"]

    assert [t["state"] for t in tasks] == ["MISSED"]


def test_tasks_filter_by_state_assignee_plan_and_dates(as_wang):
    make_tasks(5)
    make_tasks(2, assignee="E1001")
    zhang = Person.objects.get(employee_no="E1002")
    plan = InspectionPlan.objects.filter(cadence="daily_pre_shift", area__code="W1").first()
    today = timezone.localdate()

    def count(filters: dict) -> int:
        return run(as_wang, TASKS, {"filters": filters})["tasks"]["totalCount"]

    assert count({}) == 7
    assert count({"state": "MISSED"}) == 5
    assert count({"assignee": gid(zhang)}) == 5
    assert count({"plan": gid(plan)}) == 7
    assert count({"dateFrom": (today - timedelta(days=1)).isoformat()}) == 4
    assert count({"dateTo": (today - timedelta(days=2)).isoformat()}) == 3


def test_an_operator_sees_only_their_own_tasks(as_zhang):
    make_tasks(2)
    make_tasks(2, assignee="E1001")

    states = [n["state"] for n in nodes(run(as_zhang, TASKS), "tasks")]

    assert states == [TaskState.OPEN.upper(), TaskState.MISSED.upper()]


# --- inspections and completion -----------------------------------------------------------


def test_inspections_filter_by_point_inspector_result_and_date(as_wang):
    inspections = make_inspections(4)  # Zhang's, alternately PASS and FAIL
    point = inspections[0].point
    zhang = Person.objects.get(employee_no="E1002")
    li = Person.objects.get(employee_no="E1001")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    def count(filters: dict) -> int:
        return run(as_wang, INSPECTIONS, {"filters": filters})["inspections"]["totalCount"]

    assert count({"point": gid(point)}) == 4
    assert count({"inspector": gid(zhang)}) == 4
    assert count({"inspector": gid(li)}) == 0
    assert count({"result": "FAIL"}) == 2
    assert count({"dateFrom": tomorrow}) == 0
    assert count({"submitted": True, "flagged": False}) == 4


def test_an_operator_sees_only_their_own_inspections(acme_client, zhang, li):
    make_inspections(2, inspector="E1001")
    acme_client.force_login(zhang)

    assert run(acme_client, INSPECTIONS)["inspections"]["totalCount"] == 0


def test_completion_stats_per_person_and_plan(as_wang):
    make_tasks(5)  # Zhang: 1 open today, 4 missed
    make_tasks(3, assignee="E1001")  # Li: 1 open, 2 missed
    today = timezone.localdate()
    span = {"from": (today - timedelta(days=6)).isoformat(), "to": today.isoformat()}

    people = run(as_wang, STATS, {**span, "by": "PERSON"})["completionStats"]
    plans = run(as_wang, STATS, {**span, "by": "PLAN"})["completionStats"]

    by_name = {row["label"]: row for row in people}
    assert by_name["Zhang San"] | {"key": None} == {
        "key": None,
        "label": "Zhang San",
        "total": 5,
        "done": 0,
        "missed": 4,
        "open": 1,
        "due": 4,
        "rate": 0.0,
    }
    assert by_name["Li Na"]["key"] == gid(Person.objects.get(employee_no="E1001"))
    assert len(plans) == 1 and plans[0]["total"] == 8


def test_completion_stats_refuse_a_period_that_ends_before_it_starts(as_wang):
    from tests.graphql.conftest import post

    today = timezone.localdate()
    body = post(
        as_wang,
        STATS,
        {"from": today.isoformat(), "to": (today - timedelta(days=3)).isoformat(), "by": "DAY"},
    ).json()

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "invalid"
