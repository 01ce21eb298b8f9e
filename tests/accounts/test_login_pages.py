"""Email + password sign-in on an enterprise's host, in SafeLoop's shell; no self sign-up."""

import pytest

from conftest import PASSWORD

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_wang_signs_in_with_email_and_password_on_acme(acme_client):
    response = acme_client.post(
        "/accounts/login/", {"login": "wang@acme.test", "password": PASSWORD}, **EN
    )

    assert response.status_code == 302
    assert response["Location"] == "/w/"
    assert acme_client.get("/w/").context["user"].email == "wang@acme.test"


def test_sign_in_returns_to_the_page_that_asked_for_it(acme_client):
    response = acme_client.post(
        "/accounts/login/?next=/w/%3Ftab%3Dareas",
        {"login": "li@acme.test", "password": PASSWORD, "next": "/w/?tab=areas"},
    )

    assert response["Location"] == "/w/?tab=areas"


def test_acme_user_cannot_sign_in_on_globex(globex_client):
    response = globex_client.post(
        "/accounts/login/", {"login": "wang@acme.test", "password": PASSWORD}, **EN
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in globex_client.session
    assert globex_client.get("/w/").status_code == 302


def test_wrong_password_is_refused(acme_client):
    response = acme_client.post(
        "/accounts/login/", {"login": "zhang@acme.test", "password": "not-it-2026"}, **EN
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in acme_client.session


def test_login_page_uses_the_shell_and_links_to_quick_login(acme_client):
    response = acme_client.get("/accounts/login/?next=/w/", **EN)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Sign in — SafeLoop</title>" in html
    assert 'class="panel sl-card"' in html
    assert 'class="button button-primary sl-block"' in html
    assert 'href="/auth/quick/?next=/w/"' in html
    assert "/accounts/signup/" not in html


def test_quick_login_page_links_back_to_password_login(acme_client):
    html = acme_client.get("/auth/quick/?next=/w/", **EN).content.decode()

    assert 'href="/accounts/login/?next=/w/"' in html


def test_nobody_signs_themselves_up_on_an_enterprise_host(acme_client):
    page = acme_client.get("/accounts/signup/", **EN)
    attempt = acme_client.post(
        "/accounts/signup/",
        {"email": "intruder@evil.test", "password1": PASSWORD, "password2": PASSWORD},
        **EN,
    )

    assert b"Accounts are created by your enterprise" in page.content
    assert b"Accounts are created by your enterprise" in attempt.content
    assert "_auth_user_id" not in acme_client.session


def test_public_site_has_no_tenant_login(public_client):
    assert public_client.get("/accounts/login/").status_code == 404
    assert public_client.get("/auth/quick/").status_code == 404


def test_logout_page_asks_before_signing_out(acme_client):
    acme_client.post("/accounts/login/", {"login": "wang@acme.test", "password": PASSWORD})

    page = acme_client.get("/accounts/logout/", **EN)
    acme_client.post("/accounts/logout/")

    assert page.status_code == 200
    assert b'action="/accounts/logout/"' in page.content
    assert "_auth_user_id" not in acme_client.session


def test_password_reset_page_renders_in_the_shell(acme_client):
    response = acme_client.get("/accounts/password/reset/", **EN)

    assert response.status_code == 200
    assert b'class="field' in response.content
    assert b"<title>" in response.content and b"SafeLoop</title>" in response.content


def test_login_page_is_sent_with_a_content_security_policy_its_script_satisfies(acme_client):
    response = acme_client.get("/accounts/login/", **EN)

    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    nonce = response.wsgi_request.csp_nonce
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == f"'self' 'nonce-{nonce}'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["img-src"] == "'self' data: blob:"
    assert "'unsafe-inline'" not in policy["script-src"] + policy["style-src"]
    # The shell's one inline script (no-js → js) carries this response's nonce.
    assert f'<script nonce="{nonce}">' in response.content.decode()
