"""One enterprise's API never shows or changes another's rows.

Both enterprises number their rows from 1, so Globex's area #1 and Acme's
area #1 share a primary key; global IDs carry the schema, so a Globex ID
names nothing on Acme's host.
"""

from __future__ import annotations

import base64

import pytest
from django_tenants.utils import tenant_context

from safeloop.tenants.facilities.models import Area
from tests.graphql.conftest import run

pytestmark = pytest.mark.django_db

AREAS = """
query ($filters: AreaFilter) { areas(filters: $filters) { totalCount edges { node { id code } } } }
"""
AREA = "query ($id: ID!) { area(id: $id) { code name } }"
UPDATE_AREA = """
mutation ($input: UpdateAreaInput!) {
  updateArea(input: $input) { area { code } errors { field code } }
}
"""


@pytest.fixture
def globex_site_id(as_chen, globex):
    """The global ID Globex's own API gives its template site (also area #1 at Acme)."""
    with tenant_context(globex):
        Area.objects.create(code="GLX-ONLY", name="仅限Globex", kind="site")
        site = Area.objects.filter(kind="site").order_by("pk").first()
    data = run(as_chen, AREAS, {"filters": {"kind": "SITE", "search": site.code}})
    ids = [
        edge["node"]["id"] for edge in data["areas"]["edges"] if edge["node"]["code"] == site.code
    ]
    return ids[0]


def node_id(global_id: str) -> str:
    return base64.b64decode(global_id).decode().partition(":")[2]


def test_globex_area_id_is_null_on_acme(as_wang, globex_site_id):
    globex_pk = node_id(globex_site_id).rpartition(".")[2]
    assert Area.objects.filter(pk=globex_pk).exists(), "Acme has a row with the same pk"

    data = run(as_wang, AREA, {"id": globex_site_id})

    assert data["area"] is None


def test_acme_lists_never_contain_globex_rows(as_wang, globex_site_id):
    everything = run(as_wang, AREAS)["areas"]
    searched = run(as_wang, AREAS, {"filters": {"search": "GLX-ONLY"}})["areas"]

    assert searched["totalCount"] == 0
    assert "GLX-ONLY" not in [edge["node"]["code"] for edge in everything["edges"]]
    assert everything["totalCount"] == Area.objects.count()
    assert {node_id(edge["node"]["id"]).partition(".")[0] for edge in everything["edges"]} == {
        "acme"
    }


def test_filtering_acme_by_a_globex_id_matches_nothing(as_wang, globex_site_id):
    data = run(as_wang, AREAS, {"filters": {"parent": globex_site_id}})

    assert data["areas"]["totalCount"] == 0


def test_updating_a_globex_area_from_acme_is_not_found(as_wang, globex, globex_site_id):
    payload = run(as_wang, UPDATE_AREA, {"input": {"id": globex_site_id, "name": "hijacked"}})

    assert payload["updateArea"] == {
        "area": None,
        "errors": [{"field": "id", "code": "not_found"}],
    }
    assert not Area.objects.filter(name="hijacked").exists()
    with tenant_context(globex):
        assert not Area.objects.filter(name="hijacked").exists()
