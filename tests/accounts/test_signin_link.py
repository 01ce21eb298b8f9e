"""One-time sign-in links: they work once, briefly, and only on their own enterprise's host."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.messages import get_messages
from django.utils import timezone
from django_tenants.utils import tenant_context

from safeloop.tenants.accounts.services import create_signin_link

pytestmark = pytest.mark.django_db


def _link_for(enterprise, email: str, next_url: str = "/w/") -> str:
    from django.contrib.auth import get_user_model

    with tenant_context(enterprise):
        user = get_user_model().objects.get(email=email)
        return f"/auth/link/{create_signin_link(user, next_url=next_url)}/"


def _signed_in_email(client) -> str | None:
    response = client.get("/w/")
    return response.context["user"].email if response.status_code == 200 else None


def test_link_signs_wang_in_and_lands_on_the_workspace_with_a_welcome(acme, acme_client):
    link = _link_for(acme, "wang@acme.test")

    response = acme_client.get(f"{link}?welcome=1", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302
    assert response["Location"] == "/w/"
    welcome = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(welcome) == 1
    # Wang saved Chinese as his language at signup: it beats the browser's English.
    assert welcome[0].startswith("Wang Wei，欢迎使用 SafeLoop！Acme Metal Works 的工作空间")
    assert _signed_in_email(acme_client) == "wang@acme.test"


def test_link_without_welcome_flag_signs_in_quietly(acme, acme_client):
    response = acme_client.get(_link_for(acme, "li@acme.test"))

    assert response.status_code == 302
    assert list(get_messages(response.wsgi_request)) == []
    assert _signed_in_email(acme_client) == "li@acme.test"


def test_link_works_only_once(acme, acme_client, client_for):
    link = _link_for(acme, "wang@acme.test")
    acme_client.get(link)

    second = client_for(acme).get(link, HTTP_ACCEPT_LANGUAGE="en")

    assert second.status_code == 410
    assert b"expired or was already used" in second.content


def test_link_expires_after_the_configured_seconds(acme, acme_client):
    link = _link_for(acme, "wang@acme.test")
    later = timezone.now() + timedelta(seconds=settings.SAFELOOP_SIGNIN_LINK_SECONDS + 1)

    with time_machine.travel(later):
        response = acme_client.get(link)

    assert response.status_code == 410
    assert _signed_in_email(acme_client) is None


def test_link_still_works_just_before_it_expires(acme, acme_client):
    link = _link_for(acme, "wang@acme.test")
    almost = timezone.now() + timedelta(seconds=settings.SAFELOOP_SIGNIN_LINK_SECONDS - 5)

    with time_machine.travel(almost):
        response = acme_client.get(link)

    assert response.status_code == 302


def test_link_made_on_acme_does_not_work_on_globex(acme, acme_client, globex_client):
    link = _link_for(acme, "wang@acme.test")

    on_globex = globex_client.get(link)

    assert on_globex.status_code == 410
    assert _signed_in_email(globex_client) is None
    # Refusing it elsewhere did not use it up.
    assert acme_client.get(link).status_code == 302


def test_unknown_link_is_refused(acme_client):
    assert acme_client.get("/auth/link/not-a-real-secret/").status_code == 410


def test_link_never_sends_anyone_off_the_enterprise_host(acme, acme_client):
    link = _link_for(acme, "wang@acme.test", next_url="https://evil.test/phish")

    response = acme_client.get(link)

    assert response["Location"] == "/w/"
