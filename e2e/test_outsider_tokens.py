"""A supplier's API token from its page, in Chromium.

Wang Wei, on his phone, opens Huaxing Steel's page, names a token "ERP" in the
"接口访问" section and taps "签发令牌": the next page shows the secret once, with the
GraphQL endpoint and how to call it; back on the supplier's page the token is listed
(name, time, never used) with a revoke button, and the secret is nowhere. Every tap is
≥ 44 px and nothing is refused by the CSP. At his desk (1280 × 800) he revokes it.
Screenshots go to SAFELOOP_SHOTS (default: the e2e artifacts folder).
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.test_csp import Watcher
from e2e.test_tap_targets import MEASURE, PHONE, TAP
from tests.support.server import ARTIFACTS
from tests.support.worker import committed

pytestmark = pytest.mark.django_db

PIN = "2468"
DESKTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "zh-CN"}
SHOTS = Path(os.environ.get("SAFELOOP_SHOTS", ARTIFACTS))


@pytest.fixture(params=["phone"])
def viewport_name(request):
    return request.param


def _set_up() -> dict:
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from safeloop.contractors import services
    from safeloop.contractors.validators import CREDIT_CODE_ALPHABET, credit_code_check_char

    first = "91350100" + "".join(random.choice(CREDIT_CODE_ALPHABET) for _ in range(9))
    with schema_context("acme"):
        wang = get_user_model().objects.get(email="wang@acme.test")
        supplier = services.create_supplier(
            by=wang,
            name=f"华兴钢材{random.randint(100, 999)}",
            credit_code=first + credit_code_check_char(first),
        )
        return {"supplier": supplier.pk, "wang": wang.person.employee_no}


def _login(page: Page, tenant_url, employee_no: str, next_path: str) -> None:
    page.goto(tenant_url("acme", f"/auth/quick/?next={next_path}"))
    page.fill("input[name=employee_no]", employee_no)
    page.fill("input[name=pin]", PIN)
    page.locator("#quick-login-form button[type=submit]").click()
    page.wait_for_url(f"**{next_path}")


def test_manager_issues_a_supplier_token_on_the_phone_and_revokes_it_at_the_desk(
    browser: Browser, tenant_url
):
    data = committed(_set_up)
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = f"/k/suppliers/{data['supplier']}/"

    phone = browser.new_context(**PHONE).new_page()
    watch = Watcher(phone)
    _login(phone, tenant_url, data["wang"], path)
    section = phone.get_by_test_id("api-access")
    expect(section.get_by_role("heading")).to_have_text("接口访问")
    expect(section.get_by_test_id("no-tokens")).to_be_visible()
    section.screenshot(path=str(SHOTS / "supplier-api-phone-zh-empty.png"))

    section.get_by_label("令牌名称").fill("ERP")
    section.get_by_test_id("token-issue-submit").click()
    phone.wait_for_load_state("networkidle")
    expect(phone.get_by_test_id("page-title")).to_have_text("接口令牌已签发")
    secret = phone.get_by_test_id("token-secret").input_value()
    assert secret.startswith("slk_")
    expect(phone.get_by_test_id("token-endpoint")).to_have_text(tenant_url("acme", "/graphql/"))
    taps = phone.evaluate(MEASURE, TAP)
    assert taps["measured"] and not taps["misses"], taps["misses"]
    phone.screenshot(path=str(SHOTS / "token-issued-phone-zh.png"), full_page=True)

    phone.get_by_test_id("token-back").click()
    phone.wait_for_load_state("networkidle")
    row = phone.get_by_test_id("token-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("ERP")
    expect(row).to_contain_text("从未")
    assert secret not in phone.content()
    taps = phone.evaluate(MEASURE, TAP)
    assert not taps["misses"], taps["misses"]
    phone.get_by_test_id("api-access").screenshot(
        path=str(SHOTS / "supplier-api-phone-zh-token.png")
    )
    watch.collect()
    assert not watch.refused, watch.refused

    desk = browser.new_context(**DESKTOP).new_page()
    _login(desk, tenant_url, data["wang"], path)
    desk.get_by_test_id("api-access").scroll_into_view_if_needed()
    desk.screenshot(path=str(SHOTS / "supplier-api-desktop.png"), full_page=True)
    desk.get_by_test_id("token-revoke").get_by_role("button").click()
    desk.wait_for_load_state("networkidle")
    expect(desk.get_by_test_id("messages")).to_contain_text("已撤销")
    expect(desk.get_by_test_id("token-row")).to_have_count(0)
    desk.get_by_test_id("api-access").screenshot(
        path=str(SHOTS / "supplier-api-desktop-revoked.png")
    )
