"""Who may call /graphql/: session users, API-token holders, nobody else."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from safeloop.tenants.accounts.models import ApiToken
from safeloop.tenants.accounts.services import create_api_token, revoke_api_token
from tests.graphql.conftest import ENDPOINT, post, run

pytestmark = pytest.mark.django_db

VIEWER = """
query {
  viewer { email name language roles permissions person { employeeNo name } }
}
"""
ENTERPRISE = """
query { enterprise { name slug industry plan trialEndsAt trialDaysLeft defaultLanguage } }
"""


def test_viewer_is_the_session_user(as_wang):
    viewer = run(as_wang, VIEWER)["viewer"]

    assert viewer["email"] == "wang@acme.test"
    assert viewer["name"] == "Wang Wei"
    assert set(viewer["roles"]) == {"ADMIN", "SAFETY_MANAGER"}
    assert "MANAGE_AREAS" in viewer["permissions"]
    assert viewer["person"]["employeeNo"] == "A0001"


def test_operator_viewer_lists_only_operator_permissions(as_zhang):
    viewer = run(as_zhang, VIEWER)["viewer"]

    assert viewer["roles"] == ["OPERATOR"]
    assert "VIEW_FACILITIES" in viewer["permissions"]
    assert "VIEW_PEOPLE" not in viewer["permissions"]
    assert "MANAGE_AREAS" not in viewer["permissions"]
    assert viewer["person"] == {"employeeNo": "E1002", "name": "Zhang San"}


def test_enterprise_is_the_hosts_tenant(as_wang):
    enterprise = run(as_wang, ENTERPRISE)["enterprise"]

    assert enterprise["name"] == "Acme Metal Works"
    assert enterprise["slug"] == "acme"
    assert enterprise["industry"] == "metal"
    assert enterprise["plan"] == "trial"
    assert enterprise["trialEndsAt"]
    assert 0 < enterprise["trialDaysLeft"] <= settings.SAFELOOP_TRIAL_DAYS
    assert enterprise["defaultLanguage"] == "zh-hans"


def test_bearer_token_signs_the_request_in(acme_client, li):
    _token, secret = create_api_token(by=li, name="MES bridge")

    viewer = run(acme_client, VIEWER, HTTP_AUTHORIZATION=f"Bearer {secret}")["viewer"]

    assert viewer["email"] == "li@acme.test"


def test_revoked_token_gets_401(acme_client, li):
    token, secret = create_api_token(by=li, name="old bridge")
    revoke_api_token(token, by=li)

    response = post(acme_client, VIEWER, HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert response.status_code == 401
    assert "data" not in response.json()


def test_token_revoked_while_cached_gets_401_on_the_next_request(acme_client, li):
    # The bridge has just been served, so this process remembers its token.
    token, secret = create_api_token(by=li, name="cached bridge")
    assert post(acme_client, VIEWER, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200

    revoke_api_token(token, by=li)

    response = post(acme_client, VIEWER, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401
    assert "data" not in response.json()


def test_deactivated_token_holder_is_refused_on_the_next_request(acme_client, li):
    _token, secret = create_api_token(by=li, name="leaver's bridge")
    assert post(acme_client, VIEWER, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200

    li.is_active = False
    li.save(update_fields=["is_active"])

    assert post(acme_client, VIEWER, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_token_revoked_by_another_process_stops_working_within_the_cache_time(
    acme_client, li, settings
):
    settings.SAFELOOP_API_TOKEN_CACHE_SECONDS = 1
    token, secret = create_api_token(by=li, name="bridge")
    assert post(acme_client, VIEWER, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    # Another web process revokes it: this one hears nothing (no signal here).
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())

    time.sleep(1.1)

    assert post(acme_client, VIEWER, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_garbage_token_gets_401(acme_client):
    response = post(acme_client, VIEWER, HTTP_AUTHORIZATION="Bearer slk_not-a-real-token")

    assert response.status_code == 401
    assert response.json()["errors"]


def test_token_from_another_enterprise_gets_401(globex_client, li):
    _token, secret = create_api_token(by=li, name="acme only")

    response = post(globex_client, VIEWER, HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert response.status_code == 401


def test_unauthenticated_request_gets_an_error_and_no_data(acme_client):
    response = post(acme_client, "query { areas { totalCount } }")

    assert response.status_code == 401
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "unauthenticated"


def test_session_post_without_csrf_token_is_refused(acme, wang):
    client = Client(HTTP_HOST=f"acme.{settings.SAFELOOP_BASE_DOMAIN}", enforce_csrf_checks=True)
    client.force_login(wang)

    response = post(client, VIEWER)

    assert response.status_code == 403


def test_token_request_needs_no_csrf_token(acme, li):
    client = Client(HTTP_HOST=f"acme.{settings.SAFELOOP_BASE_DOMAIN}", enforce_csrf_checks=True)
    _token, secret = create_api_token(by=li, name="no csrf")

    viewer = run(client, VIEWER, HTTP_AUTHORIZATION=f"Bearer {secret}")["viewer"]

    assert viewer["email"] == "li@acme.test"


def test_queries_over_get_are_refused(as_wang):
    response = as_wang.get(ENDPOINT, {"query": "{ viewer { email } }"})

    assert response.status_code == 400
    assert b"wang@acme.test" not in response.content


def test_signed_in_browser_gets_graphiql_that_can_post(acme, wang):
    client = Client(HTTP_HOST=f"acme.{settings.SAFELOOP_BASE_DOMAIN}", enforce_csrf_checks=True)
    client.force_login(wang)

    page = client.get(ENDPOINT, HTTP_ACCEPT="text/html")
    csrf_token = client.cookies["csrftoken"].value
    viewer = run(client, VIEWER, HTTP_X_CSRFTOKEN=csrf_token)["viewer"]

    assert page.status_code == 200
    assert b"graphiql" in page.content.lower()
    assert viewer["email"] == "wang@acme.test"


def test_public_host_has_no_graphql(public_client):
    response = post(public_client, VIEWER)

    assert response.status_code == 404
