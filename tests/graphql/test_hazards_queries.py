"""The hazard board, one hazard, the library: filters, row visibility, other enterprises.

Zhang (operator in W1) reported a guard missing in W1-A1, routed to the fitter
Ma; Wang (safety manager) reported a hazard in W1-A2 and a major one in W2.
Wang sees all three; Li (team leader of W1) sees W1's two; Zhang sees only his
own; Zhao (third-party verifier) sees none through the API.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from safeloop.graphql.nodes import global_id
from safeloop.tenants.facilities.models import Area, EquipmentType, Person
from safeloop.tenants.hazards import services
from safeloop.tenants.hazards.models import Hazard, HazardCategory, LibraryEntry
from tests.graphql.conftest import run

pytestmark = pytest.mark.django_db

HAZARDS = """
query ($filters: HazardFilter) {
  hazards(filters: $filters) {
    totalCount
    edges { node { id number title grade state isNearMiss isOverdue } }
  }
}
"""
HAZARD = """
query ($id: ID!) {
  hazard(id: $id) {
    number title grade state isOpen isAnonymous acceptanceLevels nextAcceptanceLevel
    area { code } workshop { code } category { code } reporter { employeeNo }
    assignee { employeeNo } libraryEntry { code displayTitle }
    timeline { verb actorName note }
    viewerActions
  }
}
"""
LIBRARY = """
query ($filters: LibraryEntryFilter) {
  hazardLibrary(filters: $filters) {
    totalCount
    edges { node { code displayTitle grade category { code } equipmentType { code } } }
  }
}
"""
LOOKUPS = """
query {
  hazardCategories { code displayName }
  gradePolicies { grade deadlineHours notifyRoles acceptanceLevels }
}
"""


def numbers(connection: dict) -> list[str]:
    return sorted(edge["node"]["number"] for edge in connection["edges"])


def entry(code: str) -> LibraryEntry:
    return LibraryEntry.objects.get(code=code)


@pytest.fixture
def board(zhang, wang):
    """Zhang's guard in W1-A1, Wang's wiring in W1-A2, Wang's major near miss in W2-A1."""
    guard = services.report_hazard(
        by=zhang, area=Area.objects.get(code="W1-A1"), library_entry=entry("MECH-004")
    )
    wiring = services.report_hazard(
        by=wang, area=Area.objects.get(code="W1-A2"), library_entry=entry("ELEC-002")
    )
    crane = services.report_hazard(
        by=wang,
        area=Area.objects.get(code="W2-A1"),
        description="Crane hook latch broken; load nearly slipped",
        grade="major",
        is_near_miss=True,
    )
    return {"guard": guard, "wiring": wiring, "crane": crane}


# --- visibility -------------------------------------------------------------


def test_safety_manager_sees_every_hazard(as_wang, board):
    data = run(as_wang, HAZARDS)["hazards"]

    assert data["totalCount"] == 3
    assert numbers(data) == sorted(h.number for h in board.values())


def test_team_leader_sees_the_hazards_of_her_workshop(acme_client, li, board):
    acme_client.force_login(li)

    data = run(acme_client, HAZARDS)["hazards"]

    assert numbers(data) == sorted([board["guard"].number, board["wiring"].number])


def test_operator_sees_only_the_hazards_he_reported(as_zhang, board):
    data = run(as_zhang, HAZARDS)["hazards"]
    wiring = run(as_zhang, HAZARD, {"id": global_id("Hazard", board["wiring"])})

    assert numbers(data) == [board["guard"].number]
    assert wiring["hazard"] is None


def test_assignee_sees_the_hazard_he_must_fix(acme_client, ma, board):
    acme_client.force_login(ma)

    data = run(acme_client, HAZARDS)["hazards"]

    assert board["guard"].number in numbers(data)
    assert board["crane"].number not in numbers(data)


def test_verifier_sees_no_hazards_through_the_api(as_zhao, board):
    data = run(as_zhao, HAZARDS)["hazards"]
    guard = run(as_zhao, HAZARD, {"id": global_id("Hazard", board["guard"])})
    library = run(as_zhao, LIBRARY)["hazardLibrary"]

    assert data == {"totalCount": 0, "edges": []}
    assert guard["hazard"] is None
    assert library["totalCount"] == 0


def test_operator_does_not_see_who_fixes_it_as_a_person(as_zhang, board):
    # Operators may not look people up; the hazard shows, its assignee does not.
    hazard = run(as_zhang, HAZARD, {"id": global_id("Hazard", board["guard"])})["hazard"]

    assert hazard["number"] == board["guard"].number
    assert hazard["reporter"] == {"employeeNo": "E1002"}
    assert hazard["assignee"] is None


# --- filters ----------------------------------------------------------------


def test_hazards_filter_by_grade_state_and_near_miss(as_wang, board):
    major = run(as_wang, HAZARDS, {"filters": {"grade": "MAJOR"}})["hazards"]
    assigned = run(as_wang, HAZARDS, {"filters": {"state": "ASSIGNED"}})["hazards"]
    near_misses = run(as_wang, HAZARDS, {"filters": {"nearMiss": True}})["hazards"]
    not_near = run(as_wang, HAZARDS, {"filters": {"nearMiss": False}})["hazards"]

    assert numbers(major) == [board["crane"].number]
    assert assigned["totalCount"] == 3
    assert numbers(near_misses) == [board["crane"].number]
    assert not_near["totalCount"] == 2


def test_hazards_filter_by_area_includes_the_areas_below(as_wang, board):
    w1 = global_id("Area", Area.objects.get(code="W1"))
    w1_a2 = global_id("Area", Area.objects.get(code="W1-A2"))
    site = global_id("Area", Area.objects.get(code="S1"))

    in_w1 = run(as_wang, HAZARDS, {"filters": {"area": w1}})["hazards"]
    in_w1_a2 = run(as_wang, HAZARDS, {"filters": {"area": w1_a2}})["hazards"]
    on_site = run(as_wang, HAZARDS, {"filters": {"area": site}})["hazards"]

    assert numbers(in_w1) == sorted([board["guard"].number, board["wiring"].number])
    assert numbers(in_w1_a2) == [board["wiring"].number]
    assert on_site["totalCount"] == 3


def test_hazards_filter_by_assignee(as_wang, board):
    ma = global_id("Person", Person.objects.get(employee_no="M3001"))

    data = run(as_wang, HAZARDS, {"filters": {"assignee": ma}})["hazards"]

    assert numbers(data) == [board["guard"].number]


def test_hazards_filter_by_overdue(as_wang, board):
    Hazard.objects.filter(pk=board["wiring"].pk).update(
        deadline=timezone.now() - timedelta(hours=1)
    )

    overdue = run(as_wang, HAZARDS, {"filters": {"overdue": True}})["hazards"]
    on_time = run(as_wang, HAZARDS, {"filters": {"overdue": False}})["hazards"]

    assert numbers(overdue) == [board["wiring"].number]
    assert overdue["edges"][0]["node"]["isOverdue"] is True
    assert on_time["totalCount"] == 2


def test_hazards_search_finds_number_title_and_description(as_wang, board):
    by_title = run(as_wang, HAZARDS, {"filters": {"search": "配电箱"}})["hazards"]
    by_description = run(as_wang, HAZARDS, {"filters": {"search": "latch slipped"}})["hazards"]
    by_number = run(as_wang, HAZARDS, {"filters": {"search": board["guard"].number}})["hazards"]

    assert numbers(by_title) == [board["wiring"].number]
    assert numbers(by_description) == [board["crane"].number]
    assert numbers(by_number) == [board["guard"].number]


def test_filters_combine_with_visibility(as_zhang, board):
    data = run(as_zhang, HAZARDS, {"filters": {"grade": "MAJOR"}})["hazards"]

    assert data["totalCount"] == 0


# --- one hazard -------------------------------------------------------------


def test_hazard_shows_its_routing_and_history(as_wang, board):
    hazard = run(as_wang, HAZARD, {"id": global_id("Hazard", board["guard"])})["hazard"]

    assert hazard["grade"] == "GENERAL"
    assert hazard["state"] == "ASSIGNED"
    assert hazard["isOpen"] is True
    assert hazard["area"] == {"code": "W1-A1"}
    assert hazard["workshop"] == {"code": "W1"}
    assert hazard["category"] == {"code": "mechanical"}
    assert hazard["libraryEntry"]["code"] == "MECH-004"
    assert hazard["assignee"] == {"employeeNo": "M3001"}
    assert hazard["acceptanceLevels"] == ["TEAM_LEADER"]
    assert hazard["nextAcceptanceLevel"] is None
    assert [step["verb"] for step in hazard["timeline"]] == ["hazard.reported", "hazard.assigned"]
    assert hazard["timeline"][0]["actorName"] == "Zhang San"
    assert set(hazard["viewerActions"]) == {"DISMISS", "REASSIGN"}


def test_anonymous_reporter_is_null(as_wang, zhang, board):
    Hazard.objects.filter(pk=board["crane"].pk).update(reporter=None, is_anonymous=True)

    hazard = run(as_wang, HAZARD, {"id": global_id("Hazard", board["crane"])})["hazard"]

    assert hazard["isAnonymous"] is True
    assert hazard["reporter"] is None


def test_hazard_id_of_another_type_is_null(as_wang, board):
    hazard = board["guard"]

    assert run(as_wang, HAZARD, {"id": global_id("Area", hazard.area)})["hazard"] is None


def test_hazard_of_another_enterprise_is_null(as_wang, board, globex):
    with tenant_context(globex):
        chen = Person.objects.get(user__email="chen@globex.test").user
        theirs = services.report_hazard(
            by=chen, area=Area.objects.filter(kind="area").first(), description="Wet floor"
        )
        theirs_id = global_id("Hazard", theirs)

    assert run(as_wang, HAZARD, {"id": theirs_id})["hazard"] is None
    assert run(as_wang, HAZARDS, {"filters": {"search": "Wet floor"}})["hazards"]["totalCount"] == 0


# --- library ----------------------------------------------------------------


def test_library_filters_by_category_equipment_type_and_text(as_zhang):
    electrical = global_id("HazardCategory", HazardCategory.objects.get(code="electrical"))
    press = global_id("EquipmentType", EquipmentType.objects.get(code="PRESS"))

    by_category = run(as_zhang, LIBRARY, {"filters": {"category": electrical}})["hazardLibrary"]
    by_type = run(as_zhang, LIBRARY, {"filters": {"equipmentType": press}})["hazardLibrary"]
    by_text = run(as_zhang, LIBRARY, {"filters": {"search": "light curtain"}})["hazardLibrary"]

    assert {e["node"]["category"]["code"] for e in by_category["edges"]} == {"electrical"}
    assert (
        by_category["totalCount"]
        == LibraryEntry.objects.filter(category__code="electrical", is_active=True).count()
    )
    assert {e["node"]["code"] for e in by_type["edges"]} >= {"MECH-001", "MECH-002"}
    assert {e["node"]["equipmentType"]["code"] for e in by_type["edges"]} == {"PRESS"}
    assert [e["node"]["code"] for e in by_text["edges"]] == ["MECH-002"]


def test_library_lists_only_active_entries_in_the_request_language(as_zhang):
    LibraryEntry.objects.filter(code="MECH-001").update(is_active=False)

    data = run(as_zhang, LIBRARY, {"filters": {"search": "MECH-00"}}, HTTP_ACCEPT_LANGUAGE="en")

    codes = [e["node"]["code"] for e in data["hazardLibrary"]["edges"]]
    assert "MECH-001" not in codes
    assert data["hazardLibrary"]["edges"][0]["node"]["displayTitle"] == (
        "Press light curtain not working"
    )


def test_categories_and_grade_policies(as_zhang):
    data = run(as_zhang, LOOKUPS)

    assert {"code": "fire", "displayName": "消防安全"} in data["hazardCategories"]
    major = next(p for p in data["gradePolicies"] if p["grade"] == "MAJOR")
    assert major == {
        "grade": "MAJOR",
        "deadlineHours": 24,
        "notifyRoles": ["WORKSHOP_DIRECTOR", "SAFETY_MANAGER"],
        "acceptanceLevels": ["TEAM_LEADER", "SAFETY_OFFICER", "LEADER_IN_CHARGE"],
    }


def test_verifier_sees_no_library_categories_or_policies(as_zhao):
    data = run(as_zhao, LOOKUPS)

    assert data == {"hazardCategories": [], "gradePolicies": []}
