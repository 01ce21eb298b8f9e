"""Setting inspections up through the API, second part: where checklists apply
(bindChecklist, unbindChecklist), patrol routes (createRoute, updateRoute) and
changing plans (updatePlan).

Wang Wei (admin) binds Acme's own stamping checklist to W1's presses, walks
routes through W1's areas and changes the template's plans; Zhang San
(operator) may inspect but not set anything up; Chen Jie's Globex IDs name
nothing at Acme.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from safeloop.tenants.facilities.models import Area, EquipmentType, Shift
from safeloop.tenants.facilities.services import create_equipment
from safeloop.tenants.inspections.models import (
    Checklist,
    ChecklistBinding,
    InspectionPlan,
    PatrolRoute,
    Point,
)
from safeloop.tenants.inspections.services import (
    bind_checklist,
    create_checklist,
    create_plan,
    create_route,
    resolve_checklist,
)
from tests.graphql.conftest import run
from tests.graphql.test_hazards_mutations import codes, gid
from tests.graphql.test_query_counts import PER_REQUEST

pytestmark = pytest.mark.django_db

ERRORS = "errors { field code message }"
BIND = f"""
mutation ($input: BindChecklistInput!) {{
  bindChecklist(input: $input) {{
    binding {{ id scope point {{ code }} equipmentType {{ code }} area {{ code }} areaKind }}
    checklist {{ code bindings {{ scope }} }}
    {ERRORS}
  }}
}}
"""
UNBIND = f"""
mutation ($input: UnbindChecklistInput!) {{
  unbindChecklist(input: $input) {{
    binding {{ id }} checklist {{ code bindings {{ id }} }} {ERRORS}
  }}
}}
"""
ROUTE = "route { name nameEn shift isActive stops { order point { code } } }"
CREATE_ROUTE = f"""
mutation ($input: CreateRouteInput!) {{ createRoute(input: $input) {{ {ROUTE} {ERRORS} }} }}
"""
UPDATE_ROUTE = f"""
mutation ($input: UpdateRouteInput!) {{ updateRoute(input: $input) {{ {ROUTE} {ERRORS} }} }}
"""
UPDATE_PLAN = f"""
mutation ($input: UpdatePlanInput!) {{
  updatePlan(input: $input) {{
    plan {{ name cadence rrule startTime windowMinutes role area {{ code }}
            assignees {{ employeeNo }} pointSelection listedPoints {{ order point {{ code }} }}
            isActive }}
    {ERRORS}
  }}
}}
"""
CHECKLISTS = """
query { checklists { code bindings { scope point { code } equipmentType { code } area { code } } } }
"""


@pytest.fixture
def stamping(wang) -> Checklist:
    return create_checklist(
        by=wang, code="STAMPING", name="冲压点检", items=[{"kind": "pass_fail", "label": "光栅"}]
    )


@pytest.fixture
def areas(in_acme) -> dict[str, Area]:
    return {a.code: a for a in Area.objects.filter(code__startswith="W1")}


@pytest.fixture
def press(wang):
    return create_equipment(
        by=wang,
        code="PR-S01",
        name="Press 1",
        area=Area.objects.get(code="W1-A1"),
        equipment_type=EquipmentType.objects.get(code="PRESS"),
    )


def points(*codes: str) -> list[Point]:
    return [Point.objects.for_target(Area.objects.get(code=code)) for code in codes]


# --- Bindings -----------------------------------------------------------------------------


def test_a_checklist_bound_to_w1s_presses_is_the_one_used_at_a_press(
    as_wang, stamping, areas, press
):
    press_type = EquipmentType.objects.get(code="PRESS")

    payload = run(
        as_wang,
        BIND,
        {
            "input": {
                "checklist": gid(stamping),
                "equipmentType": gid(press_type),
                "area": gid(areas["W1"]),
            }
        },
    )["bindChecklist"]

    assert payload["errors"] == []
    assert {k: v for k, v in payload["binding"].items() if k != "id"} == {
        "scope": "EQUIPMENT_TYPE",
        "point": None,
        "equipmentType": {"code": "PRESS"},
        "area": {"code": "W1"},
        "areaKind": None,
    }
    assert payload["checklist"] == {"code": "STAMPING", "bindings": [{"scope": "EQUIPMENT_TYPE"}]}
    assert resolve_checklist(Point.objects.for_target(press)) == stamping


def test_a_point_binding_is_made_once_and_removed(as_wang, stamping):
    variables = {"input": {"checklist": gid(stamping), "point": gid(points("W1-A1")[0])}}

    first = run(as_wang, BIND, variables)["bindChecklist"]
    again = run(as_wang, BIND, variables)["bindChecklist"]
    removed = run(as_wang, UNBIND, {"input": {"id": first["binding"]["id"]}})["unbindChecklist"]

    assert first["binding"]["id"] == again["binding"]["id"]
    assert first["binding"]["point"] == {"code": "W1-A1"}
    assert removed == {
        "binding": None,
        "checklist": {"code": "STAMPING", "bindings": []},
        "errors": [],
    }
    assert not ChecklistBinding.objects.filter(checklist=stamping).exists()


def test_workshop_bindings_name_the_area_kind(as_wang, stamping, areas):
    payload = run(
        as_wang,
        BIND,
        {"input": {"checklist": gid(stamping), "area": gid(areas["W1"]), "areaKind": "AREA"}},
    )["bindChecklist"]

    assert payload["binding"]["scope"] == "AREA" and payload["binding"]["areaKind"] == "AREA"


def test_a_binding_names_one_kind_of_place(as_wang, stamping, areas, globex):
    press_type = gid(EquipmentType.objects.get(code="PRESS"))
    point = gid(points("W1-A1")[0])
    with tenant_context(globex):
        foreign = gid(EquipmentType.objects.order_by("pk").first())

    def bind(**place):
        return run(as_wang, BIND, {"input": {"checklist": gid(stamping), **place}})["bindChecklist"]

    assert codes(bind(point=point, equipmentType=press_type)) == [("point", "invalid")]
    assert codes(bind(equipmentType=press_type, areaKind="WORKSHOP")) == [("areaKind", "invalid")]
    assert codes(bind(equipmentType=foreign)) == [("equipmentType", "not_found")]
    assert not ChecklistBinding.objects.filter(checklist=stamping).exists()


def test_an_operator_cannot_bind_or_unbind(as_zhang, wang, stamping):
    binding = bind_checklist(stamping, by=wang, point=points("W1-A1")[0])

    bound = run(as_zhang, BIND, {"input": {"checklist": gid(stamping), "area": None}})
    unbound = run(as_zhang, UNBIND, {"input": {"id": gid(binding)}})

    assert codes(bound["bindChecklist"]) == [(None, "permission_denied")]
    assert codes(unbound["unbindChecklist"]) == [(None, "permission_denied")]
    assert list(ChecklistBinding.objects.filter(checklist=stamping)) == [binding]


@pytest.mark.parametrize("bound_points", [1, 3])
def test_checklists_with_their_bindings_take_a_fixed_number_of_queries(
    as_wang, wang, stamping, areas, bound_points
):
    bound_codes = ["W1-A1", "W1-A2", "W1-A3"][:bound_points]
    for code in bound_codes:
        bind_checklist(stamping, by=wang, point=points(code)[0])
    bind_checklist(stamping, by=wang, area=areas["W1"], area_kind="area")

    with CaptureQueriesContext(connection) as captured:
        data = run(as_wang, CHECKLISTS)
    queries = [q for q in captured.captured_queries if not q["sql"].startswith("SET ")]

    by_code = {c["code"]: c["bindings"] for c in data["checklists"]}
    assert [b["point"]["code"] for b in by_code["STAMPING"][:-1]] == bound_codes
    assert by_code["STAMPING"][-1]["area"] == {"code": "W1"}
    assert {b["equipmentType"]["code"] for b in by_code["EQUIP-PRESS"]} == {"PRESS"}
    # checklists, their bindings, the bindings' points, equipment types and areas
    assert len(queries) == PER_REQUEST + 5


# --- Routes -------------------------------------------------------------------------------


def test_wang_walks_a_route_through_w1_then_changes_it(as_wang):
    a3, a1, a2 = points("W1-A3", "W1-A1", "W1-A2")

    created = run(
        as_wang,
        CREATE_ROUTE,
        {"input": {"name": "冲压夜巡", "shift": "NIGHT", "points": [gid(a3), gid(a1)]}},
    )["createRoute"]
    route = PatrolRoute.objects.get(name="冲压夜巡")
    changed = run(
        as_wang,
        UPDATE_ROUTE,
        {"input": {"id": gid(route), "nameEn": "Night patrol", "points": [gid(a1), gid(a2)]}},
    )["updateRoute"]
    switched = run(as_wang, UPDATE_ROUTE, {"input": {"id": gid(route), "isActive": False}})

    assert created["errors"] == [] and created["route"]["shift"] == "NIGHT"
    assert [s["point"]["code"] for s in created["route"]["stops"]] == ["W1-A3", "W1-A1"]
    assert changed["errors"] == []
    assert changed["route"]["name"] == "冲压夜巡" and changed["route"]["nameEn"] == "Night patrol"
    assert changed["route"]["stops"] == [
        {"order": 1, "point": {"code": "W1-A1"}},
        {"order": 2, "point": {"code": "W1-A2"}},
    ]
    assert switched["updateRoute"]["route"]["isActive"] is False


def test_a_route_needs_points_each_once_and_from_here(as_wang, globex):
    a1 = gid(points("W1-A1")[0])
    with tenant_context(globex):
        foreign = gid(Point.objects.for_target(Area.objects.order_by("pk").first()))

    def create(point_ids, name="巡"):
        variables = {"input": {"name": name, "shift": "DAY", "points": point_ids}}
        return run(as_wang, CREATE_ROUTE, variables)["createRoute"]

    assert codes(create([])) == [("points", "no_points")]
    assert codes(create([a1, a1])) == [("points", "duplicate")]
    assert codes(create([foreign])) == [("points", "not_found")]
    assert codes(create([a1], name=" ")) == [("name", "required")]
    assert not PatrolRoute.objects.filter(name__in=["巡", " "]).exists()


def test_an_operator_cannot_make_or_change_routes(as_zhang, wang):
    route = create_route(by=wang, name="白巡", shift=Shift.DAY, points=points("W1-A1"))

    created = run(
        as_zhang,
        CREATE_ROUTE,
        {"input": {"name": "我的", "shift": "DAY", "points": [gid(points("W1-A2")[0])]}},
    )
    switched = run(as_zhang, UPDATE_ROUTE, {"input": {"id": gid(route), "isActive": False}})

    assert codes(created["createRoute"]) == [(None, "permission_denied")]
    assert codes(switched["updateRoute"]) == [(None, "permission_denied")]
    assert PatrolRoute.objects.get(pk=route.pk).is_active
    assert not PatrolRoute.objects.filter(name="我的").exists()


# --- Plans --------------------------------------------------------------------------------


@pytest.fixture
def daily(wang) -> InspectionPlan:
    return create_plan(by=wang, name="W1 班前", cadence="daily_pre_shift", role="team_leader")


def test_a_plan_becomes_a_custom_one_for_named_people_at_listed_points(as_wang, daily, li):
    a2, a1 = points("W1-A2", "W1-A1")

    payload = run(
        as_wang,
        UPDATE_PLAN,
        {
            "input": {
                "id": gid(daily),
                "cadence": "CUSTOM",
                "rrule": "FREQ=WEEKLY;BYDAY=TU,FR",
                "startTime": "09:00",
                "windowMinutes": 90,
                "role": None,
                "assignees": [gid(li.person)],
                "pointSelection": "EXPLICIT",
                "points": [gid(a2), gid(a1)],
            }
        },
    )["updatePlan"]

    assert payload["errors"] == []
    assert payload["plan"] == {
        "name": "W1 班前",
        "cadence": "CUSTOM",
        "rrule": "FREQ=WEEKLY;BYDAY=TU,FR",
        "startTime": "09:00:00",
        "windowMinutes": 90,
        "role": None,
        "area": None,
        "assignees": [{"employeeNo": "E1001"}],
        "pointSelection": "EXPLICIT",
        "listedPoints": [
            {"order": 1, "point": {"code": "W1-A2"}},
            {"order": 2, "point": {"code": "W1-A1"}},
        ],
        "isActive": True,
    }


def test_a_plan_is_switched_off_and_moved_to_a_workshop(as_wang, daily, areas):
    payload = run(
        as_wang,
        UPDATE_PLAN,
        {"input": {"id": gid(daily), "isActive": False, "area": gid(areas["W1"])}},
    )["updatePlan"]

    assert payload["errors"] == []
    assert payload["plan"]["isActive"] is False and payload["plan"]["area"] == {"code": "W1"}
    assert payload["plan"]["rrule"] == "FREQ=DAILY"  # untouched


def test_a_plan_update_is_refused_as_a_whole(as_wang, daily):
    def update(**changes):
        return run(as_wang, UPDATE_PLAN, {"input": {"id": gid(daily), **changes}})["updatePlan"]

    unreadable = update(
        cadence="CUSTOM", rrule="EVERY TUESDAY", startTime="09:00", windowMinutes=60
    )
    nobody = update(role=None)
    no_points = update(pointSelection="EXPLICIT", name="改名")

    assert codes(unreadable) == [("rrule", "bad_rrule")]
    assert codes(nobody) == [("assignees", "required")]
    assert codes(no_points) == [("points", "no_points")]
    daily = InspectionPlan.objects.get(pk=daily.pk)
    assert (daily.cadence, daily.role, daily.name) == ("daily_pre_shift", "team_leader", "W1 班前")


def test_an_operator_cannot_change_a_plan(as_zhang, daily):
    payload = run(as_zhang, UPDATE_PLAN, {"input": {"id": gid(daily), "isActive": False}})

    assert codes(payload["updatePlan"]) == [(None, "permission_denied")]
    assert InspectionPlan.objects.get(pk=daily.pk).is_active


def test_globex_cannot_change_acmes_plans_routes_or_bindings(as_chen, acme, wang, daily, stamping):
    route = create_route(by=wang, name="白巡", shift=Shift.DAY, points=points("W1-A1"))
    binding = bind_checklist(stamping, by=wang, point=points("W1-A1")[0])
    ids = {"plan": gid(daily), "route": gid(route), "binding": gid(binding)}

    plan = run(as_chen, UPDATE_PLAN, {"input": {"id": ids["plan"], "isActive": False}})
    walk = run(as_chen, UPDATE_ROUTE, {"input": {"id": ids["route"], "isActive": False}})
    unbound = run(as_chen, UNBIND, {"input": {"id": ids["binding"]}})

    assert codes(plan["updatePlan"]) == [("id", "not_found")]
    assert codes(walk["updateRoute"]) == [("id", "not_found")]
    assert codes(unbound["unbindChecklist"]) == [("id", "not_found")]
    with tenant_context(acme):
        assert InspectionPlan.objects.get(pk=daily.pk).is_active
        assert PatrolRoute.objects.get(pk=route.pk).is_active
        assert ChecklistBinding.objects.filter(pk=binding.pk).exists()
