"""Level 3 reaches a park emergency platform: a signed JSON webhook with the place, the
level, the reading and the curve's link, retried until it answers, sent once."""

from __future__ import annotations

import pytest

from safeloop.tenants.alerts.channels.webhook import WebhookError
from safeloop.tenants.alerts.models import Delivery, Notification
from safeloop.tenants.alerts.robots_service import create_robot
from safeloop.tenants.alerts.services import deliver
from tests.alerts.robot_server import RobotServer

PATH = "/webhook/park-emergency"


@pytest.fixture
def park(settings):
    settings.SAFELOOP_ROBOT_EXTRA_HOSTS = ["127.0.0.1"]
    server = RobotServer().start()
    server.sign_with(PATH, "park-secret")
    yield server
    server.stop()


def test_level_three_posts_a_signed_webhook_with_place_level_and_curve_and_retries(
    feed, detector, wang, park
):
    robot = create_robot(
        by=wang,
        kind="webhook",
        name="园区应急平台",
        webhook_url=park.url(PATH),
        secret="park-secret",
        events=["iot.alarm_level3"],
    )
    feed.curve("gd-101", [0.5, 1.8, 3.5, 3.6])

    (notification,) = Notification.objects.filter(robot=robot)  # level 3 only, once
    assert notification.event == "iot.alarm_level3" and notification.channel == "webhook"
    park.fail_next(PATH, b"busy", status=503)
    with pytest.raises(WebhookError):
        deliver(notification)
    notification.refresh_from_db()
    assert notification.state == Delivery.FAILED and notification.next_attempt_at is not None

    deliver(notification)  # the outbox's next attempt
    notification.refresh_from_db()
    assert notification.state == Delivery.SENT
    hit = park.hits_to(PATH)[-1]
    assert hit.answer == {"ok": True}  # the signature checked out
    data = hit.body["data"]
    assert data["level"] == 3 and data["value"] == 3.5 and data["unit"] == "ppm"
    assert data["device"]["code"] == "gd-101" and data["area"]["code"] == detector.area.code
    assert data["curve"].endswith(f"/iot/alarms/{data['alarm']}/")
    assert hit.header("Idempotency-Key").endswith(str(notification.pk))


def test_a_webhook_must_be_signed_and_public():
    from django.core.exceptions import ValidationError

    from safeloop.tenants.alerts.models import Robot
    from safeloop.tenants.alerts.robots_service import _validate

    with pytest.raises(ValidationError) as unsigned:
        _validate(Robot(kind="webhook", name="x", webhook_url="https://park.example.cn/hook"))
    assert "secret" in unsigned.value.error_dict
    for url in ("https://10.0.0.5/hook", "https://localhost/hook", "http://park.example.cn/h"):
        with pytest.raises(ValidationError) as private:
            _validate(Robot(kind="webhook", name="x", webhook_url=url, secret="s"))
        assert private.value.error_dict["webhook_url"][0].code == "wrong_host"
