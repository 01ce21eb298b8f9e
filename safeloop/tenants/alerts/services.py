"""One service to tell people things, whatever the channel; and who wants which channel."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from safeloop.platform.background import BestEffortSender
from safeloop.platform.errors import field_error
from safeloop.tenants.alerts.models import (
    DEFAULT_CHANNELS,
    PERSONAL_CHANNELS,
    Channel,
    ChannelPreference,
    Delivery,
    Notification,
    Robot,
)
from safeloop.tenants.audit.services import record_event

log = logging.getLogger("safeloop.alerts")
# After a broker failure, kicks are dropped for 10 s: the sweep sends those rows.
_kicks = BestEffortSender("outbox-kick", pause=10.0)

# Back-off between attempts at one notification: 30 s, doubling, at most an hour.
RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 3600
# Rows one dispatch sends at most; the next task or sweep goes on with the rest.
DISPATCH_BATCH = 500


class AlertErrorCode:
    INVALID = "invalid"
    NO_PHONE = "no_phone"
    WRONG_HOST = "wrong_host"
    UNSUPPORTED = "unsupported"


@dataclass(frozen=True)
class Message:
    event: str  # e.g. "hazard.major_reported"
    subject: str
    body: str = ""
    link: str = ""
    urgent: bool = False
    data: dict | None = None  # structured, for machines (webhooks)


# --- Channel choice -------------------------------------------------------------


def phone_of(user) -> str:
    """The mobile number SMS goes to ("" when there is none on file)."""
    person = getattr(user, "person", None)
    return (getattr(person, "phone", "") or "").strip()


def preferred_channels(user) -> list[str]:
    """The channels ``user`` chose (the defaults until they choose); the inbox always first."""
    pref = ChannelPreference.objects.filter(user=user).first()
    chosen = [c for c in (pref.channels if pref else DEFAULT_CHANNELS) if c != Channel.INBOX]
    return [Channel.INBOX.value, *chosen]


def channels_for(user) -> list[str]:
    """The channels a message to ``user`` goes out on now.

    A channel without an address (no email, no phone number) is left out rather
    than queued to fail five times.
    """
    usable = []
    for channel in preferred_channels(user):
        if channel == Channel.EMAIL and not user.email:
            continue
        if channel == Channel.SMS and not phone_of(user):
            continue
        usable.append(channel)
    return usable


@transaction.atomic
def set_channels(user, channels: list[str]) -> ChannelPreference:
    """Choose the personal channels of ``user`` (the inbox is always on)."""
    channels = [str(c) for c in channels]
    allowed = {c.value for c in PERSONAL_CHANNELS}
    unknown = sorted(set(channels) - allowed)
    if unknown:
        raise field_error(
            "channels",
            _("Unknown channel: %(names)s.") % {"names": ", ".join(unknown)},
            AlertErrorCode.INVALID,
        )
    if Channel.SMS in channels and not phone_of(user):
        raise field_error(
            "channels",
            _("There is no phone number on file for you; ask your safety manager to add it."),
            AlertErrorCode.NO_PHONE,
        )
    cleaned = sorted(set(channels) | {Channel.INBOX.value})
    pref, _created = ChannelPreference.objects.update_or_create(
        user=user, defaults={"channels": cleaned}
    )
    record_event(pref, "alerts.channels_set", by=user, channels=cleaned)
    return pref


# --- Queueing and delivery ---------------------------------------------------------


def notify(
    recipients: Iterable,
    message: Message,
    *,
    dedupe_key: str,
    robots: bool | Iterable[Robot] = True,
    channels: Iterable[str] | None = None,
) -> list[Notification]:
    """Queue ``message`` for each recipient on their channels and for the robots.

    ``robots``: True posts to every active robot whose event filter takes the
    message, False to none, and a list to exactly those robots (the test
    message of the robots page).

    Idempotent per ``dedupe_key``: calling it again (a retried task, a second
    beat tick) queues nothing new. Delivery happens after the commit, in Celery,
    in the schema this is called in. ``channels`` (e.g. only the inbox) replaces
    each recipient's own choice.
    """
    created: list[Notification] = []
    seen: set[int] = set()
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        for channel in channels_for(user) if channels is None else channels:
            created += _queue(dict(recipient=user, channel=channel), message, dedupe_key)
    for robot in _robots_for(message, robots):
        created += _queue(dict(robot=robot, channel=robot.kind), message, dedupe_key)
    unread_keys = _forget_unread_now(n.recipient_id for n in created if n.channel == Channel.INBOX)
    to_send = [n.pk for n in created if n.channel != Channel.INBOX]
    if to_send or unread_keys:
        # The commit may come after the caller has left the tenant's context:
        # name the schema now instead of trusting the connection then.
        schema = connection.schema_name

        def after_commit() -> None:
            _forget_unread_in(schema, unread_keys)
            if to_send:
                _hurry_delivery(to_send, schema)

        transaction.on_commit(after_commit)
    return created


def _hurry_delivery(notification_ids: list[int], schema: str) -> None:
    """Ask a worker to send these rows now; best effort, after the commit.

    The rows are committed whatever the broker does: when it is down or frozen
    the outbox sweep sends them a minute later. The message is published from
    a background thread, so the person who caused it (a reporter on the shop
    floor) neither waits on the broker nor sees an error for something saved.
    With eager tasks (tests, one-process demos) it runs here and now.
    """
    from celery import current_app

    from safeloop.tenants.alerts.tasks import deliver_notifications

    # The app of this thread (its broker), not of the sender thread.
    task = current_app._get_current_object().tasks[deliver_notifications.name]
    if task.app.conf.task_always_eager:
        _publish(task, notification_ids, schema)
    else:
        _kicks.submit(lambda: _publish(task, notification_ids, schema))


def _publish(task, notification_ids: list[int], schema: str) -> bool:
    try:
        task.apply_async(args=[notification_ids], headers={"_schema_name": schema}, retry=False)
        return True
    except Exception as exc:  # noqa: BLE001 — any broker failure; the sweep takes over
        log.warning(
            "Could not queue delivery of notifications %s in schema %s (%s: %s);"
            " the outbox sweep will send them",
            notification_ids,
            schema,
            type(exc).__name__,
            exc,
        )
        return False


def _robots_for(message: Message, robots: bool | Iterable[Robot]) -> list[Robot]:
    if robots is False:
        return []
    if robots is True:
        return [
            robot
            for robot in Robot.objects.filter(is_active=True)
            if not robot.events or message.event in robot.events
        ]
    return list(robots)


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
                    link=message.link[:300],
                    urgent=message.urgent,
                    data=message.data or {},
                    dedupe_key=dedupe_key[:120],
                    # The inbox is the database itself: delivered on commit.
                    state=Delivery.SENT if is_inbox else Delivery.PENDING,
                    sent_at=now if is_inbox else None,
                    next_attempt_at=None if is_inbox else now,
                )
            ]
    except IntegrityError:
        return []  # already queued under this key


def deliver(notification: Notification) -> None:
    """Send one notification through its channel and record the outcome on the row.

    The caller holds the row (``dispatch`` claims it FOR UPDATE); the outcome is
    committed with that claim. A failure marks it FAILED with the error and the
    moment of the next try (exponential back-off; none after the last attempt)
    and re-raises.
    """
    from safeloop.tenants.alerts.channels.registry import backend_for

    if notification.state == Delivery.SENT:
        return
    notification.attempts += 1
    try:
        backend_for(notification.channel)(notification)
    except Exception as exc:  # noqa: BLE001 — any failure is recorded and retried
        notification.state = Delivery.FAILED
        notification.error = f"{type(exc).__name__}: {exc}"[:1000]
        notification.next_attempt_at = _next_attempt(notification.attempts)
        notification.save(update_fields=["state", "attempts", "error", "next_attempt_at"])
        raise
    notification.state = Delivery.SENT
    notification.sent_at = timezone.now()
    notification.error = ""
    notification.next_attempt_at = None
    notification.save(update_fields=["state", "attempts", "error", "sent_at", "next_attempt_at"])


def _next_attempt(attempts: int) -> datetime | None:
    """30 s, 1 min, 2 min, … capped at an hour; None once the attempts are used up."""
    if attempts >= settings.SAFELOOP_OUTBOX_MAX_ATTEMPTS:
        return None
    delay = min(RETRY_BASE_SECONDS * 2 ** (attempts - 1), RETRY_MAX_SECONDS)
    return timezone.now() + timedelta(seconds=delay)


@dataclass
class DispatchResult:
    sent: int = 0
    failed: int = 0


def dispatch(
    notification_ids: Iterable[int] | None = None,
    *,
    older_than: timedelta = timedelta(0),
    limit: int = DISPATCH_BATCH,
) -> DispatchResult:
    """Send the due notifications of the current schema (or those of ``notification_ids``).

    Each row is claimed with ``SELECT … FOR UPDATE SKIP LOCKED``, sent, and
    marked in the claim's transaction: two workers, a redelivered message and
    the sweep can run side by side and a row still goes out once. Due means
    pending or failed, and its next attempt ``older_than`` ago or longer (the
    sweep leaves a fresh row to the message on its way). Safe to run any
    number of times.
    """
    due = Notification.objects.filter(
        state__in=[Delivery.PENDING, Delivery.FAILED],
        next_attempt_at__lte=timezone.now() - older_than,
    )
    if notification_ids is not None:
        due = due.filter(pk__in=list(notification_ids))
    due = due.select_related("recipient__person", "robot").order_by("next_attempt_at", "id")
    result = DispatchResult()
    for _claim in range(limit):
        with transaction.atomic():
            notification = due.select_for_update(skip_locked=True, of=("self",)).first()
            if notification is None:
                break
            try:
                deliver(notification)
            except DatabaseError:
                raise  # the claim is rolled back; the row stays due
            except Exception:  # noqa: BLE001 — recorded on the row by deliver()
                result.failed += 1
                log.info(
                    "Delivery of notification %s failed: %s",
                    notification.delivery_key,
                    notification.error,
                )
            else:
                result.sent += 1
    return result


# --- The inbox -----------------------------------------------------------------------


def inbox_for(user) -> QuerySet[Notification]:
    """The in-app notifications of ``user``, newest first."""
    return Notification.objects.filter(recipient=user, channel=Channel.INBOX).order_by(
        "-created_at", "-id"
    )


def mark_read(user, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, channel=Channel.INBOX, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    marked = qs.update(read_at=timezone.now())
    forget_unread([user.pk])
    return marked


# The badge on every page asks for the count; it is kept in the cache (per tenant
# through the cache's key function) for SAFELOOP_UNREAD_CACHE_SECONDS, 0 when the
# cache is not shared by the web processes. Every write to the inbox goes through
# notify() or mark_read(), which forget the recipients' counts; the TTL bounds what
# a lost forget (Redis unreachable at that moment) or a racing reader can leave.


def _unread_key(user_id: int) -> str:
    return f"{settings.SAFELOOP_UNREAD_CACHE_PREFIX}{user_id}"


def unread_count(user) -> int:
    """How many inbox notifications of ``user`` are unread."""
    seconds = settings.SAFELOOP_UNREAD_CACHE_SECONDS
    if seconds > 0:
        cached = cache.get(_unread_key(user.pk))
        if cached is not None:
            return cached
    count = Notification.objects.filter(
        recipient=user, channel=Channel.INBOX, read_at__isnull=True
    ).count()
    if seconds > 0:
        cache.set(_unread_key(user.pk), count, seconds)
    return count


def forget_unread(user_ids: Iterable[int | None]) -> None:
    """Drop the cached unread counts of these users, now and again after the commit.

    Again after the commit: a page that counted before it and cached after the
    first drop would otherwise keep the old count for the TTL.
    """
    keys = _forget_unread_now(user_ids)
    if keys:
        schema = connection.schema_name
        transaction.on_commit(lambda: _forget_unread_in(schema, keys))


def _forget_unread_now(user_ids: Iterable[int | None]) -> list[str]:
    if settings.SAFELOOP_UNREAD_CACHE_SECONDS <= 0:
        return []
    keys = sorted({_unread_key(pk) for pk in user_ids if pk is not None})
    if keys:
        cache.delete_many(keys)
    return keys


def _forget_unread_in(schema: str, keys: list[str]) -> None:
    if keys:
        with schema_context(schema):  # the cache's keys carry the schema
            cache.delete_many(keys)
