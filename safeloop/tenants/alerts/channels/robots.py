"""Group chat robots: WeCom (企业微信), DingTalk (钉钉) and Feishu (飞书) webhooks.

Payloads and signing follow each vendor's documented custom-robot format.
Each call raises RobotError unless the vendor answers with its success code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request

from safeloop.tenants.alerts.models import Notification

TIMEOUT_SECONDS = 5
# WeCom refuses markdown content over 4096 bytes of UTF-8 (about 1,300 Chinese characters).
WECOM_MAX_BYTES = 4096


class RobotError(Exception):
    pass


def _markdown(notification: Notification) -> str:
    lines = [f"**{notification.subject}**"]
    if notification.body:
        lines.append(notification.body)
    if notification.link:
        lines.append(f"[{notification.link}]({notification.link})")
    return "\n\n".join(lines)


def _fit(text: str, max_bytes: int) -> str:
    """Cut ``text`` to ``max_bytes`` of UTF-8 without splitting a character."""
    data = text.encode()
    if len(data) <= max_bytes:
        return text
    return data[: max_bytes - 3].decode(errors="ignore") + "…"


def _plain(notification: Notification) -> str:
    return "\n".join(filter(None, [notification.subject, notification.body, notification.link]))


def _vendor_error(vendor: str, code, message, answer: dict) -> str:
    if code is None:
        return f"{vendor} answered without a result code: {json.dumps(answer)[:200]}"
    return f"{vendor} error {code}: {message or ''}"


def _post(url: str, payload: dict, key: str) -> dict:
    # The vendors' custom robots take no message id; a relay in front of them
    # (SAFELOOP_ROBOT_EXTRA_HOSTS) can drop a resend by this header.
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": key},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            body = response.read().decode(errors="replace") or "{}"
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode(errors="replace")[:200]
        raise RobotError(f"robot answered HTTP {exc.code}: {detail}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise RobotError(f"robot unreachable: {getattr(exc, 'reason', exc)}") from exc
    try:
        return json.loads(body)
    except json.JSONDecodeError as exc:
        raise RobotError(f"robot answered non-JSON: {body[:200]}") from exc


def send_wecom(notification: Notification) -> None:
    payload = {
        "msgtype": "markdown",
        "markdown": {"content": _fit(_markdown(notification), WECOM_MAX_BYTES)},
    }
    answer = _post(notification.robot.webhook_url, payload, notification.delivery_key)
    if answer.get("errcode") != 0:
        raise RobotError(
            _vendor_error("WeCom", answer.get("errcode"), answer.get("errmsg"), answer)
        )


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}timestamp={timestamp_ms}&sign={sign}"


def send_dingtalk(notification: Notification) -> None:
    robot = notification.robot
    url = robot.webhook_url
    if robot.secret:
        url = dingtalk_signed_url(url, robot.secret, int(time.time() * 1000))
    payload = {
        "msgtype": "markdown",
        "markdown": {"title": notification.subject, "text": _markdown(notification)},
    }
    answer = _post(url, payload, notification.delivery_key)
    if answer.get("errcode") != 0:
        raise RobotError(
            _vendor_error("DingTalk", answer.get("errcode"), answer.get("errmsg"), answer)
        )


def feishu_sign(secret: str, timestamp_s: int) -> str:
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def send_feishu(notification: Notification) -> None:
    robot = notification.robot
    payload: dict = {"msg_type": "text", "content": {"text": _plain(notification)}}
    if robot.secret:
        timestamp = int(time.time())
        payload = {
            "timestamp": str(timestamp),
            "sign": feishu_sign(robot.secret, timestamp),
            **payload,
        }
    answer = _post(robot.webhook_url, payload, notification.delivery_key)
    code = answer.get("code", answer.get("StatusCode"))
    if code != 0:
        message = answer.get("msg", answer.get("StatusMessage"))
        raise RobotError(_vendor_error("Feishu", code, message, answer))
