"""What the IoT pages and API read: devices with status, curves in time buckets,
the open alarms, and an alarm's context (seed 004: a reading over the limit pulls
up the point's last 72 h of inspections and hazards and the last 30 days of alarms)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils import timezone

from safeloop.iot_bridge.models import Alarm, Device, Sensor, Threshold

ONLINE_WITHIN = timedelta(minutes=5)  # no reading and no last will for longer: shown as silent
# Range name → (span, bucket): about 120–340 points whatever the range.
RANGES = {
    "live": (timedelta(minutes=15), timedelta(seconds=5)),
    "hour": (timedelta(hours=1), timedelta(seconds=30)),
    "day": (timedelta(days=1), timedelta(minutes=5)),
    "week": (timedelta(days=7), timedelta(minutes=30)),
}
# The colours of the alarm levels (the map's alarm overlay and the board).
LEVEL_COLOURS = {1: "#f2c200", 2: "#ff7a00", 3: "#d0021b"}
# A zone with an open alarm on the four-colour map: a colour none of the bands uses.
ALARM_COLOUR = "#c11574"


def has_devices() -> bool:
    return Device.objects.filter(is_active=True).exists()


def devices() -> QuerySet[Device]:
    thresholds = Prefetch("thresholds", queryset=Threshold.objects.order_by("direction", "level"))
    return Device.objects.select_related("area", "risk_point").prefetch_related(
        Prefetch("sensors", queryset=Sensor.objects.prefetch_related(thresholds))
    )


def status_of(device: Device, now: datetime | None = None) -> str:
    """online / silent (no news lately) / offline (its last will) / never (no reading yet)."""
    now = now or timezone.now()
    if device.last_seen_at is None:
        return "never"
    if not device.online:
        return "offline"
    return "online" if now - device.last_seen_at <= ONLINE_WITHIN else "silent"


def open_alarms() -> QuerySet[Alarm]:
    return (
        Alarm.objects.filter(cleared_at__isnull=True)
        .select_related("device__area", "device__risk_point", "sensor", "hazard")
        .order_by("-level", "-raised_at")
    )


def recent_alarms(limit: int = 20) -> QuerySet[Alarm]:
    return Alarm.objects.select_related("device__area", "sensor").order_by("-raised_at")[:limit]


def alarm_areas() -> dict[int, int]:
    """Area id → the highest level of its open alarms (the map's alarm colour)."""
    return dict(
        Alarm.objects.filter(cleared_at__isnull=True)
        .values("device__area_id")
        .annotate(top=Max("level"))
        .values_list("device__area_id", "top")
    )


@dataclass(frozen=True)
class Series:
    sensor: Sensor
    range: str
    bucket_seconds: int
    points: list[tuple[str, float, float, float]]  # (bucket start, min, mean, max)
    start: datetime
    end: datetime


def series(sensor: Sensor, range_name: str = "hour", now: datetime | None = None) -> Series:
    """The sensor's readings over a range, in time buckets (min, mean, max), from the database."""
    span, bucket = RANGES.get(range_name, RANGES["hour"])
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT date_bin(%s, ts, TIMESTAMPTZ '2000-01-01') AS b,
                   min(value), avg(value), max(value)
            FROM iot_reading WHERE sensor_id = %s AND ts > %s AND ts <= %s
            GROUP BY b ORDER BY b
            """,
            [bucket, sensor.pk, now - span, now],
        )
        rows = cursor.fetchall()
    return Series(
        sensor=sensor,
        range=range_name if range_name in RANGES else "hour",
        bucket_seconds=int(bucket.total_seconds()),
        start=now - span,
        end=now,
        points=[(b.isoformat(), lo, round(mean, 4), hi) for b, lo, mean, hi in rows],
    )


@dataclass(frozen=True)
class AlarmContext:
    inspections: list
    hazards: list
    alarms: list
    measures: list


def context_of(alarm: Alarm, now: datetime | None = None) -> AlarmContext:
    """The point's last 72 h of inspections and hazards, 30 days of alarms, and its measures."""
    from safeloop.tenants.hazards.models import Hazard
    from safeloop.tenants.inspections.models import Inspection

    now = now or timezone.now()
    device = alarm.device
    area = device.area_id
    inspections = list(
        Inspection.objects.filter(
            Q(point__area_id=area) | Q(point__equipment__area_id=area),
            submitted_at__gte=now - timedelta(hours=72),
        )
        .select_related("point__area", "point__equipment", "inspector__user")
        .order_by("-submitted_at")[:20]
    )
    hazards = list(
        Hazard.objects.filter(area_id=area, reported_at__gte=now - timedelta(hours=72))
        .select_related("area")
        .order_by("-reported_at")[:20]
    )
    alarms = list(
        Alarm.objects.filter(device=device, raised_at__gte=now - timedelta(days=30))
        .exclude(pk=alarm.pk)
        .select_related("sensor")
        .order_by("-raised_at")[:30]
    )
    measures = list(device.risk_point.measures.order_by("order")) if device.risk_point_id else []
    return AlarmContext(inspections, hazards, alarms, measures)
