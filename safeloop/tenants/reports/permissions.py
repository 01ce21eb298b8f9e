"""What may be done with the enterprise's figures beyond its own walls, and who may."""

from __future__ import annotations

from enum import StrEnum

from safeloop.access import Role, declare


class ReportPerm(StrEnum):
    # Join a group HQ or register with a district authority by its invitation code
    # (consent to share the daily KPI aggregates and monthly reports), and leave it.
    REPORTS_SHARE = "reports.share"
    # Take every ledger, report and stored file out in one ZIP (导出全部数据): the
    # enterprise's own data, which it keeps even after its subscription lapsed.
    REPORTS_EXPORT_ALL = "reports.export_all"


declare(
    ReportPerm,
    {
        Role.ADMIN: {ReportPerm.REPORTS_SHARE, ReportPerm.REPORTS_EXPORT_ALL},
        Role.PRINCIPAL: {ReportPerm.REPORTS_SHARE},
    },
)
