"""Redis out under a running server: gunicorn on the test database, cache and broker on
a private redis-server that is killed or frozen (SIGSTOP) while people use SafeLoop.

Zhang San opens the press's QR page and reports from it; Wang Wei signs in with
his e-mail address; a phone reports through GraphQL. Every answer comes within
two seconds, and each report is saved once.
"""

from __future__ import annotations

import http.cookiejar
import json
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings

from conftest import PASSWORD
from tests.support.faults import PrivateRedis
from tests.support.server import free_port, serving
from tests.support.worker import committed

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

ANSWER_SECONDS = 2.0
REPORT = (
    "mutation ($input: ReportHazardInput!) {"
    " reportHazard(input: $input) { number errors { field code message } } }"
)


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory):
    """A private Redis and a gunicorn whose cache and broker it is (tasks really sent)."""
    redis = PrivateRedis(tmp_path_factory.mktemp("redis"))
    extra = {
        "REDIS_URL": redis.url(),
        "CELERY_BROKER_URL": redis.url(1),
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    try:
        port = free_port()
        with serving(port, django_db_blocker, log_name="redis-fault-server", extra_env=extra):
            yield {"redis": redis, "port": port}
    finally:
        redis.stop()


class Browser:
    """Cookies and CSRF like a phone's browser, against the server's acme host."""

    def __init__(self, port: int):
        self.port = port
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(
        self, path: str, data: dict | bytes | None = None, **headers
    ) -> tuple[int, str, float]:
        body = data
        if isinstance(data, dict):
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            data=body,
            headers={"Host": f"acme.{settings.SAFELOOP_BASE_DOMAIN}:{self.port}", **headers},
        )
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=30) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
        return status, text, time.monotonic() - started

    def graphql(self, query: str, variables: dict) -> tuple[int, str, float]:
        return self.request(
            "/graphql/",
            json.dumps({"query": query, "variables": variables}).encode(),
            **{"Content-Type": "application/json", "X-CSRFToken": self.csrf()},
        )

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == settings.CSRF_COOKIE_NAME)

    def sign_in(self, email: str) -> tuple[int, float]:
        self.request("/accounts/login/")
        status, _text, seconds = self.request(
            "/accounts/login/", {"login": email, "password": PASSWORD}
        )
        return status, seconds


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _press_token_and_ids() -> dict:
    from django_tenants.utils import schema_context

    from safeloop.graphql.nodes import global_id
    from safeloop.tenants.facilities.models import Area
    from safeloop.tenants.hazards.models import LibraryEntry

    with schema_context("acme"):
        area = Area.objects.get(code="W1-A1")
        entry = LibraryEntry.objects.get(code="MECH-004")
        return {
            "token": area.qr_token,
            "entry": entry.pk,
            "area_gid": global_id("Area", area),
            "entry_gid": global_id("LibraryEntry", entry),
        }


def _hazards_by(email: str) -> list[int]:
    from django_tenants.utils import schema_context

    from safeloop.tenants.hazards.models import Hazard

    with schema_context("acme"):
        return list(Hazard.objects.filter(reporter__email=email).values_list("pk", flat=True))


def _remove_hazards(pks: list[int]) -> None:
    from django_tenants.utils import schema_context

    from safeloop.tenants.alerts.models import Notification
    from safeloop.tenants.hazards.models import Hazard

    with schema_context("acme"):
        # Committed rows must not leak into other tests' counts.
        for pk in pks:
            Notification.objects.filter(link__endswith=f"/h/{pk}/").delete()
        Hazard.objects.filter(pk__in=pks).delete()


@pytest.fixture
def zhang_on_the_press_page(stack):
    """Zhang signed in and the W1-A1 QR page served once, while Redis answers."""
    point = committed(_press_token_and_ids)
    browser = Browser(stack["port"])
    assert browser.sign_in("zhang@acme.test")[0] == 302
    assert browser.request(f"/q/{point['token']}/")[0] == 200
    before = committed(lambda: _hazards_by("zhang@acme.test"))
    yield browser, point
    committed(lambda: _remove_hazards(sorted(set(_hazards_by("zhang@acme.test")) - set(before))))


@pytest.mark.parametrize("fault", ["down", "frozen"])
def test_the_qr_page_and_email_sign_in_answer_while_redis_is_out(
    stack, zhang_on_the_press_page, fault
):
    browser, point = zhang_on_the_press_page
    with stack["redis"].out(fault):
        page_status, html, page_seconds = browser.request(f"/q/{point['token']}/")
        signed_in, sign_in_seconds = Browser(stack["port"]).sign_in("wang@acme.test")

    assert page_status == 200 and 'name="library_entry"' in html
    assert page_seconds < ANSWER_SECONDS, f"Redis {fault}: QR page {page_seconds:.1f} s"
    assert signed_in == 302
    assert sign_in_seconds < ANSWER_SECONDS, f"Redis {fault}: sign-in {sign_in_seconds:.1f} s"


@pytest.mark.parametrize("fault", ["down", "frozen"])
def test_reports_are_answered_at_once_and_saved_once_while_redis_is_out(
    stack, zhang_on_the_press_page, fault
):
    browser, point = zhang_on_the_press_page
    before = committed(lambda: _hazards_by("zhang@acme.test"))
    with stack["redis"].out(fault):
        form_status, _html, form_seconds = browser.request(
            f"/q/{point['token']}/", {"library_entry": point["entry"], "shift": "day"}
        )
        api_status, body, api_seconds = browser.graphql(
            REPORT, {"input": {"area": point["area_gid"], "libraryEntry": point["entry_gid"]}}
        )
    new = set(committed(lambda: _hazards_by("zhang@acme.test"))) - set(before)

    assert form_status == 302, f"Redis {fault}: the QR form answered {form_status}"
    assert form_seconds < ANSWER_SECONDS, f"Redis {fault}: QR form {form_seconds:.1f} s"
    assert api_status == 200 and json.loads(body)["data"]["reportHazard"]["errors"] == [], body
    assert api_seconds < ANSWER_SECONDS, f"Redis {fault}: reportHazard {api_seconds:.1f} s"
    assert len(new) == 2, "each report saved exactly once"
