"""A chlorine alarm as the safety manager sees it at his desk, through real parts:
a detector publishing to mosquitto, the bridge process storing it, the board and the
four-colour map (both already open) showing it without a reload, and the alarm's
page drawing the curve."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from e2e.test_risk_map import PASSWORD, _site_plan_png
from safeloop.iot_bridge.selectors import ALARM_COLOUR
from tests.support.mqtt import Device, running_broker, start_bridge, wait_connected
from tests.support.worker import committed, database_url, stop_process

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["desktop"])
def viewport_name(request):
    """The control-room view: a desk, the board and the map side by side."""
    return request.param


def _detector_on_the_map(plan_path: str) -> dict:
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from safeloop.iot_bridge.services.devices import SensorSpec, register_device
    from safeloop.tenants.facilities.models import Area
    from safeloop.tenants.facilities.services import create_area
    from safeloop.tenants.risks.mapping import save_zone, upload_site_plan

    suffix = uuid.uuid4().hex[:6].upper()
    with schema_context("acme"):
        wang = get_user_model().objects.get(email="wang@acme.test")
        area = create_area(
            by=wang,
            code=f"W1-G{suffix}",
            name=f"液氯汽化区{suffix}",
            name_en=f"Chlorine vaporiser {suffix}",
            kind="area",
            parent=Area.objects.get(code="W1"),
        )
        with open(plan_path, "rb") as image:
            plan = upload_site_plan(by=wang, name=f"厂区 {suffix}", image=image)
        save_zone(
            plan, by=wang, area=area, polygon=[[0.2, 0.25], [0.55, 0.25], [0.55, 0.6], [0.2, 0.6]]
        )
        device, credentials = register_device(
            by=wang,
            code=f"cl2-{suffix.lower()}",
            name=f"氯气检测仪 {suffix}",
            kind="gas",
            area=area,
            sensors=[
                SensorSpec(
                    "cl2_ppm",
                    "ppm",
                    0,
                    20,
                    "氯气",
                    high=((1, 0.3, 0, 0.05), (2, 1.0, 0, 0.1), (3, 3.0, 0, 0.2)),
                )
            ],
        )
        return {"area": area.code, "device": device.pk, "credentials": credentials}


def test_the_alarm_reaches_the_open_board_and_map_and_its_page_draws_the_curve(
    page: Page, browser: Browser, tenant_url, tmp_path, screenshot, django_db_blocker
):
    setup = committed(lambda: _detector_on_the_map(_site_plan_png(tmp_path / "plan.png")))
    credentials = setup["credentials"]
    with running_broker(tmp_path / "broker") as broker:
        bridge = start_bridge(database_url(connection.settings_dict), broker, "e2e-bridge")
        try:
            wait_connected(bridge)
            # Wang has the board open on one screen and the map on the other.
            page.goto(tenant_url("acme", "/accounts/login/?next=/iot/"))
            page.fill("input[name=login]", "wang@acme.test")
            page.fill("input[name=password]", PASSWORD)
            page.get_by_test_id("login-submit").click()
            page.wait_for_url("**/iot/")
            expect(page.get_by_test_id("iot-no-alarms")).to_be_visible()
            the_map = page.context.new_page()
            the_map.goto(tenant_url("acme", "/r/map/"))
            zone = the_map.get_by_test_id(f"zone-{setup['area']}")
            expect(zone).to_have_attribute("data-alarm", "0")

            detector = Device(broker.port, credentials.username, credentials.password)
            start = timezone.now() - timedelta(seconds=30)
            for i, ppm in enumerate([0.1, 0.5, 1.8, 3.5]):
                ts = (start + timedelta(seconds=5 * i)).isoformat()
                detector.publish(credentials.topic, {"ts": ts, "values": {"cl2_ppm": ppm}})

            # Within seconds, no reload: a level-3 card on the board...
            card = page.locator("[data-testid^=alarm-][data-level='3']")
            expect(card).to_be_visible(timeout=15_000)
            expect(card).to_contain_text("3.5")
            # ...and the zone in the alarm colour on the map, with its badge.
            expect(zone).to_have_attribute("data-alarm", "3", timeout=15_000)
            expect(zone).to_have_attribute("fill", ALARM_COLOUR)
            label = the_map.get_by_test_id(f"zone-label-{setup['area']}")
            expect(label.get_by_test_id(f"zone-alarm-{setup['area']}")).to_be_visible()
            the_map.screenshot(path=str(tmp_path / "map.png"))
            screenshot("iot-board-alarm")

            # The alarm's page: the curve drawn from the server's buckets, the episode.
            card.locator("a").click()
            chart = page.get_by_test_id("iot-chart-cl2_ppm")
            expect(chart).to_have_attribute("data-last", "3.5", timeout=10_000)
            expect(chart.locator("canvas")).to_have_count(1)
            expect(page.get_by_test_id("alarm-history")).to_contain_text("3")
            screenshot("iot-alarm-page")
            detector.close()
        finally:
            stop_process(bridge, django_db_blocker)
