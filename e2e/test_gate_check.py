"""The gate check on a phone (390×844, zh-hans), in a real Chromium: Gao Feng, the guard
at Acme's main gate, pastes a worker's pass link and sees green "可以进入" with the
worker's name, company and photo; the worker is then counted on site. Wang (admin)
revokes the pass from the pass list on his desktop, with a reason; Gao pastes the same
link again and sees red "禁止进入" with that reason. Every tap target of the guard's
pages is at least 44 px. Each page is shot on the phone and on a desktop."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.conftest import DESKTOP, PHONE
from e2e.contractor_data import random_credit_code, random_id_number
from e2e.test_tap_targets import MEASURE
from tests.support.worker import committed

pytestmark = pytest.mark.django_db

SHOTS = Path("/tmp/shots_gate")
PIN = "2468"


@pytest.fixture(params=["phone"])
def viewport_name(request):
    return request.param


def _portrait() -> bytes:
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (300, 400), (210, 225, 240))
    draw = ImageDraw.Draw(image)
    draw.ellipse((95, 70, 205, 190), fill=(120, 90, 70))
    draw.rectangle((60, 220, 240, 400), fill=(30, 70, 120))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def _setup() -> dict:
    """A company with a running project, a worker holding a pass, and a gate guard."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django_tenants.utils import schema_context

    from safeloop.contractors import services
    from safeloop.contractors.models import PassStatus, SitePass
    from safeloop.contractors.privacy import notice
    from safeloop.tenants.facilities.models import Area, AreaKind
    from safeloop.tenants.facilities.services import create_person

    tag = uuid.uuid4().hex[:6].upper()
    with schema_context("acme"):
        wang = get_user_model().objects.select_related("person").get(email="wang@acme.test")
        company = services.create_company(
            by=wang, name=f"恒达建设{tag}", credit_code=random_credit_code()
        )
        services.create_project(
            company,
            by=wang,
            name="W1 屋面翻新",
            starts_on=date.today(),
            ends_on=date.today() + timedelta(days=30),
            responsible=wang.person,
        )
        shown = notice("zh-hans")
        worker = services.register_worker(
            company,
            by=wang,
            name="吴刚",
            id_number_value=random_id_number("19880101"),
            consent=services.Consent(shown.version, shown.text_hash, "10.0.0.8"),
            phone="13900139000",
            work_types=["welder"],
            photo=SimpleUploadedFile("wu.jpg", _portrait(), content_type="image/jpeg"),
        ).worker
        services.refresh_pass(worker)
        site_pass = SitePass.objects.get(worker=worker)
        assert site_pass.status == PassStatus.ACTIVE, site_pass.reason
        guard = create_person(
            by=wang,
            email=f"gao-{tag.lower()}@acme.test",
            full_name="高峰",
            employee_no=f"G{tag}",
            password="Safe-Loop-2026!",
            pin=PIN,
            roles=["gate_guard"],
        )
        gate = Area.objects.filter(kind=AreaKind.SITE).order_by("code").first()
        return {
            "token": site_pass.token,
            "number": site_pass.number,
            "company": company.name,
            "guard": guard.employee_no,
            "wang": wang.person.employee_no,
            "gate": gate.pk,
        }


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _sign_in(page: Page, tenant_url, employee_no: str, next_path: str) -> None:
    page.goto(tenant_url("acme", f"/auth/quick/?next={next_path}"))
    page.fill("input[name=employee_no]", employee_no)
    page.fill("input[name=pin]", PIN)
    page.locator("#quick-login-form button[type=submit]").click()
    page.wait_for_url(f"**{next_path}")


def _assert_tap_targets(page: Page) -> None:
    result = page.evaluate(MEASURE, 44)
    assert result["measured"] > 0
    assert result["misses"] == [], result["misses"]


def _paste_and_check(page: Page, url: str) -> None:
    page.get_by_test_id("gate-code").fill(url)
    page.get_by_test_id("gate-submit").click()
    page.wait_for_url("**/k/gate/check/?e=*")


def test_the_guard_sees_green_then_red_once_the_pass_is_revoked(
    browser: Browser, tenant_url, server
):
    data = committed(_setup)
    pass_url = tenant_url("acme", f"/p/pass/{data['token']}/")

    # The holder's pass on his phone (no sign-in).
    holder = browser.new_context(**PHONE, locale="zh-CN").new_page()
    holder.goto(pass_url)
    expect(holder.get_by_test_id("site-pass")).to_have_attribute("data-status", "active")
    expect(holder.get_by_test_id("pass-status")).to_contain_text("有效")
    expect(holder.get_by_test_id("pass-number")).to_have_text(data["number"])
    expect(holder.get_by_test_id("pass-photo")).to_be_visible()
    _assert_tap_targets(holder)
    _shot(holder, "phone-pass")

    # The guard signs in on his phone and opens the check.
    phone = browser.new_context(**PHONE, locale="zh-CN")
    page = phone.new_page()
    _sign_in(page, tenant_url, data["guard"], "/k/gate/check/")
    expect(page.get_by_test_id("page-title")).to_have_text("门岗核验")
    page.get_by_test_id("gate-gate").select_option(str(data["gate"]))
    expect(page.locator("input[name=direction][value=in]")).to_be_checked()
    _assert_tap_targets(page)
    _shot(page, "phone-check")

    # Green: the pass link pasted.
    _paste_and_check(page, pass_url)
    verdict = page.get_by_test_id("verdict")
    expect(verdict).to_have_attribute("data-allowed", "true")
    expect(page.get_by_test_id("verdict-headline")).to_contain_text("可以进入")
    expect(page.get_by_test_id("verdict-name")).to_have_text("吴刚")
    expect(page.get_by_test_id("verdict-company")).to_contain_text(data["company"])
    expect(page.get_by_test_id("verdict-photo")).to_be_visible()
    assert page.get_by_test_id("verdict-photo").evaluate("img => img.naturalWidth") > 0
    # Full width, green, at the top: read in one glance.
    box = verdict.bounding_box()
    assert box["width"] >= 340 and box["y"] < 200
    assert "rgb(6, 118, 71)" in verdict.evaluate("el => getComputedStyle(el).backgroundColor")
    # The guard stays at his gate for the next pass.
    expect(page.get_by_test_id("gate-gate")).to_have_value(str(data["gate"]))
    _assert_tap_targets(page)
    _shot(page, "phone-check-green")

    # Counted on site.
    page.get_by_test_id("onsite-link").click()
    expect(page.get_by_test_id("onsite-people")).to_contain_text("吴刚")
    expect(page.get_by_test_id("onsite-counts")).to_contain_text(data["company"])
    _assert_tap_targets(page)
    _shot(page, "phone-onsite")

    # Wang revokes the pass on his desktop, with a reason.
    desk = browser.new_context(**DESKTOP, locale="zh-CN").new_page()
    _sign_in(desk, tenant_url, data["wang"], "/k/passes/")
    desk.get_by_test_id("filter-q").fill(data["number"])
    desk.get_by_test_id("apply-filters").click()
    row = desk.locator(f"[data-testid=pass-row][data-number={data['number']}]")
    expect(row).to_have_count(1)
    _shot(desk, "desktop-passes")
    row.locator("summary").click()
    _shot(desk, "desktop-passes-actions")
    row.get_by_test_id("revoke-reason").fill("违章动火作业")
    row.get_by_test_id("pass-revoke").click()
    expect(desk.get_by_test_id("messages")).to_contain_text("已收回")
    row = desk.locator(f"[data-testid=pass-row][data-number={data['number']}]")
    expect(row).to_have_attribute("data-status", "revoked")
    expect(row.get_by_test_id("pass-reason")).to_have_text("违章动火作业")

    # Red: the same link, pasted again.
    page.goto(tenant_url("acme", "/k/gate/check/"))
    _paste_and_check(page, pass_url)
    verdict = page.get_by_test_id("verdict")
    expect(verdict).to_have_attribute("data-allowed", "false")
    expect(page.get_by_test_id("verdict-headline")).to_contain_text("禁止进入")
    expect(page.get_by_test_id("verdict-reasons")).to_contain_text("出入证已收回：违章动火作业")
    expect(page.get_by_test_id("verdict-name")).to_have_text("吴刚")
    assert "rgb(180, 35, 24)" in verdict.evaluate("el => getComputedStyle(el).backgroundColor")
    _assert_tap_targets(page)
    _shot(page, "phone-check-red")

    # The holder's page says so too.
    holder.reload()
    expect(holder.get_by_test_id("site-pass")).to_have_attribute("data-status", "revoked")
    expect(holder.get_by_test_id("pass-reason")).to_have_text("违章动火作业")
    _shot(holder, "phone-pass-revoked")

    # The same pages on a desktop.
    wide_guard = browser.new_context(**DESKTOP, locale="zh-CN")
    wide_guard.add_cookies(phone.cookies())
    wide = wide_guard.new_page()
    wide.goto(tenant_url("acme", "/k/gate/check/"))
    _paste_and_check(wide, data["number"])
    expect(wide.get_by_test_id("verdict")).to_have_attribute("data-allowed", "false")
    _shot(wide, "desktop-check-red")
    wide.goto(tenant_url("acme", "/k/gate/onsite/"))
    _shot(wide, "desktop-onsite")
    wide.goto(pass_url)
    _shot(wide, "desktop-pass")

    # The manager's list on the phone.
    small = browser.new_context(**PHONE, locale="zh-CN")
    small.add_cookies(desk.context.cookies())
    manager = small.new_page()
    manager.goto(tenant_url("acme", f"/k/passes/?q={data['number']}"))
    expect(manager.get_by_test_id("pass-row")).to_have_count(1)
    _shot(manager, "phone-passes")
