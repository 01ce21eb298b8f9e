"""What may be done with notifications and chat robots, and which roles may."""

from __future__ import annotations

from enum import StrEnum

from safeloop.access import Role, declare


class AlertPerm(StrEnum):
    MANAGE_ROBOTS = "alerts.manage_robots"


# The people who set up the hazard loop also choose where its messages go.
declare(AlertPerm, {Role.ADMIN: {*AlertPerm}, Role.SAFETY_MANAGER: {*AlertPerm}})
