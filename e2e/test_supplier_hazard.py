"""A failed self-inspection item becomes a hazard, and the overdue list, in Chromium.

Wang Wei (desktop) opens Lianhe's submitted report, where the supplier answered "不符合"
on its chemicals store, picks workshop W1 and taps "转为隐患"; the hazard's number
shows on the row. Lianhe, on its phone through its link, sees the hazard with its
state (no names), opens it, and opens its earlier report: taps ≥ 44 px, no CSP
refusal. The form is due on the 1st, so Yongan, who never reported, is on the overdue
list with its days overdue and a phone number to tap, on Wang's phone.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from e2e.test_csp import Watcher
from e2e.test_tap_targets import MEASURE, PHONE, TAP
from tests.support.worker import committed

pytestmark = pytest.mark.django_db

PIN = "2468"
DESKTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "zh-CN"}


@pytest.fixture(params=["phone"])
def viewport_name(request):
    return request.param


def _credit_code() -> str:
    from safeloop.contractors.validators import CREDIT_CODE_ALPHABET, credit_code_check_char

    first = "91350100" + "".join(random.choice(CREDIT_CODE_ALPHABET) for _ in range(9))
    return first + credit_code_check_char(first)


def _set_up() -> dict:
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from safeloop.contractors import services

    with schema_context("acme"):
        wang = get_user_model().objects.get(email="wang@acme.test")
        services.set_form(
            by=wang, title="月初自查表", items=["消防器材完好有效", "危化品按规定存放"], due_day=1
        )
        lianhe = services.create_supplier(by=wang, name="联合化工", credit_code=_credit_code())
        phone = f"139{random.randint(10**7, 10**8 - 1)}"
        yongan = services.create_supplier(
            by=wang, name="永安物流", credit_code=_credit_code(), phone=phone
        )
        # Yongan left last month's report open: overdue whatever today's date.
        last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
        services.open_report(yongan, today=last_month)
        report = services.open_report(lianhe)
        ok, failed = report.answers.all()
        services.save_answers(
            report,
            supplier=lianhe,
            answers=[
                services.Answer(ok.item_id, "ok"),
                services.Answer(failed.item_id, "not_ok", "仓库通风不良"),
            ],
        )
        services.submit_report(report, supplier=lianhe)
        return {
            "report": report.pk,
            "failed": failed.pk,
            "token": services.supplier_link_token(lianhe),
            "wang": wang.person.employee_no,
            "yongan": yongan.name,
            "yongan_phone": phone,
            "last_month": last_month.replace(day=1),
        }


def _login(page: Page, tenant_url, employee_no: str, next_path: str) -> None:
    page.goto(tenant_url("acme", f"/auth/quick/?next={next_path}"))
    page.fill("input[name=employee_no]", employee_no)
    page.fill("input[name=pin]", PIN)
    page.locator("#quick-login-form button[type=submit]").click()
    page.wait_for_url(f"**{next_path}")


def test_a_failed_item_becomes_a_hazard_the_supplier_sees_and_the_overdue_list(
    browser: Browser, tenant_url
):
    data = committed(_set_up)

    # Wang, at his desk, turns the failed item into a hazard.
    desk = browser.new_context(**DESKTOP).new_page()
    review = f"/k/suppliers/reports/{data['report']}/"
    _login(desk, tenant_url, data["wang"], review)
    raise_form = desk.get_by_test_id("hazard-raise")
    expect(raise_form).to_have_count(1)
    raise_form.get_by_label("区域").select_option(index=1)
    raise_form.get_by_test_id("hazard-create").click()
    desk.wait_for_load_state("networkidle")
    number = desk.get_by_test_id("answer-hazard").inner_text()
    assert number.startswith("H")
    expect(desk.get_by_test_id("hazard-raise")).to_have_count(0)

    # Lianhe, on its phone, sees it with its state and nobody's name.
    phone = browser.new_context(**PHONE).new_page()
    watch = Watcher(phone)
    watch.open(tenant_url("acme", f"/s/{data['token']}/"), "supplier page")
    mine = phone.get_by_test_id("my-hazard")
    expect(mine).to_contain_text(number)
    taps = phone.evaluate(MEASURE, TAP)
    assert taps["measured"] and not taps["misses"], taps["misses"]
    mine.click()
    phone.wait_for_load_state("networkidle")
    expect(phone.get_by_test_id("page-title")).to_have_text(number)
    expect(phone.get_by_test_id("hazard-state")).not_to_be_empty()
    assert "Wang Wei" not in phone.content()
    taps = phone.evaluate(MEASURE, TAP)
    assert not taps["misses"], taps["misses"]
    watch.collect()
    assert not watch.refused, watch.refused

    # Wang, on his phone, sees who is late, by how many days, and can call them.
    days = (timezone.localdate() - data["last_month"]).days
    late = browser.new_context(**PHONE).new_page()
    _login(late, tenant_url, data["wang"], "/k/suppliers/")
    row = (
        late.get_by_test_id("overdue-row")
        .filter(has_text=data["yongan"])
        .filter(has_text=f"{data['last_month']:%Y-%m}")
    )
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("days-overdue")).to_have_text(f"{days} 天")
    expect(row.get_by_test_id("overdue-phone")).to_have_attribute(
        "href", f"tel:{data['yongan_phone']}"
    )
    taps = late.evaluate(MEASURE, TAP)
    assert not taps["misses"], taps["misses"]
