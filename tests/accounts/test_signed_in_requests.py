"""A signed-in page costs one query for who is asking, and signing out still ends it everywhere.

Zhang San (operator, W1) opens pages on his phone and on the workshop's tablet
with the same session; sessions are read from the shared cache (Redis) and
written through to the database, and the user comes with his person in one query.
"""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import PIN

pytestmark = pytest.mark.django_db


def _home_queries(client: Client) -> list[str]:
    client.get("/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return [q["sql"] for q in captured.captured_queries if not q["sql"].startswith("SET ")]


def _signed_in(client: Client) -> bool:
    return client.get("/").status_code == 200


def _pin_login(acme) -> Client:
    phone = Client(HTTP_HOST=f"{acme.slug}.{settings.SAFELOOP_BASE_DOMAIN}")
    response = phone.post("/auth/quick/", {"employee_no": "E1002", "pin": PIN})
    assert response.status_code == 302, response.content
    return phone


def test_a_page_reads_the_session_from_the_cache_and_the_user_with_his_person(acme, zhang):
    phone = _pin_login(acme)

    queries = _home_queries(phone)

    assert not [sql for sql in queries if "django_session" in sql]
    users = [sql for sql in queries if '"auth_user"' in sql.split(" WHERE ")[0]]
    assert len(users) == 1
    assert '"facilities_person"' in users[0]
    assert not [sql for sql in queries if sql.startswith('SELECT "facilities_person"."id"')]


def test_signing_out_on_the_phone_ends_the_session_on_the_tablet_too(acme, zhang):
    phone = _pin_login(acme)
    tablet = Client(HTTP_HOST=f"acme.{settings.SAFELOOP_BASE_DOMAIN}")
    tablet.cookies = phone.cookies  # the same session, read from the cache on both
    assert _signed_in(phone) and _signed_in(tablet)

    phone.post("/accounts/logout/")

    assert not _signed_in(tablet)
    assert not _signed_in(phone)


def test_a_session_from_before_the_upgrade_stays_signed_in(acme_client, zhang):
    # Signed in under Django's own backend, as every session before this change was.
    acme_client.force_login(zhang, backend="django.contrib.auth.backends.ModelBackend")

    assert _signed_in(acme_client)
    assert acme_client.session[BACKEND_SESSION_KEY] == (
        "safeloop.tenants.accounts.backends.ModelBackend"
    )


def test_a_sign_out_redis_missed_is_forgotten_within_minutes(acme, zhang, settings):
    # Signing out while Redis is unreachable deletes the database row only; the
    # cached copy must not sign Zhang in again for the two weeks a session lasts:
    # it leaves the cache after SAFELOOP_SESSION_CACHE_SECONDS (300 s in production,
    # one here), while the session itself goes on from the database.
    assert settings.SAFELOOP_SESSION_CACHE_SECONDS < 3600
    settings.SAFELOOP_SESSION_CACHE_SECONDS = 1
    phone = _pin_login(acme)
    key = phone.session.cache_key
    assert cache.get(key) is not None

    time.sleep(1.2)

    assert cache.get(key) is None
    assert _signed_in(phone)
