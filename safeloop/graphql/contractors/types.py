"""Contractor (相关方) types: companies with their licences, projects, crews, workers,
special operation certificates, site passes and the gate log.

Which rows a viewer sees is decided in one place, ``safeloop.contractors.services.scope``;
each type's ``get_queryset`` applies it, so lists, lookups, nested relations and
mutation inputs agree. A crew lead sees only their own company. A worker's ID number
is only ever given masked (110***********1234): the full number is personal
information under PIPL and is read, audited, on the worker's page, never through the
API, whatever the caller may do.
"""

from __future__ import annotations

import strawberry_django
from django.db.models import QuerySet
from strawberry import Info, auto

from safeloop.contractors import models
from safeloop.contractors.services import scope
from safeloop.contractors.services.companies import expiry_status
from safeloop.graphql.contractors.enums import (
    CertificateKind,
    CompanyStatus,
    Expiry,
    GateDirection,
    PassStatus,
    QualificationKind,
    WorkType,
)
from safeloop.graphql.facilities.types import AreaType, PersonType
from safeloop.graphql.nodes import TenantNode
from safeloop.graphql.permissions import current_user

_EXPIRY = "VALID, EXPIRING (within 30 days) or EXPIRED, as of today."


def _expiry(valid_until) -> Expiry:
    return Expiry(expiry_status(valid_until))


@strawberry_django.type(
    models.Qualification,
    name="Qualification",
    description="A company's licence or qualification certificate and its expiry.",
)
class QualificationType(TenantNode):
    kind: QualificationKind
    number: auto
    valid_until: auto = strawberry_django.field(description="Null: it does not expire.")

    @strawberry_django.field(only=["valid_until"], description=_EXPIRY)
    def expiry(self, root: models.Qualification) -> Expiry:
        return _expiry(root.valid_until)

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return scope.qualifications(current_user(info), queryset)


@strawberry_django.type(
    models.ContractorCompany,
    name="ContractorCompany",
    description="A contractor company (承包商 / 相关方单位) whose crews work on the site.",
)
class ContractorCompanyType(TenantNode):
    name: auto
    credit_code: auto = strawberry_django.field(
        description="Unified social credit code (统一社会信用代码), 18 characters."
    )
    contact_name: auto
    phone: auto
    status: CompanyStatus
    blacklist_reason: auto = strawberry_django.field(description="Why it was blacklisted.")
    created_at: auto
    qualifications: list[QualificationType] = strawberry_django.field(
        description="Licences and qualification certificates, soonest expiry first."
    )
    projects: list[ProjectType] = strawberry_django.field(description="Its work here.")
    crews: list[CrewType]
    workers: list[ContractorWorkerType]

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return scope.companies(current_user(info), queryset)


@strawberry_django.type(
    models.Project,
    name="ContractorProject",
    description="The work a company does on the site (工程项目 / 作业任务).",
)
class ProjectType(TenantNode):
    name: auto
    starts_on: auto
    ends_on: auto
    active: auto
    created_at: auto
    company: ContractorCompanyType
    areas: list[AreaType] = strawberry_django.field(
        description="Where the work is; empty for a caller who may not see the site's areas."
    )
    responsible: PersonType | None = strawberry_django.field(
        description="The enterprise's person answering for it; null for a caller who may not "
        "see the enterprise's people (crew leads, suppliers)."
    )
    crews: list[CrewType]

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return scope.projects(current_user(info), queryset)


@strawberry_django.type(models.Crew, name="Crew", description="A crew (班组) of a company.")
class CrewType(TenantNode):
    name: auto
    created_at: auto
    company: ContractorCompanyType
    project: ProjectType | None
    lead: ContractorWorkerType | None = strawberry_django.field(description="The crew lead.")
    workers: list[ContractorWorkerType]

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return scope.crews(current_user(info), queryset)


@strawberry_django.type(
    models.ContractorWorker,
    name="ContractorWorker",
    description="A worker of a contractor company. The ID number is only given masked.",
)
class ContractorWorkerType(TenantNode):
    name: auto
    phone: auto
    id_number_masked: auto = strawberry_django.field(
        description="The resident ID number, masked: region and last four digits "
        "(110***********1234). The API never gives the full number."
    )
    work_types: list[WorkType]
    company: ContractorCompanyType
    crew: CrewType | None
    blacklisted_at: auto = strawberry_django.field(
        description="When it was put on the blacklist (黑名单); null if it is not."
    )
    blacklist_reason: auto
    created_at: auto
    certificates: list[SpecialCertificateType] = strawberry_django.field(
        description="Special operation certificates, soonest expiry first."
    )
    site_pass: SitePassType | None = strawberry_django.field(
        description="The site pass (出入证); null until one is issued."
    )

    @strawberry_django.field(only=["blacklisted_at"])
    def is_blacklisted(self, root: models.ContractorWorker) -> bool:
        return root.blacklisted_at is not None

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return scope.workers(current_user(info), queryset)


@strawberry_django.type(
    models.SpecialCertificate,
    name="SpecialCertificate",
    description="A special operation certificate (特种作业操作证) of a worker.",
)
class SpecialCertificateType(TenantNode):
    kind: CertificateKind
    issuer: auto
    valid_until: auto
    created_at: auto
    worker: ContractorWorkerType

    @strawberry_django.field(
        only=["number"],
        description="The certificate's number; the holder's ID number inside it (T + ID "
        "number is the usual form) is masked, as everywhere in the API.",
    )
    def number(self, root: models.SpecialCertificate) -> str:
        return root.number_shown

    @strawberry_django.field(only=["valid_until"], description=_EXPIRY)
    def expiry(self, root: models.SpecialCertificate) -> Expiry:
        return _expiry(root.valid_until)

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return scope.certificates(current_user(info), queryset)


@strawberry_django.type(
    models.SitePass,
    name="SitePass",
    description="A worker's site pass (出入证). It holds while every induction requirement "
    "holds and ends at the earliest expiry among them.",
)
class SitePassType(TenantNode):
    number: auto
    status: PassStatus
    reason: auto = strawberry_django.field(
        description="Why it is suspended or revoked, as the gate shows it; empty when valid."
    )
    reason_code: auto = strawberry_django.field(
        description="The reason as a code: revoked, certificate_expired, course_not_passed, "
        "briefing_unsigned, worker_blacklisted, company_blacklisted, qualification_expired, "
        "no_project, certificate_missing, course_expired."
    )
    valid_until: auto = strawberry_django.field(
        description="Not valid after this day; null when nothing it needs expires."
    )
    issued_at: auto
    inside_since: auto = strawberry_django.field(
        description="On site since this allowed entry; null when not on site."
    )
    worker: ContractorWorkerType
    zones: list[AreaType] = strawberry_django.field(
        description="Where it admits; empty for a caller who may not see the site's areas."
    )

    @strawberry_django.field(only=["inside_since"], description="On site now.")
    def is_on_site(self, root: models.SitePass) -> bool:
        return root.inside_since is not None

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return scope.passes(current_user(info), queryset)


@strawberry_django.type(
    models.GateEvent,
    name="GateEvent",
    description="One check at the gate (门岗核验): which way, green or red and why.",
)
class GateEventType(TenantNode):
    direction: GateDirection
    allowed: auto = strawberry_django.field(description="Green (let through) or red.")
    reason: auto = strawberry_django.field(description="Why it was red; empty when green.")
    at: auto
    worker: ContractorWorkerType | None = strawberry_django.field(
        description="Null when the scanned pass was unknown."
    )
    company: ContractorCompanyType | None
    gate: AreaType | None = strawberry_django.field(
        description="Null when not recorded or for a caller who may not see the site's areas."
    )

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return scope.gate_events(current_user(info), queryset)
