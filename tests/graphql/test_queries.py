"""Lists with filters, lookups by ID, names in the request's language, row visibility.

Acme's area tree comes from the metal template: site S1, workshops W1–W5,
areas W1-A1 … W5-A2. Li (team leader) and Zhang (operator) work in W1.
"""

from __future__ import annotations

import pytest

from safeloop.graphql.nodes import global_id
from safeloop.tenants.facilities.models import Area, Equipment, EquipmentType, JobRole, Person
from tests.graphql.conftest import run

pytestmark = pytest.mark.django_db

AREAS = """
query ($filters: AreaFilter) {
  areas(filters: $filters) {
    totalCount
    edges { node { id code name nameEn displayName kind parent { code } } }
  }
}
"""
EQUIPMENT = """
query ($filters: EquipmentFilter) {
  equipment(filters: $filters) {
    totalCount
    edges { node { code name status area { code } equipmentType { code displayName } } }
  }
}
"""
PEOPLE = """
query ($filters: PersonFilter) {
  people(filters: $filters) {
    totalCount
    edges { node { employeeNo name email roles area { code } jobRole { code } } }
  }
}
"""
AREA = "query ($id: ID!) { area(id: $id) { code children { code } } }"
PERSON = "query ($id: ID!) { person(id: $id) { employeeNo superior { employeeNo } } }"
EQUIPMENT_ITEM = "query ($id: ID!) { equipmentItem(id: $id) { code area { code } } }"
LISTS = """
query { equipmentTypes { code displayName } jobRoles { code displayName } }
"""


def codes(connection: dict, key: str = "code") -> list[str]:
    return [edge["node"][key] for edge in connection["edges"]]


@pytest.fixture
def press_line(in_acme):
    """Two presses and a crane in Acme's press line, one press under repair."""
    area = Area.objects.get(code="W1-A1")
    press = EquipmentType.objects.get(code="PRESS")
    crane = EquipmentType.objects.get(code="CRANE")
    Equipment.objects.create(code="P-01", name="250t press", equipment_type=press, area=area)
    Equipment.objects.create(
        code="P-02",
        name="400t press",
        equipment_type=press,
        area=area,
        status="under_repair",
        manufacturer="Yangli",
    )
    Equipment.objects.create(
        code="C-01", name="10t crane", equipment_type=crane, area=Area.objects.get(code="W2-A1")
    )
    return area


def test_areas_filter_by_kind(as_wang):
    workshops = run(as_wang, AREAS, {"filters": {"kind": "WORKSHOP"}})["areas"]

    assert codes(workshops) == ["W1", "W2", "W3", "W4", "W5"]
    assert workshops["totalCount"] == 5
    assert {edge["node"]["parent"]["code"] for edge in workshops["edges"]} == {"S1"}


def test_areas_filter_by_parent(as_wang):
    stamping = Area.objects.get(code="W1")

    areas = run(as_wang, AREAS, {"filters": {"parent": global_id("Area", stamping)}})["areas"]

    assert codes(areas) == ["W1-A1", "W1-A2", "W1-A3"]


def test_areas_search_matches_code_and_both_names(as_wang):
    by_english = run(as_wang, AREAS, {"filters": {"search": "welding"}})["areas"]
    by_chinese = run(as_wang, AREAS, {"filters": {"search": "冲压"}})["areas"]
    by_code = run(as_wang, AREAS, {"filters": {"search": "w5-a"}})["areas"]

    assert codes(by_english) == ["W3", "W3-A1"]
    assert codes(by_chinese) == ["W1", "W1-A1"]
    assert codes(by_code) == ["W5-A1", "W5-A2"]


def test_display_name_follows_the_request_language(as_zhang):
    english = run(as_zhang, AREAS, {"filters": {"search": "W1"}}, HTTP_ACCEPT_LANGUAGE="en")
    chinese = run(as_zhang, AREAS, {"filters": {"search": "W1"}}, HTTP_ACCEPT_LANGUAGE="zh-CN")

    workshop = english["areas"]["edges"][0]["node"]
    assert workshop["name"] == "冲压车间"
    assert workshop["nameEn"] == "Stamping workshop"
    assert workshop["displayName"] == "Stamping workshop"
    assert chinese["areas"]["edges"][0]["node"]["displayName"] == "冲压车间"


def test_equipment_filters(as_wang, press_line):
    press_id = global_id("EquipmentType", EquipmentType.objects.get(code="PRESS"))

    everything = run(as_wang, EQUIPMENT)["equipment"]
    in_press_line = run(as_wang, EQUIPMENT, {"filters": {"area": global_id("Area", press_line)}})
    presses = run(as_wang, EQUIPMENT, {"filters": {"equipmentType": press_id}})
    broken = run(as_wang, EQUIPMENT, {"filters": {"status": "UNDER_REPAIR"}})
    yangli = run(as_wang, EQUIPMENT, {"filters": {"search": "yangli"}})

    assert codes(everything) == ["C-01", "P-01", "P-02"]
    assert codes(in_press_line["equipment"]) == ["P-01", "P-02"]
    assert codes(presses["equipment"]) == ["P-01", "P-02"]
    assert codes(broken["equipment"]) == ["P-02"]
    assert codes(yangli["equipment"]) == ["P-02"]
    assert everything["edges"][0]["node"]["equipmentType"] == {
        "code": "CRANE",
        "displayName": "桥式起重机",
    }


def test_people_filters(as_wang):
    stamping = global_id("Area", Area.objects.get(code="W1"))
    operator_job = global_id("JobRole", JobRole.objects.get(code="operator"))

    team_leaders = run(as_wang, PEOPLE, {"filters": {"role": "TEAM_LEADER"}})["people"]
    in_stamping = run(as_wang, PEOPLE, {"filters": {"area": stamping}})["people"]
    operators = run(as_wang, PEOPLE, {"filters": {"jobRole": operator_job}})["people"]
    by_name = run(as_wang, PEOPLE, {"filters": {"search": "zhang san"}})["people"]

    assert codes(team_leaders, "employeeNo") == ["E1001"]
    assert codes(in_stamping, "employeeNo") == ["D2001", "E1001", "E1002", "M3002"]
    assert codes(operators, "employeeNo") == ["E1002"]
    assert by_name["edges"][0]["node"] == {
        "employeeNo": "E1002",
        "name": "Zhang San",
        "email": "zhang@acme.test",
        "roles": ["OPERATOR"],
        "area": {"code": "W1"},
        "jobRole": {"code": "operator"},
    }


def test_lookups_by_id(as_wang, press_line):
    stamping = Area.objects.get(code="W1")
    zhang = Person.objects.get(employee_no="E1002")
    press = Equipment.objects.get(code="P-01")

    area = run(as_wang, AREA, {"id": global_id("Area", stamping)})["area"]
    person = run(as_wang, PERSON, {"id": global_id("Person", zhang)})["person"]
    item = run(as_wang, EQUIPMENT_ITEM, {"id": global_id("Equipment", press)})["equipmentItem"]

    assert area == {"code": "W1", "children": [{"code": c} for c in ("W1-A1", "W1-A2", "W1-A3")]}
    assert person == {"employeeNo": "E1002", "superior": {"employeeNo": "E1001"}}
    assert item == {"code": "P-01", "area": {"code": "W1-A1"}}


def test_lookup_with_an_id_of_another_type_is_null(as_wang):
    stamping = Area.objects.get(code="W1")

    data = run(as_wang, PERSON, {"id": global_id("Area", stamping)})

    assert data["person"] is None


def test_equipment_types_and_job_roles_list_in_the_saved_language(as_wang):
    # Wang saved Chinese as his language; it beats his browser's English.
    data = run(as_wang, LISTS, HTTP_ACCEPT_LANGUAGE="en")

    assert {"code": "CRANE", "displayName": "桥式起重机"} in data["equipmentTypes"]
    assert {"code": "welder", "displayName": "电焊工"} in data["jobRoles"]


def test_operator_sees_facilities_but_only_himself_among_people(as_zhang, press_line):
    data = run(
        as_zhang,
        "query { areas { totalCount } equipment { totalCount } people { totalCount "
        "edges { node { employeeNo superior { employeeNo } } } } }",
    )

    assert data["areas"]["totalCount"] == Area.objects.count()
    assert data["equipment"]["totalCount"] == 3
    assert data["people"]["totalCount"] == 1
    # Li is Zhang's superior, but Zhang may not look people up.
    assert data["people"]["edges"][0]["node"] == {"employeeNo": "E1002", "superior": None}


def test_operator_cannot_look_up_another_person(as_zhang):
    li = Person.objects.get(employee_no="E1001")

    assert run(as_zhang, PERSON, {"id": global_id("Person", li)})["person"] is None


def test_verifier_sees_no_facilities(as_zhao, press_line):
    data = run(
        as_zhao,
        "query { areas { totalCount } equipment { totalCount } equipmentTypes { code } "
        "jobRoles { code } people { edges { node { employeeNo } } } }",
    )
    stamping = run(as_zhao, AREA, {"id": global_id("Area", Area.objects.get(code="W1"))})

    assert data["areas"]["totalCount"] == 0
    assert data["equipment"]["totalCount"] == 0
    assert data["equipmentTypes"] == []
    assert data["jobRoles"] == []
    assert codes(data["people"], "employeeNo") == ["V0001"]
    assert stamping["area"] is None
