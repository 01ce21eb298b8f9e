"""The public site and a tenant's login page load in a real Chromium."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db


def test_public_site_loads_and_tenant_login_is_on_its_own_host(page, server, tenant_url):
    page.goto(server["base"] + "/")
    expect(page.locator("body")).to_contain_text("SafeLoop")

    page.goto(tenant_url("acme", "/accounts/login/"))
    expect(page.locator("input[type=email], input[name=login]").first).to_be_visible()
