"""A request finds its enterprise without asking the database each time, and never another's.

Zhang San scans W1's press line at shift start; Wang Wei (Acme's admin) and Chen
Jie (Globex's) use the API. Each web process remembers which enterprise a host
name belongs to for SAFELOOP_TENANT_CACHE_SECONDS, and sets the connection's
search_path once per request instead of before every query.
"""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from safeloop.platform.models import Domain
from safeloop.tenants.facilities.models import Area
from tests.graphql.conftest import run

pytestmark = pytest.mark.django_db

WHO = "query { enterprise { slug } viewer { email } }"


def _press_line_url() -> str:
    return f"/q/{Area.objects.filter(parent__code='W1').order_by('code').first().qr_token}/"


def _statements(client: Client, url: str) -> list[str]:
    client.get(url)  # warm: the host is known, the session cached
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_the_qr_page_sets_the_search_path_once_and_does_not_look_up_the_host(as_zhang):
    statements = _statements(as_zhang, _press_line_url())

    assert [sql for sql in statements if sql.startswith("SET ")] == [
        'SET search_path = "acme","public"'
    ]
    assert not [sql for sql in statements if "platform_domain" in sql]


def test_one_connection_serves_two_enterprises_each_its_own_rows(as_wang, as_chen):
    # Both clients' requests run on this test's one database connection, one after
    # the other, as a gunicorn thread's persistent connection does.
    for _ in range(2):
        assert run(as_wang, WHO) == {
            "enterprise": {"slug": "acme"},
            "viewer": {"email": "wang@acme.test"},
        }
        assert run(as_chen, WHO) == {
            "enterprise": {"slug": "globex"},
            "viewer": {"email": "chen@globex.test"},
        }


def test_a_domain_removed_by_another_process_stops_routing_within_the_ttl(acme, settings):
    settings.SAFELOOP_TENANT_CACHE_SECONDS = 1
    old_host = f"acme-old.{settings.SAFELOOP_BASE_DOMAIN}"
    domain = Domain.objects.create(domain=old_host, tenant=acme, is_primary=False)
    phone = Client(HTTP_HOST=old_host)
    assert phone.get("/manifest.webmanifest").json()["name"] == "Acme Metal Works"

    # Another process renames it: no signal reaches this one.
    Domain.objects.filter(pk=domain.pk).update(domain=f"acme-gone.{settings.SAFELOOP_BASE_DOMAIN}")

    assert phone.get("/manifest.webmanifest").status_code == 200  # still trusted, within the TTL
    time.sleep(1.1)
    assert phone.get("/manifest.webmanifest").status_code == 404


def test_a_domain_deleted_here_stops_routing_at_once(acme):
    old_host = f"acme-old.{settings.SAFELOOP_BASE_DOMAIN}"
    domain = Domain.objects.create(domain=old_host, tenant=acme, is_primary=False)
    phone = Client(HTTP_HOST=old_host)
    assert phone.get("/manifest.webmanifest").status_code == 200

    domain.delete()

    assert phone.get("/manifest.webmanifest").status_code == 404


def test_a_new_enterprise_host_routes_at_once(acme):
    new_host = f"acme-new.{settings.SAFELOOP_BASE_DOMAIN}"
    phone = Client(HTTP_HOST=new_host)
    assert phone.get("/manifest.webmanifest").status_code == 404

    Domain.objects.create(domain=new_host, tenant=acme, is_primary=False)

    assert phone.get("/manifest.webmanifest").status_code == 200
