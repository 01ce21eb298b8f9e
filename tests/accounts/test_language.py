"""Which language a page speaks: the person's choice, the device's, the browser's, the enterprise's.

Acme's default language is Chinese, Globex's English.
"""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django_tenants.utils import tenant_context

from safeloop.tenants.accounts.language import set_person_language

pytestmark = pytest.mark.django_db

LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME


def _person(enterprise, email: str):
    from safeloop.tenants.facilities.models import Person

    with tenant_context(enterprise):
        return Person.objects.select_related("user").get(user__email=email)


def _signed_in(enterprise, email: str) -> Client:
    client = Client(HTTP_HOST=f"{enterprise.slug}.{settings.SAFELOOP_BASE_DOMAIN}")
    with tenant_context(enterprise):
        client.force_login(_person(enterprise, email).user)
    return client


def _set_saved_language(enterprise, email: str, language: str) -> None:
    from safeloop.tenants.facilities.models import Person

    with tenant_context(enterprise):
        Person.objects.filter(user__email=email).update(language=language)


def test_english_browser_gets_english_on_a_chinese_enterprise(acme_client):
    response = acme_client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")

    assert response["Content-Language"] == "en"
    assert b'<html lang="en"' in response.content


def test_enterprise_default_applies_when_the_browser_says_nothing(acme_client, globex_client):
    assert acme_client.get("/accounts/login/")["Content-Language"] == "zh-hans"
    assert globex_client.get("/accounts/login/")["Content-Language"] == "en"


def test_persons_saved_choice_overrides_the_browser(acme):
    _set_saved_language(acme, "li@acme.test", "en")
    client = _signed_in(acme, "li@acme.test")

    response = client.get("/w/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")

    assert response.status_code == 200
    assert response["Content-Language"] == "en"


def test_choosing_a_language_saves_it_for_the_signed_in_person(acme):
    client = _signed_in(acme, "zhang@acme.test")

    response = client.post("/auth/language/", {"language": "en", "next": "/w/"})

    assert response.status_code == 302
    assert response["Location"] == "/w/"
    assert response.cookies[LANGUAGE_COOKIE].value == "en"
    assert _person(acme, "zhang@acme.test").language == "en"
    assert client.get("/w/", HTTP_ACCEPT_LANGUAGE="zh-CN")["Content-Language"] == "en"
    with tenant_context(acme):
        from safeloop.tenants.audit.models import AuditEvent

        event = AuditEvent.objects.filter(verb="person.language_changed").latest("id")
        assert event.data["language"] == "en"


def test_choice_follows_the_person_to_another_device(acme):
    _signed_in(acme, "zhang@acme.test").post("/auth/language/", {"language": "en"})

    other_phone = _signed_in(acme, "zhang@acme.test")

    assert other_phone.get("/w/")["Content-Language"] == "en"


def test_visitor_choice_is_remembered_on_the_device(acme_client):
    response = acme_client.post("/auth/language/", {"language": "en", "next": "/accounts/login/"})
    page = acme_client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN")

    assert response["Location"] == "/accounts/login/"
    assert response.cookies[LANGUAGE_COOKIE]["max-age"] > 30 * 86400
    assert page["Content-Language"] == "en"


def test_unsupported_language_changes_nothing(acme):
    client = _signed_in(acme, "zhang@acme.test")
    before = _person(acme, "zhang@acme.test").language

    response = client.post("/auth/language/", {"language": "fr", "next": "/w/"})

    assert response.status_code == 302
    assert LANGUAGE_COOKIE not in response.cookies
    assert _person(acme, "zhang@acme.test").language == before


def test_language_choice_never_redirects_off_the_host(acme_client):
    response = acme_client.post("/auth/language/", {"language": "en", "next": "https://evil.test/"})

    assert response["Location"] == "/"


def test_language_choice_returns_to_the_referring_page_without_next(acme_client):
    response = acme_client.post(
        "/auth/language/",
        {"language": "en"},
        HTTP_REFERER=f"http://acme.{settings.SAFELOOP_BASE_DOMAIN}/accounts/login/",
    )

    assert response["Location"].endswith("/accounts/login/")


def test_language_choice_needs_post(acme_client):
    assert acme_client.get("/auth/language/?language=en").status_code == 405


def test_operator_cannot_change_someone_elses_language(acme):
    zhang, li = _person(acme, "zhang@acme.test"), _person(acme, "li@acme.test")

    with tenant_context(acme), pytest.raises(PermissionDenied):
        set_person_language(li, "en", by=zhang.user)


def test_admin_may_set_an_employees_language(acme):
    wang, zhang = _person(acme, "wang@acme.test"), _person(acme, "zhang@acme.test")

    with tenant_context(acme):
        set_person_language(zhang, "en", by=wang.user)

    assert _person(acme, "zhang@acme.test").language == "en"


def test_unknown_language_is_refused_with_a_code(acme):
    zhang = _person(acme, "zhang@acme.test")

    with tenant_context(acme), pytest.raises(ValidationError) as raised:
        set_person_language(zhang, "klingon", by=zhang.user)

    assert raised.value.error_dict["language"][0].code == "unknown_language"
