"""Free-trial signup on the public site: the form, refusals, and the hand-over to the new host."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from django_tenants.utils import schema_exists, tenant_context

from safeloop.platform.models import Domain, Enterprise

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def _form(**overrides) -> dict:
    values = {
        "company_name": "Shenzhen Mining Co",
        "slug": "szmine",
        "industry": "mining",
        "admin_name": "Liu Yang",
        "admin_email": "liu@szmine.test",
        "admin_password": "Open-Pit-2026!",
    }
    values.update(overrides)
    return values


def test_landing_page_leads_to_the_free_trial(public_client):
    response = public_client.get("/", **EN)

    assert response.status_code == 200
    assert b"Start free 30-day trial" in response.content
    assert b'href="/signup/"' in response.content


def test_signup_form_offers_industry_templates_in_the_visitors_language(public_client):
    english = public_client.get("/signup/", **EN)
    chinese = public_client.get("/signup/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")

    assert english.status_code == 200
    assert "Metal processing &amp; machinery" in english.content.decode()
    assert "金属加工与机械制造" in chinese.content.decode()
    assert f".{settings.SAFELOOP_BASE_DOMAIN}".encode() in english.content


def test_signup_creates_the_workspace_and_signs_the_admin_in_on_its_own_host(public_client):
    response = public_client.post("/signup/", _form(), **EN)

    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.scheme == settings.SAFELOOP_SCHEME
    assert target.netloc == f"szmine.{settings.SAFELOOP_BASE_DOMAIN}"
    assert target.path.startswith("/auth/link/")
    enterprise = Enterprise.objects.get(slug="szmine")
    assert enterprise.industry == "mining"
    assert enterprise.default_language == "en"

    # The browser follows the link to the new host: it has no cookie there yet.
    browser = Client(HTTP_HOST=target.netloc)
    landed = browser.get(f"{target.path}?{target.query}", **EN)
    assert landed.status_code == 302
    assert landed["Location"] == "/w/"
    welcome = [str(m) for m in get_messages(landed.wsgi_request)]
    assert any("Welcome to SafeLoop, Liu Yang" in m for m in welcome)

    workspace = browser.get("/w/", **EN)
    assert workspace.status_code == 200
    assert workspace.context["user"].email == "liu@szmine.test"
    assert workspace.context["enterprise"].slug == "szmine"


def test_signup_link_keeps_the_port_the_visitor_used():
    client = Client(HTTP_HOST=f"{settings.SAFELOOP_BASE_DOMAIN}:8000")

    response = client.post("/signup/", _form(slug="portside", admin_email="p@portside.test"))

    assert response.status_code == 302
    assert urlsplit(response["Location"]).netloc == (
        f"portside.{settings.SAFELOOP_BASE_DOMAIN}:8000"
    )


def test_the_signup_link_cannot_be_used_twice(public_client):
    response = public_client.post("/signup/", _form(), **EN)
    target = urlsplit(response["Location"])
    browser = Client(HTTP_HOST=target.netloc)
    browser.get(f"{target.path}?{target.query}")

    again = Client(HTTP_HOST=target.netloc).get(target.path)

    assert again.status_code == 410


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"slug": "acme"}, "slug", "This sub-domain is already taken."),
        ({"slug": "admin"}, "slug", "This sub-domain is reserved. Please choose another."),
        ({"slug": "Bad_Name!"}, "slug", "Use 3 to 30 lowercase letters"),
        ({"admin_email": "not-an-email"}, "admin_email", "Enter a valid email address."),
        ({"admin_password": "123456"}, "admin_password", "This password is too short."),
        ({"industry": "bakery"}, "industry", "Choose an industry."),
        ({"company_name": "  "}, "company_name", "Enter your company name."),
    ],
)
def test_refused_signup_explains_why_and_creates_nothing(public_client, overrides, field, message):
    before = (Enterprise.objects.count(), Domain.objects.count())

    response = public_client.post("/signup/", _form(**{"slug": "leftover", **overrides}), **EN)

    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert message in " ".join(response.context["form"].errors[field])
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert (Enterprise.objects.count(), Domain.objects.count()) == before
    assert not schema_exists("leftover")


def test_refused_signup_keeps_what_was_typed_except_the_password(public_client):
    response = public_client.post("/signup/", _form(slug="acme"), **EN)

    html = response.content.decode()
    assert 'value="Shenzhen Mining Co"' in html
    assert 'value="liu@szmine.test"' in html
    assert "Open-Pit-2026!" not in html
    assert 'value="mining" required checked' in html


def test_refused_signup_answers_in_chinese_for_a_chinese_browser(public_client):
    response = public_client.post(
        "/signup/", _form(slug="admin"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9"
    )

    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert response.context["form"].errors["slug"]
    assert not Enterprise.objects.filter(slug="admin").exists()


def test_signup_in_chinese_makes_chinese_the_enterprise_default(public_client):
    public_client.post(
        "/signup/", _form(slug="zhfirst", admin_email="a@zh.test"), HTTP_ACCEPT_LANGUAGE="zh-CN"
    )

    enterprise = Enterprise.objects.get(slug="zhfirst")
    assert enterprise.default_language == "zh-hans"
    with tenant_context(enterprise):
        from safeloop.tenants.facilities.models import Person

        assert Person.objects.get().language == "zh-hans"


def test_language_switcher_on_the_public_site_changes_the_signup_language(public_client):
    switched = public_client.post(
        "/i18n/setlang/", {"language": "en", "next": "/signup/"}, HTTP_ACCEPT_LANGUAGE="zh-CN"
    )
    response = public_client.get("/signup/", HTTP_ACCEPT_LANGUAGE="zh-CN")

    assert switched.status_code == 302
    assert switched["Location"] == "/signup/"
    assert response["Content-Language"] == "en"
    assert b"Start your free 30-day trial" in response.content


def test_sub_domain_check_reports_taken_reserved_and_free_names(public_client):
    taken = public_client.get("/signup/check-slug/", {"slug": "acme"}, **EN).json()
    reserved = public_client.get("/signup/check-slug/", {"slug": "Admin"}, **EN).json()
    free = public_client.get("/signup/check-slug/", {"slug": "new-plant"}, **EN).json()

    assert (taken["available"], taken["code"]) == (False, "slug_taken")
    assert taken["message"] == "This sub-domain is already taken."
    assert (reserved["available"], reserved["code"]) == (False, "slug_reserved")
    assert free == {
        "slug": "new-plant",
        "host": f"new-plant.{settings.SAFELOOP_BASE_DOMAIN}",
        "available": True,
        "code": "",
        "message": "",
    }


def test_signup_is_not_offered_on_an_enterprise_host(acme_client):
    assert acme_client.get("/signup/").status_code == 404
