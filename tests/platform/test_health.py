"""/healthz: load balancers learn whether the database, Redis and the broker answer."""

import pytest
from django.conf import settings
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


@pytest.mark.parametrize(
    "host",
    [settings.SAFELOOP_BASE_DOMAIN, f"acme.{settings.SAFELOOP_BASE_DOMAIN}", "10.0.0.7"],
    ids=["public", "tenant", "bare-ip"],
)
def test_health_is_ok_when_every_service_answers(acme, host):
    response = Client(HTTP_HOST=host).get("/healthz")

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "broker": True,
        "redis": True,
    }


def test_health_checks_redis_itself_when_configured(public_client):
    body = public_client.get("/healthz").json()

    if settings.REDIS_URL:
        assert "skipped" not in body["checks"]["redis"]
    else:
        assert body["checks"]["redis"]["skipped"]


@override_settings(CELERY_BROKER_URL=UNREACHABLE_BROKER, CELERY_BROKER_TRANSPORT_OPTIONS={})
def test_health_is_unavailable_when_the_broker_is_unreachable(public_client):
    response = public_client.get("/healthz")

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["broker"]["error"]
    assert body["checks"]["database"]["ok"] is True


def test_health_answers_only_on_its_exact_path(public_client):
    assert public_client.get("/healthz/extra").status_code == 404
