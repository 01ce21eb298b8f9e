"""An outgoing webhook: a signed JSON POST to another system (a park emergency platform).

The body is the notification (event, subject, body, link) plus its structured
``data`` (for a sensor alarm: level, value, device, area and risk point, the
curve's link). Signed like Stripe's: header ``X-SafeLoop-Signature: t=<unix
seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the robot's secret>``;
``Idempotency-Key`` is the row's delivery key, so a receiver can drop a resend.
Anything but a 2xx answer raises, and the outbox retries with back-off.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

from django.db import connection

from safeloop.tenants.alerts.models import Notification

TIMEOUT_SECONDS = 5


class WebhookError(Exception):
    pass


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def payload(notification: Notification) -> dict:
    return {
        "id": notification.pk,
        "event": notification.event,
        "enterprise": getattr(connection.tenant, "slug", connection.schema_name),
        "subject": notification.subject,
        "body": notification.body,
        "link": notification.link,
        "urgent": notification.urgent,
        "created_at": notification.created_at.isoformat(),
        "data": notification.data,
    }


def send(notification: Notification) -> None:
    robot = notification.robot
    body = json.dumps(payload(notification), ensure_ascii=False).encode()
    request = urllib.request.Request(
        robot.webhook_url,
        data=body,
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": notification.delivery_key,
            "X-SafeLoop-Signature": signature(robot.secret, int(time.time()), body),
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode(errors="replace")[:200]
        raise WebhookError(f"webhook answered HTTP {exc.code}: {detail}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise WebhookError(f"webhook unreachable: {getattr(exc, 'reason', exc)}") from exc
