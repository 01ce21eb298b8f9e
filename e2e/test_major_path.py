"""A major hazard (重大事故隐患) on its legal path in a real Chromium, on a phone and a
desktop: the safety officer Sun stops the work and drafts the remediation plan; the
principal He Jun approves it; the fitter fixes; three levels accept; Sun records the
assessment; He Jun signs it off (销号), which lifts the stop; the report PDF for the
regulator and the 职代会 holds the plan and the clause.
"""

from __future__ import annotations

import base64
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from e2e.conftest import ARTIFACTS
from e2e.test_acceptance_pages import _signed_in
from e2e.test_hazard_loop import _sign
from tests.support.documents import pdf_text
from tests.support.worker import committed

pytestmark = pytest.mark.django_db

FETCH_BASE64 = """async (url) => {
  const response = await fetch(url);
  const bytes = new Uint8Array(await response.arrayBuffer());
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return {status: response.status, type: response.headers.get("content-type"), body: btoa(binary)};
}"""
# PROC-002 有限空间作业未审批: the clause check records 工贸判定标准 第十四条第（二）项.
CLAUSE = "第十四条第（二）项"


def _major_hazard() -> dict:
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from safeloop.tenants.facilities.models import Area
    from safeloop.tenants.hazards import services
    from safeloop.tenants.hazards.models import LibraryEntry
    from tests.hazards.conftest import make_photo

    with schema_context("acme"):
        zhang = get_user_model().objects.get(email="zhang@acme.test")
        area = Area.objects.filter(parent__code="W1").order_by("code").first()
        entry = LibraryEntry.objects.get(code="PROC-002")
        hazard = services.report_hazard(
            by=zhang,
            area=area,
            library_entry=entry,
            description="3号地坑清淤，未办理有限空间作业审批即下坑",
            photos=[make_photo("site.jpg", size=(1200, 900))],
        )
        return {
            "path": f"/h/{hazard.pk}/",
            "point": f"/q/{area.qr_token}/",
            "pk": hazard.pk,
            "fixer": hazard.assignee.employee_no,
        }


def _photo(path: Path) -> str:
    Image.effect_noise((1200, 900), 40).convert("RGB").save(path, "JPEG")
    return str(path)


def _accept(page: Page) -> None:
    _sign(page)
    page.get_by_test_id("accept-submit").click()
    expect(page.get_by_test_id("timeline-signature").last).to_be_visible()


def test_a_major_hazard_is_stopped_planned_fixed_assessed_and_signed_off_by_the_principal(
    browser: Browser, browser_context_args, viewport_name, tenant_url, tmp_path, screenshot, page
):
    hazard = committed(_major_hazard)
    path = hazard["path"]
    args = browser_context_args

    # Sun, the safety officer: stop-work order, then the plan's six parts.
    sun = _signed_in(browser, args, tenant_url, "S4001", path)
    expect(sun.get_by_test_id("major-case")).to_contain_text("重大事故隐患治理")
    sun.get_by_test_id("action-stop_work").click()
    sun.fill("textarea[name=stop_work-scope]", "3号地坑停止作业，下方区域设警戒")
    sun.get_by_test_id("stop_work-submit").click()
    expect(sun.get_by_test_id("stop-work")).to_contain_text("3号地坑停止作业")
    # Whoever scans the place's QR code sees the order first, above the report form.
    worker = _signed_in(browser, args, tenant_url, "E1002", hazard["point"])
    banner = worker.get_by_test_id("point-stop-work")
    expect(banner).to_contain_text("3号地坑停止作业")
    box, form = banner.bounding_box(), worker.get_by_test_id("pane-report").bounding_box()
    assert box["y"] + box["height"] <= form["y"]
    ARTIFACTS.mkdir(exist_ok=True)
    worker.screenshot(path=str(ARTIFACTS / f"major-point-stop-{viewport_name}.png"))
    worker.context.close()
    sun.get_by_test_id("action-plan").click()
    deadline = timezone.localtime(timezone.now() + timedelta(days=7))
    for name, value in {
        "goal": "有限空间作业全部纳入审批",
        "measures": "停止作业，办理作业票，先通风、再检测、后作业",
        "funds": "维修费 2 万元，列入本月安全生产费用",
        "people": "车间主任牵头，班组长落实，安全员监督",
        "interim_measures": "入口上锁并设警示牌",
    }.items():
        sun.fill(f"textarea[name=plan-{name}]", value)
    sun.fill("input[name=plan-deadline]", f"{deadline:%Y-%m-%dT%H:%M}")
    sun.get_by_test_id("plan-submit").click()
    expect(sun.get_by_test_id("major-plan")).to_contain_text("待主要负责人批准")
    sun.context.close()

    # He Jun, the principal, reads the plan and approves it: the hazard's deadline follows.
    ARTIFACTS.mkdir(exist_ok=True)
    he = _signed_in(browser, args, tenant_url, "P0001", path)
    expect(he.get_by_test_id("major-plan-text")).to_contain_text("有限空间作业全部纳入审批")
    he.screenshot(path=str(ARTIFACTS / f"major-approve-{viewport_name}.png"), full_page=True)
    button = he.get_by_test_id("action-approve_plan")
    assert button.bounding_box()["height"] >= 44
    button.click()
    he.get_by_test_id("approve_plan-submit").click()
    expect(he.get_by_test_id("major-plan")).to_contain_text("批准")
    he.context.close()

    # The area's owner has it fixed, with a photo and his signature.
    fixer = _signed_in(browser, args, tenant_url, hazard["fixer"], path)
    fixer.get_by_test_id("action-start").click()
    fixer.get_by_test_id("action-rectify").click()
    fixer.get_by_test_id("after-photo-1").set_input_files(_photo(tmp_path / "after.jpg"))
    fixer.fill("textarea[name=rectify-description]", "已补办审批，通风检测合格")
    _sign(fixer)
    fixer.get_by_test_id("rectify-submit").click()
    expect(fixer.get_by_test_id("signature-image")).to_be_visible()
    fixer.context.close()

    # Team leader, safety officer, leader in charge accept in turn.
    for employee_no in ("E1001", "S4001", "L0001"):
        acceptor = _signed_in(browser, args, tenant_url, employee_no, path)
        _accept(acceptor)
        acceptor.context.close()

    # The principal cannot sign off yet: the fix is assessed first.
    he = _signed_in(browser, args, tenant_url, "P0001", path)
    expect(he.get_by_test_id("accept-submit")).to_have_count(0)
    he.context.close()
    sun = _signed_in(browser, args, tenant_url, "S4001", path)
    sun.get_by_test_id("action-assess").click()
    sun.fill("input[name=assess-assessors]", "设备部张工、外聘专家李工")
    sun.fill("textarea[name=assess-conclusion]", "治理措施有效，同意销号")
    sun.get_by_test_id("assess-pass").click()
    expect(sun.get_by_test_id("major-assessment")).to_contain_text("通过")
    # The report link of the page, fetched as the browser would (the PDF opens inline).
    href = sun.get_by_test_id("major-report-pdf").get_attribute("href")
    report = sun.evaluate(FETCH_BASE64, href)
    sun.context.close()

    # 销号: He Jun signs by hand; the hazard closes and the stop is lifted.
    he = _signed_in(browser, args, tenant_url, "P0001", path)
    _accept(he)
    expect(he.get_by_test_id("hazard-state")).to_contain_text("已关闭")
    expect(he.get_by_test_id("stop-lifted")).to_be_visible()
    he.screenshot(path=str(ARTIFACTS / f"major-closed-{viewport_name}.png"), full_page=True)
    he.context.close()

    assert report["status"] == 200 and report["type"] == "application/pdf"
    text = "".join(pdf_text(base64.b64decode(report["body"]), tmp_path)).replace(" ", "")
    assert CLAUSE in text and "判定标准" in text
    assert "有限空间作业全部纳入审批" in text and "维修费2万元" in text
    assert "外聘专家李工" in text

    from django_tenants.utils import schema_context

    from safeloop.tenants.hazards.models import Hazard

    def read():
        with schema_context("acme"):
            closed = Hazard.objects.get(pk=hazard["pk"])
            levels = list(closed.acceptances.values_list("level", flat=True))
            return closed.state, levels, closed.major_case.stop_lifted_at

    state, levels, lifted = committed(read)
    assert state == "closed" and lifted is not None
    assert levels == ["team_leader", "safety_officer", "leader_in_charge", "principal"]
    page.goto(tenant_url("acme", "/"))
    screenshot("done")
