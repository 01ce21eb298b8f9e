"""Links that leave the browser carry the port SafeLoop is served on.

A server on 127.0.0.1:8123 (as ``safeloop run --port 8123`` would run it, with
SAFELOOP_PUBLIC_PORT=8123): Wang prints a QR label there; the PDF, rasterised
by pdftoppm and read by zbarimg like a phone would, holds a URL on :8123 that
opens the point in Chromium. A hazard reported through that server tells the
fitter Ma by inbox and e-mail; both links are on :8123 and the inbox one opens
the hazard.
"""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from e2e.conftest import serving
from tests.support.documents import rasterise, read_qr
from tests.support.worker import committed

pytestmark = pytest.mark.django_db

PORT = 8123
PASSWORD = "Safe-Loop-2026!"


@pytest.fixture(params=["desktop"])
def viewport_name(request):
    """Printing labels and reading the inbox: a desktop is enough here."""
    return request.param


@pytest.fixture(scope="module")
def served(django_db_setup, django_db_blocker):
    with serving(PORT, django_db_blocker, log_name=f"e2e-server-{PORT}") as info:
        yield info


def acme_url(path: str) -> str:
    return f"http://acme.{settings.SAFELOOP_BASE_DOMAIN}:{PORT}{path}"


def _sign_in(page: Page, email: str, next_path: str) -> None:
    page.goto(acme_url(f"/accounts/login/?next={next_path}"))
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(f"**{next_path}")


def _area(code: str) -> dict:
    from django_tenants.utils import schema_context

    from safeloop.tenants.facilities.models import Area

    with schema_context("acme"):
        area = Area.objects.get(code=code)
        return {"pk": area.pk, "name": area.name, "token": area.qr_token}


def test_a_label_printed_on_port_8123_opens_the_point(served, page: Page, tmp_path):
    area = committed(lambda: _area("W1-A1"))
    _sign_in(page, "wang@acme.test", "/w/qr/")

    page.goto(acme_url("/w/qr/?q=W1-A1"))
    page.get_by_test_id("pick-area-W1-A1").check()
    with page.expect_download() as download:
        page.get_by_test_id("qr-print-selected").click()
    pdf = download.value.path().read_bytes()

    codes = [code for image in rasterise(pdf, tmp_path, name="labels") for code in read_qr(image)]
    assert codes == [acme_url(f"/q/{area['token']}/")], codes

    response = page.goto(codes[0])
    assert response is not None and response.ok
    assert page.url == codes[0]
    expect(page.locator("body")).to_contain_text(area["name"])


def _report_through_the_api(token: str, area_gid: str, entry_gid: str) -> str:
    query = (
        "mutation ($input: ReportHazardInput!) {"
        " reportHazard(input: $input) { number errors { field code message } } }"
    )
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}/graphql/",
        data=json.dumps(
            {"query": query, "variables": {"input": {"area": area_gid, "libraryEntry": entry_gid}}}
        ).encode(),
        headers={
            "Host": f"acme.{settings.SAFELOOP_BASE_DOMAIN}:{PORT}",
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        payload = json.loads(response.read())["data"]["reportHazard"]
    assert payload["errors"] == [], payload
    return payload["number"]


def test_inbox_and_email_links_of_a_hazard_reported_on_port_8123_carry_it(served, page: Page):
    def api_token_and_ids():
        from django.contrib.auth import get_user_model
        from django_tenants.utils import schema_context

        from safeloop.graphql.nodes import global_id
        from safeloop.tenants.accounts.services import create_api_token
        from safeloop.tenants.facilities.models import Area
        from safeloop.tenants.hazards.models import LibraryEntry

        with schema_context("acme"):
            wang = get_user_model().objects.get(email="wang@acme.test")
            token, secret = create_api_token(by=wang, name="public-port e2e")
            area = Area.objects.get(code="W1-A1")
            entry = LibraryEntry.objects.get(code="MECH-004")
            return token.pk, secret, global_id("Area", area), global_id("LibraryEntry", entry)

    token_pk, secret, area_gid, entry_gid = committed(api_token_and_ids)
    number = _report_through_the_api(secret, area_gid, entry_gid)

    def told():
        from django_tenants.utils import schema_context

        from safeloop.tenants.alerts.models import Notification
        from safeloop.tenants.hazards.models import Hazard

        with schema_context("acme"):
            hazard = Hazard.objects.get(number=number)
            rows = Notification.objects.filter(link__endswith=f"/h/{hazard.pk}/")
            return hazard.pk, sorted(rows.values_list("recipient__email", "channel", "link"))

    hazard_pk, notifications = committed(told)
    link = acme_url(f"/h/{hazard_pk}/")
    try:
        # Ma, the fitter it is routed to, is told in his inbox and by e-mail.
        assert ("ma@acme.test", "email", link) in notifications
        assert ("ma@acme.test", "inbox", link) in notifications
        assert all(row_link == link for _who, _channel, row_link in notifications)
        # The e-mail went out through the server's console backend: into its log.
        assert link in served["log"].read_text(), f"no e-mail with {link} in {served['log']}"

        _sign_in(page, "ma@acme.test", "/inbox/")
        page.get_by_role("link", name=re.compile(re.escape(number))).first.click()
        page.wait_for_url(link)
        expect(page.locator("body")).to_contain_text(number)
    finally:
        committed(lambda: _clean_up(token_pk, hazard_pk))


def _clean_up(token_pk: int, hazard_pk: int) -> None:
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from safeloop.tenants.accounts.models import ApiToken
    from safeloop.tenants.alerts.models import Notification
    from safeloop.tenants.hazards.models import Hazard

    with schema_context("acme"):
        ApiToken.objects.filter(pk=token_pk).update(revoked_at=timezone.now())
        # Committed rows must not leak into other tests' counts.
        Notification.objects.filter(link__endswith=f"/h/{hazard_pk}/").delete()
        Hazard.objects.filter(pk=hazard_pk).delete()
