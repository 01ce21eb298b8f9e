"""The hazard board loads in a fixed number of queries, however many hazards there are.

``HAZARD_LIST_QUERY``, ``make_hazards`` and ``HAZARD_LIST_QUERIES`` are reused
by the benchmark: the board with area, assignee, category and photos costs the
per-request queries plus one per list and relation, each through its type's
``get_queryset`` so row visibility holds.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safeloop.tenants.accounts.services import create_api_token
from safeloop.tenants.facilities.models import Area, Person
from safeloop.tenants.hazards.models import (
    Grade,
    Hazard,
    HazardCategory,
    HazardPhoto,
    PhotoStage,
    State,
)
from tests.graphql.conftest import run
from tests.graphql.test_query_counts import PER_REQUEST

pytestmark = pytest.mark.django_db

HAZARD_LIST_QUERY = """
query {
  hazards(first: 100) {
    totalCount
    edges { node {
      id number title grade state isNearMiss isOverdue deadline reportedAt nextAcceptanceLevel
      area { id code displayName }
      assignee { id employeeNo name }
      category { id code displayName }
      photos { id stage url width height takenAt isStale }
    } }
  }
}
"""
# hazards (+ total count), areas, assignees with their users, categories, photos
HAZARD_LIST_QUERIES = PER_REQUEST + 5


def make_hazards(count: int, *, photos_each: int = 2) -> list[Hazard]:
    """``count`` hazards in W1-A1 assigned to Ma, each with before-photos; no services."""
    area = Area.objects.get(code="W1-A1")
    workshop = Area.objects.get(code="W1")
    assignee = Person.objects.get(employee_no="M3001")
    category = HazardCategory.objects.get(code="mechanical")
    now = timezone.now()
    hazards = Hazard.objects.bulk_create(
        Hazard(
            number=f"QC-{n:05}",
            title=f"Guard missing {n}",
            grade=Grade.GENERAL,
            state=State.ASSIGNED,
            area=area,
            workshop=workshop,
            category=category,
            assignee=assignee,
            reporter=assignee.user,
            reported_at=now - timedelta(hours=n),
            deadline=now + timedelta(hours=72 - 2 * n),
            acceptance_levels=["team_leader"],
        )
        for n in range(count)
    )
    HazardPhoto.objects.bulk_create(
        HazardPhoto(
            hazard=hazard,
            stage=PhotoStage.REPORT,
            image=f"hazards/qc/{hazard.number}-{i}.jpg",
            width=1600,
            height=1200,
        )
        for hazard in hazards
        for i in range(photos_each)
    )
    return hazards


def queries_for(client, query: str, expected_rows: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        data = run(client, query)
    assert data["hazards"]["totalCount"] == expected_rows
    assert len(data["hazards"]["edges"]) == expected_rows
    return len([q for q in captured.captured_queries if not q["sql"].startswith("SET ")])


@pytest.mark.parametrize("rows", [10, 100])
def test_hazard_list_takes_a_fixed_number_of_queries(as_wang, rows):
    make_hazards(rows)

    assert queries_for(as_wang, HAZARD_LIST_QUERY, rows) == HAZARD_LIST_QUERIES


@pytest.mark.parametrize("rows", [10, 100])
def test_team_leaders_hazard_list_takes_the_same_number_of_queries(acme_client, li, rows):
    # Li sees W1's hazards through the workshop rule; finding her workshop costs
    # one query (her area), whatever the row count.
    make_hazards(rows)
    acme_client.force_login(li)

    assert queries_for(acme_client, HAZARD_LIST_QUERY, rows) == HAZARD_LIST_QUERIES + 1


def test_hazard_list_shows_the_photos_and_relations(as_wang):
    make_hazards(2, photos_each=1)

    data = run(as_wang, HAZARD_LIST_QUERY)

    node = data["hazards"]["edges"][0]["node"]
    assert node["number"] == "QC-00000"
    assert node["area"]["code"] == "W1-A1"
    assert node["assignee"]["name"] == "Ma Jun"
    assert node["category"]["code"] == "mechanical"
    photo = HazardPhoto.objects.get(hazard__number="QC-00000")
    assert node["photos"] == [
        {
            "id": node["photos"][0]["id"],
            "stage": "REPORT",
            "url": f"/h/photo/{photo.pk}/",
            "width": 1600,
            "height": 1200,
            "takenAt": None,
            "isStale": False,
        }
    ]


INTEGRATION_PAGE = """
query {
  hazards(first: 20) {
    totalCount
    edges { node { id number title grade state deadline area { code } assignee { name } } }
  }
}
"""


@pytest.mark.parametrize("rows", [1, 20])
def test_an_integrations_hazard_page_takes_the_same_queries_for_1_and_20_hazards(
    acme_client, wang, rows
):
    # An MES bridge polls the board with Wang's API token, page after page.
    make_hazards(rows, photos_each=0)
    _token, secret = create_api_token(by=wang, name="MES bridge")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    run(acme_client, INTEGRATION_PAGE, **bearer)

    with CaptureQueriesContext(connection) as captured:
        data = run(acme_client, INTEGRATION_PAGE, **bearer)

    assert len(data["hazards"]["edges"]) == rows
    queries = [q["sql"] for q in captured.captured_queries]
    # One SET search_path; hazards (+ total count), areas, assignees with their users.
    # The host and the token's holder (with their person) are known from the first page.
    assert [sql for sql in queries if sql.startswith("SET ")] == [
        'SET search_path = "acme","public"'
    ]
    assert len(queries) == 1 + 3
