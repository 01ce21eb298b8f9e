"""Notifications (通知): one outbox row per recipient and channel."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    INBOX = "inbox", _("In-app inbox")
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")
    FEISHU = "feishu", _("Feishu group robot")
    WEBHOOK = "webhook", _("Signed webhook (another system)")


PERSONAL_CHANNELS = (Channel.INBOX, Channel.EMAIL, Channel.SMS)
ROBOT_CHANNELS = (Channel.WECOM, Channel.DINGTALK, Channel.FEISHU, Channel.WEBHOOK)
DEFAULT_CHANNELS = [Channel.INBOX.value, Channel.EMAIL.value]


class RobotEvent(models.TextChoices):
    """The events a group robot can be told about (its ``events`` filter)."""

    HAZARD_REPORTED = "hazard.reported", _("Hazard reported")
    HAZARD_MAJOR_REPORTED = "hazard.major_reported", _("Major hazard reported")
    HAZARD_REMINDER = "hazard.reminder", _("Hazard deadline coming up")
    HAZARD_ESCALATION_1 = "hazard.escalation_1", _("Hazard overdue: first escalation")
    HAZARD_ESCALATION_2 = "hazard.escalation_2", _("Hazard overdue: second escalation")
    IOT_ALARM_LEVEL2 = "iot.alarm_level2", _("Sensor alarm, level 2")
    IOT_ALARM_LEVEL3 = "iot.alarm_level3", _("Sensor alarm, level 3")


# The event of the message "send a test message" posts; it ignores the filter.
ROBOT_TEST_EVENT = "robot.test"


class Delivery(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class ChannelPreference(models.Model):
    """The channels one person wants; the inbox is always on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_preference"
    )
    channels = ArrayField(models.CharField(max_length=10), default=list)

    def __str__(self) -> str:
        return f"channels of {self.user_id}"


class Robot(models.Model):
    """A group chat robot (WeCom / DingTalk / Feishu webhook) the enterprise posts to."""

    kind = models.CharField(max_length=10, choices=[(c.value, c.label) for c in ROBOT_CHANNELS])
    name = models.CharField(max_length=80)
    webhook_url = models.URLField(max_length=500)
    secret = models.CharField(max_length=200, blank=True, help_text=_("Signing secret, if set"))
    events = ArrayField(
        models.CharField(max_length=40),
        default=list,
        blank=True,
        help_text=_("Event kinds to post; empty means all"),
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    robot = models.ForeignKey(
        Robot, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    event = models.CharField(max_length=40)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    urgent = models.BooleanField(default=False)
    # What a machine reading it needs (a webhook's receiver): e.g. a sensor alarm's level,
    # value, device and place. People's channels show subject, body and link.
    data = models.JSONField(default=dict, blank=True)
    # Same key + recipient/robot + channel is sent once, whatever retries or restarts happen.
    dedupe_key = models.CharField(max_length=120)
    state = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    # When the dispatcher may (re)try it: now for a new row, later after a failure
    # (back-off), never again (NULL) once sent or given up.
    next_attempt_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key", "recipient", "channel"],
                condition=models.Q(recipient__isnull=False),
                name="notify_user_once",
            ),
            models.UniqueConstraint(
                fields=["dedupe_key", "robot", "channel"],
                condition=models.Q(robot__isnull=False),
                name="notify_robot_once",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "channel", "read_at"]),
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state__in=["pending", "failed"]),
                name="notification_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.subject}"

    @property
    def delivery_key(self) -> str:
        """The same for every attempt at this row, unique across tenants.

        Given to the channel (e-mail Message-ID, robot and SMS requests) so a
        receiver can drop the double a crash between sending and committing causes.
        """
        return f"{connection.schema_name}.{self.pk}"
