"""A new enterprise signs up, lands in its workspace, adds an area and switches language.

Runs in Debian's Chromium against a real server process, once at a 390 px
phone viewport and once at a desktop viewport.
"""

import itertools
import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.django_db

_counter = itertools.count()


def _open_nav(page: Page, viewport_name: str) -> None:
    if viewport_name == "phone":
        page.get_by_test_id("menu-toggle").click()


def test_signup_lands_in_workspace_adds_area_and_switches_language(
    page: Page, server, viewport_name, screenshot
):
    slug = f"e2e-{viewport_name}-{next(_counter)}"
    # given a visitor on the public site, in a Chinese browser
    page.goto(server["base"] + "/")
    page.get_by_test_id("start-trial").click()

    # when they sign up for a free trial
    page.fill("input[name=company_name]", "华东精密冲压有限公司")
    page.fill("input[name=slug]", slug)
    page.locator("input[name=industry][value=metal]").check()
    page.fill("input[name=admin_name]", "Zhou Min")
    page.fill("input[name=admin_email]", f"zhou@{slug}.test")
    page.fill("input[name=admin_password]", "Stamp-Press-2026!")
    page.get_by_test_id("signup-submit").click()

    # then they land signed in on their own host, in their workspace
    page.wait_for_url(re.compile(rf"http://{slug}\.localhost:\d+/w/"), timeout=30_000)
    expect(page.get_by_test_id("count-areas")).to_contain_text(re.compile(r"\d+"))
    screenshot("workspace")

    # and see their trial's days left in the account panel (the top bar on a desktop)
    _open_nav(page, viewport_name)
    expect(page.get_by_test_id("trial-badge")).to_be_visible()

    # and can add an area under a workshop of the cloned template
    page.get_by_test_id("nav-areas").click()
    page.get_by_test_id("add-child-W1").click()
    page.fill("input[name=code]", "W1-E2E")
    page.fill("input[name=name]", "模具库")
    page.fill("input[name=name_en]", "Die store")
    page.get_by_test_id("form-submit").click()
    expect(page.get_by_test_id("area-W1-E2E")).to_contain_text("模具库")

    # and switch the interface to English, which sticks across pages
    _open_nav(page, viewport_name)
    page.get_by_test_id("lang-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("area-W1-E2E")).to_contain_text("Die store")
    page.goto(page.url.split("/w/")[0] + "/w/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    screenshot("english")


def test_a_taken_subdomain_is_refused_on_the_form(page: Page, server):
    page.goto(server["base"] + "/signup/")
    page.fill("input[name=company_name]", "Copycat")
    page.fill("input[name=slug]", "acme")
    page.locator("input[name=industry][value=food]").check()
    page.fill("input[name=admin_name]", "X")
    page.fill("input[name=admin_email]", "x@copycat.test")
    page.fill("input[name=admin_password]", "Another-pass-2026!")
    page.get_by_test_id("signup-submit").click()
    expect(page.locator("body")).to_contain_text(re.compile("taken|已被占用|已被使用"))
    assert "/signup/" in page.url
