"""Signed-in test clients for the GraphQL endpoint, and a way to call it.

Requests go through the real tenant host, middleware and view: ``acme_client``
speaks to acme.<base domain>, so TenantMainMiddleware picks Acme's schema.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context

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
def as_wang(acme_client, wang):
    """Wang Wei, Acme's enterprise admin."""
    acme_client.force_login(wang)
    return acme_client


@pytest.fixture
def as_zhang(acme_client, zhang):
    """Zhang San, an operator in Acme's stamping workshop."""
    acme_client.force_login(zhang)
    return acme_client


@pytest.fixture
def as_zhao(acme_client, zhao):
    """Zhao Min, a third-party verifier at Acme."""
    acme_client.force_login(zhao)
    return acme_client


@pytest.fixture
def as_chen(globex_client, globex):
    """Chen Jie, Globex's admin."""
    with tenant_context(globex):
        chen = get_user_model().objects.get(email="chen@globex.test")
        globex_client.force_login(chen)
    return globex_client
