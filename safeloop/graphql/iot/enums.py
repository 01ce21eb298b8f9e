"""GraphQL enums over the IoT app's own choices (one definition each)."""

from __future__ import annotations

from enum import Enum

import strawberry

from safeloop.iot_bridge import models

IotDeviceKind = strawberry.enum(
    models.DeviceKind,
    name="IotDeviceKind",
    description="What a device measures: GAS detector (气体检测仪), PRESSURE or TEMPERATURE "
    "transmitter, or OTHER.",
)
IotDirection = strawberry.enum(
    models.Direction,
    name="IotDirection",
    description="HIGH: a breach is a value above the limit; LOW: below it.",
)
IotAlarmKind = strawberry.enum(
    models.AlarmKind,
    name="IotAlarmKind",
    description="THRESHOLD: a sensor's value beyond a limit; OFFLINE: the device's last will "
    "(nobody is watching the point).",
)
IotAlarmState = strawberry.enum(
    models.AlarmState,
    name="IotAlarmState",
    description="RAISED, then ACKNOWLEDGED when someone is on it, CLEARED when the value is "
    "back (an alarm may clear without being acknowledged).",
)


@strawberry.enum(
    name="IotDeviceStatus",
    description="ONLINE: heard from in the last 5 minutes; SILENT: online by its own word but "
    "quiet for longer; OFFLINE: its last will came; NEVER: no reading yet.",
)
class IotDeviceStatus(Enum):
    ONLINE = "online"
    SILENT = "silent"
    OFFLINE = "offline"
    NEVER = "never"


@strawberry.enum(
    name="IotReadingRange",
    description="How far back a curve goes, and its bucket: HOUR in 30-second buckets, DAY in "
    "5-minute ones, WEEK in 30-minute ones.",
)
class IotReadingRange(Enum):
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
