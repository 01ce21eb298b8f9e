"""Group robots post to WeCom, DingTalk and Feishu webhooks, here a real local server.

The server answers like each vendor and checks their signatures; nothing of
ours or of urllib is replaced. Wang (admin) configures the robots.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from safeloop.tenants.alerts.channels.robots import RobotError
from safeloop.tenants.alerts.models import Delivery, Notification
from safeloop.tenants.alerts.robots_service import create_robot
from safeloop.tenants.alerts.services import Message, deliver, notify
from tests.alerts.robot_server import DINGTALK_BAD_SIGN

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("local_robots")]

REPORTED = Message(
    event="hazard.reported",
    subject="Hazard reported: H-0007 Guard missing · W1-A1 · General",
    body="The light curtain of press PR-T01 is disconnected.",
    link="http://acme.localhost/h/7/",
)


def _robot(wang, server, kind, path, **extra):
    return create_robot(
        by=wang, name=f"{kind} group", kind=kind, webhook_url=server.url(path), **extra
    )


def _send(robot, message=REPORTED, key="h7") -> Notification:
    (notification,) = notify([], message, dedupe_key=key, robots=[robot])
    try:
        deliver(notification)
    except RobotError:
        pass
    notification.refresh_from_db()
    return notification


def test_wecom_robot_gets_a_markdown_message_and_the_notification_is_sent(wang, robot_server):
    robot = _robot(wang, robot_server, "wecom", "/wecom/send")

    notification = _send(robot)

    (hit,) = robot_server.hits_to("/wecom/send")
    assert hit.body["msgtype"] == "markdown"
    content = hit.body["markdown"]["content"]
    assert f"**{REPORTED.subject}**" in content
    assert REPORTED.body in content and REPORTED.link in content
    assert notification.state == Delivery.SENT and notification.attempts == 1
    assert notification.sent_at is not None and notification.error == ""


def test_wecom_markdown_is_cut_to_the_vendors_4096_byte_limit(wang, robot_server):
    robot = _robot(wang, robot_server, "wecom", "/wecom/long")
    long_message = Message(event="hazard.reported", subject="长", body="隐患描述" * 2000)

    notification = _send(robot, long_message)

    (hit,) = robot_server.hits_to("/wecom/long")
    assert len(hit.body["markdown"]["content"].encode()) <= 4096
    assert notification.state == Delivery.SENT


def test_signed_dingtalk_robot_sends_a_valid_timestamp_and_url_encoded_sign(wang, robot_server):
    robot_server.sign_with("/dingtalk/send", "SECdingtalk-secret+/=")
    robot = _robot(wang, robot_server, "dingtalk", "/dingtalk/send", secret="SECdingtalk-secret+/=")

    notification = _send(robot)

    (hit,) = robot_server.hits_to("/dingtalk/send")
    assert hit.answer == {"errcode": 0, "errmsg": "ok"}  # the server accepted the signature
    raw_sign = dict(part.split("=", 1) for part in hit.raw_query.split("&"))["sign"]
    assert not set(raw_sign) & set("+/="), "base64 must be URL-encoded in the query"
    assert hit.body == {
        "msgtype": "markdown",
        "markdown": {"title": REPORTED.subject, "text": hit.body["markdown"]["text"]},
    }
    assert f"**{REPORTED.subject}**" in hit.body["markdown"]["text"]
    assert notification.state == Delivery.SENT


def test_dingtalk_robot_with_the_wrong_secret_is_refused_and_the_error_is_kept(wang, robot_server):
    robot_server.sign_with("/dingtalk/other", "SECthe-real-one")
    robot = _robot(wang, robot_server, "dingtalk", "/dingtalk/other", secret="SECa-typo")

    notification = _send(robot)

    assert robot_server.hits_to("/dingtalk/other")[0].answer == DINGTALK_BAD_SIGN
    assert notification.state == Delivery.FAILED
    assert "310000" in notification.error and "sign not match" in notification.error


def test_signed_feishu_robot_gets_text_with_timestamp_and_sign_in_the_body(wang, robot_server):
    robot_server.sign_with("/feishu/hook", "feishu-secret")
    robot = _robot(wang, robot_server, "feishu", "/feishu/hook", secret="feishu-secret")

    notification = _send(robot)

    (hit,) = robot_server.hits_to("/feishu/hook")
    assert hit.answer["code"] == 0  # the server accepted the signature
    assert hit.body["msg_type"] == "text"
    assert hit.body["content"]["text"].splitlines() == [
        REPORTED.subject,
        REPORTED.body,
        REPORTED.link,
    ]
    assert hit.body["timestamp"].isdigit() and hit.body["sign"]
    assert notification.state == Delivery.SENT


def test_unsigned_feishu_robot_sends_no_timestamp_or_sign(wang, robot_server):
    robot = _robot(wang, robot_server, "feishu", "/feishu/plain")

    notification = _send(robot)

    (hit,) = robot_server.hits_to("/feishu/plain")
    assert set(hit.body) == {"msg_type", "content"}
    assert notification.state == Delivery.SENT


def test_an_error_answer_marks_failed_and_a_later_retry_marks_sent(wang, robot_server):
    robot = _robot(wang, robot_server, "dingtalk", "/dingtalk/flaky")
    robot_server.fail_next(
        "/dingtalk/flaky", {"errcode": 310000, "errmsg": "keywords not in content"}
    )
    (notification,) = notify([], REPORTED, dedupe_key="flaky", robots=[robot])

    with pytest.raises(RobotError):
        deliver(notification)
    notification.refresh_from_db()
    assert notification.state == Delivery.FAILED and notification.attempts == 1
    assert "310000" in notification.error and "keywords not in content" in notification.error

    deliver(notification)
    notification.refresh_from_db()
    assert notification.state == Delivery.SENT and notification.attempts == 2
    assert notification.error == "" and notification.sent_at is not None
    assert len(robot_server.hits_to("/dingtalk/flaky")) == 2


def test_http_errors_and_non_json_answers_mark_the_notification_failed(wang, robot_server):
    robot = _robot(wang, robot_server, "wecom", "/wecom/broken")
    robot_server.fail_next("/wecom/broken", b"<html>502 Bad Gateway</html>", status=502)
    robot_server.fail_next("/wecom/broken", b"<html>maintenance</html>")

    first = _send(robot, key="broken-1")
    second = _send(robot, key="broken-2")

    assert first.state == Delivery.FAILED and "502" in first.error
    assert second.state == Delivery.FAILED and "non-JSON" in second.error


def test_robots_get_only_the_events_they_filter_for_and_disabled_robots_nothing(wang, robot_server):
    majors = _robot(wang, robot_server, "wecom", "/wecom/majors", events=["hazard.major_reported"])
    everything = _robot(wang, robot_server, "wecom", "/wecom/all")
    _robot(wang, robot_server, "wecom", "/wecom/off", is_active=False)

    created = notify([], REPORTED, dedupe_key="filter")

    assert [n.robot for n in created] == [everything]
    assert not Notification.objects.filter(robot=majors).exists()


def test_robot_webhooks_must_point_at_the_vendor_of_their_kind(wang, settings):
    settings.SAFELOOP_ROBOT_EXTRA_HOSTS = []

    with pytest.raises(ValidationError) as wrong_vendor:
        create_robot(
            by=wang,
            name="Mixed up",
            kind="dingtalk",
            webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
        )
    with pytest.raises(ValidationError) as internal:
        create_robot(by=wang, name="Sneaky", kind="wecom", webhook_url="http://169.254.169.254/")
    robot = create_robot(
        by=wang,
        name="Safety group",
        kind="dingtalk",
        webhook_url="https://oapi.dingtalk.com/robot/send?access_token=abc",
        secret="SECabc",
    )

    assert wrong_vendor.value.error_dict["webhook_url"][0].code == "wrong_host"
    assert internal.value.error_dict["webhook_url"][0].code == "wrong_host"
    assert robot.pk is not None
