"""/healthz: load balancers learn whether the database, Redis and the broker answer;
/livez: the orchestrator learns that the process answers, whatever else is down."""

import time

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client, override_settings

from tests.support.faults import PrivateRedis, silent_server

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


# --- whatever is down or hung, the answer comes within a second ----------------

PROBE_SECONDS = 1.0


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    yield server
    server.stop()


def _probe(client):
    started = time.monotonic()
    response = client.get("/healthz")
    return response, time.monotonic() - started


@pytest.mark.parametrize("fault", ["down", "frozen"])
def test_health_names_redis_within_a_second_when_it_is_out(public_client, private_redis, fault):
    url = private_redis.url()
    with override_settings(REDIS_URL=url, CELERY_BROKER_URL=url):
        assert public_client.get("/healthz").status_code == 200
        with private_redis.out(fault):
            time.sleep(settings.SAFELOOP_HEALTHZ_CACHE_SECONDS)  # the last answer's lifetime
            response, seconds = _probe(public_client)

    checks = response.json()["checks"]
    assert response.status_code == 503
    assert checks["redis"]["ok"] is False and checks["broker"]["ok"] is False
    assert checks["database"]["ok"] is True
    assert seconds < PROBE_SECONDS, f"Redis {fault}: /healthz took {seconds:.1f} s"


def test_health_answers_within_a_second_when_the_database_hangs(public_client, monkeypatch):
    with silent_server() as port:
        # The probe's own connection goes to a server that accepts and never answers.
        monkeypatch.setitem(connections["default"].settings_dict, "HOST", "127.0.0.1")
        monkeypatch.setitem(connections["default"].settings_dict, "PORT", str(port))
        response, seconds = _probe(public_client)

    checks = response.json()["checks"]
    assert response.status_code == 503
    assert checks["database"] == {"ok": False, "error": "timeout", "ms": 750.0}
    assert checks["broker"]["ok"] is True
    assert seconds < PROBE_SECONDS, f"/healthz took {seconds:.1f} s"


# --- a burst of probes costs one round of checks; an outage still shows within seconds ---

CACHE_SECONDS = settings.SAFELOOP_HEALTHZ_CACHE_SECONDS


def test_health_answers_a_burst_of_probes_from_one_round_of_checks(public_client):
    time.sleep(CACHE_SECONDS)  # no answer left from an earlier test
    first = public_client.get("/healthz").json()
    burst = [public_client.get("/healthz").json() for _ in range(20)]

    assert {probe["status"] for probe in burst} == {"ok"}
    # The same measurements (each check's own milliseconds), older and older.
    assert all(probe["checks"] == first["checks"] for probe in burst)
    ages = [probe["age_ms"] for probe in burst]
    assert ages == sorted(ages) and ages[-1] < CACHE_SECONDS * 1000


def test_health_shows_a_redis_outage_within_its_stated_time(public_client, private_redis):
    url = private_redis.url()
    with override_settings(REDIS_URL=url, CELERY_BROKER_URL=url):
        assert public_client.get("/healthz").status_code == 200
        answers = []
        with private_redis.out("down"):
            out_at = time.monotonic()
            while time.monotonic() - out_at < CACHE_SECONDS + 2:
                response, seconds = _probe(public_client)
                answers.append((time.monotonic() - out_at, response.status_code, seconds))
                if response.status_code == 503:
                    break
                time.sleep(0.05)

    shown_after, status, _seconds = answers[-1]
    assert status == 503, answers
    # At most the cache's lifetime plus one round of checks (each bounded by the deadline).
    assert shown_after < CACHE_SECONDS + PROBE_SECONDS, answers
    assert all(seconds < PROBE_SECONDS for _at, _status, seconds in answers), answers


def test_health_never_answers_for_another_broker_from_its_last_round(public_client):
    assert public_client.get("/healthz").status_code == 200

    with override_settings(
        CELERY_BROKER_URL=UNREACHABLE_BROKER, CELERY_BROKER_TRANSPORT_OPTIONS={}
    ):
        assert public_client.get("/healthz").status_code == 503


# --- /livez: the process answers; nothing outside it is asked -------------------------


@pytest.mark.parametrize(
    "host", [settings.SAFELOOP_BASE_DOMAIN, "10.0.0.7"], ids=["public", "bare-ip"]
)
def test_live_answers_while_redis_the_broker_and_the_database_are_out(host, monkeypatch):
    dead = "redis://127.0.0.1:1/0"
    with silent_server() as port:
        monkeypatch.setitem(connections["default"].settings_dict, "HOST", "127.0.0.1")
        monkeypatch.setitem(connections["default"].settings_dict, "PORT", str(port))
        with override_settings(
            REDIS_URL=dead, CELERY_BROKER_URL=dead, CELERY_BROKER_TRANSPORT_OPTIONS={}
        ):
            client = Client(HTTP_HOST=host)
            started = time.monotonic()
            live = client.get("/livez")
            live_seconds = time.monotonic() - started
            ready = client.get("/healthz")

    assert live.status_code == 200
    assert live.json() == {"status": "ok"}
    assert live_seconds < 0.1, f"/livez took {live_seconds:.2f} s: it waited on something"
    assert ready.status_code == 503  # readiness still tells the truth


def test_live_answers_only_on_its_exact_path(public_client):
    assert public_client.get("/livez/extra").status_code == 404
