"""SMS through a pluggable gateway (SAFELOOP_SMS_BACKEND); the default logs the message.

A gateway is a class with ``send(phone, text, *, key)``; ``key`` identifies the
notification, the same on every attempt.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from safeloop.tenants.alerts.models import Notification

log = logging.getLogger("safeloop.sms")


class ConsoleSmsBackend:
    """Writes messages to the log: the embedded default (no gateway on this machine)."""

    def send(self, phone: str, text: str, *, key: str = "") -> None:
        log.info("SMS to %s: %s", phone, text)


def get_backend():
    path = getattr(
        settings, "SAFELOOP_SMS_BACKEND", "safeloop.tenants.alerts.channels.sms.ConsoleSmsBackend"
    )
    return import_string(path)()


def send(notification: Notification) -> None:
    person = getattr(notification.recipient, "person", None)
    phone = getattr(person, "phone", "")
    if not phone:
        raise ValueError("recipient has no phone number")
    text = (
        notification.subject
        if not notification.link
        else f"{notification.subject} {notification.link}"
    )
    # ``key`` is the same on every attempt: gateways that take a caller's id
    # (Aliyun's OutId, Tencent's SessionContext) can refuse a resend with it.
    get_backend().send(phone, text[:300], key=notification.delivery_key)
