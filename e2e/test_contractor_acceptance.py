"""Issue 14's acceptance story, in a real Chromium, as the people at the gate meet it.

A welder of a contracted crew scans the gate QR printed on the A4 sign (read off the
PDF by zbarimg, as a phone camera would), registers on his phone (390×844, zh-hans),
signs the project's safety briefing with his finger, passes the induction exam and
gets his site pass; the pass is valid until his welding certificate (焊工证) runs out.
The gate guard, on his phone, takes the link off the printed pass card (its QR read
the same way) and sees green. A week later (the certificate's expiry moved to
yesterday: the test cannot wait a week) the hourly beat scan suspends the pass; the
guard sees red with "焊工证已过期", the holder's page says so, and the crew lead, signed
in to the crew portal with phone and password, sees the same words beside the welder.
"""

from __future__ import annotations

import base64
import random
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.conftest import DESKTOP, PHONE
from e2e.contractor_data import induction_exam, random_credit_code, random_id_number
from e2e.test_contractor_induction import _answer_all_right, _draw
from e2e.test_tap_targets import MEASURE
from tests.support.documents import rasterise, read_qr
from tests.support.server import ARTIFACTS
from tests.support.worker import committed

pytestmark = pytest.mark.django_db

PIN = "2468"
LEAD_PASSWORD = "Crew-Lead-2026!"


@pytest.fixture(params=["phone"])
def viewport_name(request):
    return request.param


def _setup() -> dict:
    """Hengda welds W1's roof for two months. Its workers must pass the induction exam
    and sign the project's briefing; its welders need a valid welding certificate. Zhou
    leads the crew 焊接一班 and signs in with a password; Gao guards the gate."""
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from safeloop.contractors import services
    from safeloop.contractors.privacy import notice
    from safeloop.contractors.services import crew_portal
    from safeloop.tenants.facilities.models import Area, AreaKind
    from safeloop.tenants.facilities.services import create_person

    tag = uuid.uuid4().hex[:6].upper()

    with schema_context("acme"):
        wang = get_user_model().objects.select_related("person").get(email="wang@acme.test")
        company = services.create_company(
            by=wang, name=f"恒达建设{tag}", credit_code=random_credit_code()
        )
        project = services.create_project(
            company,
            by=wang,
            name="W1 屋面焊接",
            starts_on=date.today(),
            ends_on=date.today() + timedelta(days=60),
            responsible=wang.person,
        )
        quiz = induction_exam(tag)
        services.add_requirement(by=wang, project=project, course=quiz.course)
        services.add_requirement(
            by=wang, project=project, work_type="welder", certificate_kind="welding"
        )
        services.set_briefing(
            by=wang,
            project=project,
            title="屋面焊接安全交底",
            body="1. 动火作业前办理动火作业票，清理周边易燃物。\n2. 屋面作业全程系挂安全带。",
        )
        shown = notice("zh-hans")
        lead_phone = f"139{random.randrange(10**8):08d}"
        lead = services.register_worker(
            company,
            by=wang,
            name="周志强",
            id_number_value=random_id_number("19800202"),
            consent=services.Consent(shown.version, shown.text_hash, "10.0.0.9"),
            phone=lead_phone,
            work_types=["general"],
        ).worker
        crew = services.create_crew(company, by=wang, name="焊接一班", project=project)
        crew_portal.give_crew_lead_access(crew, by=wang, lead=lead, password=LEAD_PASSWORD)
        guard = create_person(
            by=wang,
            email=f"gao-{tag.lower()}@acme.test",
            full_name="高峰",
            employee_no=f"G{tag}",
            password="Safe-Loop-2026!",
            pin=PIN,
            roles=["gate_guard"],
        )
        site = Area.objects.filter(kind=AreaKind.SITE).order_by("code").first()
        return {
            "company": company.pk,
            "crew": crew.pk,
            "site": site.pk,
            "quiz": quiz.pk,
            "welder_id": random_id_number("19900101"),
            "welder_phone": f"138{random.randrange(10**8):08d}",
            "lead_phone": lead_phone,
            "guard": guard.employee_no,
            "wang": wang.person.employee_no,
        }


def _manager_records_the_certificate(data: dict) -> str:
    """Wang records the welder's certificate (valid one more week) from the card the
    welder showed, and puts him in Zhou's crew. Returns the certificate's expiry."""
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from safeloop.contractors import services
    from safeloop.contractors.models import ContractorWorker, Crew

    with schema_context("acme"):
        wang = get_user_model().objects.get(email="wang@acme.test")
        welder = ContractorWorker.objects.get(company_id=data["company"], name="吴刚")
        expiry = date.today() + timedelta(days=7)
        services.add_certificate(
            welder,
            by=wang,
            kind="welding",
            number=f"T{random.randrange(10**12):012d}",
            issuer="福建省应急管理厅",
            valid_until=expiry,
        )
        services.move_worker_to_crew(welder, by=wang, crew=Crew.objects.get(pk=data["crew"]))
        return expiry.isoformat()


def _a_week_later(data: dict) -> str:
    """Eight days on: the certificate ran out yesterday, and so did the pass issued
    until then (both dates moved back instead of the clock forward); the hourly beat
    scan runs."""
    from django_tenants.utils import schema_context

    from safeloop.contractors.models import SitePass, SpecialCertificate
    from safeloop.contractors.tasks import scan_site_passes

    expired = date.today() - timedelta(days=1)
    welder = {"worker__company_id": data["company"], "worker__name": "吴刚"}
    with schema_context("acme"):
        SpecialCertificate.objects.filter(**welder).update(valid_until=expired)
        SitePass.objects.filter(**welder).update(valid_until=expired)
        result = scan_site_passes()
    assert result["suspended"] == 1, result
    return expired.isoformat()


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"acceptance14-{name}.png"), full_page=True)


def _tap_targets_ok(page: Page) -> None:
    result = page.evaluate(MEASURE, 44)
    assert result["measured"] > 0
    assert result["misses"] == [], result["misses"]


def _sign_in(page: Page, tenant_url, employee_no: str, next_path: str) -> None:
    page.goto(tenant_url("acme", f"/auth/quick/?next={next_path}"))
    page.fill("input[name=employee_no]", employee_no)
    page.fill("input[name=pin]", PIN)
    page.locator("#quick-login-form button[type=submit]").click()
    page.wait_for_url(f"**{next_path}")


# Fetched by the page itself (its cookies, its host resolution of *.localhost): the
# headless browser shows a PDF link in its viewer instead of downloading it.
FETCH_PDF = """async (url) => {
    const response = await fetch(url);
    const bytes = new Uint8Array(await response.arrayBuffer());
    let text = "";
    for (const b of bytes) text += String.fromCharCode(b);
    return [response.status, response.headers.get("content-type"), btoa(text)];
}"""


def _qr_of_pdf(page: Page, link_test_id: str, folder: Path, name: str) -> str:
    """The PDF behind the link, rasterised, its QR code read as a phone camera would."""
    href = page.get_by_test_id(link_test_id).first.get_attribute("href")
    status, kind, body = page.evaluate(FETCH_PDF, href)
    assert (status, kind) == (200, "application/pdf")
    pdf = base64.b64decode(body)
    codes = [code for image in rasterise(pdf, folder, name=name) for code in read_qr(image)]
    assert len(codes) == 1, codes
    return codes[0]


def _guard_checks(guard: Page, pass_url: str) -> None:
    guard.get_by_test_id("gate-code").fill(pass_url)
    guard.get_by_test_id("gate-submit").click()
    guard.wait_for_url("**/k/gate/check/?e=*")


def test_register_induct_pass_green_then_red_when_the_welding_certificate_lapses(
    browser: Browser, tenant_url, server, tmp_path
):
    data = committed(_setup)

    # The gate sign Wang printed: its QR opens the registration on the served host.
    desk = browser.new_context(**DESKTOP, locale="zh-CN").new_page()
    _sign_in(desk, tenant_url, data["wang"], "/k/gates/")
    gate_url = _qr_of_pdf(desk, "gate-sign", tmp_path, "sign")
    assert gate_url.startswith(tenant_url("acme", "/p/g/")), gate_url

    # The welder, on his phone, registers.
    phone = browser.new_context(**PHONE, locale="zh-CN").new_page()
    phone.goto(gate_url)
    phone.locator("#id_company").select_option(str(data["company"]))
    phone.locator("#id_name").fill("吴刚")
    phone.locator("#id_phone").fill(data["welder_phone"])
    phone.locator("#id_id_number").fill(data["welder_id"])
    phone.locator("input[name=work_types][value=welder]").check()
    phone.locator("#id_consent").check()
    _shot(phone, "1-register")
    phone.get_by_test_id("form-submit").click()
    expect(phone.get_by_test_id("gate-result")).to_have_text("登记成功")
    expiry = committed(lambda: _manager_records_the_certificate(data))

    # His induction: the briefing signed by hand, the exam passed.
    phone.get_by_test_id("induction-start").click()
    steps = phone.get_by_test_id("induction-steps")
    expect(steps).to_contain_text("尚未签署安全交底《屋面焊接安全交底》")
    expect(steps).to_contain_text("尚未通过《入场安全教育》考试")
    _tap_targets_ok(phone)
    _shot(phone, "2-induction")
    # His menu is his induction alone.
    phone.get_by_test_id("menu-toggle").click()
    expect(phone.get_by_test_id("nav-portal_home")).to_be_visible()
    expect(phone.get_by_test_id("nav").locator("a")).to_have_count(1)
    phone.get_by_test_id("menu-toggle").click()
    while phone.get_by_test_id("step-sign").count():
        phone.get_by_test_id("step-sign").first.click()
        expect(phone.get_by_test_id("briefing-text")).to_be_visible()
        # An empty box is refused in place; the clear button really clears.
        phone.get_by_test_id("signature-submit").click()
        expect(phone.get_by_test_id("signature-error")).to_contain_text("签名")
        _draw(phone)
        phone.get_by_test_id("signature-clear").click()
        assert phone.locator("input[name=signature]").input_value() == ""
        _draw(phone)
        signature = phone.locator("input[name=signature]").input_value()
        assert signature.startswith("data:image/png;base64,")
        _tap_targets_ok(phone)
        _shot(phone, "2b-briefing-signed")
        phone.get_by_test_id("signature-submit").click()
        expect(phone.get_by_test_id("page-title")).to_have_text("我的入场培训")
    expect(phone.get_by_test_id("messages")).to_contain_text("已签字确认")
    phone.get_by_test_id("step-exam").click()
    phone.wait_for_url(f"**/l/quiz/{data['quiz']}/")
    phone.get_by_test_id("start-quiz").click()
    phone.wait_for_url("**/l/attempt/*/")
    _answer_all_right(phone)
    phone.get_by_test_id("submit-quiz").click()
    phone.wait_for_url("**/result/")
    expect(phone.get_by_test_id("score")).to_have_text("100")

    # The pass: valid until the certificate runs out.
    phone.goto(tenant_url("acme", "/p/induction/"))
    phone.get_by_test_id("pass-link").click()
    expect(phone.get_by_test_id("site-pass")).to_have_attribute("data-status", "active")
    expect(phone.get_by_test_id("site-pass")).to_contain_text(expiry)
    _tap_targets_ok(phone)
    _shot(phone, "3-pass")
    pass_url = phone.url
    # The enterprise's pages are closed to him.
    closed = phone.context.new_page()
    assert closed.goto(tenant_url("acme", "/k/")).status == 403
    assert closed.goto(tenant_url("acme", "/h/")).status == 403
    closed.close()
    card_url = _qr_of_pdf(phone, "pass-card-link", tmp_path, "card")
    assert card_url == pass_url

    # The guard takes the card's QR: green.
    guard = browser.new_context(**PHONE, locale="zh-CN").new_page()
    _sign_in(guard, tenant_url, data["guard"], "/k/gate/check/")
    guard.get_by_test_id("gate-gate").select_option(str(data["site"]))
    _guard_checks(guard, card_url)
    expect(guard.get_by_test_id("verdict")).to_have_attribute("data-allowed", "true")
    expect(guard.get_by_test_id("verdict-headline")).to_contain_text("可以进入")
    expect(guard.get_by_test_id("verdict-name")).to_have_text("吴刚")
    _tap_targets_ok(guard)
    _shot(guard, "4-guard-green")

    # A week later the certificate has lapsed and the beat scan has run: red.
    expired = committed(lambda: _a_week_later(data))
    lapse = f"焊工证已过期（{expired} 到期）"
    _guard_checks(guard, card_url)
    expect(guard.get_by_test_id("verdict")).to_have_attribute("data-allowed", "false")
    expect(guard.get_by_test_id("verdict-headline")).to_contain_text("禁止进入")
    expect(guard.get_by_test_id("verdict")).to_contain_text(lapse)
    _shot(guard, "5-guard-red")
    phone.reload()
    expect(phone.get_by_test_id("site-pass")).to_have_attribute("data-status", "suspended")
    expect(phone.get_by_test_id("site-pass")).to_contain_text(lapse)

    # The crew lead's portal shows the same words beside the welder.
    lead = browser.new_context(**PHONE, locale="zh-CN").new_page()
    lead.goto(tenant_url("acme", "/p/crew/login/?mode=password"))
    lead.get_by_test_id("crew-phone").fill(data["lead_phone"])
    lead.get_by_test_id("crew-password").fill(LEAD_PASSWORD)
    lead.get_by_test_id("password-submit").click()
    lead.wait_for_url("**/p/crew/")
    welder = lead.get_by_test_id("crew-member").filter(has_text="吴刚")
    expect(welder.get_by_test_id("pass-state")).to_contain_text("出入证已暂停")
    expect(welder.get_by_test_id("lacks")).to_contain_text(lapse)
    _tap_targets_ok(lead)
    _shot(lead, "6-crew-lead")
