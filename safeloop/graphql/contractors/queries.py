"""Contractor and supplier queries: every list a Relay connection, each row limited to
what the viewer may see (``safeloop.contractors.services.scope``), and the muster count
of who is on site now."""

from __future__ import annotations

import strawberry
import strawberry_django
from django.db import connection
from strawberry import Info, relay
from strawberry_django.relay import DjangoListConnection

from safeloop.access import can
from safeloop.contractors import services
from safeloop.contractors.permissions import ContractorPerm
from safeloop.graphql.contractors.filters import (
    ContractorCompanyFilter,
    ContractorProjectFilter,
    ContractorWorkerFilter,
    CrewFilter,
    GateEventFilter,
    SitePassFilter,
    SpecialCertificateFilter,
    SupplierFilter,
    SupplierReportFilter,
)
from safeloop.graphql.contractors.supplier_types import SupplierReportType, SupplierType
from safeloop.graphql.contractors.types import (
    ContractorCompanyType,
    ContractorWorkerType,
    CrewType,
    GateEventType,
    ProjectType,
    SitePassType,
    SpecialCertificateType,
)
from safeloop.graphql.nodes import lookup, type_name
from safeloop.graphql.permissions import current_user

_SCOPE = " Managers and safety staff see every company; a crew lead only their own company."


@strawberry.type(description="How many workers of one company are inside, per gate.")
class OnSiteHeadcount:
    company_id: relay.GlobalID = strawberry.field(description="The ContractorCompany.")
    company_name: str
    gate_name: str = strawberry.field(description="Empty when the entry named no gate.")
    count: int


@strawberry.type
class ContractorsQuery:
    contractor_companies: DjangoListConnection[ContractorCompanyType] = (
        strawberry_django.connection(
            filters=ContractorCompanyFilter,
            description="Contractor companies (承包商), by name." + _SCOPE,
        )
    )
    contractor_projects: DjangoListConnection[ProjectType] = strawberry_django.connection(
        filters=ContractorProjectFilter,
        description="Contractors' projects here, latest start first." + _SCOPE,
    )
    crews: DjangoListConnection[CrewType] = strawberry_django.connection(
        filters=CrewFilter, description="Contractors' crews (班组), by name." + _SCOPE
    )
    contractor_workers: DjangoListConnection[ContractorWorkerType] = strawberry_django.connection(
        filters=ContractorWorkerFilter,
        description="Contractors' workers, by name; ID numbers masked." + _SCOPE,
    )
    special_certificates: DjangoListConnection[SpecialCertificateType] = (
        strawberry_django.connection(
            filters=SpecialCertificateFilter,
            description="Workers' special operation certificates (特种作业操作证), soonest "
            "expiry first." + _SCOPE,
        )
    )
    site_passes: DjangoListConnection[SitePassType] = strawberry_django.connection(
        filters=SitePassFilter,
        description="Site passes (出入证) with their status, reason and validity, by number. "
        "Gate guards see them too." + _SCOPE,
    )
    gate_events: DjangoListConnection[GateEventType] = strawberry_django.connection(
        filters=GateEventFilter,
        description="The gate log, newest first. Gate guards see it too." + _SCOPE,
    )
    suppliers: DjangoListConnection[SupplierType] = strawberry_django.connection(
        filters=SupplierFilter,
        description="Suppliers (供应商), by name: all for the enterprise's contractor staff; a "
        "supplier's own account sees only itself.",
    )
    supplier_reports: DjangoListConnection[SupplierReportType] = strawberry_django.connection(
        filters=SupplierReportFilter,
        description="Monthly self-inspection reports (安全自查报告), newest month first: all "
        "for the enterprise's contractor staff; a supplier sees only its own.",
    )

    @strawberry.field(description="One worker; null when it does not exist here or is hidden.")
    def contractor_worker(self, info: Info, id: relay.GlobalID) -> ContractorWorkerType | None:
        return lookup(ContractorWorkerType, id, info)

    @strawberry.field(description="One report; null when it does not exist here or is hidden.")
    def supplier_report(self, info: Info, id: relay.GlobalID) -> SupplierReportType | None:
        return lookup(SupplierReportType, id, info)

    @strawberry.field(
        description="Who is on site now (在场人数), per company and gate, for an emergency "
        "muster. Needs contractors.gate_check; empty otherwise."
    )
    def on_site_now(self, info: Info) -> list[OnSiteHeadcount]:
        user = current_user(info)
        if not can(user, ContractorPerm.GATE_CHECK):
            return []
        company = type_name(ContractorCompanyType)
        return [
            OnSiteHeadcount(
                company_id=relay.GlobalID(company, f"{connection.schema_name}.{row.company_id}"),
                company_name=row.company,
                gate_name=row.gate,
                count=row.count,
            )
            for row in services.on_site(by=user)
        ]
