"""GraphQL enums over the contractors' and suppliers' own choices (one definition each)."""

from __future__ import annotations

from enum import Enum

import strawberry

from safeloop.contractors import models

CompanyStatus = strawberry.enum(
    models.CompanyStatus,
    name="ContractorCompanyStatus",
    description="ACTIVE, or BLACKLISTED (黑名单): none of its workers gets a pass.",
)
QualificationKind = strawberry.enum(
    models.QualificationKind,
    name="QualificationKind",
    description="A company's licence: work safety licence (安全生产许可证), qualification "
    "certificate (资质证书), business licence (营业执照) or another.",
)
WorkType = strawberry.enum(models.WorkType, name="WorkType", description="What a worker does.")
CertificateKind = strawberry.enum(
    models.CertificateKind,
    name="CertificateKind",
    description="Special operation categories (特种作业目录) a certificate (特种作业操作证) "
    "covers.",
)
PassStatus = strawberry.enum(
    models.PassStatus,
    name="PassStatus",
    description="ACTIVE: valid. SUSPENDED: a requirement lapsed; it comes back by itself once "
    "the requirement holds again. REVOKED: a manager's decision; only a manager gives it back.",
)
GateDirection = strawberry.enum(
    models.GateDirection, name="GateDirection", description="IN: an entry; OUT: an exit."
)
ReportStatus = strawberry.enum(
    models.ReportStatus,
    name="SupplierReportStatus",
    description="A monthly self-inspection report: DRAFT (not submitted), SUBMITTED (waits "
    "for review), RETURNED (with comments: the supplier corrects and resubmits), ACCEPTED.",
)
ItemResult = strawberry.enum(
    models.ItemResult,
    name="SupplierItemResult",
    description="The supplier's answer to a checklist item.",
)


@strawberry.enum(description="How close an end date is.")
class Expiry(Enum):
    VALID = "valid"
    EXPIRING = strawberry.enum_value("expiring", description="Within 30 days.")
    EXPIRED = "expired"
