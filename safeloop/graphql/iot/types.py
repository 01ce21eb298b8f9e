"""IoT (物联网) types: gas detectors and transmitters with their sensors and three-level
thresholds, the alarm episodes they raise, and their curves in time buckets.

Everything here needs ``iot.view`` (everyone who answers an alarm holds it). The
area, risk point and hazard a device or an alarm links to keep their own rules: a
hazard you may not see is null.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import Info, auto

from safeloop import access
from safeloop.graphql.facilities.enums import Role
from safeloop.graphql.facilities.types import AreaType
from safeloop.graphql.hazards.types import HazardType
from safeloop.graphql.iot.enums import (
    IotAlarmKind,
    IotAlarmState,
    IotDeviceKind,
    IotDeviceStatus,
    IotDirection,
)
from safeloop.graphql.nodes import TenantNode
from safeloop.graphql.permissions import visible_if
from safeloop.graphql.risks.types import RiskPointType
from safeloop.iot_bridge import models, selectors
from safeloop.iot_bridge.permissions import IotPerm
from safeloop.iot_bridge.services.response_plans import PlanRow

_DISPLAY = "In the request's language: English when asked for and present, else Chinese."
_USER_NAME = [
    "acknowledged_by_id",
    "acknowledged_by__first_name",
    "acknowledged_by__last_name",
    "acknowledged_by__email",
]


class IotNode(TenantNode):
    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return visible_if(queryset, info, IotPerm.IOT_VIEW)


@strawberry_django.type(
    models.Threshold,
    name="IotThreshold",
    description="One of a sensor's three levels (报警阈值), high or low: raised when the value "
    "stays beyond the limit for holdSeconds, held until it is back past the limit by deadBand "
    "(so a value hovering at the limit raises one alarm, not a storm).",
)
class IotThresholdType(IotNode):
    level: int = strawberry_django.field(description="1, 2 or 3; each level tells more people.")
    direction: IotDirection
    limit: auto = strawberry_django.field(description="In the sensor's unit.")
    hold_seconds: auto = strawberry_django.field(
        description="How long the value must stay beyond the limit before the level is raised."
    )
    dead_band: auto = strawberry_django.field(
        description="How far back past the limit the value must come for the level to drop."
    )


@strawberry_django.type(
    models.Sensor,
    name="IotSensor",
    description="One value a device measures, such as cl2_ppm, with its valid range and levels.",
)
class IotSensorType(IotNode):
    metric: auto = strawberry_django.field(
        description='Its key in the device\'s messages: {"values": {"<metric>": number}}.'
    )
    label: auto = strawberry_django.field(
        description="What people call it, e.g. Cl2; may be empty."
    )
    unit: auto = strawberry_django.field(description="e.g. ppm, %LEL, MPa, °C.")
    range_min: auto = strawberry_django.field(
        description="The lowest valid value; readings outside the range are dropped."
    )
    range_max: auto = strawberry_django.field(description="The highest valid value.")
    last_value: auto = strawberry_django.field(description="The latest reading; null before one.")
    last_at: auto = strawberry_django.field(
        description="When the latest reading was taken (the device's clock)."
    )
    thresholds: list[IotThresholdType] = strawberry_django.field(
        description="Its levels, high ones first, each by level."
    )


@strawberry_django.type(
    models.Device,
    name="IotDevice",
    description="A device that sends readings over MQTT (物联网设备): a gas detector or a "
    "transmitter at an area, perhaps at one of its risk points.",
)
class IotDeviceType(IotNode):
    code: auto = strawberry_django.field(
        description="Its name in the MQTT topic: safeloop/<enterprise>/<code>/up."
    )
    name: auto = strawberry_django.field(description="Name in Chinese.")
    name_en: auto = strawberry_django.field(description="Name in English; may be empty.")
    display_name: str = strawberry_django.field(only=["name", "name_en"], description=_DISPLAY)
    kind: IotDeviceKind
    model: auto = strawberry_django.field(description="The maker's model; may be empty.")
    area: AreaType = strawberry_django.field(description="Where it is installed.")
    risk_point: RiskPointType | None = strawberry_django.field(
        description="The risk point (风险点) it watches, if any."
    )
    is_active: auto = strawberry_django.field(
        description="False: switched off; its messages are dropped."
    )
    online: auto = strawberry_django.field(
        description="Its own last word: true after a reading or 'online', false after its last "
        "will. See status for whether it has gone quiet."
    )
    last_seen_at: auto = strawberry_django.field(
        description="When a message of it last arrived (the hub's clock); null before one."
    )
    created_at: auto
    sensors: list[IotSensorType] = strawberry_django.field(
        description="What it measures, by metric."
    )

    @strawberry_django.field(
        only=["online", "last_seen_at"],
        description="Whether anybody is watching the point through it right now.",
    )
    def status(self, root: models.Device) -> IotDeviceStatus:
        return IotDeviceStatus(selectors.status_of(root))


@strawberry_django.type(
    models.Alarm,
    name="IotAlarm",
    description="One alarm episode (报警): raised, its level going up and down, acknowledged by "
    "someone, cleared when the value is back. A level 2 episode opens a hazard.",
)
class IotAlarmType(IotNode):
    device: IotDeviceType
    sensor: IotSensorType | None = strawberry_django.field(
        description="The sensor beyond its limit; null for OFFLINE alarms."
    )
    kind: IotAlarmKind
    level: auto = strawberry_django.field(
        description="The level now, 1–3 (a cleared episode keeps its last one)."
    )
    peak_level: auto = strawberry_django.field(description="The highest level of the episode.")
    state: IotAlarmState
    raised_at: auto = strawberry_django.field(
        description="When the breaching reading was taken (the device's clock)."
    )
    created_at: auto = strawberry_django.field(description="When the hub raised it.")
    acknowledged_at: auto
    cleared_at: auto = strawberry_django.field(description="Null while the episode is open.")
    last_value: auto = strawberry_django.field(description="The latest reading of the episode.")
    peak_value: auto = strawberry_django.field(
        description="The worst reading: highest for HIGH alarms, lowest for LOW ones."
    )
    history: auto = strawberry_django.field(
        description='Each level change, oldest first: [{"at": ISO 8601, "level": 0–3, '
        '"value": number or null}]; level 0 is the clearing.'
    )
    hazard: HazardType | None = strawberry_django.field(
        description="The hazard (隐患) the episode opened at level 2; null when none was opened "
        "or you may not see it."
    )

    @strawberry_django.field(
        only=["direction"], description="HIGH or LOW for THRESHOLD alarms; null for OFFLINE ones."
    )
    def direction(self, root: models.Alarm) -> IotDirection | None:
        return models.Direction(root.direction) if root.direction else None

    @strawberry_django.field(
        only=_USER_NAME,
        select_related=["acknowledged_by"],
        description="The name of who acknowledged it; null until someone has.",
    )
    def acknowledged_by(self, root: models.Alarm) -> str | None:
        user = root.acknowledged_by
        if user is None:
            return None
        return user.get_full_name() or user.email

    @strawberry_django.field(only=["cleared_at"], description="Not yet cleared.")
    def is_open(self, root: models.Alarm) -> bool:
        return root.is_open

    @strawberry_django.field(
        only=["level"], description="The level's colour on the board and the map (#rrggbb)."
    )
    def colour(self, root: models.Alarm) -> str | None:
        return selectors.LEVEL_COLOURS.get(root.level)


@strawberry.type(
    name="IotReadingBucket",
    description="A sensor's readings in one time bucket, aggregated by the database.",
)
class IotReadingBucket:
    start: datetime = strawberry.field(description="Where the bucket begins.")
    min: float
    mean: float = strawberry.field(description="Rounded to 4 decimals.")
    max: float


@strawberry.type(
    name="IotResponsePlan",
    description="What happens at one level of an alarm of one kind of device (分级响应): "
    "level 1 puts the guidance in the inbox of the people told; level 2 tells the emergency "
    "group on their channels and the robots taking iot.alarm_level2; level 3 the leaders and "
    "the robots and webhooks taking iot.alarm_level3.",
)
class IotResponsePlanType:
    kind: IotDeviceKind
    level: int = strawberry.field(description="1, 2 or 3.")
    guidance: str = strawberry.field(
        description="What the people told should do (处置指引), as the notice's body; the "
        "standard text in the request's language unless the enterprise wrote its own."
    )
    roles: list[Role] = strawberry.field(description="Everyone holding one of these is told.")
    area_people: bool = strawberry.field(
        description="Everyone who works in the device's area, its workshop or the areas below "
        "it is told too."
    )
    is_default: bool = strawberry.field(
        description="True: nobody has set this level; the standard plan applies."
    )

    @classmethod
    def of(cls, row: PlanRow) -> IotResponsePlanType:
        return cls(
            kind=IotDeviceKind(row.kind),
            level=row.level,
            guidance=row.guidance,
            roles=[access.Role(r) for r in row.roles if r in access.Role._value2member_map_],
            area_people=row.area_people,
            is_default=row.is_default,
        )
