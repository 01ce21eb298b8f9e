"""The web shell: one layout for phones and desktops, navigation by permission."""

import pytest
from django.template import Context, Template

from safeloop.tenants.facilities.permissions import FacilityPerm
from safeloop.web.nav import register_nav, unregister_nav

pytestmark = pytest.mark.django_db


def test_shell_is_a_phone_ready_page_with_the_enterprise_and_the_signed_in_user(as_wang):
    html = as_wang.get("/w/").content.decode()

    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert '<html lang="zh-Hans"' in html  # Wang chose Chinese
    assert "Acme Metal Works" in html
    assert 'data-testid="trial-badge"' in html
    assert 'data-testid="user-name">Wang Wei<' in html
    assert 'data-testid="menu-toggle"' in html and 'aria-controls="shell-menu"' in html
    assert 'action="/accounts/logout/"' in html and 'data-testid="sign-out"' in html
    assert "/static/safeloop/shell.css" in html and "/static/safeloop/shell.js" in html


def test_language_switcher_posts_the_choice_and_the_current_page(as_wang):
    html = as_wang.get("/w/equipment/?status=idle").content.decode()

    assert 'action="/auth/language/"' in html or 'action="/i18n/setlang/"' in html
    assert 'name="next" value="/w/equipment/?status=idle"' in html
    assert 'data-testid="lang-zh"' in html and 'value="zh-hans"' in html
    assert 'data-testid="lang-en"' in html and 'value="en"' in html
    assert 'data-testid="lang-zh" aria-pressed="true"' in html


def test_admin_sees_every_facilities_entry_and_the_current_one_is_marked(as_wang):
    html = as_wang.get("/w/areas/").content.decode()

    for key in ("home", "areas", "equipment", "people"):
        assert f'data-testid="nav-{key}"' in html
    assert 'data-testid="nav-areas" aria-current="page"' in html
    assert 'data-testid="nav-home" aria-current' not in html


def test_operator_does_not_see_people_in_the_navigation(as_zhang):
    html = as_zhang.get("/w/").content.decode()

    assert 'data-testid="nav-areas"' in html
    assert 'data-testid="nav-equipment"' in html
    assert 'data-testid="nav-people"' not in html


def test_verifier_sees_only_home(as_zhao):
    html = as_zhao.get("/w/").content.decode()

    assert 'data-testid="nav-home"' in html
    assert 'data-testid="nav-areas"' not in html
    assert 'data-testid="nothing-here"' in html


def test_later_features_plug_into_the_navigation_with_their_permission(as_wang, zhang):
    register_nav(
        "imports", "Imports", "workspace:people_import", FacilityPerm.MANAGE_PEOPLE, order=5
    )
    try:
        assert 'data-testid="nav-imports"' in as_wang.get("/w/").content.decode()
        as_wang.force_login(zhang)
        assert 'data-testid="nav-imports"' not in as_wang.get("/w/").content.decode()
    finally:
        unregister_nav("imports")


def test_workspace_pages_send_anonymous_visitors_to_sign_in(acme_client):
    for url in ("/w/", "/w/areas/", "/w/equipment/", "/w/people/", "/w/people/import/"):
        response = acme_client.get(url, follow=True)

        # Through the sign-in entry (LOGIN_URL); a desktop browser gets the e-mail login.
        first, last = response.redirect_chain[0][0], response.redirect_chain[-1][0]
        assert first.startswith("/auth/login/?next=")
        assert last.startswith("/accounts/login/?next=")


def test_messages_are_shown_at_the_top_after_a_change(as_wang):
    response = as_wang.post(
        "/w/areas/new/",
        {"code": "S9", "name": "二厂区", "name_en": "Second plant", "kind": "site"},
        follow=True,
    )

    html = response.content.decode()
    assert 'data-testid="messages"' in html
    assert html.index('data-testid="messages"') < html.index('data-testid="page-title"')


def test_public_site_uses_the_shell_without_navigation(public_client):
    html = public_client.get("/").content.decode()

    assert 'name="viewport"' in html
    assert 'data-testid="nav"' not in html
    assert 'data-testid="lang-en"' in html and 'action="/i18n/setlang/"' in html
    assert 'data-testid="sign-out"' not in html


def test_templates_can_ask_whether_the_user_holds_a_permission(wang, zhang):
    template = Template('{% load safeloop_shell %}{% if user|can:"people.manage" %}yes{% endif %}')

    assert template.render(Context({"user": wang})) == "yes"
    assert template.render(Context({"user": zhang})) == ""
