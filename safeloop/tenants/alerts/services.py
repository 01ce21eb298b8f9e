"""One service to tell people things, whatever the channel."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from safeloop.tenants.alerts.models import (
    DEFAULT_CHANNELS,
    Channel,
    ChannelPreference,
    Delivery,
    Notification,
    Robot,
)


@dataclass(frozen=True)
class Message:
    event: str  # e.g. "hazard.major_reported"
    subject: str
    body: str = ""
    link: str = ""
    urgent: bool = False


def channels_for(user) -> list[str]:
    pref = ChannelPreference.objects.filter(user=user).first()
    chosen = list(pref.channels) if pref else list(DEFAULT_CHANNELS)
    if Channel.INBOX.value not in chosen:
        chosen.insert(0, Channel.INBOX.value)
    return chosen


@transaction.atomic
def set_channels(user, channels: list[str]) -> ChannelPreference:
    allowed = {Channel.INBOX.value, Channel.EMAIL.value, Channel.SMS.value}
    cleaned = sorted({c for c in channels if c in allowed} | {Channel.INBOX.value})
    pref, _created = ChannelPreference.objects.update_or_create(
        user=user, defaults={"channels": cleaned}
    )
    return pref


def notify(
    recipients: Iterable, message: Message, *, dedupe_key: str, robots: bool = True
) -> list[Notification]:
    """Queue ``message`` for each recipient on their channels and for the robots.

    Idempotent per ``dedupe_key``: calling it again (a retried task, a second
    beat tick) queues nothing new. Delivery happens after the commit, in Celery.
    """
    created: list[Notification] = []
    seen: set[int] = set()
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        for channel in channels_for(user):
            created += _queue(dict(recipient=user, channel=channel), message, dedupe_key)
    if robots:
        for robot in Robot.objects.filter(is_active=True):
            if robot.events and message.event not in robot.events:
                continue
            created += _queue(dict(robot=robot, channel=robot.kind), message, dedupe_key)
    to_send = [n.pk for n in created if n.channel != Channel.INBOX]
    if to_send:
        from safeloop.tenants.alerts.tasks import deliver_notifications

        transaction.on_commit(lambda: deliver_notifications.delay(to_send))
    return created


def _queue(target: dict, message: Message, dedupe_key: str) -> list[Notification]:
    now = timezone.now()
    is_inbox = target["channel"] == Channel.INBOX
    try:
        with transaction.atomic():
            return [
                Notification.objects.create(
                    **target,
                    event=message.event,
                    subject=message.subject[:200],
                    body=message.body,
                    link=message.link,
                    urgent=message.urgent,
                    dedupe_key=dedupe_key[:120],
                    # The inbox is the database itself: delivered on commit.
                    state=Delivery.SENT if is_inbox else Delivery.PENDING,
                    sent_at=now if is_inbox else None,
                )
            ]
    except IntegrityError:
        return []  # already queued under this key


def deliver(notification: Notification) -> None:
    """Send one pending notification through its channel; record the outcome."""
    from safeloop.tenants.alerts.channels.registry import backend_for

    if notification.state == Delivery.SENT:
        return
    notification.attempts += 1
    try:
        backend_for(notification.channel)(notification)
    except Exception as exc:  # noqa: BLE001 — any failure is recorded and retried
        notification.state = Delivery.FAILED
        notification.error = f"{type(exc).__name__}: {exc}"[:1000]
        notification.save(update_fields=["state", "attempts", "error"])
        raise
    notification.state = Delivery.SENT
    notification.sent_at = timezone.now()
    notification.error = ""
    notification.save(update_fields=["state", "attempts", "error", "sent_at"])


def mark_read(user, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, channel=Channel.INBOX, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


def unread_count(user) -> int:
    return Notification.objects.filter(
        recipient=user, channel=Channel.INBOX, read_at__isnull=True
    ).count()
