"""Signed-in test clients for the GraphQL endpoint, and a way to call it.

Requests go through the real tenant host, middleware and view: ``acme_client``
speaks to acme.<base domain>, so TenantMainMiddleware picks Acme's schema.
"""

from __future__ import annotations

import pytest

ENDPOINT = "/graphql/"


def post(client, query: str, variables: dict | None = None, **headers):
    return client.post(
        ENDPOINT,
        data={"query": query, "variables": variables or {}},
        content_type="application/json",
        **headers,
    )


def run(client, query: str, variables: dict | None = None, **headers) -> dict:
    """The data of a request that must succeed without top-level errors."""
    response = post(client, query, variables, **headers)
    body = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body["errors"]
    return body["data"]


@pytest.fixture
def qc_area(wang):
    """Risk register API: A fresh area of W1 holding no template risk points."""
    from safeloop.tenants.facilities.models import Area

    return Area.objects.create(
        code="QC-RISK", name="风险测试区", kind="area", parent=Area.objects.get(code="W1")
    )


@pytest.fixture
def guard_point(qc_area, wang):
    """An area risk point assessed red (LEC 6 × 6 × 15 = 540)."""
    from safeloop.tenants.risks import services

    point = services.create_risk_point(
        by=wang, code="QC-GUARD", name="防护测试", kind="area", area=qc_area
    )
    services.assess_risk(point, by=wang, inherent={"l": 6, "e": 6, "c": 15})
    return point
