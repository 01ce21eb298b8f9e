"""Every URL that leaves the browser is built on the public scheme, host and port.

SAFELOOP_PUBLIC_PORT is the port people reach SafeLoop on (``safeloop run``
sets it to the port it serves); QR labels and risk cards (point_url), hazard
and verifier links in e-mails, robots and the inbox, inspection task links all
carry it, and leave out the scheme's default port.
"""

from __future__ import annotations

import pytest

from safeloop.platform.urls_util import origin, public_url
from safeloop.tenants.alerts.models import Notification
from safeloop.tenants.facilities.models import Area
from safeloop.tenants.facilities.qr import point_url
from safeloop.tenants.hazards import services
from safeloop.tenants.hazards.models import LibraryEntry
from safeloop.tenants.hazards.notices import hazard_link, verifier_link

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("scheme", "port", "expected"),
    [
        ("http", "8123", "http://acme.localhost:8123"),
        ("http", "80", "http://acme.localhost"),
        ("http", "", "http://acme.localhost"),
        ("https", "443", "https://acme.localhost"),
        ("https", "8443", "https://acme.localhost:8443"),
        ("http", "443", "http://acme.localhost:443"),
    ],
)
def test_origin_leaves_out_only_the_schemes_default_port(settings, scheme, port, expected):
    settings.SAFELOOP_SCHEME = scheme
    settings.SAFELOOP_PUBLIC_PORT = port
    assert origin("acme.localhost") == expected


def test_links_built_in_a_tenant_carry_the_public_port(
    settings, in_acme, zhang, django_capture_on_commit_callbacks
):
    settings.SAFELOOP_SCHEME = "http"
    settings.SAFELOOP_PUBLIC_PORT = "8123"
    area = Area.objects.get(code="W1-A1")
    with django_capture_on_commit_callbacks(execute=True):
        hazard = services.report_hazard(
            by=zhang, area=area, library_entry=LibraryEntry.objects.get(code="MECH-004")
        )

    assert point_url(area.qr_token) == f"http://acme.localhost:8123/q/{area.qr_token}/"
    assert hazard_link(hazard) == f"http://acme.localhost:8123/h/{hazard.pk}/"
    assert verifier_link(hazard).startswith("http://acme.localhost:8123/h/v/")
    # What the report told people (inbox, e-mail) links there too.
    told = Notification.objects.filter(dedupe_key__startswith=f"hazard:{hazard.pk}:")
    assert {"inbox", "email"} <= set(told.values_list("channel", flat=True))
    assert set(told.values_list("link", flat=True)) == {hazard_link(hazard)}


def test_public_schema_links_use_the_base_domain(settings, db):
    settings.SAFELOOP_PUBLIC_PORT = "8123"
    assert public_url("/signup/") == f"http://{settings.SAFELOOP_BASE_DOMAIN}:8123/signup/"
