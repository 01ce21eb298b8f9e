"""Registering devices and their sensors and thresholds; MQTT credentials.

A device signs in to the broker as ``<enterprise slug>.<device code>`` with a
password shown once. We keep mosquitto's own hash of it ($7$: PBKDF2-SHA512,
the format ``mosquitto_passwd`` writes), from which ``broker_files`` writes the
password file and an ACL that lets each device publish only under its own
enterprise and code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from safeloop.access import ensure_can
from safeloop.iot_bridge.models import Device, Direction, Sensor, Threshold
from safeloop.iot_bridge.permissions import IotPerm
from safeloop.platform import iot_registry
from safeloop.platform.errors import clean_text, field_error
from safeloop.platform.limits import Limit, ensure_within_limit
from safeloop.tenants.audit.services import record_event

PBKDF2_ITERATIONS = 101  # mosquitto_passwd's own default for $7$
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


class DeviceErrorCode:
    INVALID = "invalid"
    DUPLICATE = "duplicate"
    LEVELS = "levels"


METRIC_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def _text(value: str, model: type, name: str, *, field: str, required: bool = False) -> str:
    return clean_text(
        value, field, max_length=model._meta.get_field(name).max_length, required=required
    )


def _checked_sensors(sensors: Iterable[SensorSpec]) -> list[SensorSpec]:
    """Each sensor with its own well-formed metric, a unit and a range the right way up."""
    seen: set[str] = set()
    checked = []
    for spec in sensors:
        if not METRIC_PATTERN.match(spec.metric or "") or spec.metric in seen:
            raise field_error(
                "sensors",
                _("Each sensor needs its own metric: letters, digits, - or _, up to 40."),
                DeviceErrorCode.INVALID,
            )
        if not spec.range_min < spec.range_max:
            raise field_error(
                "sensors",
                _("A sensor's lowest value must be below its highest."),
                DeviceErrorCode.INVALID,
            )
        seen.add(spec.metric)
        checked.append(
            SensorSpec(
                metric=spec.metric,
                unit=_text(spec.unit, Sensor, "unit", field="sensors", required=True),
                range_min=spec.range_min,
                range_max=spec.range_max,
                label=_text(spec.label, Sensor, "label", field="sensors"),
                high=spec.high,
            )
        )
    return checked


def mosquitto_hash(password: str, *, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, PBKDF2_ITERATIONS, 64)
    encode = base64.b64encode
    return f"$7${PBKDF2_ITERATIONS}${encode(salt).decode()}${encode(digest).decode()}"


def check_mosquitto_hash(password: str, stored: str) -> bool:
    try:
        _empty, kind, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    if kind != "7":
        return False
    mine = hashlib.pbkdf2_hmac(
        "sha512", password.encode(), base64.b64decode(salt), int(iterations), 64
    )
    return hmac.compare_digest(mine, base64.b64decode(digest))


def mqtt_username(slug: str, code: str) -> str:
    return f"{slug}.{code}"


def topic_up(slug: str, code: str) -> str:
    return f"safeloop/{slug}/{code}/up"


def topic_status(slug: str, code: str) -> str:
    return f"safeloop/{slug}/{code}/status"


@dataclass(frozen=True)
class SensorSpec:
    metric: str
    unit: str
    range_min: float
    range_max: float
    label: str = ""
    # (level, limit, hold_seconds, dead_band) for high limits
    high: tuple[tuple[int, float, int, float], ...] = ()


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str
    topic: str
    status_topic: str


def count_devices() -> int:
    """The devices a plan's limit counts: those not switched off."""
    return Device.objects.filter(is_active=True).count()


@transaction.atomic
def register_device(
    *,
    by,
    code: str,
    name: str,
    kind: str,
    area,
    risk_point=None,
    model: str = "",
    sensors: Iterable[SensorSpec] = (),
) -> tuple[Device, Credentials]:
    """Add a device with its sensors and thresholds; returns its credentials (shown once)."""
    ensure_can(by, IotPerm.IOT_MANAGE_DEVICES)
    code = (code or "").strip().lower()
    if not CODE_PATTERN.match(code):
        raise field_error(
            "code",
            _(
                "A device code is 1–40 lower-case letters, digits, - or _, starting with a letter "
                "or digit."
            ),
            DeviceErrorCode.INVALID,
        )
    name = _text(name, Device, "name", field="name", required=True)
    model = _text(model, Device, "model", field="model")
    sensors = _checked_sensors(sensors)
    ensure_within_limit(Limit.DEVICES, used=count_devices())
    if Device.objects.filter(code=code).exists():
        raise field_error("code", _("A device with this code exists."), DeviceErrorCode.DUPLICATE)
    if risk_point is not None and risk_point.area_id != area.pk:
        raise field_error(
            "risk_point", _("The risk point is in another area."), DeviceErrorCode.INVALID
        )
    device = Device.objects.create(
        code=code, name=name, kind=kind, area=area, risk_point=risk_point, model=model
    )
    for spec in sensors:
        sensor = Sensor.objects.create(
            device=device,
            metric=spec.metric,
            label=spec.label,
            unit=spec.unit,
            range_min=spec.range_min,
            range_max=spec.range_max,
        )
        for level, limit, hold, dead_band in spec.high:
            set_threshold(
                by=by,
                sensor=sensor,
                level=level,
                limit=limit,
                hold_seconds=hold,
                dead_band=dead_band,
            )
    credentials = reset_credentials(device, by=by)
    record_event(device, "iot.device_registered", by=by, code=code, area=area.code)
    return device, credentials


@transaction.atomic
def reset_credentials(device: Device, *, by) -> Credentials:
    """A new password for the device (the old one stops working at the broker's next reload)."""
    ensure_can(by, IotPerm.IOT_MANAGE_DEVICES)
    password = secrets.token_urlsafe(18)
    device.mqtt_password_hash = mosquitto_hash(password)
    device.save(update_fields=["mqtt_password_hash"])
    record_event(device, "iot.device_credentials_reset", by=by)
    slug = iot_registry.current_slug()
    return Credentials(
        username=mqtt_username(slug, device.code),
        password=password,
        topic=topic_up(slug, device.code),
        status_topic=topic_status(slug, device.code),
    )


@transaction.atomic
def set_threshold(
    *,
    by,
    sensor: Sensor,
    level: int,
    limit: float,
    direction: str = Direction.HIGH,
    hold_seconds: int = 0,
    dead_band: float = 0.0,
) -> Threshold:
    """Set one level of a sensor; the levels must rise with the level (fall, for low)."""
    ensure_can(by, IotPerm.IOT_MANAGE_DEVICES)
    if level not in (1, 2, 3) or direction not in Direction.values:
        raise field_error("level", _("Levels are 1, 2 and 3."), DeviceErrorCode.INVALID)
    if not sensor.range_min <= limit <= sensor.range_max:
        raise field_error(
            "limit", _("The limit is outside the sensor's range."), DeviceErrorCode.INVALID
        )
    if dead_band < 0 or hold_seconds < 0:
        raise field_error(
            "dead_band", _("Dead band and hold time cannot be negative."), DeviceErrorCode.INVALID
        )
    others = Threshold.objects.filter(sensor=sensor, direction=direction).exclude(level=level)
    for other in others:
        lower, higher = (other, None) if other.level < level else (None, other)
        up = direction == Direction.HIGH
        if lower is not None and (limit <= lower.limit if up else limit >= lower.limit):
            raise field_error(
                "limit",
                _("Level %(n)d must be beyond level %(m)d (%(v)g).")
                % {"n": level, "m": other.level, "v": other.limit},
                DeviceErrorCode.LEVELS,
            )
        if higher is not None and (limit >= higher.limit if up else limit <= higher.limit):
            raise field_error(
                "limit",
                _("Level %(n)d must be short of level %(m)d (%(v)g).")
                % {"n": level, "m": other.level, "v": other.limit},
                DeviceErrorCode.LEVELS,
            )
    threshold, _created = Threshold.objects.update_or_create(
        sensor=sensor,
        level=level,
        direction=direction,
        defaults=dict(limit=limit, hold_seconds=hold_seconds, dead_band=dead_band),
    )
    record_event(
        threshold,
        "iot.threshold_set",
        by=by,
        sensor=str(sensor),
        level=level,
        direction=direction,
        limit=limit,
        hold_seconds=hold_seconds,
        dead_band=dead_band,
    )
    return threshold
