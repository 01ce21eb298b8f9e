"""The library's pictures through the API: Zhang San (operator) reads the library of
Acme (metal template) with each entry's picture path, in as many queries as without."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safeloop.platform.routing import forget_hosts
from safeloop.tenants.hazards.models import LibraryEntry
from tests.graphql.conftest import run

pytestmark = pytest.mark.django_db

LIBRARY = """
query {
  hazardLibrary(first: 100) { totalCount edges { node { code pictureUrl } } }
}
"""
WITHOUT_PICTURES = """
query {
  hazardLibrary(first: 100) { totalCount edges { node { code } } }
}
"""


def _count(client, query: str) -> tuple[int, dict]:
    forget_hosts()
    with CaptureQueriesContext(connection) as captured:
        data = run(client, query)
    return len([q for q in captured.captured_queries if not q["sql"].startswith("SET ")]), data


def test_each_entry_has_its_picture_path_or_null(as_zhang):
    nodes = {
        e["node"]["code"]: e["node"]["pictureUrl"]
        for e in run(as_zhang, LIBRARY)["hazardLibrary"]["edges"]
    }

    assert nodes["MECH-003"] == "/static/safeloop/hazards/pictures/grinder-guard.svg"
    assert nodes["MECH-001"] is None


def test_pictures_cost_no_query(as_zhang):
    LibraryEntry.objects.filter(code="MECH-001").update(picture="guard-missing")

    with_pictures, data = _count(as_zhang, LIBRARY)
    without, _ = _count(as_zhang, WITHOUT_PICTURES)

    assert data["hazardLibrary"]["totalCount"] > 28
    assert with_pictures == without
