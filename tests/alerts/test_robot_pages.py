"""The robots page: Wang (admin, may configure the hazard loop) adds, edits, disables and
tests WeCom/DingTalk/Feishu robots. Li (team leader) may not; Chen's enterprise has its own.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_tenants.utils import tenant_context

from safeloop.tenants.alerts.models import Delivery, Notification, Robot
from safeloop.tenants.alerts.robots_service import create_robot, send_test_message, update_robot
from safeloop.tenants.audit.models import AuditEvent

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("local_robots"),
]

ALL_EVENTS = [
    "hazard.reported",
    "hazard.major_reported",
    "hazard.reminder",
    "hazard.escalation_1",
    "hazard.escalation_2",
]


def _form(server, path="/dingtalk/safety", **extra):
    return {
        "name": "Safety group",
        "kind": "dingtalk",
        "webhook_url": server.url(path),
        "secret": "SECtop-secret",
        "events": ["hazard.major_reported", "hazard.escalation_1"],
        **extra,
    }


def _robot(wang, server, path="/wecom/floor", **extra):
    return create_robot(
        by=wang,
        name=extra.pop("name", "Floor group"),
        kind=extra.pop("kind", "wecom"),
        webhook_url=server.url(path),
        **extra,
    )


def test_admin_adds_a_signed_dingtalk_robot_for_two_events(as_wang, wang, robot_server):
    page = as_wang.get("/inbox/robots/new/").content.decode()

    response = as_wang.post("/inbox/robots/new/", _form(robot_server))

    for event in ALL_EVENTS:
        assert f'value="{event}"' in page
    assert response.status_code == 302 and response["Location"] == "/inbox/robots/"
    robot = Robot.objects.get(name="Safety group")
    assert robot.kind == "dingtalk" and robot.secret == "SECtop-secret" and robot.is_active
    assert robot.events == ["hazard.major_reported", "hazard.escalation_1"]
    event = AuditEvent.objects.filter(verb="robot.created").latest("id")
    assert event.actor_id == wang.pk and event.data["host"] == "127.0.0.1"
    assert "SECtop-secret" not in str(event.data) and robot.webhook_url not in str(event.data)


def test_the_list_shows_robots_without_their_access_tokens(as_wang, wang, robot_server):
    robot = _robot(wang, robot_server, "/wecom/floor?key=token-123")

    html = as_wang.get("/inbox/robots/").content.decode()

    assert f'data-testid="robot-{robot.pk}"' in html
    assert "token-123" not in html
    assert f"http://127.0.0.1:{robot_server.port}/wecom/floor?…" in html
    assert f'data-testid="test-robot-{robot.pk}"' in html


def test_a_wrong_webhook_host_or_missing_name_is_shown_on_the_form(as_wang, robot_server):
    wrong_host = as_wang.post(
        "/inbox/robots/new/",
        _form(robot_server, webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x"),
    )
    no_name = as_wang.post("/inbox/robots/new/", _form(robot_server, name=""))
    bad_event = as_wang.post("/inbox/robots/new/", _form(robot_server, events=["hazard.oops"]))

    assert wrong_host.status_code == 200 and wrong_host.context["form"].errors["webhook_url"]
    assert no_name.status_code == 200 and no_name.context["form"].errors["name"]
    assert bad_event.status_code == 200 and bad_event.context["form"].errors["events"]
    assert not Robot.objects.exists()


def test_editing_keeps_the_secret_unless_replaced_or_removed(as_wang, wang, robot_server):
    robot = _robot(
        wang, robot_server, "/feishu/a", kind="feishu", secret="old-secret", name="Feishu"
    )
    url = f"/inbox/robots/{robot.pk}/edit/"
    base = {"name": "Feishu renamed", "kind": "feishu", "webhook_url": robot.webhook_url}

    page = as_wang.get(url).content.decode()
    as_wang.post(url, {**base, "events": ["hazard.reminder"], "is_active": "on"})
    robot.refresh_from_db()
    kept = (robot.name, robot.secret, robot.events)
    as_wang.post(url, {**base, "secret": "new-secret", "is_active": "on"})
    robot.refresh_from_db()
    replaced = robot.secret
    as_wang.post(url, {**base, "clear_secret": "on", "is_active": "on"})
    robot.refresh_from_db()

    assert "old-secret" not in page
    assert kept == ("Feishu renamed", "old-secret", ["hazard.reminder"])
    assert replaced == "new-secret"
    assert robot.secret == ""


def test_a_disabled_robot_gets_nothing_until_enabled_again(as_wang, wang, robot_server):
    from safeloop.tenants.alerts.services import Message, notify

    robot = _robot(wang, robot_server)
    message = Message(event="hazard.reported", subject="H-0009")

    disabled = as_wang.post(f"/inbox/robots/{robot.pk}/active/", {"active": "0"})
    while_disabled = notify([], message, dedupe_key="h9:a")
    html = as_wang.get("/inbox/robots/").content.decode()
    as_wang.post(f"/inbox/robots/{robot.pk}/active/", {"active": "1"})
    after = notify([], message, dedupe_key="h9:b")

    assert disabled.status_code == 302
    assert while_disabled == [] and 'data-testid="robot-disabled"' in html
    assert [n.robot_id for n in after] == [robot.pk]


def test_send_a_test_message_posts_to_that_robot_only(
    as_wang, wang, robot_server, eager_celery, django_capture_on_commit_callbacks
):
    robot = _robot(wang, robot_server, "/wecom/target", events=["hazard.reported"])
    _robot(wang, robot_server, "/wecom/bystander", name="Bystander")

    with django_capture_on_commit_callbacks(execute=True):
        response = as_wang.post(f"/inbox/robots/{robot.pk}/test/")
    html = as_wang.get("/inbox/robots/").content.decode()

    assert response.status_code == 302
    (hit,) = robot_server.hits_to("/wecom/target")
    assert "Floor group" in hit.body["markdown"]["content"]
    assert "/inbox/robots/" in hit.body["markdown"]["content"]
    assert robot_server.hits_to("/wecom/bystander") == []
    notification = Notification.objects.get(robot=robot)
    assert notification.event == "robot.test" and notification.state == Delivery.SENT
    assert f'data-testid="robot-last-{robot.pk}">' in html and "tag-sent" in html


def test_a_failed_test_message_shows_the_vendors_error(
    as_wang, wang, robot_server, eager_celery, django_capture_on_commit_callbacks
):
    robot = _robot(wang, robot_server, "/wecom/bad")
    # Every try fails: the task's retries run at once in eager mode.
    for _ in range(7):
        robot_server.fail_next("/wecom/bad", {"errcode": 93000, "errmsg": "invalid webhook url"})

    with django_capture_on_commit_callbacks(execute=True):
        as_wang.post(f"/inbox/robots/{robot.pk}/test/")
    html = as_wang.get("/inbox/robots/").content.decode()

    assert Notification.objects.get(robot=robot).state == Delivery.FAILED
    assert "tag-failed" in html and "invalid webhook url" in html


def test_team_leader_may_not_see_or_change_robots(as_li, li, wang, robot_server):
    robot = _robot(wang, robot_server)

    pages = [
        as_li.get("/inbox/robots/"),
        as_li.get("/inbox/robots/new/"),
        as_li.post("/inbox/robots/new/", _form(robot_server)),
        as_li.get(f"/inbox/robots/{robot.pk}/edit/"),
        as_li.post(f"/inbox/robots/{robot.pk}/test/"),
        as_li.post(f"/inbox/robots/{robot.pk}/active/", {"active": "0"}),
    ]

    assert [p.status_code for p in pages] == [403] * 6
    robot.refresh_from_db()
    assert robot.is_active and Robot.objects.count() == 1
    assert not Notification.objects.filter(robot=robot).exists()
    with pytest.raises(PermissionDenied):
        create_robot(by=li, name="x", kind="wecom", webhook_url=robot_server.url("/wecom/x"))
    with pytest.raises(PermissionDenied):
        update_robot(robot, by=li, is_active=False)
    with pytest.raises(PermissionDenied):
        send_test_message(robot, by=li)


def test_another_enterprises_robots_are_not_found(as_chen, wang, robot_server, acme):
    robot = _robot(wang, robot_server)

    edit = as_chen.get(f"/inbox/robots/{robot.pk}/edit/")
    test = as_chen.post(f"/inbox/robots/{robot.pk}/test/")
    listing = as_chen.get("/inbox/robots/")

    assert edit.status_code == 404 and test.status_code == 404
    assert listing.status_code == 200 and f'data-testid="robot-{robot.pk}"' not in (
        listing.content.decode()
    )
    with tenant_context(acme):
        assert not Notification.objects.filter(robot=robot).exists()


def test_wecom_robots_take_no_signing_secret(wang, robot_server):
    with pytest.raises(ValidationError) as refused:
        _robot(wang, robot_server, secret="SECnope")

    assert refused.value.error_dict["secret"][0].code == "unsupported"
