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


# Runs before any page script: CSP violations are events too (some never reach the console).
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""

# How many pixels of the heat map's canvas are painted.
PAINTED = """(el) => {
  const canvas = el.querySelector("canvas");
  if (!canvas) return 0;
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
  return painted;
}"""

# Where the heat map draws its first cell (the first row's open hazards), in the page.
FIRST_CELL = """(el) => {
  const [x, y] = echarts.getInstanceByDom(el).convertToPixel({seriesIndex: 0}, [0, 0]);
  const box = el.getBoundingClientRect();
  return {x: box.left + x, y: box.top + y};
}"""


def _hazards() -> None:
    """A few open hazards in W1-A1 (one past its deadline) and one closed this week."""
    import uuid

    from django_tenants.utils import schema_context

    from safeloop.tenants.facilities.models import Area
    from safeloop.tenants.hazards.models import Grade, Hazard, State

    with schema_context("acme"):
        area = Area.objects.get(code="W1-A1")
        now = timezone.now()
        tag = uuid.uuid4().hex[:6]
        specs = [
            (Grade.GENERAL, State.ASSIGNED, -3, None),
            (Grade.SERIOUS, State.RECTIFYING, 20, None),
            (Grade.GENERAL, State.CLOSED, -10, 5),
        ]
        Hazard.objects.bulk_create(
            Hazard(
                number=f"E2E-{tag}-{n}",
                title=f"叉车通道堆放物料 {n}",
                grade=grade,
                state=state,
                area=area,
                workshop=area.parent,
                reported_at=now - timedelta(hours=24),
                deadline=now + timedelta(hours=due_in),
                closed_at=now - timedelta(hours=24 - took) if took else None,
            )
            for n, (grade, state, due_in, took) in enumerate(specs)
        )


def test_the_dashboard_draws_its_charts_under_the_csp(
    browser: Browser, browser_context_args, viewport_name, tenant_url
):
    committed(_snapshots)
    committed(_hazards)
    page = _signed_in(browser, browser_context_args, tenant_url, "S4001", "/w/")
    refused: list[str] = []
    page.on(
        "console",
        lambda m: (
            refused.append(m.text)
            if "Content Security Policy" in m.text or m.text.startswith("Refused to")
            else None
        ),
    )
    page.add_init_script(LISTEN)
    page.goto(tenant_url("acme", "/w/"))

    # the daily table first, then the hazard counts, then the charts
    table, counts = page.get_by_test_id("kpi-table"), page.get_by_test_id("dash-hazards")
    heat = page.get_by_test_id("dash-heat-chart")
    expect(table).to_contain_text("隐患24小时闭环率")
    expect(counts).to_contain_text("隐患按等级")
    expect(page.get_by_test_id("dash-heat")).to_contain_text("区域隐患热力图")
    assert table.bounding_box()["y"] < counts.bounding_box()["y"] < heat.bounding_box()["y"]
    width = browser_context_args["viewport"]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for tile in ("dash-overdue", "dash-grade-major", "dash-band-red"):
        assert page.get_by_test_id(tile).bounding_box()["height"] >= 44

    # ECharts drew both charts (canvas, Chinese) and folded the tables away
    expect(heat.locator("canvas")).to_have_count(1)
    heat.scroll_into_view_if_needed()
    assert heat.evaluate(PAINTED) > 1000
    assert page.get_by_test_id("dash-trend-chart").evaluate(PAINTED) > 1000
    assert not page.get_by_test_id("dash-heat-table").is_visible()
    assert page.evaluate("window.__cspViolations") == [] and refused == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"home-dashboard-{viewport_name}.png"), full_page=True)

    # a heat map cell opens the hazards it counts
    cell = heat.evaluate(FIRST_CELL)
    if viewport_name == "phone":
        page.touchscreen.tap(cell["x"], cell["y"])
    else:
        page.mouse.click(cell["x"], cell["y"])
    page.wait_for_url("**/h/?area=*")
