"""Signed-in test clients for the GraphQL endpoint, and a way to call it.

Requests go through the real tenant host, middleware and view: ``acme_client``
speaks to acme.<base domain>, so TenantMainMiddleware picks Acme's schema.
"""

from __future__ import annotations

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
