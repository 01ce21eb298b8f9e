"""IoT queries: the devices and the alarms as Relay connections, one of each by ID, and
a sensor's curve in time buckets, and the tiered response of each kind of device. All need
iot.view."""

from __future__ import annotations

from datetime import datetime

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import Info, relay
from strawberry_django.relay import DjangoListConnection

from safeloop.access import can
from safeloop.graphql.iot.enums import IotReadingRange
from safeloop.graphql.iot.filters import IotAlarmFilter
from safeloop.graphql.iot.types import (
    IotAlarmType,
    IotDeviceType,
    IotReadingBucket,
    IotResponsePlanType,
    IotSensorType,
)
from safeloop.graphql.nodes import lookup
from safeloop.graphql.permissions import current_user
from safeloop.iot_bridge import selectors
from safeloop.iot_bridge.models import Alarm, Device
from safeloop.iot_bridge.permissions import IotPerm
from safeloop.iot_bridge.services.response_plans import plans_by_kind


@strawberry.type
class IotQuery:
    @strawberry_django.connection(
        DjangoListConnection[IotDeviceType],
        description="The enterprise's sensor devices by code, switched-off ones included. "
        "Needs iot.view.",
    )
    def iot_devices(self) -> QuerySet[Device]:
        return Device.objects.order_by("code")

    @strawberry_django.connection(
        DjangoListConnection[IotAlarmType],
        filters=IotAlarmFilter,
        description="Alarm episodes, the latest raised first; isOpen: true gives the board. "
        "Needs iot.view.",
    )
    def iot_alarms(self) -> QuerySet[Alarm]:
        return Alarm.objects.order_by("-raised_at", "-pk")

    @strawberry.field(
        description="One device; null when it does not exist here or you may not see sensors."
    )
    def iot_device(self, info: Info, id: relay.GlobalID) -> IotDeviceType | None:
        return lookup(IotDeviceType, id, info)

    @strawberry.field(
        description="One alarm episode; null when it does not exist here or you may not see alarms."
    )
    def iot_alarm(self, info: Info, id: relay.GlobalID) -> IotAlarmType | None:
        return lookup(IotAlarmType, id, info)

    @strawberry.field(
        description="A sensor's curve up to now: min, mean and max per time bucket, oldest "
        "first; buckets without readings are left out. Null when the sensor does not exist "
        "here or you may not see sensors."
    )
    def iot_readings(
        self, info: Info, sensor_id: relay.GlobalID, range: IotReadingRange = IotReadingRange.HOUR
    ) -> list[IotReadingBucket] | None:
        sensor = lookup(IotSensorType, sensor_id, info, optimized=False)
        if sensor is None:
            return None
        series = selectors.series(sensor, range.value)
        return [
            IotReadingBucket(start=datetime.fromisoformat(start), min=low, mean=mean, max=high)
            for start, low, mean, high in series.points
        ]

    @strawberry.field(
        description="The tiered response (分级响应): every kind of device with its levels 1–3, "
        "the ones nobody has set with the standard plan (isDefault). Empty without iot.view."
    )
    def iot_response_plans(self, info: Info) -> list[IotResponsePlanType]:
        if not can(current_user(info), IotPerm.IOT_VIEW):
            return []
        return [IotResponsePlanType.of(row) for rows in plans_by_kind().values() for row in rows]
