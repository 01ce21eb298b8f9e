from __future__ import annotations

from django.core.mail import send_mail

from safeloop.tenants.alerts.models import Notification


def send(notification: Notification) -> None:
    user = notification.recipient
    if not user or not user.email:
        raise ValueError("recipient has no email address")
    body = notification.body
    if notification.link:
        body = f"{body}\n\n{notification.link}"
    send_mail(notification.subject, body, None, [user.email], fail_silently=False)
