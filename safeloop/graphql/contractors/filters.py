"""Filters for the contractor and supplier lists. IDs from another enterprise match nothing."""

from __future__ import annotations

from datetime import date

import strawberry_django
from django.db.models import Q
from strawberry import relay

from safeloop.contractors import models
from safeloop.graphql.contractors.enums import (
    CertificateKind,
    CompanyStatus,
    GateDirection,
    PassStatus,
    ReportStatus,
    WorkType,
)
from safeloop.graphql.contractors.supplier_types import SupplierType
from safeloop.graphql.contractors.types import ContractorCompanyType, CrewType
from safeloop.graphql.filters import matching_id, matching_words


def _company(prefix: str, path: str, value: relay.GlobalID) -> Q:
    return matching_id(f"{prefix}{path}", value, ContractorCompanyType)


@strawberry_django.filter_type(models.ContractorCompany, description="All conditions must hold.")
class ContractorCompanyFilter:
    status: CompanyStatus | None = strawberry_django.filter_field()

    @strawberry_django.filter_field(description="Text found in the name or the credit code.")
    def search(self, value: str, prefix: str) -> Q:
        return matching_words(prefix, value, "name", "credit_code")


@strawberry_django.filter_type(models.Project, description="All conditions must hold.")
class ContractorProjectFilter:
    active: bool | None = strawberry_django.filter_field()

    @strawberry_django.filter_field(description="Only this company's projects.")
    def company(self, value: relay.GlobalID, prefix: str) -> Q:
        return _company(prefix, "company_id", value)


@strawberry_django.filter_type(models.Crew, description="All conditions must hold.")
class CrewFilter:
    @strawberry_django.filter_field(description="Only this company's crews.")
    def company(self, value: relay.GlobalID, prefix: str) -> Q:
        return _company(prefix, "company_id", value)


@strawberry_django.filter_type(models.ContractorWorker, description="All conditions must hold.")
class ContractorWorkerFilter:
    @strawberry_django.filter_field(description="Only this company's workers.")
    def company(self, value: relay.GlobalID, prefix: str) -> Q:
        return _company(prefix, "company_id", value)

    @strawberry_django.filter_field(description="Only this crew's workers.")
    def crew(self, value: relay.GlobalID, prefix: str) -> Q:
        return matching_id(f"{prefix}crew_id", value, CrewType)

    @strawberry_django.filter_field(description="Only workers doing this kind of work.")
    def work_type(self, value: WorkType, prefix: str) -> Q:
        return Q(**{f"{prefix}work_types__contains": [value.value]})

    @strawberry_django.filter_field(description="true: only blacklisted; false: only the others.")
    def blacklisted(self, value: bool, prefix: str) -> Q:
        return Q(**{f"{prefix}blacklisted_at__isnull": not value})

    @strawberry_django.filter_field(description="Text found in the name or the phone number.")
    def search(self, value: str, prefix: str) -> Q:
        return matching_words(prefix, value, "name", "phone")


@strawberry_django.filter_type(models.SpecialCertificate, description="All conditions must hold.")
class SpecialCertificateFilter:
    kind: CertificateKind | None = strawberry_django.filter_field()

    @strawberry_django.filter_field(
        description="Only those that run out on or before this day (expired ones included)."
    )
    def valid_until_by(self, value: date, prefix: str) -> Q:
        return Q(**{f"{prefix}valid_until__lte": value})

    @strawberry_django.filter_field(description="Only this company's workers' certificates.")
    def company(self, value: relay.GlobalID, prefix: str) -> Q:
        return _company(prefix, "worker__company_id", value)


@strawberry_django.filter_type(models.SitePass, description="All conditions must hold.")
class SitePassFilter:
    status: PassStatus | None = strawberry_django.filter_field()

    @strawberry_django.filter_field(description="Only this company's workers' passes.")
    def company(self, value: relay.GlobalID, prefix: str) -> Q:
        return _company(prefix, "worker__company_id", value)

    @strawberry_django.filter_field(description="true: only those on site now.")
    def on_site(self, value: bool, prefix: str) -> Q:
        return Q(**{f"{prefix}inside_since__isnull": not value})


@strawberry_django.filter_type(models.GateEvent, description="All conditions must hold.")
class GateEventFilter:
    direction: GateDirection | None = strawberry_django.filter_field()
    allowed: bool | None = strawberry_django.filter_field(description="false: only the red ones.")

    @strawberry_django.filter_field(description="Only this company's workers.")
    def company(self, value: relay.GlobalID, prefix: str) -> Q:
        return _company(prefix, "company_id", value)


@strawberry_django.filter_type(models.Supplier, description="All conditions must hold.")
class SupplierFilter:
    active: bool | None = strawberry_django.filter_field()

    @strawberry_django.filter_field(description="Text found in the name or the credit code.")
    def search(self, value: str, prefix: str) -> Q:
        return matching_words(prefix, value, "name", "credit_code")


@strawberry_django.filter_type(models.SelfInspectionReport, description="All conditions must hold.")
class SupplierReportFilter:
    status: ReportStatus | None = strawberry_django.filter_field()

    @strawberry_django.filter_field(description="Only this supplier's reports.")
    def supplier(self, value: relay.GlobalID, prefix: str) -> Q:
        return matching_id(f"{prefix}supplier_id", value, SupplierType)
