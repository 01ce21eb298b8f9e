"""The 有限空间 and 粉尘 台账 in a real Chromium, on a phone (zh-Hans) and a desktop: the
safety officer sees what is missing at the top, names who answers for the septic tank
with a thumb-sized button, and the card says so."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from e2e.conftest import ARTIFACTS
from e2e.test_acceptance_pages import _signed_in

pytestmark = pytest.mark.django_db

PATH = "/r/inventories/"


def test_the_safety_officer_reads_the_inventories_and_names_an_owner(
    browser: Browser, browser_context_args, viewport_name, tenant_url
):
    sun = _signed_in(browser, browser_context_args, tenant_url, "S4001", PATH)
    expect(sun.get_by_test_id("unowned")).to_be_visible()
    expect(sun.get_by_test_id("space-CS-M05")).to_contain_text("硫化氢")
    expect(sun.get_by_test_id("dust-DS-M01")).to_contain_text("涉爆粉尘")
    width = browser_context_args["viewport"]["width"]
    assert sun.evaluate("document.documentElement.scrollWidth") <= width
    ARTIFACTS.mkdir(exist_ok=True)
    sun.screenshot(path=str(ARTIFACTS / f"inventories-{viewport_name}.png"), full_page=True)

    edit = sun.get_by_test_id("edit-CS-M05")
    assert edit.bounding_box()["height"] >= 44
    edit.click()
    choice = sun.locator("select[name=responsible] option", has_text="Sun Hao").first
    sun.select_option("select[name=responsible]", value=choice.get_attribute("value"))
    sun.check("input[name=sign_posted]")
    sun.get_by_test_id("form-submit").click()
    card = sun.get_by_test_id("space-CS-M05")
    expect(card).to_contain_text("Sun Hao")
    expect(card).to_contain_text("已设置")
