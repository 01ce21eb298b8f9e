"""The public site: the landing page leads to a trial, a sign-in and the demo; icons and the
web-app manifest are served on every host; a sign-in greets the person in their language."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django_tenants.utils import tenant_context

from conftest import PASSWORD

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_landing_offers_a_trial_and_a_sign_in_but_no_trial_badge(public_client):
    html = public_client.get("/", **ZH).content.decode()

    assert 'data-testid="start-trial"' in html
    assert 'data-testid="landing-sign-in"' in html and 'href="/login/"' in html
    assert 'data-testid="trial-badge"' not in html
    assert 'data-testid="open-demo"' not in html  # this installation has no demo


def test_landing_links_the_demo_enterprise_on_the_port_it_was_opened_on(public_client, monkeypatch):
    monkeypatch.setattr("safeloop.platform.demo.DEMO_SLUG", "acme")  # stands in for the demo

    html = public_client.get("/", HTTP_HOST=f"{settings.SAFELOOP_BASE_DOMAIN}:8111").content
    demo = f'href="{settings.SAFELOOP_SCHEME}://acme.{settings.SAFELOOP_BASE_DOMAIN}:8111/"'

    assert demo in html.decode()


def test_sign_in_on_the_public_site_sends_you_to_your_workspace(public_client):
    response = public_client.post("/login/", {"slug": "Acme"}, HTTP_HOST="localhost:8111")

    assert response.status_code == 302
    assert (
        response["Location"] == f"{settings.SAFELOOP_SCHEME}://acme.localhost:8111/accounts/login/"
    )


def test_an_unknown_workspace_is_said_so_in_chinese(public_client):
    response = public_client.post("/login/", {"slug": "nosuch"}, **ZH)

    assert response.status_code == 200
    assert "没有这个网址的工作空间" in response.content.decode()


@pytest.mark.parametrize("host", ["public", "tenant"])
def test_favicon_and_manifest_are_served_on_every_host(public_client, acme_client, host):
    client = public_client if host == "public" else acme_client

    icon = client.get("/favicon.ico")
    manifest = client.get("/manifest.webmanifest", **ZH)

    assert icon.status_code == 200 and icon["Content-Type"] == "image/x-icon"
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert manifest.status_code == 200
    assert manifest["Content-Type"] == "application/manifest+json"
    data = json.loads(manifest.content)
    assert data["display"] == "standalone" and data["theme_color"] == "#0b3b5b"
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512", "any"} <= sizes
    for entry in data["icons"]:
        assert client.get(entry["src"]).status_code == 200, entry["src"]
    if host == "tenant":
        assert data["name"] == "Acme Metal Works" and data["start_url"] == "/w/"
    else:
        assert data["start_url"] == "/"


def test_pages_link_the_icons_and_the_manifest(public_client):
    html = public_client.get("/").content.decode()

    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<meta name="theme-color" content="#0b3b5b">' in html
    assert 'rel="icon" href="/favicon.ico"' in html


def test_sign_in_greeting_speaks_the_persons_language_not_the_browsers(acme, acme_client):
    from safeloop.tenants.facilities.models import Person

    with tenant_context(acme):
        Person.objects.filter(user__email="li@acme.test").update(language="zh-hans")

    response = acme_client.post(
        "/accounts/login/", {"login": "li@acme.test", "password": PASSWORD}, **EN
    )

    assert response.status_code == 302
    greeting = [str(m) for m in get_messages(response.wsgi_request)]
    assert greeting == ["Li Na，您好！您已登录。"]
