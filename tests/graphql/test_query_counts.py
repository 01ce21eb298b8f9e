"""List queries load in a fixed number of database queries, whatever the row count.

The count covers the whole request: tenant routing (once per test: each process
remembers a host for SAFELOOP_TENANT_CACHE_SECONDS and the cache is emptied between
tests), the user with their person (for roles; the session comes from the cache)
— 2 queries — then the list itself with its relations: one query
per relation, each through its type's get_queryset so visibility holds. The
``SET search_path`` django-tenants sends before statements is not counted.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safeloop.tenants.facilities.models import Area, Equipment, EquipmentType, JobRole, Person
from safeloop.tenants.facilities.services import create_person
from tests.graphql.conftest import run

pytestmark = pytest.mark.django_db

# Domain → tenant (the first request of a test), user with person (roles).
PER_REQUEST = 2

EQUIPMENT = """
query {
  equipment(filters: {search: "QC-"}) {
    totalCount
    edges { node {
      id code name status
      equipmentType { id code displayName }
      area { id code displayName parent { code displayName } }
    } }
  }
}
"""
AREAS = """
query {
  areas(filters: {search: "QC-"}) {
    totalCount
    edges { node { id code displayName kind parent { code } children { code } } }
  }
}
"""
PEOPLE = """
query {
  people(filters: {search: "qc"}) {
    totalCount
    edges { node {
      id employeeNo name email roles isActive
      area { code displayName } jobRole { code displayName } superior { employeeNo name }
    } }
  }
}
"""


def make_equipment(count: int) -> None:
    area = Area.objects.get(code="W1-A1")
    crane = EquipmentType.objects.get(code="CRANE")
    Equipment.objects.bulk_create(
        Equipment(code=f"QC-{n:03}", name=f"Crane {n}", equipment_type=crane, area=area)
        for n in range(count)
    )


def make_areas(count: int) -> None:
    workshop = Area.objects.create(code="QC-W", name="质检车间", kind="workshop", parent=None)
    for n in range(count - 1):
        Area.objects.create(code=f"QC-A{n:03}", name=f"区域 {n}", kind="area", parent=workshop)


def make_people(count: int, by) -> None:
    area = Area.objects.get(code="W1")
    job = JobRole.objects.get(code="quality_inspector")
    superior = Person.objects.get(employee_no="E1001")
    for n in range(count):
        create_person(
            by=by,
            email=f"qc{n}@acme.test",
            full_name=f"Quality Checker{n}",
            employee_no=f"Q{n:03}",
            roles=["operator"],
            area=area,
            job_role=job,
            superior=superior,
        )


def queries_for(client, query: str, expected_rows: int, key: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        data = run(client, query)
    assert data[key]["totalCount"] == expected_rows
    assert len(data[key]["edges"]) == expected_rows
    return len([q for q in captured.captured_queries if not q["sql"].startswith("SET ")])


@pytest.mark.parametrize("rows", [3, 30])
def test_equipment_list_takes_a_fixed_number_of_queries(as_wang, rows):
    make_equipment(rows)

    # equipment (+ total count), equipment types, areas, their parents
    assert queries_for(as_wang, EQUIPMENT, rows, "equipment") == PER_REQUEST + 4


@pytest.mark.parametrize("rows", [3, 30])
def test_area_list_takes_a_fixed_number_of_queries(as_wang, rows):
    make_areas(rows)

    # areas (+ total count), parents, children
    assert queries_for(as_wang, AREAS, rows, "areas") == PER_REQUEST + 3


@pytest.mark.parametrize("rows", [3, 30])
def test_people_list_takes_a_fixed_number_of_queries(as_wang, wang, rows):
    make_people(rows, by=wang)

    # people with their users (+ total count), areas, job roles, superiors with users
    assert queries_for(as_wang, PEOPLE, rows, "people") == PER_REQUEST + 4
