"""A patrol on a phone, in a real Chromium: my inspections today → the task → each
point's QR page in order → answers → a failed item becomes a hazard in one tap →
the task is done.

Li Na (team leader, E1001) walks a three-point route through workshop W2 on the
shift that is on now (not within two minutes of its end: the test waits for the
next shift then). Each point has the same short checklist bound to it: the
guard in place, the emergency stop works, the air pressure (0–10 bar), and the
cooling water, which may be 不适用 (the first machine has none).
"""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.support.worker import committed

pytestmark = pytest.mark.django_db

PIN = "2468"
# The walk takes ~10 s (a minute on a slow machine). The server is another process,
# out of time travel's reach: when a shift change (00:00, 08:00, 16:00) is closer than
# this, the test waits for the next shift to begin instead of walking into the change.
SHIFT_CHANGE_MARGIN = timedelta(minutes=2)
ITEMS = [
    {"kind": "pass_fail", "label": "防护罩完好", "label_en": "Guard in place"},
    {
        "kind": "pass_fail",
        "label": "急停按钮有效",
        "label_en": "Emergency stop works",
        "guidance": "按下急停，设备应立即停止。",
    },
    {
        "kind": "number",
        "label": "气源压力",
        "label_en": "Air pressure",
        "unit": "bar",
        "number_min": "0",
        "number_max": "10",
    },
    {
        "kind": "pass_fail",
        "label": "冷却水流量正常",
        "label_en": "Cooling water flowing",
        "allows_na": True,  # machines without water cooling answer 不适用
    },
]


@pytest.fixture(params=["phone", "desktop"])
def viewport_name(request):
    """Patrols are walked with a phone in hand; a tablet or laptop on a cart works too."""
    return request.param


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "geolocation": {"latitude": 31.2304, "longitude": 121.4737, "accuracy": 15},
        "permissions": ["geolocation"],
    }


def _wait_out_a_shift_change() -> None:
    """Sleep past the coming shift change when it is near, so that the task's window
    (the shift) lasts from the set-up to the last page the browser opens."""
    from django.utils import timezone

    from safeloop.tenants.hazards.forms_report import shift_for
    from safeloop.tenants.inspections.services.plans import shift_window

    now = timezone.now()
    _start, change = shift_window(shift_for(now), now)
    if change - now < SHIFT_CHANGE_MARGIN:
        time.sleep((change - now).total_seconds() + 1)


def _li_patrol() -> dict:
    """Set-up the e2e server can see (run through ``committed``): checklist, route, task."""
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from safeloop.tenants.facilities.models import Area
    from safeloop.tenants.hazards.forms_report import shift_for
    from safeloop.tenants.inspections.models import Point
    from safeloop.tenants.inspections.services import (
        bind_checklist,
        create_checklist,
        create_route,
        start_patrol,
    )

    suffix = uuid.uuid4().hex[:6].upper()
    with schema_context("acme"):
        users = get_user_model().objects
        wang, li = users.get(email="wang@acme.test"), users.get(email="li@acme.test")
        areas = list(Area.objects.filter(parent__code="W2").order_by("code")[:3])
        points = [Point.objects.for_target(area) for area in areas]
        checklist = create_checklist(
            by=wang, code=f"E2E-{suffix}", name="巡检要点", name_en="Patrol points", items=ITEMS
        )
        for point in points:
            bind_checklist(checklist, by=wang, point=point)
        route = create_route(by=wang, name=f"W2 巡检 {suffix}", shift=shift_for(), points=points)
        task = start_patrol(route, by=li)
        return {"task": task.pk, "names": [a.display_name for a in areas]}


def _answer(page: Page) -> int:
    """Everything passes: "all pass", the reading, submit. Returns the taps it took."""
    page.get_by_test_id("all-pass").click()
    page.get_by_test_id("item-3-number").fill("6.5")
    page.get_by_test_id("checklist-submit").click()
    return 3


def _photo(tmp_path):
    from PIL import Image

    path = tmp_path / "guard.jpg"
    Image.new("RGB", (1600, 1200), (180, 40, 40)).save(path, "JPEG")
    return path


def test_li_walks_her_patrol_fails_an_item_reports_it_in_one_tap_and_finishes(
    page: Page, tenant_url, screenshot, tmp_path
):
    _wait_out_a_shift_change()
    patrol = committed(_li_patrol)
    task = patrol["task"]

    # Li signs in with her PIN and opens today's inspections.
    page.goto(tenant_url("acme", "/auth/quick/?next=/i/"))
    page.fill("input[name=employee_no]", "E1001")
    page.fill("input[name=pin]", PIN)
    page.locator("#quick-login-form button[type=submit]").click()
    expect(page.get_by_test_id(f"task-{task}")).to_have_attribute("data-state", "open")
    screenshot("today")

    # The task lists the three points in order; the first is next.
    page.get_by_test_id(f"task-link-{task}").click()
    expect(page.get_by_test_id("task-point-1")).to_have_class("in-point in-point-pending is-next")
    screenshot("task")

    # First point: everything passes; the result names the next point.
    page.get_by_test_id("open-point-1").click()
    expect(page.get_by_test_id("checklist-form")).to_be_visible()
    expect(page.get_by_test_id("checklist-task")).to_be_visible()
    expect(page.get_by_test_id("checklist-gps-status")).to_have_attribute("data-state", "on")
    screenshot("point-1")
    page.get_by_test_id("all-pass").click()
    page.get_by_test_id("item-4-na").click()  # no water cooling on this machine
    expect(page.locator("[data-testid=item-4-na] input")).to_be_checked()
    box = page.get_by_test_id("item-4-na").bounding_box()
    assert box and box["height"] >= 44  # a gloved thumb's target
    page.get_by_test_id("item-3-number").fill("6.5")
    page.get_by_test_id("checklist-submit").click()
    expect(page.get_by_test_id("inspection-result")).to_have_attribute("data-result", "pass")
    # 不适用 is neither a pass nor a fail: 3 of 3 graded items passed, not 4 of 4
    tally = page.get_by_test_id("tally")
    expect(tally).to_have_attribute("data-passed", "3")
    expect(tally).to_have_attribute("data-not-applicable", "1")
    expect(tally).to_contain_text("不适用 1")
    expect(page.get_by_test_id("answer-4")).to_have_attribute("data-passed", "na")
    expect(page.get_by_test_id("next-point-name")).to_have_text(patrol["names"][1])
    screenshot("result-1")

    # Second point: the guard is missing. "All pass", then the exception: it opens a photo
    # tile and a note. A reading out of range is flagged while typing.
    page.get_by_test_id("next-point-link").click()
    page.get_by_test_id("all-pass").click()
    expect(page.locator("[data-testid=item-2-pass] input")).to_be_checked()
    expect(page.get_by_test_id("item-1-finding")).to_be_hidden()
    page.get_by_test_id("item-1-fail").click()
    expect(page.get_by_test_id("item-1-finding")).to_be_visible()
    page.get_by_test_id("item-1-finding-photo").set_input_files(str(_photo(tmp_path)))
    expect(page.get_by_test_id("item-1").locator("[data-photo-preview]")).to_be_visible()
    page.get_by_test_id("item-1-note").fill("左侧防护罩缺失")
    page.get_by_test_id("item-3-number").fill("12")
    expect(page.get_by_test_id("item-3-range")).to_contain_text("超出合格范围")
    expect(page.get_by_test_id("item-3-finding")).to_be_visible()
    screenshot("point-2-exception")
    page.get_by_test_id("item-3-number").fill("6.5")
    expect(page.get_by_test_id("item-3-range")).to_contain_text("在合格范围内")
    expect(page.get_by_test_id("item-3-finding")).to_be_hidden()
    page.get_by_test_id("checklist-submit").click()
    expect(page.get_by_test_id("inspection-result")).to_have_attribute("data-result", "fail")
    expect(page.get_by_test_id("answer-1")).to_have_attribute("data-passed", "fail")
    screenshot("result-2")
    page.get_by_test_id("create-hazard-1").click()
    expect(page.get_by_test_id("hazard-state")).to_be_visible()
    number = page.get_by_test_id("hazard-number").inner_text().strip()
    screenshot("hazard")

    # Third point, opened from the task page; then the task is done.
    page.goto(tenant_url("acme", f"/i/tasks/{task}/"))
    expect(page.get_by_test_id("task-point-2")).to_have_attribute("data-state", "done")
    page.get_by_test_id("open-point-3").click()
    _answer(page)
    expect(page.get_by_test_id("task-status")).to_be_visible()
    page.goto(tenant_url("acme", "/i/"))
    expect(page.get_by_test_id(f"task-{task}")).to_have_attribute("data-state", "done")
    screenshot("done")

    from django_tenants.utils import schema_context

    from safeloop.tenants.hazards.models import Hazard
    from safeloop.tenants.inspections.models import InspectionTask

    with schema_context("acme"):
        hazard = Hazard.objects.get(number=number)
        assert hazard.inspection_answers.get().item.label == "防护罩完好"
        # the item's short name, its photo and Li's note
        assert hazard.title == "防护罩完好"
        assert hazard.photos.count() == 1
        assert "左侧防护罩缺失" in hazard.description
        done = InspectionTask.objects.get(pk=task)
        assert done.state == "done" and done.inspections.count() == 3
