"""Redis down or frozen: reports still go through, at once, saved once; sign-in still works.

The cache is pointed at a private redis-server started for the test, which is
then killed (connections refused) or frozen with SIGSTOP (connections accepted,
never answered). Zhang San reports a hazard at the press in W1 from its QR page
and through GraphQL; Wang Wei signs in with his e-mail address.
"""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from conftest import PASSWORD
from safeloop.platform.cache import breaker
from safeloop.tenants.hazards.models import Hazard, LibraryEntry
from tests.graphql.conftest import run
from tests.hazards.conftest import press, w1_area  # noqa: F401  (fixtures)
from tests.support.faults import PrivateRedis

pytestmark = pytest.mark.django_db

# What a person on a phone will wait for before tapping again.
ANSWER_SECONDS = 2.0

REPORT = """
mutation ($input: ReportHazardInput!) {
  reportHazard(input: $input) { number errors { field code message } }
}
"""


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    yield server
    server.stop()
    breaker.reset()


@pytest.fixture
def cache_on_private_redis(private_redis):
    """SafeLoop's own cache settings, on the private server."""
    with override_settings(
        CACHES={"default": {**settings.CACHES["default"], "LOCATION": private_redis.url()}}
    ):
        cache.set("warm", 1)  # the server answers before it is broken
        assert cache.get("warm") == 1
        yield private_redis


@pytest.fixture(params=["down", "frozen"])
def redis_fault(request, cache_on_private_redis):
    """Redis killed or frozen for the test body."""
    with cache_on_private_redis.out(request.param):
        yield request.param


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


@pytest.fixture
def warm_press_page(cache_on_private_redis, as_zhang, press):  # noqa: F811
    """The press's QR page served once while Redis answers (a running server's state)."""
    assert as_zhang.get(f"/q/{press.qr_token}/").status_code == 200
    return press


def test_the_qr_point_page_opens_at_once(warm_press_page, redis_fault, as_zhang):
    page, seconds = _timed(lambda: as_zhang.get(f"/q/{warm_press_page.qr_token}/"))

    assert page.status_code == 200
    assert 'name="library_entry"' in page.content.decode()
    assert seconds < ANSWER_SECONDS, f"Redis {redis_fault}: the page took {seconds:.1f} s"


def test_a_hazard_reported_on_the_qr_page_is_saved_once_and_confirmed(
    redis_fault,
    as_zhang,
    press,  # noqa: F811
    ma,
):
    entry = LibraryEntry.objects.get(code="MECH-002")

    sent, seconds = _timed(
        lambda: as_zhang.post(f"/q/{press.qr_token}/", {"library_entry": entry.pk, "shift": "day"})
    )

    hazard = Hazard.objects.get()
    assert sent.status_code == 302 and sent["Location"].endswith(f"?done={hazard.pk}")
    assert hazard.assignee.user == ma
    assert seconds < ANSWER_SECONDS, f"Redis {redis_fault}: the report took {seconds:.1f} s"


def test_a_hazard_reported_through_graphql_is_saved_once(redis_fault, acme_client, zhang):
    from safeloop.graphql.nodes import global_id
    from safeloop.tenants.facilities.models import Area

    acme_client.force_login(zhang)
    variables = {
        "input": {
            "area": global_id("Area", Area.objects.get(code="W1-A1")),
            "libraryEntry": global_id("LibraryEntry", LibraryEntry.objects.get(code="MECH-004")),
        }
    }

    data, seconds = _timed(lambda: run(acme_client, REPORT, variables))

    assert data["reportHazard"]["errors"] == []
    assert Hazard.objects.get().number == data["reportHazard"]["number"]
    assert seconds < ANSWER_SECONDS, f"Redis {redis_fault}: reportHazard took {seconds:.1f} s"


def test_wang_signs_in_with_his_email_while_redis_is_out(redis_fault, acme_client):
    signed_in, seconds = _timed(
        lambda: acme_client.post(
            "/accounts/login/", {"login": "wang@acme.test", "password": PASSWORD}
        )
    )

    assert signed_in.status_code == 302
    assert acme_client.get("/").wsgi_request.user.email == "wang@acme.test"
    assert seconds < ANSWER_SECONDS, f"Redis {redis_fault}: sign-in took {seconds:.1f} s"


def _celery_app_on(url: str):
    """A Celery app configured like SafeLoop's (from the settings), on another broker."""
    from celery import Celery

    # Not the current app: later tests of this process send through the project's.
    app = Celery("safeloop-fault-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.broker_url = url
    # The options SafeLoop gives a Redis broker, whichever broker the settings chose.
    app.conf.broker_transport_options = settings.REDIS_BROKER_TRANSPORT_OPTIONS
    app.conf.result_backend = None
    return app


@pytest.mark.parametrize("fault", ["down", "frozen"])
def test_sending_a_task_fails_fast_while_the_broker_is_out(private_redis, fault):
    app = _celery_app_on(private_redis.url(1))
    app.send_task("safeloop.fault_test.noop")  # the broker answers before it is broken

    def send():
        with pytest.raises(Exception) as failed:  # noqa: PT011 — kombu's or redis' error
            app.send_task("safeloop.fault_test.noop")
        return failed.value

    try:
        with private_redis.out(fault):
            error, seconds = _timed(send)
    finally:
        app.close()

    assert seconds < ANSWER_SECONDS, f"Broker {fault}: sending took {seconds:.1f} s ({error!r})"
