"""What may be done with the enterprise's figures beyond its own walls, and who may."""

from __future__ import annotations

from enum import StrEnum

from safeloop.access import Role, declare


class ReportPerm(StrEnum):
    # Join a group HQ or register with a district authority by its invitation code
    # (consent to share the daily KPI aggregates and monthly reports), and leave it.
    REPORTS_SHARE = "reports.share"


declare(
    ReportPerm, {Role.ADMIN: {ReportPerm.REPORTS_SHARE}, Role.PRINCIPAL: {ReportPerm.REPORTS_SHARE}}
)
