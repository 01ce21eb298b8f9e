"""Loops over tenants hand their connection back: a backend caches every relation it touched."""

import pytest
from django.db import connection

from safeloop.platform.dbconn import shed_catalog_cache


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_a_transaction_keeps_its_connection():
    pid = _backend_pid()
    assert shed_catalog_cache() is False  # a test's (or a signup's) transaction holds it
    assert _backend_pid() == pid


def test_outside_a_transaction_the_next_query_gets_a_fresh_backend(
    django_db_setup, django_db_blocker
):
    with django_db_blocker.unblock():
        pid = _backend_pid()
        assert shed_catalog_cache() is True
        assert _backend_pid() != pid
