"""The safety manager opens the workspace home on a phone (zh-Hans) and a desktop: the
daily safety-health table is there, readable without scrolling sideways, each number
a link to the list behind it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from e2e.conftest import ARTIFACTS
from e2e.test_acceptance_pages import _signed_in
from tests.support.worker import committed

pytestmark = pytest.mark.django_db


def _snapshots() -> None:
    from django_tenants.utils import schema_context

    from safeloop.tenants.reports.services import take_snapshot

    with schema_context("acme"):
        today = timezone.localdate()
        for n in (8, 1):
            take_snapshot(today - timedelta(days=n))


def test_the_daily_table_on_the_home_page(
    browser: Browser, browser_context_args, viewport_name, tenant_url
):
    committed(_snapshots)
    page = _signed_in(browser, browser_context_args, tenant_url, "S4001", "/w/")
    table = page.get_by_test_id("kpi-table")
    expect(table).to_contain_text("隐患24小时闭环率")
    expect(page.get_by_test_id("kpi-drill_pass_rate")).to_contain_text("暂未统计")
    width = browser_context_args["viewport"]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    link = page.get_by_test_id("kpi-near_miss_ratio").get_by_role("link")
    assert link.bounding_box()["height"] >= 44
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"home-kpis-{viewport_name}.png"), full_page=True)
    link.click()
    page.wait_for_url("**/h/?near_miss=yes")
