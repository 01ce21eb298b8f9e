"""Who may see the sensors and alarms, acknowledge alarms and register devices."""

from __future__ import annotations

from enum import StrEnum

from safeloop.access import Role, declare


class IotPerm(StrEnum):
    IOT_VIEW = "iot.view"
    IOT_ACKNOWLEDGE = "iot.acknowledge"
    IOT_MANAGE_DEVICES = "iot.manage_devices"


# Everyone who answers an alarm sees the board; the people who run the site
# acknowledge; the safety department registers devices and sets thresholds.
_ANSWER = {IotPerm.IOT_VIEW, IotPerm.IOT_ACKNOWLEDGE}
declare(
    IotPerm,
    {
        Role.ADMIN: {*IotPerm},
        Role.SAFETY_MANAGER: {*IotPerm},
        Role.PRINCIPAL: _ANSWER,
        Role.LEADER_IN_CHARGE: _ANSWER,
        Role.SAFETY_OFFICER: _ANSWER,
        Role.WORKSHOP_DIRECTOR: _ANSWER,
        Role.TEAM_LEADER: _ANSWER,
        Role.MAINTENANCE: {IotPerm.IOT_VIEW},
        Role.OPERATOR: {IotPerm.IOT_VIEW},
    },
)
