"""Devices, their sensors and thresholds, the readings they send and the alarms raised.

Topic scheme (one for every device): ``safeloop/<enterprise slug>/<device code>/up``
carries a JSON body ``{"ts": <ISO 8601 or Unix seconds>, "values": {"<metric>": number}}``;
``safeloop/<slug>/<code>/status`` carries ``online`` / ``offline`` (the device's
last will). ``safeloop.iot_bridge.bridge`` subscribes, checks and stores.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.postgres.indexes import BrinIndex
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeloop.tenants.facilities.models import BilingualName


class DeviceKind(models.TextChoices):
    GAS = "gas", _("Gas detector")
    PRESSURE = "pressure", _("Pressure transmitter")
    TEMPERATURE = "temperature", _("Temperature transmitter")
    OTHER = "other", _("Other sensor")


class Device(BilingualName):
    code = models.SlugField(
        _("device code"),
        max_length=40,
        unique=True,
        help_text=_("Its name in the MQTT topic: letters, digits, - and _."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DeviceKind.choices)
    model = models.CharField(_("model"), max_length=80, blank=True)
    area = models.ForeignKey(
        "facilities.Area", on_delete=models.PROTECT, related_name="devices", verbose_name=_("area")
    )
    risk_point = models.ForeignKey(
        "risks.RiskPoint",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name=_("risk point"),
    )
    # Mosquitto's own password hash ($7$, PBKDF2-SHA512): the broker's password
    # file is generated from it; the password itself is shown once and not kept.
    mqtt_password_hash = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    online = models.BooleanField(default=False)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]


class Sensor(models.Model):
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="sensors")
    metric = models.SlugField(
        _("metric"), max_length=40, help_text=_("Its key in the message's values, e.g. cl2_ppm.")
    )
    label = models.CharField(_("label"), max_length=80, blank=True)
    unit = models.CharField(_("unit"), max_length=20)
    range_min = models.FloatField(_("lowest valid value"))
    range_max = models.FloatField(_("highest valid value"))
    last_value = models.FloatField(null=True, blank=True)
    last_at = models.DateTimeField(null=True, blank=True)
    # A breach waiting out its threshold's hold time: the level and since when.
    pending_level = models.PositiveSmallIntegerField(default=0)
    pending_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["device_id", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["device", "metric"], name="iot_one_sensor_per_metric"),
            models.CheckConstraint(
                condition=Q(range_min__lt=models.F("range_max")), name="iot_sensor_range_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.device.code}/{self.metric}"


class Direction(models.TextChoices):
    HIGH = "high", _("High")
    LOW = "low", _("Low")


class Threshold(models.Model):
    """One of a sensor's three levels, high or low.

    Raised when the value stays beyond ``limit`` for ``hold_seconds``; the level
    is held until the value comes back past ``limit`` by ``dead_band``, so a
    value hovering at the limit raises one alarm, not a storm.
    """

    sensor = models.ForeignKey(Sensor, on_delete=models.CASCADE, related_name="thresholds")
    level = models.PositiveSmallIntegerField(
        _("level"), choices=[(1, _("Level 1")), (2, _("Level 2")), (3, _("Level 3"))]
    )
    direction = models.CharField(
        _("direction"), max_length=4, choices=Direction.choices, default=Direction.HIGH
    )
    limit = models.FloatField(_("limit"))
    hold_seconds = models.PositiveIntegerField(_("hold for (seconds)"), default=0)
    dead_band = models.FloatField(_("dead band"), default=0)

    class Meta:
        ordering = ["sensor_id", "direction", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["sensor", "level", "direction"], name="iot_one_threshold_per_level"
            ),
            models.CheckConstraint(condition=Q(dead_band__gte=0), name="iot_dead_band_positive"),
        ]

    def __str__(self) -> str:
        return f"L{self.level} {self.direction} {self.limit:g}"


class Reading(models.Model):
    """One value of one sensor at one moment; (sensor, ts) is unique, so a
    message the broker delivers twice is stored once."""

    id = models.BigAutoField(primary_key=True)
    sensor = models.ForeignKey(Sensor, on_delete=models.CASCADE, related_name="+")
    ts = models.DateTimeField()
    value = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sensor", "ts"], name="iot_one_reading_per_moment")
        ]
        indexes = [
            # Readings arrive in time order: a BRIN index stays tiny for a year of
            # them and serves the retention delete and time-range scans.
            BrinIndex(fields=["ts"], name="iot_reading_ts_brin"),
        ]

    def __str__(self) -> str:
        return f"{self.sensor_id}@{self.ts:%Y-%m-%d %H:%M:%S}={self.value:g}"


class AlarmKind(models.TextChoices):
    THRESHOLD = "threshold", _("Threshold")
    OFFLINE = "offline", _("Device offline")


class AlarmState(models.TextChoices):
    RAISED = "raised", _("Raised")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLEARED = "cleared", _("Cleared")


class Alarm(models.Model):
    """One episode: raised, its level going up and down, acknowledged, cleared."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="alarms")
    sensor = models.ForeignKey(
        Sensor, on_delete=models.CASCADE, null=True, blank=True, related_name="alarms"
    )
    kind = models.CharField(max_length=10, choices=AlarmKind.choices)
    direction = models.CharField(max_length=4, choices=Direction.choices, blank=True)
    level = models.PositiveSmallIntegerField()
    peak_level = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=12, choices=AlarmState.choices, default=AlarmState.RAISED)
    raised_at = models.DateTimeField()  # the reading's time, as the device tells it
    created_at = models.DateTimeField(default=timezone.now)  # when the hub knew
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cleared_at = models.DateTimeField(null=True, blank=True)
    last_value = models.FloatField(null=True, blank=True)
    peak_value = models.FloatField(null=True, blank=True)
    # [{"at": iso, "level": n, "value": v}], one entry per level change.
    history = models.JSONField(default=list)
    # How many of ``history``'s moments are in the audit trail (the worker writes them
    # right after the bridge's commit; beat's chores catch up on any a crash left).
    audited_moments = models.PositiveIntegerField(default=0)
    notified_levels = models.JSONField(default=list)
    hazard = models.ForeignKey(
        "hazards.Hazard", on_delete=models.SET_NULL, null=True, blank=True, related_name="alarms"
    )

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["device", "sensor", "kind"],
                condition=Q(cleared_at__isnull=True),
                nulls_distinct=False,
                name="iot_one_open_alarm",
            )
        ]
        indexes = [models.Index(fields=["device", "raised_at"], name="iot_alarm_device_recent")]

    def __str__(self) -> str:
        return f"{self.kind} alarm L{self.level} of device {self.device_id}"

    @property
    def steps(self) -> list[dict]:
        """The history with its moments as datetimes (for the page's local times)."""
        return [{**step, "at": datetime.fromisoformat(step["at"])} for step in self.history]

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None


class ResponsePlan(models.Model):
    """What happens at one level for one kind of device (tiered response).

    Level 1: guidance to the area's people (inbox). Level 2: the emergency group
    (their channels and the robots). Level 3: the leaders, plus the robots that
    take ``iot.alarm_level3`` (a signed webhook to a park emergency platform).
    """

    kind = models.CharField(_("device kind"), max_length=20, choices=DeviceKind.choices)
    level = models.PositiveSmallIntegerField(_("level"))
    guidance = models.TextField(_("what to do"), blank=True)
    roles = models.JSONField(_("roles told"), default=list, blank=True)
    area_people = models.BooleanField(_("tell the area's people"), default=False)

    class Meta:
        ordering = ["kind", "level"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "level"], name="iot_one_plan_per_level")
        ]

    def __str__(self) -> str:
        return f"{self.kind} L{self.level}"
