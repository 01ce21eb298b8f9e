"""Filters for the alarm list. IDs from another enterprise match nothing."""

from __future__ import annotations

from datetime import datetime

import strawberry_django
from django.db.models import Q
from strawberry import relay

from safeloop.graphql.filters import matching_id
from safeloop.graphql.iot.enums import IotAlarmKind
from safeloop.graphql.iot.types import IotDeviceType
from safeloop.iot_bridge import models


@strawberry_django.filter_type(
    models.Alarm, description="Narrow the alarms; all conditions given must hold."
)
class IotAlarmFilter:
    kind: IotAlarmKind | None = strawberry_django.filter_field()

    @strawberry_django.filter_field(
        description="true: only open episodes (not yet cleared); false: only cleared ones."
    )
    def is_open(self, value: bool, prefix: str) -> Q:
        return Q(**{f"{prefix}cleared_at__isnull": value})

    @strawberry_django.filter_field(description="Only the alarms of this device.")
    def device(self, value: relay.GlobalID, prefix: str) -> Q:
        return matching_id(f"{prefix}device_id", value, IotDeviceType)

    @strawberry_django.filter_field(description="Only alarms raised at or after this moment.")
    def since(self, value: datetime, prefix: str) -> Q:
        return Q(**{f"{prefix}raised_at__gte": value})
