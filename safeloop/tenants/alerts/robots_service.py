"""Group chat robots (WeCom, DingTalk, Feishu): configuring them and sending a test message.

Only people who configure the hazard loop (``AlertPerm.MANAGE_ROBOTS``) may do
this. A webhook URL carries the robot's access token, so the audit trail
records its host, never the URL or the signing secret.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from safeloop.access import ensure_can
from safeloop.platform.errors import field_error
from safeloop.platform.urls_util import tenant_absolute_url
from safeloop.tenants.alerts.models import (
    ROBOT_CHANNELS,
    ROBOT_TEST_EVENT,
    Channel,
    Notification,
    Robot,
    RobotEvent,
)
from safeloop.tenants.alerts.permissions import AlertPerm
from safeloop.tenants.alerts.services import AlertErrorCode, Message, notify
from safeloop.tenants.audit.services import record_event

# Where each vendor's custom robots live. Other hosts (a company's own relay,
# a local test server) are allowed through settings.SAFELOOP_ROBOT_EXTRA_HOSTS.
VENDOR_HOSTS: dict[str, tuple[str, ...]] = {
    Channel.WECOM.value: ("qyapi.weixin.qq.com",),
    Channel.DINGTALK.value: ("oapi.dingtalk.com",),
    Channel.FEISHU.value: ("open.feishu.cn", "open.larksuite.com"),
}
# A signed webhook may go to any public https host: a park emergency platform is the
# enterprise's choice. Never to this machine or a private network (the server would be
# a way in), unless named in SAFELOOP_ROBOT_EXTRA_HOSTS.
PRIVATE_HOSTS = ("localhost", "localhost.localdomain")
ROBOT_FIELDS = ("name", "kind", "webhook_url", "secret", "events", "is_active")


def _extra_hosts() -> set[str]:
    return {h.strip().lower() for h in getattr(settings, "SAFELOOP_ROBOT_EXTRA_HOSTS", []) if h}


def _check_webhook(kind: str, url: str) -> None:
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise field_error(
            "webhook_url", _("Enter the robot's full webhook URL."), AlertErrorCode.INVALID
        ) from exc
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host in _extra_hosts():
        return
    if kind == Channel.WEBHOOK:
        if parts.scheme != "https" or _private(host):
            raise field_error(
                "webhook_url",
                _("A webhook goes to a public https:// address."),
                AlertErrorCode.WRONG_HOST,
            )
        return
    # Posting anywhere else would let the server be pointed at internal addresses.
    if host not in VENDOR_HOSTS[kind] or parts.scheme != "https":
        raise field_error(
            "webhook_url",
            _("A %(kind)s webhook URL starts with https://%(host)s/.")
            % {"kind": Channel(kind).label, "host": VENDOR_HOSTS[kind][0]},
            AlertErrorCode.WRONG_HOST,
        )


def _private(host: str) -> bool:
    import ipaddress

    if host in PRIVATE_HOSTS or host.endswith(".localhost") or "." not in host.strip("[]"):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return not address.is_global


def _validate(robot: Robot) -> None:
    robot.name = robot.name.strip()
    robot.webhook_url = robot.webhook_url.strip()
    robot.secret = robot.secret.strip()
    if robot.kind not in [c.value for c in ROBOT_CHANNELS]:
        raise field_error("kind", _("Unknown robot kind."), AlertErrorCode.INVALID)
    if not robot.name:
        raise field_error("name", _("Give the robot a name."), AlertErrorCode.INVALID)
    if len(robot.name) > 80:
        raise field_error("name", _("At most 80 characters."), AlertErrorCode.INVALID)
    if len(robot.webhook_url) > 500 or len(robot.secret) > 200:
        field = "webhook_url" if len(robot.webhook_url) > 500 else "secret"
        raise field_error(field, _("This is too long."), AlertErrorCode.INVALID)
    _check_webhook(robot.kind, robot.webhook_url)
    if robot.kind == Channel.WEBHOOK and not robot.secret:
        raise field_error(
            "secret",
            _("A webhook is signed: give it a secret the receiver checks."),
            AlertErrorCode.INVALID,
        )
    if robot.kind == Channel.WECOM and robot.secret:
        raise field_error(
            "secret",
            _("WeCom group robots have no signing secret; leave it empty."),
            AlertErrorCode.UNSUPPORTED,
        )
    events = [str(e) for e in robot.events]
    unknown = sorted(set(events) - set(RobotEvent.values))
    if unknown:
        raise field_error(
            "events",
            _("Unknown event: %(names)s.") % {"names": ", ".join(unknown)},
            AlertErrorCode.INVALID,
        )
    robot.events = [e for e in RobotEvent.values if e in events]


def _host(robot: Robot) -> str:
    return urlsplit(robot.webhook_url).hostname or ""


@transaction.atomic
def create_robot(
    *,
    by,
    name: str,
    kind: str,
    webhook_url: str,
    secret: str = "",
    events: Iterable[str] = (),
    is_active: bool = True,
) -> Robot:
    """Add a group robot that hazard events are posted to."""
    ensure_can(by, AlertPerm.MANAGE_ROBOTS)
    robot = Robot(
        name=name,
        kind=str(kind),
        webhook_url=webhook_url,
        secret=secret or "",
        events=list(events),
        is_active=is_active,
    )
    _validate(robot)
    robot.save()
    record_event(
        robot,
        "robot.created",
        by=by,
        name=robot.name,
        kind=robot.kind,
        host=_host(robot),
        signed=bool(robot.secret),
        events=robot.events,
    )
    return robot


@transaction.atomic
def update_robot(robot: Robot, *, by, **changes: Any) -> Robot:
    """Change a robot; ``is_active=False`` disables it (nothing is posted to it any more)."""
    ensure_can(by, AlertPerm.MANAGE_ROBOTS)
    unknown = set(changes) - set(ROBOT_FIELDS)
    if unknown:
        raise ValueError(f"update_robot: unknown fields {sorted(unknown)}")
    for name, value in changes.items():
        setattr(robot, name, "" if name == "secret" and value is None else value)
    robot.kind = str(robot.kind)
    _validate(robot)
    robot.save()
    described: dict[str, Any] = {}
    for name in sorted(changes):
        if name == "webhook_url":
            described["host"] = _host(robot)
        elif name == "secret":
            described["signed"] = bool(robot.secret)
        else:
            described[name] = getattr(robot, name)
    record_event(robot, "robot.updated", by=by, changes=described)
    return robot


@transaction.atomic
def send_test_message(robot: Robot, *, by) -> Notification:
    """Queue a test message to this robot alone; Celery posts it after the commit."""
    ensure_can(by, AlertPerm.MANAGE_ROBOTS)
    message = Message(
        event=ROBOT_TEST_EVENT,
        subject=_("SafeLoop test message"),
        body=_("If you can read this, the robot %(name)s is set up correctly.")
        % {"name": robot.name},
        link=tenant_absolute_url(reverse("alerts:robots")),
    )
    # Every click is its own message: a fresh key, never deduplicated away.
    (notification,) = notify(
        [], message, dedupe_key=f"robot:{robot.pk}:test:{uuid.uuid4().hex}", robots=[robot]
    )
    record_event(robot, "robot.test_sent", by=by, notification=notification.pk)
    return notification


def robots_with_last_delivery() -> QuerySet[Robot]:
    """Every robot with the state, time and error of the last message queued for it."""
    last = Notification.objects.filter(robot=OuterRef("pk")).order_by("-created_at", "-id")
    return Robot.objects.annotate(
        last_state=Subquery(last.values("state")[:1]),
        last_event=Subquery(last.values("event")[:1]),
        last_created_at=Subquery(last.values("created_at")[:1]),
        last_sent_at=Subquery(last.values("sent_at")[:1]),
        last_error=Subquery(last.values("error")[:1]),
    ).order_by("name", "pk")


def masked_webhook(url: str) -> str:
    """The URL without its access token, for lists and logs."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}" + ("?…" if parts.query else "")
