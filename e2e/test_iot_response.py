"""Wang sets the gas detectors' level 2 response on a phone and at a desk: the page fits
the screen (no sideways scroll, every tap target 44 px), a level telling nobody is
refused in place, and a saved level comes back with its message."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e.test_tap_targets import MEASURE, TAP
from tests.support.worker import committed

pytestmark = pytest.mark.django_db

PASSWORD = "Safe-Loop-2026!"  # every seeded person's (conftest.PASSWORD)
SLOW = 15_000


def _standard_gas_level_2() -> None:
    from django_tenants.utils import schema_context

    from safeloop.iot_bridge.models import ResponsePlan

    with schema_context("acme"):
        ResponsePlan.objects.filter(kind="gas", level=2).delete()


def test_wang_sets_the_gas_level_2_response_on_a_page_that_fits(
    page: Page, tenant_url, viewport_name, screenshot
):
    committed(_standard_gas_level_2)
    page.goto(tenant_url("acme", "/accounts/login/"))
    page.fill("input[name=login]", "wang@acme.test")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("user-name")).to_be_attached(timeout=SLOW)

    page.goto(tenant_url("acme", "/iot/"))
    page.get_by_test_id("response-link").click()
    expect(page.get_by_test_id("page-title")).to_have_text("分级响应")
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if viewport_name == "phone":
        misses = page.evaluate(MEASURE, TAP)["misses"]
        assert not misses, misses
    screenshot("page")

    level2 = page.get_by_test_id("plan-gas-2")
    for box in level2.locator("input[type=checkbox]").all():
        box.uncheck()
    level2.get_by_test_id("save-gas-2").click()
    level2 = page.get_by_test_id("plan-gas-2")
    expect(level2.get_by_test_id("form-errors")).to_be_visible()
    expect(level2).to_contain_text("无人会收到通知")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    level2.get_by_label("班组长").check()
    level2.get_by_label("安全员").check()
    level2.get_by_test_id("save-gas-2").click()
    expect(page.locator(".message-success")).to_contain_text("二级响应")
    level2 = page.get_by_test_id("plan-gas-2")
    expect(level2.get_by_label("班组长")).to_be_checked()
    expect(level2.get_by_label("安全经理")).not_to_be_checked()
    screenshot("saved")
