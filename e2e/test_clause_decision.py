"""A 重大 proposed by the clause check, decided on a phone 390 px wide.

Zhang (operator, W1) scans W1's point and picks "铝镁粉尘除尘器未设泄爆、隔爆或抑爆装置":
the check puts the 工贸 判定标准 第十二条第（三）项 on record. Wang (admin) opens it on
his phone: the clause is quoted, the buttons are thumb-sized, an overrule without a
reason is refused in place, and with one the hazard is no longer 重大.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from conftest import PASSWORD
from e2e.conftest import PHONE
from e2e.test_report_page import Thumb, _quick_login, _report, _w1_token

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["phone"])
def viewport_name(request):
    return request.param


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN"}


def _hazard(number: str):
    from django_tenants.utils import schema_context

    from safeloop.tenants.hazards.models import Hazard

    with schema_context("acme"):
        return Hazard.objects.get(number=number)


def test_a_manager_overrules_a_proposed_clause_on_a_phone(
    page: Page, browser: Browser, tenant_url, tmp_path
):
    page.goto(tenant_url("acme", f"/q/{_w1_token()}/"))
    thumb = Thumb(page, touch=True)
    _quick_login(thumb, "E1002")
    number = _report(thumb, tmp_path, entry="DUST-001")
    hazard = _hazard(number)
    assert (hazard.grade, hazard.clause_status) == ("major", "proposed")
    path = f"/h/{hazard.pk}/"

    wang = browser.new_context(**PHONE, locale="zh-CN").new_page()
    wang.goto(tenant_url("acme", f"/accounts/login/?next={path}"))
    wang.fill("input[name=login]", "wang@acme.test")
    wang.fill("input[name=password]", PASSWORD)
    wang.get_by_test_id("login-submit").click()
    wang.wait_for_url(f"**{path}")

    panel = wang.get_by_test_id("hazard-clause")
    expect(panel.get_by_test_id("clause-number")).to_contain_text("第十二条第（三）项")
    expect(panel.get_by_test_id("clause-text")).to_contain_text("泄爆")
    for testid in ("clause-confirm", "clause-overrule"):
        box = wang.get_by_test_id(testid).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, (testid, box)
    assert wang.evaluate("document.documentElement.scrollWidth") <= 390

    wang.get_by_test_id("clause-overrule").click()
    expect(wang.get_by_test_id("clause-reason-error")).to_contain_text("请说明该条款为何不适用")

    wang.get_by_test_id("clause-reason").fill("湿式除尘器，不属于干式除尘系统")
    wang.get_by_test_id("clause-overrule").click()
    expect(wang.get_by_test_id("clause-status")).to_contain_text("已驳回")
    expect(wang.get_by_test_id("clause-reason")).to_contain_text("湿式除尘器")
    assert wang.evaluate("document.documentElement.scrollWidth") <= 390
    assert _hazard(number).grade == "serious"
    wang.context.close()
