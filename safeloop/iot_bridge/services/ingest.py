"""From MQTT messages to stored readings: check, drop what is wrong, store in batches.

The bridge process (``safeloop.iot_bridge.bridge``) hands batches of raw
messages to ``ingest``; everything it decides lives here:

* ``parse`` checks a topic and body and says what to store or why to drop it;
* ``Directory`` knows, per enterprise, its devices and sensors (cached briefly,
  so a new device or threshold reaches the bridge within ``DIRECTORY_TTL``);
* ``store`` writes one enterprise's readings in one transaction (a redelivered
  message is stored once: (sensor, ts) is unique) and runs the threshold rule
  on the new ones, in time order, under a row lock per sensor so several
  bridges sharing the subscription never judge one sensor at once.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import psycopg.sql
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from safeloop.iot_bridge.services import alarms
from safeloop.iot_bridge.services.thresholds import Limit, State, step
from safeloop.platform import iot_registry

log = logging.getLogger("safeloop.iot_bridge")

TOPIC_PREFIX = "safeloop"
DIRECTORY_TTL = 30.0  # seconds a bridge trusts what it knows of an enterprise's devices
MISS_RETRY = 5.0  # after an unknown device, look again at most this often
MAX_PAYLOAD = 16 * 1024


class Drop:
    """Why a message (or one of its values) was not stored."""

    BAD_TOPIC = "bad_topic"
    UNKNOWN_TENANT = "unknown_tenant"
    UNKNOWN_DEVICE = "unknown_device"
    INACTIVE_DEVICE = "inactive_device"
    BAD_JSON = "bad_json"
    BAD_PAYLOAD = "bad_payload"
    UNKNOWN_METRIC = "unknown_metric"
    OUT_OF_RANGE = "out_of_range"
    STALE = "stale"
    FUTURE = "future"
    ERROR = "error"  # the database refused an enterprise's part (logged)

    ALL = (
        BAD_TOPIC,
        UNKNOWN_TENANT,
        UNKNOWN_DEVICE,
        INACTIVE_DEVICE,
        BAD_JSON,
        BAD_PAYLOAD,
        UNKNOWN_METRIC,
        OUT_OF_RANGE,
        STALE,
        FUTURE,
        ERROR,
    )


@dataclass(frozen=True)
class SensorInfo:
    id: int
    metric: str
    range_min: float
    range_max: float
    limits: tuple[Limit, ...]


@dataclass(frozen=True)
class DeviceInfo:
    id: int
    active: bool
    sensors: dict[str, SensorInfo]


@dataclass
class TenantInfo:
    enterprise: Any  # safeloop.platform.models.Enterprise
    devices: dict[str, DeviceInfo]
    loaded_at: float


@dataclass(frozen=True)
class Topic:
    slug: str
    device: str
    channel: str  # "up" | "status"


@dataclass(frozen=True)
class Value:
    sensor: SensorInfo
    device_id: int
    ts: datetime
    value: float


@dataclass
class Drops:
    """Drops counted in a batch: (schema, reason) → count, plus the latest topic and detail."""

    counts: Counter = field(default_factory=Counter)
    last: dict = field(default_factory=dict)

    def add(self, schema: str, reason: str, topic: str, detail: str = "", count: int = 1) -> None:
        self.counts[(schema, reason)] += count
        self.last[(schema, reason)] = (topic[:200], detail[:300])

    def __bool__(self) -> bool:
        return bool(self.counts)


def split_topic(topic: str) -> Topic | None:
    parts = topic.split("/")
    if len(parts) != 4 or parts[0] != TOPIC_PREFIX or parts[3] not in {"up", "status"}:
        return None
    if not parts[1] or not parts[2]:
        return None
    return Topic(slug=parts[1], device=parts[2], channel=parts[3])


def parse_time(raw, now: datetime) -> datetime | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        if not math.isfinite(raw):
            return None
        # Milliseconds when it looks like them (devices differ).
        seconds = raw / 1000 if raw > 1e11 else raw
        try:
            return datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(raw, str):
        try:
            moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            return None
        return moment if moment.tzinfo else None  # a time without a zone is ambiguous
    if raw is None:
        return now  # no time: the moment it arrived
    return None


class Directory:
    """What the bridge knows of enterprises and their devices (thread-safe, short-lived)."""

    def __init__(self, ttl: float = DIRECTORY_TTL):
        self.ttl = ttl
        self._tenants: dict[str, TenantInfo | None] = {}
        self._checked: dict[str, float] = {}
        self._lock = threading.Lock()

    def tenant(self, slug: str) -> TenantInfo | None:
        now = time.monotonic()
        with self._lock:
            info = self._tenants.get(slug)
            fresh = now - self._checked.get(slug, -1e9) < (self.ttl if info else MISS_RETRY)
            if slug in self._tenants and fresh:
                return info
        info = self._load(slug)
        with self._lock:
            self._tenants[slug] = info
            self._checked[slug] = now
        return info

    def device(self, slug: str, code: str) -> tuple[TenantInfo | None, DeviceInfo | None]:
        tenant = self.tenant(slug)
        if tenant is None:
            return None, None
        device = tenant.devices.get(code)
        if device is None and time.monotonic() - tenant.loaded_at > MISS_RETRY:
            self.forget(slug)  # a device registered moments ago
            tenant = self.tenant(slug)
            device = tenant.devices.get(code) if tenant else None
        return tenant, device

    def forget(self, slug: str | None = None) -> None:
        with self._lock:
            if slug is None:
                self._tenants.clear()
                self._checked.clear()
            else:
                self._tenants.pop(slug, None)
                self._checked.pop(slug, None)

    def _load(self, slug: str) -> TenantInfo | None:
        enterprise = iot_registry.enterprise_for(slug)
        if enterprise is None:
            return None
        with tenant_context(enterprise):
            devices = load_devices()
        return TenantInfo(enterprise=enterprise, devices=devices, loaded_at=time.monotonic())


def load_devices() -> dict[str, DeviceInfo]:
    """The current enterprise's devices by code, with their sensors and thresholds."""
    from safeloop.iot_bridge.models import Device, Threshold

    limits: dict[int, list[Limit]] = defaultdict(list)
    for t in Threshold.objects.all():
        limits[t.sensor_id].append(
            Limit(t.level, t.direction, t.limit, t.hold_seconds, t.dead_band)
        )
    return {
        device.code: DeviceInfo(
            id=device.pk,
            active=device.is_active,
            sensors={
                s.metric: SensorInfo(s.pk, s.metric, s.range_min, s.range_max, tuple(limits[s.pk]))
                for s in device.sensors.all()
            },
        )
        for device in Device.objects.prefetch_related("sensors")
    }


def _max_age() -> timedelta:
    return timedelta(seconds=settings.SAFELOOP_IOT_MAX_AGE_SECONDS)


def parse(
    topic: str, payload: bytes, directory: Directory, drops: Drops, now: datetime | None = None
) -> tuple[TenantInfo | None, list[Value], tuple[DeviceInfo, str] | None]:
    """Check one message: (its enterprise, the values to store, a status to record).

    Whatever is wrong is counted in ``drops`` and left out; nothing raises.
    """
    now = now or timezone.now()
    where = split_topic(topic)
    if where is None:
        drops.add("", Drop.BAD_TOPIC, topic)
        return None, [], None
    tenant, device = directory.device(where.slug, where.device)
    if tenant is None:
        drops.add("", Drop.UNKNOWN_TENANT, topic)
        return None, [], None
    schema = tenant.enterprise.schema_name
    if device is None:
        drops.add(schema, Drop.UNKNOWN_DEVICE, topic)
        return None, [], None
    if not device.active:
        drops.add(schema, Drop.INACTIVE_DEVICE, topic)
        return None, [], None
    if where.channel == "status":
        status = payload[:20].decode(errors="replace").strip().lower()
        if status not in {"online", "offline"}:
            drops.add(schema, Drop.BAD_PAYLOAD, topic, f"status {status!r}")
            return None, [], None
        return tenant, [], (device, status)
    if len(payload) > MAX_PAYLOAD:
        drops.add(schema, Drop.BAD_PAYLOAD, topic, f"{len(payload)} bytes")
        return None, [], None
    try:
        body = json.loads(payload)
    except (UnicodeDecodeError, ValueError) as exc:
        drops.add(schema, Drop.BAD_JSON, topic, str(exc)[:120])
        return None, [], None
    if not isinstance(body, dict) or not isinstance(body.get("values"), dict):
        drops.add(schema, Drop.BAD_PAYLOAD, topic, 'no "values" object')
        return None, [], None
    ts = parse_time(body.get("ts"), now)
    if ts is None:
        drops.add(schema, Drop.BAD_PAYLOAD, topic, f"ts {str(body.get('ts'))[:40]!r}")
        return None, [], None
    if ts < now - _max_age():
        drops.add(schema, Drop.STALE, topic, ts.isoformat())
        return None, [], None
    if ts > now + timedelta(seconds=settings.SAFELOOP_IOT_MAX_SKEW_SECONDS):
        drops.add(schema, Drop.FUTURE, topic, ts.isoformat())
        return None, [], None
    values: list[Value] = []
    for metric, raw in body["values"].items():
        sensor = device.sensors.get(metric)
        if sensor is None:
            drops.add(schema, Drop.UNKNOWN_METRIC, topic, str(metric)[:40])
            continue
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
            drops.add(schema, Drop.BAD_PAYLOAD, topic, f"{metric}={str(raw)[:40]}")
            continue
        if not sensor.range_min <= raw <= sensor.range_max:
            drops.add(schema, Drop.OUT_OF_RANGE, topic, f"{metric}={raw}")
            continue
        values.append(Value(sensor, device.id, ts, float(raw)))
    return tenant, values, None


_INSERT = """
INSERT INTO {schema}.iot_reading (sensor_id, ts, value)
SELECT * FROM unnest(%s::bigint[], %s::timestamptz[], %s::float8[])
ON CONFLICT (sensor_id, ts) DO NOTHING
RETURNING sensor_id, ts, value
"""

_LOCK_SENSORS = """
SELECT id, last_at, pending_level, pending_since FROM iot_sensor
WHERE id = ANY(%s) ORDER BY id FOR UPDATE
"""

_UPDATE_SENSORS = """
UPDATE {schema}.iot_sensor AS s SET last_value = v.value, last_at = v.ts,
    pending_level = v.pending_level, pending_since = v.pending_since
FROM unnest(%s::bigint[], %s::float8[], %s::timestamptz[], %s::smallint[], %s::timestamptz[])
    AS v(id, value, ts, pending_level, pending_since)
WHERE s.id = v.id
"""


def _binding_cursor() -> psycopg.Cursor:
    """A cursor on Django's connection (same transaction) that binds parameters on the
    server: Django's quotes each array element in Python, which measured a quarter of the
    bridge's time on a batch of 1,000 readings."""
    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)


def _qualified(sql: str) -> str:
    # The raw cursor does not go through django-tenants: name the schema.
    return sql.format(schema=psycopg.sql.Identifier(connection.schema_name).as_string())


@dataclass
class Stored:
    readings: int = 0
    duplicates: int = 0
    alarms_changed: int = 0
    to_respond: set[int] = field(default_factory=set)
    # Alarms whose history gained moments the audit trail does not hold yet.
    to_audit: set[int] = field(default_factory=set)


def store(
    tenant: TenantInfo,
    values: list[Value],
    statuses: list[tuple[DeviceInfo, str, datetime]] = (),
    *,
    respond_now: bool = True,
) -> Stored:
    """Store one enterprise's values and statuses of a batch in one transaction, then
    respond to the alarms it raised (notices, hazard), each in a transaction of its own.

    ``respond_now=False`` (the bridge): the alarms to respond to are in ``to_respond``
    for another thread, so notices never hold the next batch of readings."""
    result = Stored()
    with tenant_context(tenant.enterprise):
        with transaction.atomic():
            _store(result, values, statuses)
        if respond_now:
            audit(result.to_audit)
            respond_to(result.to_respond)
    return result


def audit(alarm_ids) -> int:
    """Write the new moments of these alarms to the audit trail; a failure is left to beat."""
    written = 0
    for alarm_id in sorted(alarm_ids):
        try:
            written += alarms.audit_moments(alarm_id)
        except Exception:  # noqa: BLE001 — the moments are in the history; beat's chores retry
            log.exception("Could not audit alarm %s yet; beat will retry", alarm_id)
    return written


def respond_to(alarm_ids) -> int:
    """Respond to these alarms of the current enterprise; a failure is left to beat."""
    responded = 0
    for alarm_id in sorted(alarm_ids):
        try:
            responded += alarms.respond(alarm_id)
        except Exception:  # noqa: BLE001 — the readings are in; beat's chores retry this
            log.exception("Could not respond to alarm %s yet; beat will retry", alarm_id)
    return responded


def _store(result: Stored, values: list[Value], statuses) -> None:
    new: list[tuple[int, datetime, float]] = []
    if values:
        with _binding_cursor() as cursor:
            cursor.execute(
                _qualified(_INSERT),
                [
                    [v.sensor.id for v in values],
                    [v.ts for v in values],
                    [v.value for v in values],
                ],
            )
            new = cursor.fetchall()
    result.readings = len(new)
    result.duplicates = len(values) - len(new)
    sensors = {v.sensor.id: v.sensor for v in values}
    device_of = {v.sensor.id: v.device_id for v in values}
    if new:
        result.alarms_changed += _judge(new, sensors, device_of, result)
    seen = {v.device_id: v.ts for v in sorted(values, key=lambda v: v.ts)}
    if seen:
        from safeloop.iot_bridge.models import Device

        Device.objects.filter(pk__in=list(seen)).update(last_seen_at=timezone.now(), online=True)
        result.alarms_changed += alarms.device_online(list(seen))
    for device, status, at in statuses:
        result.alarms_changed += alarms.device_status(device.id, status, at)


def _judge(
    new: list[tuple[int, datetime, float]],
    sensors: dict[int, SensorInfo],
    device_of: dict[int, int],
    result: Stored,
) -> int:
    """Run the threshold rule over the newly stored readings, sensor by sensor."""
    by_sensor: dict[int, list[tuple[datetime, float]]] = defaultdict(list)
    for sensor_id, ts, value in new:
        by_sensor[sensor_id].append((ts, value))
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_SENSORS, [sorted(by_sensor)])
        rows = {row[0]: row[1:] for row in cursor.fetchall()}
    watched = [sid for sid in by_sensor if sensors[sid].limits]
    open_alarms = alarms.open_threshold_alarms(watched) if watched else {}
    updates = []
    changed = 0
    for sensor_id, points in by_sensor.items():
        last_at, pending_level, pending_since = rows[sensor_id]
        points.sort()
        latest_ts, latest_value = points[-1]
        if last_at is not None and latest_ts <= last_at:
            continue  # only older readings arrived late: stored, but the state has moved on
        sensor = sensors[sensor_id]
        if sensor.limits:
            alarm = open_alarms.get(sensor_id)
            state = State(
                level=alarm.level if alarm else 0,
                direction=alarm.direction if alarm else "",
                pending_level=pending_level,
                pending_since=pending_since,
            )
            for ts, value in points:
                if last_at is not None and ts <= last_at:
                    continue
                after = step(sensor.limits, value, ts, state)
                if after.level != state.level or alarm is not None:
                    alarm, moved = alarms.follow(
                        alarm,
                        device_of[sensor_id],
                        sensor_id,
                        state,
                        after,
                        value,
                        ts,
                        result.to_respond,
                        result.to_audit,
                    )
                    changed += moved
                state = after
            pending_level, pending_since = state.pending_level, state.pending_since
        updates.append((sensor_id, latest_value, latest_ts, pending_level, pending_since))
    if updates:
        with _binding_cursor() as cursor:
            cursor.execute(
                _qualified(_UPDATE_SENSORS), [list(col) for col in zip(*updates, strict=True)]
            )
    return changed


def record_drops(drops: Drops) -> None:
    """Add a batch's drops to the public counters (one upsert per enterprise and reason)."""
    iot_registry.record_drops(
        [
            (schema, reason, count, *drops.last[(schema, reason)])
            for (schema, reason), count in drops.counts.items()
        ]
    )
