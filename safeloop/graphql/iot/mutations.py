"""IoT mutations: acknowledge an alarm (iot.acknowledge), register a device, set a
threshold and set or reset a level of the tiered response (iot.manage_devices). Each is
a thin call into ``iot_bridge/services``, which checks the permission, validates and
writes the audit trail; here we only turn IDs into visible rows (an unknown or hidden ID
is ``not_found``); ``mutation`` puts what they raise in the payload."""

from __future__ import annotations

import strawberry
from strawberry import Info, relay
from strawberry_django.optimizer import optimize

from safeloop.graphql.errors import MutationError, find, mutation
from safeloop.graphql.facilities.enums import Role
from safeloop.graphql.facilities.types import AreaType
from safeloop.graphql.iot.enums import IotDeviceKind, IotDirection
from safeloop.graphql.iot.types import (
    IotAlarmType,
    IotDeviceType,
    IotResponsePlanType,
    IotSensorType,
    IotThresholdType,
)
from safeloop.graphql.nodes import visible
from safeloop.graphql.permissions import current_user
from safeloop.graphql.risks.types import RiskPointType
from safeloop.iot_bridge.models import Direction
from safeloop.iot_bridge.services import alarms, devices, response_plans


def visible_row(node_type: type, info: Info, pk: int | None):
    """The row as the viewer may see it, loaded for the payload's selection."""
    if pk is None:
        return None
    return optimize(visible(node_type, info).filter(pk=pk), info).first()


# --- Acknowledge ---------------------------------------------------------------------------


@strawberry.input
class AcknowledgeIotAlarmInput:
    id: relay.GlobalID = strawberry.field(description="The alarm.")


@strawberry.type(description="The acknowledged alarm, or why not.")
class IotAlarmPayload:
    alarm_pk: strawberry.Private[int | None] = None
    errors: list[MutationError] = strawberry.field(default_factory=list)

    @strawberry.field(description="Null on errors.")
    def alarm(self, info: Info) -> IotAlarmType | None:
        return visible_row(IotAlarmType, info, self.alarm_pk)


# --- Register ------------------------------------------------------------------------------


@strawberry.input(description="A high level of a new sensor.")
class IotHighLimitInput:
    level: int = strawberry.field(description="1, 2 or 3; limits must rise with the level.")
    limit: float = strawberry.field(description="In the sensor's unit, within its range.")
    hold_seconds: int = strawberry.field(
        default=0, description="How long the value must stay above the limit."
    )
    dead_band: float = strawberry.field(
        default=0.0, description="How far below the limit the value must come to drop the level."
    )


@strawberry.input(description="One value the device measures.")
class IotSensorInput:
    metric: str = strawberry.field(
        description="Its key in the device's messages: letters, digits, - and _ (e.g. cl2_ppm)."
    )
    unit: str = strawberry.field(description="e.g. ppm.")
    range_min: float = strawberry.field(description="The lowest valid value.")
    range_max: float = strawberry.field(description="The highest valid value; above rangeMin.")
    label: str = ""
    high: list[IotHighLimitInput] = strawberry.field(
        default_factory=list, description="Its high levels (报警阈值), any of 1–3."
    )


@strawberry.input
class RegisterIotDeviceInput:
    code: str = strawberry.field(
        description="Its name in the MQTT topic: 1–40 lower-case letters, digits, - or _."
    )
    name: str = strawberry.field(description="Name in Chinese.")
    kind: IotDeviceKind
    area: relay.GlobalID = strawberry.field(description="The Area it is installed in.")
    risk_point: relay.GlobalID | None = strawberry.field(
        default=None, description="The RiskPoint it watches; must be in the same area."
    )
    model: str = strawberry.field(default="", description="The maker's model.")
    sensors: list[IotSensorInput] = strawberry.field(default_factory=list)


@strawberry.type(
    name="IotMqttCredentials",
    description="How the device signs in to the broker and where it publishes. The password "
    "is shown this once and not kept: put it in the device now.",
)
class IotMqttCredentials:
    username: str = strawberry.field(description="<enterprise slug>.<device code>.")
    password: str
    topic: str = strawberry.field(
        description='Where it publishes readings: {"ts": ISO 8601 or Unix seconds, '
        '"values": {"<metric>": number}}.'
    )
    status_topic: str = strawberry.field(
        description="Where it publishes online / offline (its last will)."
    )


@strawberry.type(description="The new device with its credentials, or why not.")
class RegisterIotDevicePayload:
    device_pk: strawberry.Private[int | None] = None
    credentials: IotMqttCredentials | None = strawberry.field(
        default=None, description="Shown this once; null on errors."
    )
    errors: list[MutationError] = strawberry.field(default_factory=list)

    @strawberry.field(description="Null on errors.")
    def device(self, info: Info) -> IotDeviceType | None:
        return visible_row(IotDeviceType, info, self.device_pk)


def _sensor_specs(sensors: list[IotSensorInput]) -> list[devices.SensorSpec]:
    """The sensors as the service takes them (it checks them)."""
    return [
        devices.SensorSpec(
            metric=sensor.metric,
            unit=sensor.unit,
            range_min=sensor.range_min,
            range_max=sensor.range_max,
            label=sensor.label,
            high=tuple(
                (limit.level, limit.limit, limit.hold_seconds, limit.dead_band)
                for limit in sensor.high
            ),
        )
        for sensor in sensors
    ]


# --- Thresholds ----------------------------------------------------------------------------


@strawberry.input(description="Set one level of a sensor (added, or changed when it exists).")
class SetIotThresholdInput:
    sensor: relay.GlobalID = strawberry.field(description="The IotSensor.")
    level: int = strawberry.field(description="1, 2 or 3.")
    limit: float = strawberry.field(
        description="Within the sensor's range, beyond the lower levels and short of the higher."
    )
    direction: IotDirection = IotDirection.HIGH
    hold_seconds: int = 0
    dead_band: float = 0.0


@strawberry.type(description="The threshold and its sensor after the change, or why not.")
class SetIotThresholdPayload:
    threshold_pk: strawberry.Private[int | None] = None
    sensor_pk: strawberry.Private[int | None] = None
    errors: list[MutationError] = strawberry.field(default_factory=list)

    @strawberry.field(description="Null on errors.")
    def threshold(self, info: Info) -> IotThresholdType | None:
        return visible_row(IotThresholdType, info, self.threshold_pk)

    @strawberry.field(description="The sensor with all its levels.")
    def sensor(self, info: Info) -> IotSensorType | None:
        return visible_row(IotSensorType, info, self.sensor_pk)


# --- Tiered response ------------------------------------------------------------------------


@strawberry.input(description="One level of the tiered response of one kind of device.")
class SetIotResponsePlanInput:
    kind: IotDeviceKind
    level: int = strawberry.field(description="1, 2 or 3.")
    guidance: str = strawberry.field(
        default="",
        description="What the people told should do, up to 1,000 characters; empty: the "
        "standard text.",
    )
    roles: list[Role] = strawberry.field(
        default_factory=list, description="Everyone holding one of these is told."
    )
    area_people: bool = strawberry.field(
        default=False,
        description="Tell everyone who works in the device's area, its workshop or the areas "
        "below it. With no roles either the level is refused (code nobody).",
    )


@strawberry.input(description="One level of one kind of device, back to the standard plan.")
class ResetIotResponsePlanInput:
    kind: IotDeviceKind
    level: int = strawberry.field(description="1, 2 or 3.")


@strawberry.type(description="The level as alarms now use it, or why not.")
class IotResponsePlanPayload:
    plan: IotResponsePlanType | None = strawberry.field(default=None, description="Null on errors.")
    errors: list[MutationError] = strawberry.field(default_factory=list)


def _plan_payload(kind: str, level: int) -> IotResponsePlanPayload:
    return IotResponsePlanPayload(plan=IotResponsePlanType.of(response_plans.plan_row(kind, level)))


@strawberry.type
class IotMutation:
    @mutation(
        description="Say you have seen an alarm and are on it (needs iot.acknowledge). The "
        "episode goes on until the value clears; an alarm is acknowledged once (code already)."
    )
    def acknowledge_iot_alarm(self, info: Info, input: AcknowledgeIotAlarmInput) -> IotAlarmPayload:
        alarm = find(IotAlarmType, input.id, info, field="id")
        alarm = alarms.acknowledge(alarm, by=current_user(info))
        return IotAlarmPayload(alarm_pk=alarm.pk)

    @mutation(
        description="Register a device with its sensors and high levels (needs "
        "iot.manage_devices); returns its MQTT credentials, shown this once."
    )
    def register_iot_device(
        self, info: Info, input: RegisterIotDeviceInput
    ) -> RegisterIotDevicePayload:
        device, credentials = devices.register_device(
            by=current_user(info),
            code=input.code,
            name=input.name,
            kind=input.kind.value,
            area=find(AreaType, input.area, info, field="area"),
            risk_point=find(RiskPointType, input.risk_point, info, field="risk_point"),
            model=input.model,
            sensors=_sensor_specs(input.sensors),
        )
        return RegisterIotDevicePayload(
            device_pk=device.pk,
            credentials=IotMqttCredentials(
                username=credentials.username,
                password=credentials.password,
                topic=credentials.topic,
                status_topic=credentials.status_topic,
            ),
        )

    @mutation(
        description="Set one level of a sensor (needs iot.manage_devices). The bridge judges "
        "readings by it within 30 seconds."
    )
    def set_iot_threshold(self, info: Info, input: SetIotThresholdInput) -> SetIotThresholdPayload:
        sensor = find(IotSensorType, input.sensor, info, field="sensor")
        threshold = devices.set_threshold(
            by=current_user(info),
            sensor=sensor,
            level=input.level,
            limit=input.limit,
            direction=Direction(input.direction.value),
            hold_seconds=input.hold_seconds,
            dead_band=input.dead_band,
        )
        return SetIotThresholdPayload(threshold_pk=threshold.pk, sensor_pk=sensor.pk)

    @mutation(
        description="Set who is told at one level of an alarm of one kind of device, and what "
        "to do (needs iot.manage_devices). The next alarm of that level follows it."
    )
    def set_iot_response_plan(
        self, info: Info, input: SetIotResponsePlanInput
    ) -> IotResponsePlanPayload:
        plan = response_plans.set_response_plan(
            by=current_user(info),
            kind=input.kind.value,
            level=input.level,
            guidance=input.guidance,
            roles=[role.value for role in input.roles],
            area_people=input.area_people,
        )
        return _plan_payload(plan.kind, plan.level)

    @mutation(
        description="Put one level of one kind of device back to the standard plan (needs "
        "iot.manage_devices)."
    )
    def reset_iot_response_plan(
        self, info: Info, input: ResetIotResponsePlanInput
    ) -> IotResponsePlanPayload:
        response_plans.reset_response_plan(
            by=current_user(info), kind=input.kind.value, level=input.level
        )
        return _plan_payload(input.kind.value, input.level)
