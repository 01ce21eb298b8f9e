"""The four-colour map in a real Chromium at a desktop viewport: Wang (safety manager)
uploads Acme's site plan, outlines an area holding a red risk point, and sees it red
on the map; when the risk is re-assessed the map recolours without a reload.
"""

from __future__ import annotations

import re
import uuid

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, Page, expect

from e2e.conftest import ARTIFACTS, PHONE
from tests.support.worker import committed

pytestmark = pytest.mark.django_db

PASSWORD = "Safe-Loop-2026!"  # every seeded person's (conftest.PASSWORD)
PIN = "2468"

RED, BLUE = "#e02020", "#1f6fd6"
# Where Wang clicks, as fractions of the plan: a rectangle around the "press shop".
CORNERS = [(0.2, 0.25), (0.55, 0.25), (0.55, 0.6), (0.2, 0.6)]


@pytest.fixture(params=["desktop"])
def viewport_name(request):
    """Zones are drawn at a desk, with a mouse."""
    return request.param


def _site_plan_png(path) -> str:
    """A plausible plan: a fence, roads and a few buildings on a light ground."""
    image = Image.new("RGB", (1200, 800), (244, 246, 248))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 1180, 780), outline=(80, 80, 80), width=6)
    draw.rectangle((0, 380, 1200, 420), fill=(200, 200, 200))
    draw.rectangle((600, 0, 640, 800), fill=(200, 200, 200))
    for box in ((240, 200, 660, 480), (760, 80, 1100, 340), (760, 480, 1100, 720)):
        draw.rectangle(box, fill=(214, 222, 232), outline=(60, 70, 90), width=4)
    image.save(path, "PNG")
    return str(path)


def _red_area() -> dict:
    """An area of W1 with one area risk point assessed red (LEC 6 × 6 × 15 = 540)."""
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from safeloop.tenants.facilities.models import Area
    from safeloop.tenants.facilities.services import create_area
    from safeloop.tenants.risks import services

    suffix = uuid.uuid4().hex[:6].upper()
    with schema_context("acme"):
        wang = get_user_model().objects.get(email="wang@acme.test")
        area = create_area(
            by=wang,
            code=f"W1-M{suffix}",
            name=f"冲压区{suffix}",
            name_en=f"Press bay {suffix}",
            kind="area",
            parent=Area.objects.get(code="W1"),
        )
        point = services.create_risk_point(
            by=wang, code=f"RP-M{suffix}", name="冲压作业", kind="area", area=area
        )
        services.assess_risk(point, by=wang, inherent={"l": 6, "e": 6, "c": 15})
        return {"area": area.pk, "code": area.code, "point": point.pk}


def _reassess_blue(point_pk: int) -> None:
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from safeloop.tenants.risks import services
    from safeloop.tenants.risks.models import RiskPoint

    with schema_context("acme"):
        wang = get_user_model().objects.get(email="wang@acme.test")
        services.assess_risk(
            RiskPoint.objects.get(pk=point_pk),
            by=wang,
            inherent={"l": 6, "e": 6, "c": 15},
            residual={"l": 1, "e": 3, "c": 7},  # D = 21: blue
        )


def _saved_polygon(area_pk: int) -> list:
    from django_tenants.utils import schema_context

    from safeloop.tenants.risks.models import Zone

    with schema_context("acme"):
        return Zone.objects.get(area_id=area_pk, site_plan__is_active=True).polygon


def test_wang_uploads_a_plan_draws_a_red_area_and_sees_it_red_then_recoloured(
    page: Page, browser: Browser, tenant_url, tmp_path, screenshot, request
):
    red = committed(_red_area)

    # Wang signs in with his e-mail and opens the map editor.
    page.goto(tenant_url("acme", "/accounts/login/?next=/r/map/edit/"))
    page.fill("input[name=login]", "wang@acme.test")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/r/map/edit/")

    # He uploads the site plan.
    page.fill("#site-plan-form input[name=name]", "一期厂区平面图")
    page.set_input_files("#site-plan-form input[name=image]", _site_plan_png(tmp_path / "plan.png"))
    page.get_by_test_id("site-plan-submit").click()
    expect(page.get_by_test_id("map-editor")).to_be_visible()
    image = page.get_by_test_id("map-image")
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("img => img.naturalWidth") == 1200

    # He picks the area and clicks its four corners on the plan, then saves.
    page.get_by_test_id("zone-area").select_option(str(red["area"]))
    canvas = page.get_by_test_id("zone-canvas")
    box = canvas.bounding_box()
    for x, y in CORNERS:
        canvas.click(position={"x": box["width"] * x, "y": box["height"] * y})
    expect(canvas).to_have_attribute("data-points", "4")
    expect(page.get_by_test_id("zone-save")).to_be_enabled()
    page.get_by_test_id("zone-save").click()
    expect(page.get_by_test_id("map-editor")).to_have_attribute(
        "data-saved-zone", re.compile(r"\d+")
    )
    expect(page.get_by_test_id("zone-error")).to_be_hidden()
    screenshot("editor")

    polygon = _saved_polygon(red["area"])
    assert len(polygon) == 4
    for (x, y), (want_x, want_y) in zip(polygon, CORNERS, strict=True):
        assert abs(x - want_x) < 0.01 and abs(y - want_y) < 0.01

    # On the map the area is red, labelled, and links to its risks.
    page.goto(tenant_url("acme", "/r/map/"))
    zone = page.get_by_test_id(f"zone-{red['code']}")
    expect(zone).to_have_attribute("fill", RED)
    assert zone.get_attribute("fill") == RED
    assert zone.evaluate("el => getComputedStyle(el).fill") == "rgb(224, 32, 32)"
    label = page.get_by_test_id(f"zone-label-{red['code']}")
    expect(label).to_be_visible()
    expect(label.locator("[data-count='byBand.red'] [data-value]")).to_have_text("1")
    assert label.get_attribute("href") == f"/r/?area={red['area']}"
    path = screenshot("map-red")
    print(f"risk map screenshot: {path}")

    # The risk is re-assessed elsewhere; the page's refresh recolours the zone in place.
    page.evaluate("window.sameDocument = true")
    committed(lambda: _reassess_blue(red["point"]))
    page.evaluate("document.dispatchEvent(new Event('safeloop:map-refresh'))")
    expect(zone).to_have_attribute("fill", BLUE)
    assert page.evaluate("window.sameDocument") is True  # recoloured, not reloaded
    expect(label.locator("[data-count='byBand.red']")).to_be_hidden()
    expect(label.locator("[data-count='byBand.blue'] [data-value]")).to_have_text("1")
    print(f"risk map screenshot after re-assessment: {screenshot('map-blue')}")

    # Zhang (operator) looks at the map on his phone: he sees it, but no editing.
    phone = browser.new_context(**PHONE, locale="zh-CN").new_page()
    phone.goto(tenant_url("acme", "/auth/quick/?next=/r/map/"))
    phone.fill("input[name=employee_no]", "E1002")
    phone.fill("input[name=pin]", PIN)
    phone.locator("#quick-login-form button[type=submit]").click()
    phone.wait_for_url("**/r/map/")
    expect(phone.get_by_test_id(f"zone-{red['code']}")).to_have_attribute("fill", BLUE)
    expect(phone.get_by_test_id(f"zone-link-{red['code']}")).to_be_visible()
    expect(phone.get_by_test_id("map-edit-link")).to_have_count(0)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone_shot = ARTIFACTS / f"{request.node.name}-map-phone.png"
    phone.screenshot(path=str(phone_shot), full_page=True)
    print(f"risk map on a phone: {phone_shot}")
    phone.context.close()
