"""Quick phone login: employee number + PIN, lockout, and the phone that remembers its worker.

Zhang San (E1002) is an operator at Acme; Li Na (E1001) is his team leader.
"""

import pytest
from django.conf import settings
from django_tenants.utils import tenant_context

from conftest import PIN
from safeloop.tenants.accounts.views import DEVICE_COOKIE

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
WRONG_PIN = "1357"


def _signed_in_email(client) -> str | None:
    response = client.get("/w/")
    return response.context["user"].email if response.status_code == 200 else None


def test_zhang_signs_in_with_employee_number_and_pin(acme_client):
    response = acme_client.post("/auth/quick/", {"employee_no": "E1002", "pin": PIN})

    assert response.status_code == 302
    assert response["Location"] == "/w/"
    assert _signed_in_email(acme_client) == "zhang@acme.test"


def test_quick_login_keeps_the_session_for_the_remembered_days(acme_client):
    acme_client.post("/auth/quick/", {"employee_no": "e1002", "pin": PIN})

    assert acme_client.session.get_expiry_age() == settings.SAFELOOP_DEVICE_REMEMBER_DAYS * 86400
    cookie = acme_client.cookies[DEVICE_COOKIE]
    assert cookie["max-age"] == settings.SAFELOOP_DEVICE_REMEMBER_DAYS * 86400
    assert cookie["httponly"]
    assert "E1002" in cookie.value  # signed, not encrypted: only the employee number


def test_quick_login_returns_to_the_scanned_page(acme_client):
    response = acme_client.post(
        "/auth/quick/?next=/w/%3Fqr%3Dabc",
        {"employee_no": "E1002", "pin": PIN, "next": "/w/?qr=abc"},
    )

    assert response["Location"] == "/w/?qr=abc"


@pytest.mark.parametrize("unsafe", ["https://evil.test/", "//evil.test/x", "javascript:alert(1)"])
def test_quick_login_never_redirects_off_the_enterprise_host(acme_client, unsafe):
    page = acme_client.get("/auth/quick/", {"next": unsafe})
    response = acme_client.post(
        "/auth/quick/", {"employee_no": "E1002", "pin": PIN, "next": unsafe}
    )

    assert unsafe not in page.content.decode()
    assert response["Location"] == "/w/"


def test_wrong_pin_is_refused_with_a_clear_message(acme_client):
    response = acme_client.post("/auth/quick/", {"employee_no": "E1002", "pin": WRONG_PIN}, **EN)

    assert response.status_code == 200
    assert b"Unknown employee number or PIN." in response.content
    assert _signed_in_email(acme_client) is None
    assert DEVICE_COOKIE not in acme_client.cookies


def test_missing_employee_number_or_pin_is_asked_for(acme_client):
    response = acme_client.post("/auth/quick/", {"employee_no": " ", "pin": ""}, **EN)

    assert response.status_code == 200
    assert b"Enter your employee number." in response.content
    assert b"Enter your PIN." in response.content


def test_pin_locks_after_five_failures_even_for_the_right_pin(acme, acme_client):
    for _attempt in range(settings.SAFELOOP_PIN_MAX_FAILURES):
        acme_client.post("/auth/quick/", {"employee_no": "E1002", "pin": WRONG_PIN}, **EN)

    response = acme_client.post("/auth/quick/", {"employee_no": "E1002", "pin": PIN}, **EN)

    assert b"This PIN is locked after too many attempts" in response.content
    assert b"data-locked" in response.content
    assert _signed_in_email(acme_client) is None
    with tenant_context(acme):
        from safeloop.tenants.facilities.models import Person

        assert Person.objects.get(employee_no="E1002").pin_failures == 5


def test_acme_employee_number_does_not_work_on_globex(globex_client):
    response = globex_client.post("/auth/quick/", {"employee_no": "E1002", "pin": PIN}, **EN)

    assert b"Unknown employee number or PIN." in response.content
    assert _signed_in_email(globex_client) is None


def test_remembered_phone_asks_only_for_the_pin(acme_client):
    acme_client.post("/auth/quick/", {"employee_no": "E1002", "pin": PIN})
    acme_client.post("/accounts/logout/")

    page = acme_client.get("/auth/quick/", **EN)
    response = acme_client.post("/auth/quick/", {"pin": PIN})

    html = page.content.decode()
    assert "Hello Zhang San, enter your PIN." in html
    assert 'name="employee_no"' not in html
    assert "Not Zhang San? Switch" in html
    assert response.status_code == 302
    assert _signed_in_email(acme_client) == "zhang@acme.test"


def test_remembered_phone_counts_wrong_pins_against_its_worker(acme, acme_client):
    acme_client.post("/auth/quick/", {"employee_no": "E1002", "pin": PIN})
    acme_client.post("/accounts/logout/")

    response = acme_client.post("/auth/quick/", {"pin": WRONG_PIN}, **EN)

    assert b"Unknown employee number or PIN." in response.content
    with tenant_context(acme):
        from safeloop.tenants.facilities.models import Person

        assert Person.objects.get(employee_no="E1002").pin_failures == 1


def test_switching_person_forgets_the_phones_worker(acme_client):
    acme_client.post("/auth/quick/", {"employee_no": "E1002", "pin": PIN})
    acme_client.post("/accounts/logout/")

    page = acme_client.get("/auth/quick/?switch=1")
    response = acme_client.post("/auth/quick/?switch=1", {"employee_no": "E1001", "pin": PIN})

    assert b'name="employee_no"' in page.content
    assert response.status_code == 302
    assert _signed_in_email(acme_client) == "li@acme.test"
    assert "E1001" in acme_client.cookies[DEVICE_COOKIE].value


def test_remembered_cookie_from_acme_is_ignored_on_globex(acme_client, globex_client):
    acme_client.post("/auth/quick/", {"employee_no": "E1002", "pin": PIN})
    globex_client.cookies[DEVICE_COOKIE] = acme_client.cookies[DEVICE_COOKIE].value

    page = globex_client.get("/auth/quick/")

    assert b'name="employee_no"' in page.content


def test_tampered_device_cookie_is_ignored(acme_client):
    acme_client.cookies[DEVICE_COOKIE] = "E1001:forged-signature"

    page = acme_client.get("/auth/quick/")
    response = acme_client.post("/auth/quick/", {"pin": PIN})

    assert b'name="employee_no"' in page.content
    assert response.status_code == 200
    assert _signed_in_email(acme_client) is None


def test_quick_login_page_is_phone_friendly(acme_client):
    html = acme_client.get("/auth/quick/").content.decode()

    assert 'inputmode="numeric"' in html
    assert 'autocomplete="username"' in html
    assert 'name="pin"' in html
