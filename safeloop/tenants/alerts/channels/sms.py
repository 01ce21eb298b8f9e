"""SMS through a pluggable gateway (SAFELOOP_SMS_BACKEND); the default logs the message."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from safeloop.tenants.alerts.models import Notification

log = logging.getLogger("safeloop.sms")


class ConsoleSmsBackend:
    """Writes messages to the log: the embedded default (no gateway on this machine)."""

    def send(self, phone: str, text: str) -> None:
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
    get_backend().send(phone, text[:300])
