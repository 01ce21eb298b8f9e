"""A 重大 proposed by the clause check, decided on a phone 390 px wide.

Zhang (operator, W1) reported "除尘器没有泄爆片"; the check graded it 重大 under the
工贸 判定标准 第十二条第（三）项. Wang (admin) opens it on his phone: the clause is
quoted, the buttons are thumb-sized, an overrule without a reason is refused in
place, and with one the hazard goes back to the grade it was reported with.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["phone"])
def viewport_name(request):
    return request.param


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN"}


def _dusty_path() -> str:
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from safeloop.tenants.facilities.models import Area
    from safeloop.tenants.hazards.services import report_hazard

    with schema_context("acme"):
        zhang = get_user_model().objects.get(email="zhang@acme.test")
        area = Area.objects.filter(parent__code="W1").order_by("code").first()
        hazard = report_hazard(by=zhang, area=area, description="除尘器没有泄爆片")
        assert hazard.clause_status == "proposed"
        return f"/h/{hazard.pk}/"


def test_a_manager_overrules_a_proposed_clause_on_a_phone(page: Page, tenant_url, screenshot):
    path = _dusty_path()
    page.goto(tenant_url("acme", f"/accounts/login/?next={path}"))
    page.fill("input[name=login]", "wang@acme.test")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(f"**{path}")

    panel = page.get_by_test_id("hazard-clause")
    expect(panel.get_by_test_id("clause-number")).to_contain_text("第十二条第（三）项")
    expect(panel.get_by_test_id("clause-text")).to_contain_text("泄爆")
    for testid in ("clause-confirm", "clause-overrule"):
        box = page.get_by_test_id(testid).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, (testid, box)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("clause-proposed")

    page.get_by_test_id("clause-overrule").click()
    expect(page.get_by_test_id("clause-reason-error")).to_contain_text("请说明该条款为何不适用")

    page.get_by_test_id("clause-reason").fill("湿式除尘器，不属于干式除尘系统")
    page.get_by_test_id("clause-overrule").click()
    expect(page.get_by_test_id("clause-status")).to_contain_text("已驳回")
    expect(page.get_by_test_id("clause-reason")).to_contain_text("湿式除尘器")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("clause-overruled")
