"""The inspection set-up pages in a real Chromium, on a phone and at a desk.

Wang Wei (Acme's admin, who manages inspections) writes a new checklist on the
page: three items of different kinds added with the page's "add an item" button,
one moved up, a stray one removed. He sees it saved in his order, is told off
for a reading whose lowest value is above its highest, and binds the checklist
to a new area of the stamping workshop (W1). Zhang San (operator) scans that
area's QR code, sees the items in the same order and submits an inspection.
Wang then rewords an item: the page says version 2 was published and Zhang's
inspection keeps version 1, which Zhang still sees on his result page.

Everyone reads the pages in Chinese (the browser asks for zh-CN), so the test
checks the Chinese wording people see.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from e2e.conftest import ARTIFACTS
from tests.support.worker import committed

pytestmark = pytest.mark.django_db

PASSWORD = "Safe-Loop-2026!"  # every seeded person's (conftest.PASSWORD)
PIN = "2468"
# The server shares 2 cores with Chromium and other work: page loads after a save
# (a redirect, a re-render) get more than the default 5 s.
SLOW = 30_000

GUARD = {"kind": "pass_fail", "label": "防护罩完好", "label_en": "Guard in place"}
PRESSURE = {
    "kind": "number",
    "label": "气源压力",
    "label_en": "Air pressure",
    "number_min": "0.4",
    "number_max": "0.6",
    "unit": "MPa",
}
OIL = {
    "kind": "choice",
    "label": "液压油位",
    "label_en": "Hydraulic oil level",
    "choices": "正常\n偏低\n缺油",
    "failing_choices": "缺油",
}
STRAY = {"kind": "pass_fail", "label": "临时项（删掉）", "label_en": "Stray row"}
GUARD_V2 = "防护罩完好且已锁定"


@pytest.fixture
def browser_context_args(browser_context_args):
    """Zhang's phone gives the page a location when he submits the inspection."""
    return {
        **browser_context_args,
        "geolocation": {"latitude": 31.2304, "longitude": 121.4737, "accuracy": 15},
        "permissions": ["geolocation"],
    }


@pytest.fixture
def zhang(browser: Browser, browser_context_args):
    """A second browser (same viewport) for Zhang San, the operator."""
    context = browser.new_context(**browser_context_args)
    try:
        yield context.new_page()
    finally:
        context.close()


def _new_area() -> dict:
    """A fresh area under W1 (committed runs persist: no earlier binding may win there)."""
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from safeloop.tenants.facilities.models import Area
    from safeloop.tenants.facilities.services import create_area

    suffix = uuid.uuid4().hex[:6].upper()
    with schema_context("acme"):
        wang = get_user_model().objects.get(email="wang@acme.test")
        area = create_area(
            by=wang,
            code=f"W1-S{suffix}",
            name=f"点检区{suffix}",
            name_en=f"Check bay {suffix}",
            kind="area",
            parent=Area.objects.get(code="W1"),
        )
        return {"code": area.code, "name": area.name, "token": area.qr_token}


# --- What Wang does on the set-up page ------------------------------------------------------


def _rows(page: Page) -> Locator:
    """The item rows the page shows (removed rows are hidden, not gone)."""
    return page.locator("[data-testid=item-row]:visible")


def _fill_item(row: Locator, item: dict) -> None:
    # Choosing the kind shows that kind's fields (number range, choices).
    row.locator("select[name$='-kind']").select_option(item["kind"])
    for name in ("label", "label_en", "number_min", "number_max", "unit"):
        if name in item:
            row.locator(f"input[name$='-{name}']").fill(item[name])
    for name in ("choices", "failing_choices"):
        if name in item:
            row.locator(f"textarea[name$='-{name}']").fill(item[name])


def _add_row(page: Page) -> Locator:
    count = _rows(page).count()
    page.get_by_test_id("add-row").click()
    expect(_rows(page)).to_have_count(count + 1)
    return _rows(page).nth(count)


def _shown(page: Page) -> list[tuple[str, str]]:
    """(number in the row's heading, Chinese label) of each row, top to bottom."""
    shown = _rows(page).evaluate_all(
        """rows => rows.map(r => [
            r.querySelector("[data-row-number]").textContent.trim(),
            r.querySelector("input[name$='-label']").value,
        ])"""
    )
    return [tuple(row) for row in shown]


def _saved(page: Page) -> Locator:
    return page.get_by_test_id("messages")


# --- The test -----------------------------------------------------------------------------


def test_wang_sets_up_a_checklist_binds_it_and_a_revision_keeps_zhangs_inspection_on_v1(
    page: Page, zhang: Page, tenant_url, viewport_name, screenshot, request
):
    area = committed(_new_area)
    suffix = uuid.uuid4().hex[:6].upper()
    code, name = f"E2E-SET-{suffix}", f"冲压机日检{suffix}"

    # 1. Wang signs in and opens "Inspection set-up" from the menu.
    page.goto(tenant_url("acme", "/accounts/login/"))
    page.fill("input[name=login]", "wang@acme.test")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("user-name")).to_be_attached(timeout=SLOW)
    if viewport_name == "phone":
        page.get_by_test_id("menu-toggle").click()
    page.get_by_test_id("nav-inspection_setup").click()
    expect(page.get_by_test_id("page-title")).to_have_text("巡检设置")

    # 2. A new checklist: code, names, three items of different kinds. The page starts
    #    with one blank row; the button adds the others.
    page.get_by_test_id("add-checklist").click()
    page.fill("input[name=code]", code)
    page.fill("input[name=name]", name)
    page.fill("input[name=name_en]", f"Press daily {suffix}")
    expect(_rows(page)).to_have_count(1)
    _fill_item(_rows(page).nth(0), GUARD)
    _fill_item(_add_row(page), PRESSURE)
    _fill_item(_add_row(page), OIL)
    _fill_item(_add_row(page), STRAY)
    # Only a number item shows a range; only a choice item shows choices.
    expect(_rows(page).nth(0).locator("input[name$='-number_min']")).to_be_hidden()
    expect(_rows(page).nth(1).locator("input[name$='-number_min']")).to_be_visible()
    expect(_rows(page).nth(2).locator("textarea[name$='-choices']")).to_be_visible()
    assert _shown(page) == [
        ("1", GUARD["label"]),
        ("2", PRESSURE["label"]),
        ("3", OIL["label"]),
        ("4", STRAY["label"]),
    ]

    # The oil level goes before the pressure; the stray row goes.
    _rows(page).nth(2).get_by_test_id("move-up").click()
    _rows(page).nth(3).get_by_test_id("row-remove").click()
    expect(_rows(page)).to_have_count(3)
    assert _shown(page) == [("1", GUARD["label"]), ("2", OIL["label"]), ("3", PRESSURE["label"])]
    screenshot("new-checklist")
    page.get_by_test_id("form-submit").click()

    # 3. Saved as version 1, with its items in his order (and a blank row to add one).
    expect(_saved(page)).to_contain_text(f"检查表 {code} 已保存为第 1 版。", timeout=SLOW)
    expect(page.get_by_test_id("page-title")).to_contain_text(name)
    expect(page.get_by_test_id("version-note")).to_contain_text("第 1 版尚未被使用")
    assert _shown(page) == [
        ("1", GUARD["label"]),
        ("2", OIL["label"]),
        ("3", PRESSURE["label"]),
        ("4", ""),
    ]
    oil, pressure = _rows(page).nth(1), _rows(page).nth(2)
    expect(oil.locator("textarea[name$='-choices']")).to_have_value(OIL["choices"])
    expect(oil.locator("textarea[name$='-failing_choices']")).to_have_value("缺油")
    expect(oil.locator("input[name$='-number_min']")).to_be_hidden()
    expect(pressure.locator("input[name$='-unit']")).to_have_value("MPa")
    expect(pressure.locator("input[name$='-number_min']")).to_have_value(re.compile(r"^0\.40*$"))
    expect(pressure.locator("input[name$='-number_max']")).to_have_value(re.compile(r"^0\.60*$"))
    expect(pressure.locator("textarea[name$='-choices']")).to_be_hidden()
    expect(page.get_by_test_id("no-bindings")).to_be_visible()

    # The list of checklists shows it: version 1, three items, bound nowhere yet.
    page.get_by_test_id("tab-checklists").click()
    listed = page.get_by_test_id(f"checklist-{code}")
    expect(listed).to_contain_text(name)
    expect(listed.get_by_test_id("version")).to_have_text("v1")
    expect(listed.get_by_test_id("item-count")).to_have_text("3")
    expect(listed).to_contain_text("未绑定")
    listed.get_by_test_id(f"open-{code}").click()

    # A reading whose lowest value is above its highest: the error is on that row.
    pressure = _rows(page).nth(2)
    pressure.locator("input[name$='-number_min']").fill("0.8")
    page.get_by_test_id("form-submit").click()
    expect(page.get_by_test_id("form-errors")).to_contain_text(
        "请修改下方标出的检查项。", timeout=SLOW
    )
    errors = page.get_by_test_id("row-errors")
    expect(errors).to_have_count(1)
    expect(_rows(page).nth(2).get_by_test_id("row-errors")).to_have_text(
        "第 3 项：最小值大于最大值。"
    )
    expect(_rows(page).nth(2).locator("input[name$='-number_min']")).to_have_value("0.8")
    screenshot("row-error")

    # Put back as it was, saving changes nothing.
    _rows(page).nth(2).locator("input[name$='-number_min']").fill("0.4")
    page.get_by_test_id("form-submit").click()
    expect(_saved(page)).to_contain_text("已保存。检查项没有变化。", timeout=SLOW)
    expect(page.get_by_test_id("form-errors")).to_have_count(0)

    # 4. He binds it to the new area of W1.
    page.get_by_test_id("binding-form").get_by_label("单个点位").check()
    page.select_option("select[name=point]", label=f"{area['code']} · {area['name']}")
    page.get_by_test_id("bind-submit").click()
    expect(_saved(page)).to_contain_text("检查表现在也适用于该处。", timeout=SLOW)
    expect(page.get_by_test_id("bindings")).to_contain_text(area["name"])
    expect(page.get_by_test_id("no-bindings")).to_have_count(0)

    # 5. Zhang scans the area's QR code and signs in with his PIN. No task of his is
    #    due here, so the report is in front; one tap shows the new checklist, its
    #    items in Wang's order.
    zhang.goto(tenant_url("acme", f"/q/{area['token']}/"))
    zhang.fill("input[name=employee_no]", "E1002")
    zhang.fill("input[name=pin]", PIN)
    zhang.locator("#quick-login-form button[type=submit]").click()
    zhang.get_by_test_id("mode-inspect").click()
    expect(zhang.get_by_test_id("checklist-name")).to_have_text(name, timeout=SLOW)
    for n, item in enumerate((GUARD, OIL, PRESSURE), start=1):
        expect(zhang.get_by_test_id(f"item-{n}")).to_contain_text(item["label"])
    expect(zhang.get_by_test_id("item-4")).to_have_count(0)
    expect(zhang.get_by_test_id("item-1-pass")).to_be_visible()
    expect(zhang.get_by_test_id("item-2-choice-3")).to_have_text("缺油")
    expect(zhang.get_by_test_id("item-3")).to_contain_text("0.4 – 0.6 MPa")
    zhang.screenshot(path=str(ARTIFACTS / f"{request.node.name}-qr-page.png"), full_page=True)

    # He inspects: guard fine, oil normal, 0.5 MPa.
    expect(zhang.get_by_test_id("checklist-gps-status")).to_have_attribute(
        "data-state", "on", timeout=SLOW
    )
    zhang.get_by_test_id("item-1-pass").click()
    zhang.get_by_test_id("item-2-choice-1").click()
    zhang.get_by_test_id("item-3-number").fill("0.5")
    zhang.get_by_test_id("checklist-submit").click()
    expect(zhang.get_by_test_id("inspection-result")).to_have_attribute(
        "data-result", "pass", timeout=SLOW
    )
    result_url = zhang.url

    # 6. Wang's page now says version 1 was used; rewording an item publishes version 2.
    page.reload()
    expect(page.get_by_test_id("version-note")).to_have_text(
        "第 1 版已被检查使用：保存修改后的检查项将发布第 2 版，以往的检查记录仍使用第 1 版。"
    )
    _rows(page).nth(0).locator("input[name$='-label']").fill(GUARD_V2)
    page.get_by_test_id("form-submit").click()
    expect(_saved(page)).to_contain_text(
        "已保存为第 2 版；以往的检查记录仍使用第 1 版。", timeout=SLOW
    )
    expect(page.get_by_test_id("version-note")).to_contain_text("第 2 版尚未被使用")
    assert _shown(page)[:3] == [("1", GUARD_V2), ("2", OIL["label"]), ("3", PRESSURE["label"])]
    screenshot("version-2")
    page.get_by_test_id("tab-checklists").click()
    expect(page.get_by_test_id(f"checklist-{code}").get_by_test_id("version")).to_have_text("v2")

    # Zhang's inspection keeps version 1 and its wording; the next scan asks version 2's.
    zhang.goto(result_url)
    expect(zhang.get_by_test_id("inspection-result")).to_contain_text(f"{name} · v1")
    expect(zhang.get_by_test_id("answer-1")).to_contain_text(GUARD["label"])
    expect(zhang.get_by_test_id("answer-1")).not_to_contain_text(GUARD_V2)
    zhang.goto(tenant_url("acme", f"/q/{area['token']}/"))
    expect(zhang.get_by_test_id("item-1")).to_contain_text(GUARD_V2, timeout=SLOW)
    expect(zhang.get_by_test_id("item-2")).to_contain_text(OIL["label"])
