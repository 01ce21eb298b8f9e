"""PostgreSQL drops every connection (a restart, a failover): the next requests answer.

A real gunicorn serves the test database with persistent connections (as in
production, CONN_MAX_AGE 60); the test ends all its sessions with
pg_terminate_backend, as a restart does, and asks again.
"""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import connection

from tests.support.server import free_port, serving

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

REQUESTS = 12


@pytest.fixture
def server(django_db_blocker):
    with serving(free_port(), django_db_blocker, log_name="db-restart-server") as served:
        yield served


def _status(port: int) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/accounts/login/",
        headers={"Host": f"acme.{settings.SAFELOOP_BASE_DOMAIN}:{port}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _end_the_servers_sessions() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND backend_type = 'client backend'"
        )
        return cursor.fetchone()[0]


def test_the_first_requests_after_the_database_dropped_its_connections_answer(server):
    # the server has opened (and kept) its connections
    assert [_status(server["port"]) for _ in range(REQUESTS)] == [200] * REQUESTS

    assert _end_the_servers_sessions() > 0

    assert [_status(server["port"]) for _ in range(REQUESTS)] == [200] * REQUESTS
