"""Every link and button on the main phone pages is a 44 × 44 px target (or sits in one).

A gloved thumb in a workshop misses anything smaller. On a 390 × 844 phone in
Chinese, Zhang (operator), Li (team leader of W1) and Wang (admin) open the pages
they use; on each the browser measures every visible link, button, submit,
checkbox/radio, file input and <summary>. An element passes when

* its own box is at least 44 × 44 px, or
* it sits in a link, label, button or summary that is (tapping it works), or
* a label of it (``<label for>``) is, or
* a 44 × 44 px square around it, inside one of its ancestors, hits it
  everywhere (a stretched link's ``::after`` covering a card, padding).

The test measures whatever a page holds, so it keeps checking pages that
change; it fails listing every element that misses, page by page.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Browser, Page

from tests.support.worker import committed

pytestmark = pytest.mark.django_db

PIN = "2468"
TAP = 44
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}

# Runs in the page: the elements that miss, with what they are and how big.
MEASURE = """
(tap) => {
  const TOL = 0.5;
  const SELECTOR = [
    "a[href]", "button", "summary", "[role=button]",
    "input[type=submit]", "input[type=button]", "input[type=reset]", "input[type=image]",
    "input[type=checkbox]", "input[type=radio]", "input[type=file]",
  ].join(",");
  const big = (el) => {
    const r = el.getBoundingClientRect();
    return r.width >= tap - TOL && r.height >= tap - TOL;
  };
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width <= 2 || r.height <= 2) return false;          // visually hidden
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") return false;
    if (el.closest("[hidden], [aria-hidden=true]")) return false;
    const top = r.top + window.scrollY, left = r.left + window.scrollX;
    if (top + r.height <= 0 || left + r.width <= 0) return false;  // off-screen (skip link)
    if (left >= document.documentElement.scrollWidth) return false;
    return true;
  };
  const hits = (el, x, y) => {
    const hit = document.elementFromPoint(x, y);
    return hit !== null && (hit === el || el.contains(hit));
  };
  const squareHits = (el) => {
    const r = el.getBoundingClientRect();
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    for (let a = el.parentElement, depth = 0; a && depth < 6; a = a.parentElement, depth++) {
      const ar = a.getBoundingClientRect();
      if (ar.width < tap || ar.height < tap) continue;
      const x0 = Math.min(Math.max(cx - tap / 2, ar.left), ar.right - tap);
      const y0 = Math.min(Math.max(cy - tap / 2, ar.top), ar.bottom - tap);
      const points = [[1, 1], [tap - 1, 1], [1, tap - 1], [tap - 1, tap - 1], [tap / 2, tap / 2]];
      if (points.every(([dx, dy]) => hits(el, x0 + dx, y0 + dy))) return true;
    }
    return false;
  };
  const describe = (el) => {
    const r = el.getBoundingClientRect();
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || el.name || "")
      .trim().replace(/\\s+/g, " ").slice(0, 40);
    const id = el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : "";
    const type = el.type && el.tagName !== "A" ? `[type=${el.type}]` : "";
    const size = `${Math.round(r.width)}x${Math.round(r.height)}`;
    return `<${el.tagName.toLowerCase()}${type}${id}> "${text}" ${size}`;
  };
  const misses = [];
  let measured = 0;
  for (const el of document.querySelectorAll(SELECTOR)) {
    if (!visible(el)) continue;
    measured += 1;
    if (big(el)) continue;
    const holder = el.parentElement && el.parentElement.closest("a[href], label, button, summary");
    if (holder && big(holder)) continue;
    if (el.labels && Array.from(el.labels).some(big)) continue;
    el.scrollIntoView({block: "center", inline: "center"});
    if (squareHits(el)) continue;
    misses.push(describe(el));
  }
  return {measured, misses};
}
"""


@pytest.fixture(params=["phone"])
def viewport_name(request):
    return request.param


def _set_up() -> dict:
    """A point with a checklist, Li's patrol task on it, and a hazard Zhang reported."""
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from safeloop.tenants.facilities.models import Area
    from safeloop.tenants.hazards.forms_report import shift_for
    from safeloop.tenants.hazards.models import LibraryEntry
    from safeloop.tenants.hazards.services import report_hazard
    from safeloop.tenants.inspections.models import Point
    from safeloop.tenants.inspections.services import (
        bind_checklist,
        create_checklist,
        create_route,
        start_patrol,
    )
    from tests.hazards.conftest import make_photo

    suffix = uuid.uuid4().hex[:6].upper()
    with schema_context("acme"):
        users = get_user_model().objects.select_related("person")
        wang, li, zhang = (users.get(email=f"{n}@acme.test") for n in ("wang", "li", "zhang"))
        area = Area.objects.filter(parent__code="W1").order_by("code").first()
        point = Point.objects.for_target(area)
        checklist = create_checklist(
            by=wang,
            code=f"TAP-{suffix}",
            name="班前检查",
            name_en="Pre-shift check",
            items=[
                {"kind": "pass_fail", "label": "防护罩完好", "label_en": "Guard in place"},
                {
                    "kind": "pass_fail",
                    "label": "冷却液液位正常",
                    "label_en": "Coolant level normal",
                    "allows_na": True,  # a third button, 不适用, as big as the other two
                },
                {
                    "kind": "pass_fail",
                    "label": "急停按钮有效",
                    "label_en": "Emergency stop works",
                    "guidance": "按下急停，设备应立即停止。",
                },
                {
                    "kind": "number",
                    "label": "气源压力",
                    "unit": "bar",
                    "number_min": "0",
                    "number_max": "10",
                    "allows_na": True,  # a 不适用 box under the number
                },
            ],
        )
        bind_checklist(checklist, by=wang, point=point)
        route = create_route(by=wang, name=f"W1 巡检 {suffix}", shift=shift_for(), points=[point])
        task = start_patrol(route, by=li)
        entry = LibraryEntry.objects.order_by("code").first()
        hazard = report_hazard(
            by=zhang, area=area, library_entry=entry, photos=[make_photo("tap.jpg")]
        )
        return {
            "token": area.qr_token,
            "task": task.pk,
            "hazard": hazard.pk,
            "numbers": {u.email.split("@")[0]: u.person.employee_no for u in (wang, li, zhang)},
        }


def _pages(data: dict) -> dict[str, list[str]]:
    point, hazard = f"/q/{data['token']}/", f"/h/{data['hazard']}/"
    floor = ["/w/", point, "/h/", hazard, "/inbox/", "/i/", "/r/"]
    return {
        "zhang": [*floor, "/w/report/", "/w/scan/"],
        "li": [*floor, f"/i/tasks/{data['task']}/", "/i/completion/"],
        "wang": ["/w/", point, "/h/", hazard, "/inbox/", "/i/completion/", "/r/"],
    }


def _sign_in(page: Page, tenant_url, employee_no: str) -> None:
    page.goto(tenant_url("acme", "/auth/quick/?next=/w/"))
    page.fill("input[name=employee_no]", employee_no)
    page.fill("input[name=pin]", PIN)
    page.locator("#quick-login-form button[type=submit]").click()
    page.wait_for_url("**/w/")


def test_every_link_and_button_on_the_main_phone_pages_is_a_44px_target(
    browser: Browser, tenant_url
):
    data = committed(_set_up)
    report: list[str] = []
    measured = {}
    for who, paths in _pages(data).items():
        context = browser.new_context(**PHONE)
        page = context.new_page()
        _sign_in(page, tenant_url, data["numbers"][who])
        for path in paths:
            response = page.goto(tenant_url("acme", path))
            assert response is not None and response.ok, f"{who} {path}: {response.status}"
            result = page.evaluate(MEASURE, TAP)
            measured[f"{who} {path}"] = result["measured"]
            report += [f"{who} {path}: {miss}" for miss in result["misses"]]
        context.close()

    assert all(measured.values()), f"pages with nothing measured: {measured}"
    assert not report, f"{len(report)} targets under {TAP}×{TAP} px:\n" + "\n".join(report)
