"""Rectification, acceptance and the verifier's page in a real Chromium, on a phone and
a desktop: the fix goes up through camera tiles; each level reads the evidence before
its one sign-off and signs by hand.

Zhang reported a missing guard in W1; Ma, the fitter, fixes it; Li (team leader of
W1) signs first, then Zhao, the outside verifier, through the hazard's own QR.
The checklist part: Li's patrol through one of W1's areas (DAILY-AREA, twelve
pass/fail items) is done with "all pass" and one exception.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from e2e.conftest import ARTIFACTS
from e2e.test_inspection_route import _wait_out_a_shift_change
from tests.support.worker import committed

pytestmark = pytest.mark.django_db

PIN = "2468"
PASSWORD = "Safe-Loop-2026!"


def _fixed_by_nobody_yet() -> dict:
    """A general hazard, routed to Ma, whose path is team leader then verifier."""
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from safeloop.tenants.facilities.models import Area
    from safeloop.tenants.hazards import services
    from safeloop.tenants.hazards.models import GradePolicy, LibraryEntry
    from tests.hazards.conftest import make_photo

    with schema_context("acme"):
        zhang = get_user_model().objects.get(email="zhang@acme.test")
        area = Area.objects.filter(parent__code="W1").order_by("code").first()
        GradePolicy.objects.filter(grade="general").update(
            acceptance_levels=["team_leader", "verifier"]
        )
        try:
            hazard = services.report_hazard(
                by=zhang,
                area=area,
                library_entry=LibraryEntry.objects.get(code="MECH-004"),
                photos=[make_photo("site.jpg", size=(1200, 900))],
            )
        finally:
            GradePolicy.objects.filter(grade="general").update(acceptance_levels=["team_leader"])
        return {"pk": hazard.pk, "token": hazard.verifier_token, "number": hazard.number}


def _photo(path: Path, color) -> str:
    Image.effect_noise((2000, 1500), 40).convert("RGB").save(path, "JPEG", quality=95)
    Image.open(path).point(lambda v: (v + color) % 256).save(path, "JPEG", quality=95)
    return str(path)


def _signed_in(browser: Browser, context_args: dict, tenant_url, employee_no: str, path: str):
    """A phone of the company's own people: employee number and PIN."""
    page = browser.new_context(**context_args).new_page()
    page.goto(tenant_url("acme", f"/auth/quick/?next={path}"))
    page.fill("input[name=employee_no]", employee_no)
    page.fill("input[name=pin]", PIN)
    page.locator("#quick-login-form button[type=submit]").click()
    page.wait_for_url(lambda url: urlsplit(url).path == path)
    return page


def _verifier_signed_in(browser: Browser, context_args: dict, tenant_url, path: str):
    """An outside verifier has no PIN: e-mail and password."""
    page = browser.new_context(**context_args).new_page()
    page.goto(tenant_url("acme", f"/accounts/login/?next={path}"))
    page.fill("input[name=login]", "zhao@verify.test")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(lambda url: urlsplit(url).path == path)
    return page


def _sign(page: Page) -> None:
    pad = page.get_by_test_id("signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for x, y in [(0.3, 0.2), (0.5, 0.8), (0.7, 0.3), (0.9, 0.6)]:
        page.mouse.move(box["x"] + box["width"] * x, box["y"] + box["height"] * y, steps=5)
    page.mouse.up()


def _y(page: Page, testid: str) -> float:
    return page.get_by_test_id(testid).first.bounding_box()["y"]


@pytest.fixture
def shot(request):
    def take(page: Page, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{name}.png"), full_page=True)

    return take


def test_fix_through_camera_tiles_then_each_level_reads_the_evidence_and_signs(
    browser: Browser, browser_context_args, tenant_url, tmp_path, shot
):
    hazard = committed(_fixed_by_nobody_yet)
    path = f"/h/{hazard['pk']}/"

    # Ma opens the fix form: three camera tiles, like the report's; a photo shows at once.
    ma = _signed_in(browser, browser_context_args, tenant_url, "M3001", path)
    ma.get_by_test_id("action-rectify").click()
    expect(ma.locator("[data-photo-slot]")).to_have_count(3)
    original = _photo(tmp_path / "after.jpg", 90)
    ma.get_by_test_id("after-photo-1").set_input_files(original)
    tile = ma.locator("[data-photo-slot]").first
    expect(tile.locator("[data-photo-preview]")).to_be_visible()
    ma.wait_for_function(
        "() => document.querySelector('[data-photo-slot]').hasAttribute('data-upload-bytes')"
    )
    sent = int(tile.get_attribute("data-upload-bytes"))
    assert sent < Path(original).stat().st_size  # made smaller in the browser
    ma.fill("textarea[name=rectify-description]", "重新安装防护罩并紧固螺栓")
    ma.fill("input[name=rectify-test_result]", "防护罩打开时设备停机")
    _sign(ma)
    shot(ma, "rectification")
    ma.get_by_test_id("rectify-submit").click()
    expect(ma.get_by_test_id("signature-image")).to_be_visible()
    ma.context.close()

    # Li: the evidence first, then her level's one sign-off with her signature.
    li = _signed_in(browser, browser_context_args, tenant_url, "E1001", path)
    expect(li.get_by_test_id("decision-lead")).to_be_visible()
    for evidence in ("photos-after", "rectifications", "signature-image"):
        assert _y(li, evidence) < _y(li, "acceptance-decision"), evidence
    expect(li.get_by_test_id("accept-submit")).to_have_count(1)
    li.fill("textarea[name=accept-note]", "现场复查合格")
    _sign(li)
    shot(li, "acceptance")
    li.get_by_test_id("accept-submit").click()
    expect(li.get_by_test_id("acceptance-signature-team_leader")).to_be_visible()
    expect(li.get_by_test_id("timeline-signature")).to_be_visible()
    li.context.close()

    # Zhao, through the hazard's own QR: the same order, one "accept" for her level.
    verify = f"/h/v/{hazard['token']}/"
    zhao = _verifier_signed_in(browser, browser_context_args, tenant_url, verify)
    expect(zhao.get_by_test_id("accept-submit")).to_have_count(1)
    expect(zhao.get_by_text("验收通过", exact=True)).to_have_count(1)
    assert _y(zhao, "rectifications") < _y(zhao, "acceptance-decision")
    _sign(zhao)
    shot(zhao, "verifier")
    zhao.get_by_test_id("accept-submit").click()
    expect(zhao.get_by_test_id("hazard-state")).to_have_text("已关闭")
    expect(zhao.get_by_test_id("acceptance-signature-verifier")).to_be_visible()
    shot(zhao, "verifier-signed")
    zhao.context.close()

    from django_tenants.utils import schema_context

    from safeloop.tenants.hazards.models import Hazard

    with schema_context("acme"):
        closed = Hazard.objects.get(pk=hazard["pk"])
        assert [a.level for a in closed.acceptances.all()] == ["team_leader", "verifier"]
        assert all(a.signature for a in closed.acceptances.all())


def _li_patrol_in_w1() -> dict:
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from safeloop.tenants.facilities.models import Area
    from safeloop.tenants.hazards.forms_report import shift_for
    from safeloop.tenants.inspections.models import Point
    from safeloop.tenants.inspections.services import create_route, start_patrol

    with schema_context("acme"):
        users = get_user_model().objects
        wang, li = users.get(email="wang@acme.test"), users.get(email="li@acme.test")
        area = Area.objects.filter(parent__code="W1").order_by("code").last()
        route = create_route(
            by=wang,
            name=f"W1 日检 {uuid.uuid4().hex[:6]}",
            shift=shift_for(),
            points=[Point.objects.for_target(area)],
        )
        start_patrol(route, by=li)
        return {"path": f"/q/{area.qr_token}/"}


def test_twelve_pass_fail_items_take_one_tap_and_the_exception_one_more(
    browser: Browser, browser_context_args, tenant_url, tmp_path, shot
):
    _wait_out_a_shift_change()
    point = committed(_li_patrol_in_w1)
    li = _signed_in(browser, browser_context_args, tenant_url, "E1001", point["path"])
    expect(li.get_by_test_id("checklist-form")).to_be_visible()
    passes = li.locator(".in-passfail input[value=pass]")
    assert passes.count() == 12

    li.get_by_test_id("all-pass").click()
    expect(li.locator(".in-passfail input[value=pass]:checked")).to_have_count(12)
    li.get_by_test_id("item-3-fail").click()  # the exception: the fire exit is blocked
    expect(li.get_by_test_id("item-3-finding")).to_be_visible()
    li.get_by_test_id("item-3-note").fill("安全出口堆放纸箱")
    li.get_by_test_id("item-13-number").fill("38")
    expect(li.get_by_test_id("item-13-range")).to_contain_text("超出合格范围")
    shot(li, "checklist")
    li.get_by_test_id("item-13-number").fill("26")
    li.get_by_test_id("item-14-choice-1").click()
    li.get_by_test_id("item-15-photo").set_input_files(_photo(tmp_path / "area.jpg", 30))
    li.get_by_test_id("checklist-submit").click()

    # one item failed; its hazard is titled with the item's short name and keeps the note
    expect(li.get_by_test_id("inspection-result")).to_have_attribute("data-result", "fail")
    expect(li.locator("[data-passed=fail]")).to_have_count(1)
    li.get_by_test_id("create-hazard-3").click()
    expect(li.get_by_test_id("page-title")).to_have_text("消防通道、安全出口畅通无堵塞")
    expect(li.get_by_test_id("description")).to_contain_text("安全出口堆放纸箱")
    li.context.close()
