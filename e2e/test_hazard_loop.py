"""The closed loop on a phone, in a real Chromium: scan → report in ≤ 5 taps → routed →
fixed with after-photos and a signature → accepted at each level → closed.

Zhang (operator) reports confined-space work without a permit at the stamping
workshop, a 重大 item of the 工贸 判定标准 (第十四条第（二）项); routing gives it to
the workshop's owner, its director Liu; Li (team leader), Sun (safety officer), Zhou
(leader in charge) and, after the assessment, He Jun (the principal) accept in turn,
each on their own phone.
"""

from __future__ import annotations

import re

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from tests.support.worker import committed

pytestmark = pytest.mark.django_db

PIN = "2468"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}


@pytest.fixture(params=["phone"])
def viewport_name(request):
    """The loop is done on phones (the issue's acceptance test)."""
    return request.param


def _photo(path, color) -> str:
    Image.effect_noise((1200, 900), 40).convert("RGB").save(path, "JPEG")
    Image.open(path).point(lambda v: (v + color) % 256).save(path, "JPEG")
    return str(path)


def _w1_area_token() -> str:
    from django_tenants.utils import schema_context

    from safeloop.tenants.facilities.models import Area

    with schema_context("acme"):
        return Area.objects.filter(parent__code="W1").order_by("code").first().qr_token


def _major_step(pk: int, step: str) -> None:
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from safeloop.tenants.hazards import major
    from safeloop.tenants.hazards.models import Hazard

    with schema_context("acme"):
        hazard, users = Hazard.objects.get(pk=pk), get_user_model().objects
        sun, he = users.get(email="sun@acme.test"), users.get(email="he@acme.test")
        if step == "plan":
            major.save_plan(
                hazard,
                by=sun,
                goal="有限空间作业全部纳入审批",
                measures="停止作业，办理有限空间作业票，通风并检测气体",
                funds="5000 元",
                people="车间主任、安全员",
                deadline=timezone.now() + timedelta(days=3),
                interim_measures="挂牌停用",
            )
            major.approve_plan(hazard, by=he)
        else:
            major.record_assessment(
                hazard, by=sun, assessors="安全部、外聘专家", conclusion="有效", passed=True
            )


def _quick_login(page: Page, tenant_url, employee_no: str, next_path: str) -> None:
    page.goto(tenant_url("acme", f"/auth/quick/?next={next_path}"))
    page.fill("input[name=employee_no]", employee_no)
    page.fill("input[name=pin]", PIN)
    page.locator("#quick-login-form button[type=submit]").click()
    page.wait_for_url(f"**{next_path}")


def _phone(browser: Browser) -> Page:
    return browser.new_context(**PHONE).new_page()


def _sign(page: Page) -> None:
    pad = page.get_by_test_id("signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for x, y in [(0.3, 0.2), (0.5, 0.8), (0.7, 0.3), (0.9, 0.6)]:
        page.mouse.move(box["x"] + box["width"] * x, box["y"] + box["height"] * y, steps=5)
    page.mouse.up()


def _above(page: Page, upper: str, lower: str) -> bool:
    return (
        page.get_by_test_id(upper).bounding_box()["y"]
        < page.get_by_test_id(lower).bounding_box()["y"]
    )


def _accept_as(browser: Browser, tenant_url, employee_no: str, hazard_path: str, shot=None) -> str:
    page = _phone(browser)
    _quick_login(page, tenant_url, employee_no, hazard_path)
    # The evidence comes first: after-photos, what was done and the fixer's signature,
    # then this level's one "accept" (no second accept button), signed by hand.
    decision = page.get_by_test_id("acceptance-decision")
    expect(decision).to_be_visible()
    for evidence in ("photos-after", "rectifications", "signature-image"):
        assert _above(page, evidence, "acceptance-decision"), evidence
    expect(page.get_by_test_id("accept-submit")).to_have_count(1)
    expect(page.get_by_test_id("action-accept")).to_have_count(0)
    page.fill("textarea[name=accept-note]", "现场复查合格")
    _sign(page)
    if shot:
        shot(page)
    page.get_by_test_id("accept-submit").click()
    expect(page.get_by_test_id("timeline-signature").last).to_be_visible()
    state = page.get_by_test_id("hazard-state").inner_text()
    page.context.close()
    return state


def test_phone_loop_report_in_five_taps_fix_with_signature_accept_three_levels(
    page: Page, browser: Browser, tenant_url, tmp_path, screenshot
):
    # Zhang scans the QR code at W1's first area and signs in with his PIN.
    point = f"/q/{_w1_area_token()}/"
    page.goto(tenant_url("acme", point))
    page.fill("input[name=employee_no]", "E1002")
    page.fill("input[name=pin]", PIN)
    page.locator("#quick-login-form button[type=submit]").click()
    expect(page.get_by_test_id("report-submit")).to_be_visible()

    # The report: three photos, one pick, send — counted from the opened page.
    taps = 0
    for slot, color in ((1, 0), (2, 60), (3, 120)):
        page.get_by_test_id(f"photo-slot-{slot}").set_input_files(
            _photo(tmp_path / f"before{slot}.jpg", color)
        )
        taps += 1  # one tap on the slot opens the camera
    page.get_by_test_id("library-entry-PROC-002").click()
    taps += 1
    page.get_by_test_id("report-submit").click()
    taps += 1
    expect(page.get_by_test_id("report-done")).to_be_visible(timeout=30_000)
    assert taps <= 5
    number = page.get_by_test_id("hazard-number").inner_text().strip()
    screenshot("reported")

    from django_tenants.utils import schema_context

    from safeloop.tenants.hazards.models import Hazard

    with schema_context("acme"):
        hazard = Hazard.objects.select_related("assignee").get(number=number)
        assert hazard.grade == "major" and hazard.photos.count() == 3
        assert hazard.clause_number == "第十四条第（二）项"
        assert hazard.assignee.employee_no == "D2001"  # the workshop's owner, Liu
        hazard_path = f"/h/{hazard.pk}/"
    # A major hazard's plan is approved by the principal before any fix counts; its
    # stop-work, plan, assessment and sign-off on the page are e2e/test_major_path.py.
    committed(lambda: _major_step(hazard.pk, "plan"))

    # Liu has it fixed: after-photo, what was done, his signature drawn with a finger.
    fixer = _phone(browser)
    _quick_login(fixer, tenant_url, "D2001", hazard_path)
    fixer.get_by_test_id("action-start").click()
    fixer.get_by_test_id("action-rectify").click()
    # The same camera tiles as the report: a preview, and a smaller JPEG goes up.
    fixer.get_by_test_id("after-photo-1").set_input_files(_photo(tmp_path / "after.jpg", 200))
    tile = fixer.locator("[data-photo-slot]").first
    expect(tile.locator("[data-photo-preview]")).to_be_visible()
    expect(tile).to_have_attribute("data-upload-bytes", re.compile(r"^\d+$"))
    fixer.fill("textarea[name=rectify-description]", "停止作业，补办有限空间作业审批，设专人监护")
    fixer.fill("input[name=rectify-test_result]", "通风后检测氧含量20.9%，硫化氢未检出")
    _sign(fixer)
    fixer.get_by_test_id("rectify-submit").click()
    expect(fixer.get_by_test_id("signature-image")).to_be_visible()
    expect(fixer.get_by_test_id("photos-after")).to_be_visible()
    fixer.context.close()

    # Team leader, safety officer, leader in charge: one level each.
    assert "closed" not in _accept_as(browser, tenant_url, "E1001", hazard_path).lower()
    assert "closed" not in _accept_as(browser, tenant_url, "S4001", hazard_path).lower()
    assert "closed" not in _accept_as(browser, tenant_url, "L0001", hazard_path).lower()
    committed(lambda: _major_step(hazard.pk, "assess"))
    _accept_as(browser, tenant_url, "P0001", hazard_path)

    with schema_context("acme"):
        hazard.refresh_from_db()
        assert hazard.state == "closed"
        assert list(hazard.acceptances.values_list("level", flat=True)) == [
            "team_leader",
            "safety_officer",
            "leader_in_charge",
            "principal",
        ]
        assert hazard.rectifications.get().signature.name.startswith("acme/")
        # every level signed by hand
        assert all(a.signature.name.startswith("acme/") for a in hazard.acceptances.all())
    page.goto(tenant_url("acme", hazard_path))
    expect(page.get_by_test_id("timeline")).to_be_visible()
    screenshot("closed")
