"""Contractors (相关方): companies and their qualifications, projects, crews, workers,
special operation certificates and privacy consents."""

from safeloop.contractors.models.companies import (  # noqa: F401
    CompanyStatus,
    ContractorCompany,
    Crew,
    Project,
    Qualification,
    QualificationKind,
)
from safeloop.contractors.models.crew_signin import CrewSignInCode  # noqa: F401
from safeloop.contractors.models.passes import (  # noqa: F401
    BriefingSignature,
    GateDirection,
    GateEvent,
    InductionRequirement,
    PassStatus,
    SafetyBriefing,
    SitePass,
)
from safeloop.contractors.models.supplier_followup import (  # noqa: F401
    ReminderStage,
    SupplierHazard,
    SupplierOverdueDigest,
    SupplierReminder,
)
from safeloop.contractors.models.suppliers import (  # noqa: F401
    FormItem,
    ItemResult,
    ReportAttachment,
    ReportItem,
    ReportStatus,
    SelfInspectionForm,
    SelfInspectionReport,
    Supplier,
)
from safeloop.contractors.models.workers import (  # noqa: F401
    CertificateKind,
    ContractorWorker,
    PrivacyConsent,
    SpecialCertificate,
    WorkType,
)
