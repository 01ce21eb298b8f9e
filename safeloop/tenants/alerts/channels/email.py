from __future__ import annotations

from django.core.mail import EmailMessage

from safeloop.tenants.alerts.models import Notification


def send(notification: Notification) -> None:
    user = notification.recipient
    if not user or not user.email:
        raise ValueError("recipient has no email address")
    body = notification.body
    if notification.link:
        body = f"{body}\n\n{notification.link}"
    # The same Message-ID on every attempt: a resend after a crash between
    # sending and recording it is a duplicate mail clients and servers can drop.
    EmailMessage(
        notification.subject,
        body,
        None,
        [user.email],
        headers={"Message-ID": f"<{notification.delivery_key}@safeloop>"},
    ).send(fail_silently=False)
