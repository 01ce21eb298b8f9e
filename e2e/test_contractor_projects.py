"""A company's projects and crews on a phone (390×844, zh-hans), in a real Chromium:
Wang adds the roof project and a welding crew led by Wu Gang, then moves Li Qiang into
it from his page; every tap target of the company page is at least 44 px. The same
company page and a supplier's page with "send the link again" are shot on a desktop.

Screenshots go to the artifacts folder (and SAFELOOP_SHOTS, when set)."""

from __future__ import annotations

import os
import random
import shutil
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.conftest import DESKTOP, PHONE
from tests.support.server import ARTIFACTS
from tests.support.worker import committed

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["phone"])
def viewport_name(request):
    return request.param


def _setup() -> dict:
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from safeloop.contractors import services
    from safeloop.contractors.privacy import notice
    from safeloop.contractors.validators import (
        CREDIT_CODE_ALPHABET,
        credit_code_check_char,
        id_check_char,
    )

    def code() -> str:
        first17 = "91350100" + "".join(random.choices(CREDIT_CODE_ALPHABET, k=9))
        return first17 + credit_code_check_char(first17)

    def id_number(year: int) -> str:
        id17 = f"110105{year}0101" + f"{random.randrange(1000):03d}"
        return id17 + id_check_char(id17)

    shown = notice("zh-hans")
    agreed = services.Consent(shown.version, shown.text_hash, None)
    tag = uuid.uuid4().hex[:6].upper()
    with schema_context("acme"):
        wang = get_user_model().objects.select_related("person").get(email="wang@acme.test")
        company = services.create_company(by=wang, name=f"恒达建设{tag}", credit_code=code())
        wu = services.register_worker(
            company,
            by=wang,
            name="吴刚",
            id_number_value=id_number(1990),
            consent=agreed,
            work_types=["welder"],
        ).worker
        li = services.register_worker(
            company, by=wang, name="李强", id_number_value=id_number(1985), consent=agreed
        ).worker
        supplier = services.create_supplier(
            by=wang,
            name=f"华鑫物资{tag}",
            credit_code=code(),
            contact_name="钱敏",
            phone="13700137000",
        )
    return {
        "company": company.pk,
        "wu": wu.pk,
        "li": li.pk,
        "supplier": supplier.pk,
        "responsible": wang.person.pk,
        "employee_no": wang.person.employee_no,
    }


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"projects-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if os.environ.get("SAFELOOP_SHOTS"):
        target = Path(os.environ["SAFELOOP_SHOTS"])
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target / path.name)


def _assert_tap_targets(page: Page) -> None:
    small = page.evaluate(
        """() => Array.from(document.querySelectorAll('main a, main button, main select'))
            .filter((el) => el.offsetParent !== null)
            .map((el) => [el.textContent.trim().slice(0, 30), el.getBoundingClientRect().height])
            .filter(([, h]) => h < 44)"""
    )
    assert small == [], small


def _sign_in(page: Page, tenant_url, employee_no: str, next_path: str) -> None:
    page.goto(tenant_url("acme", f"/auth/quick/?next={next_path}"))
    page.fill("input[name=employee_no]", employee_no)
    page.fill("input[name=pin]", "2468")
    page.locator("#quick-login-form button[type=submit]").click()
    page.wait_for_url(f"**{next_path}")


def test_wang_adds_a_project_and_a_crew_and_moves_a_worker_on_his_phone(
    browser: Browser, tenant_url, server
):
    data = committed(_setup)
    page = browser.new_context(**PHONE, locale="zh-CN").new_page()
    company_path = f"/k/{data['company']}/"
    _sign_in(page, tenant_url, data["employee_no"], company_path)

    page.get_by_test_id("project-new").click()
    expect(page.get_by_test_id("page-title")).to_contain_text("新增项目")
    page.fill("input[name=name]", "W1 屋面翻修")
    today = date.today()
    page.fill("input[name=starts_on]", today.isoformat())
    page.fill("input[name=ends_on]", (today - timedelta(days=1)).isoformat())
    page.select_option("select[name=responsible]", str(data["responsible"]))
    page.locator("input[name=areas]").first.check()
    page.get_by_test_id("form-submit").click()
    expect(page.get_by_test_id("field-ends_on")).to_contain_text("完工日期不能早于开工日期")
    _shot(page, "phone-project-form-error")
    page.fill("input[name=ends_on]", (today + timedelta(days=60)).isoformat())
    page.get_by_test_id("form-submit").click()
    expect(page.get_by_test_id("project-row")).to_contain_text("W1 屋面翻修")

    page.get_by_test_id("crew-new").click()
    page.fill("input[name=name]", "焊接一班")
    page.select_option("select[name=project]", label="W1 屋面翻修")
    page.select_option("select[name=lead]", str(data["wu"]))
    _shot(page, "phone-crew-form")
    page.get_by_test_id("form-submit").click()
    expect(page.get_by_test_id("crew-row")).to_contain_text("吴刚")
    expect(page.get_by_test_id("crew-workers")).to_have_text("1 名人员")

    page.goto(tenant_url("acme", f"/k/workers/{data['li']}/"))
    page.select_option("#move-crew", label="焊接一班 · W1 屋面翻修")
    page.get_by_test_id("move-crew").locator("button").click()
    expect(page.locator(".messages")).to_contain_text("李强 已调整到班组“焊接一班”。")
    expect(page.get_by_test_id("worker-crew")).to_have_text("焊接一班")
    _shot(page, "phone-worker-moved")

    page.goto(tenant_url("acme", company_path))
    expect(page.get_by_test_id("project-workers")).to_have_text("2 名人员 · 1 个班组")
    _assert_tap_targets(page)
    _shot(page, "phone-company")

    desktop = browser.new_context(**DESKTOP, locale="zh-CN")
    desktop.add_cookies(page.context.cookies())
    wide = desktop.new_page()
    wide.goto(tenant_url("acme", company_path))
    expect(wide.get_by_test_id("crews")).to_be_visible()
    _shot(wide, "desktop-company")

    wide.goto(tenant_url("acme", f"/k/suppliers/{data['supplier']}/"))
    expect(wide.get_by_test_id("link-used")).to_have_text("从未")
    wide.get_by_test_id("send-link").locator("button").click()
    expect(wide.locator(".messages")).to_contain_text("正在通过短信发送链接至 13700137000")
    expect(wide.get_by_test_id("reminder")).to_contain_text("重新发送链接")
    _shot(wide, "desktop-supplier")
