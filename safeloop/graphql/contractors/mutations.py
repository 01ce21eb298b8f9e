"""Contractor and supplier mutations: thin calls into ``safeloop/contractors/services``,
which check the permission, validate and write the audit trail (the gate check writes
the gate log). Here IDs become rows the viewer may see (an unknown or hidden ID is
``not_found``); ``mutation`` puts what the services raise in the payload."""

from __future__ import annotations

import strawberry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from strawberry import Info

from safeloop.contractors import services
from safeloop.contractors.services import scope
from safeloop.graphql.contractors.inputs import (
    BlacklistWorkerInput,
    ContractorWorkerIdInput,
    ContractorWorkerPayload,
    GateCheckInput,
    GateCheckPayload,
    ReviewSupplierReportInput,
    RevokeSitePassInput,
    SitePassIdInput,
    SitePassPayload,
    SubmitSupplierReportInput,
    SupplierReportPayload,
)
from safeloop.graphql.contractors.supplier_types import SupplierReportType
from safeloop.graphql.contractors.types import ContractorWorkerType, SitePassType
from safeloop.graphql.errors import NOT_FOUND, find, mutation
from safeloop.graphql.facilities.types import AreaType
from safeloop.graphql.nodes import node_pk
from safeloop.graphql.permissions import current_user
from safeloop.platform.errors import field_error


def _gate(info: Info, gate_id) -> object | None:
    """A site with a gate QR; guards may not look areas up, so not through AreaType."""
    if gate_id is None:
        return None
    pk = node_pk(gate_id, AreaType)
    gate = services.gate_sites().filter(pk=pk).first() if pk is not None else None
    if gate is None:
        raise field_error("gate", _("Nothing with this ID exists here."), NOT_FOUND)
    return gate


@strawberry.type
class ContractorsMutation:
    @mutation(
        description="Revoke a site pass (收回出入证) with a reason: it stays revoked, whatever "
        "else changes, until a manager reinstates it. Needs contractors.manage."
    )
    def revoke_site_pass(self, info: Info, input: RevokeSitePassInput) -> SitePassPayload:
        site_pass = find(SitePassType, input.id, info, field="id")
        site_pass = services.revoke_pass(site_pass, by=current_user(info), reason=input.reason)
        return SitePassPayload(site_pass_pk=site_pass.pk)

    @mutation(
        description="Undo a revocation: the pass is judged again and is valid only if every "
        "requirement holds. Needs contractors.manage."
    )
    def reinstate_site_pass(self, info: Info, input: SitePassIdInput) -> SitePassPayload:
        site_pass = find(SitePassType, input.id, info, field="id")
        services.reinstate_pass(site_pass, by=current_user(info))
        return SitePassPayload(site_pass_pk=site_pass.pk)

    @mutation(
        description="Put a worker on the blacklist (人员黑名单): their pass is suspended at "
        "once. Needs contractors.manage."
    )
    def blacklist_contractor_worker(
        self, info: Info, input: BlacklistWorkerInput
    ) -> ContractorWorkerPayload:
        worker = find(ContractorWorkerType, input.id, info, field="id")
        services.blacklist_worker(worker, by=current_user(info), reason=input.reason)
        return ContractorWorkerPayload(worker_pk=worker.pk)

    @mutation(
        description="Take a worker off the blacklist; the pass follows the requirements "
        "again. Needs contractors.manage."
    )
    def unblacklist_contractor_worker(
        self, info: Info, input: ContractorWorkerIdInput
    ) -> ContractorWorkerPayload:
        worker = find(ContractorWorkerType, input.id, info, field="id")
        services.unblacklist_worker(worker, by=current_user(info))
        return ContractorWorkerPayload(worker_pk=worker.pk)

    @mutation(
        description="Check a site pass at the gate (门岗核验): green or red with the reasons, "
        "judged afresh and logged; an allowed entry counts the worker on site, an exit "
        "takes them off. Needs contractors.gate_check."
    )
    def gate_check(self, info: Info, input: GateCheckInput) -> GateCheckPayload:
        verdict = services.check(
            input.token.strip(),
            by=current_user(info),
            direction=input.direction.value,
            gate=_gate(info, input.gate),
        )
        return GateCheckPayload(
            allowed=verdict.allowed,
            reasons=list(verdict.reasons),
            valid_until=verdict.valid_until,
            site_pass_pk=verdict.site_pass.pk if verdict.site_pass else None,
            event_pk=verdict.event.pk if verdict.event else None,
        )

    @mutation(
        description="As a supplier: save answers to a monthly self-inspection report and "
        "submit it (again, after a return). Every item needs a result; nothing is saved "
        "when the report is refused."
    )
    def submit_supplier_report(
        self, info: Info, input: SubmitSupplierReportInput
    ) -> SupplierReportPayload:
        supplier = scope.supplier_of(current_user(info))
        if supplier is None:
            raise PermissionDenied(_("You do not have permission to do this."))
        answers = [
            services.Answer(item=a.item_id, result=a.result.value, comment=a.comment)
            for a in input.answers
        ]
        with transaction.atomic():
            if input.report is None:
                report = services.open_report(supplier)
            else:
                report = find(SupplierReportType, input.report, info, field="report")
            if answers:
                report = services.save_answers(report, supplier=supplier, answers=answers)
            report = services.submit_report(report, supplier=supplier)
        return SupplierReportPayload(report_pk=report.pk)

    @mutation(
        description="Review a submitted report: accept it, or return it with a comment on "
        "each item to correct. Needs contractors.manage."
    )
    def review_supplier_report(
        self, info: Info, input: ReviewSupplierReportInput
    ) -> SupplierReportPayload:
        report = find(SupplierReportType, input.id, info, field="id")
        report = services.review_report(
            report,
            by=current_user(info),
            accept=input.accept,
            comments={c.item_id: c.comment for c in input.comments},
        )
        return SupplierReportPayload(report_pk=report.pk)
