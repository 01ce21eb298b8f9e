"""Inputs and payloads of the contractor and supplier mutations."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import Info, relay
from strawberry_django.optimizer import optimize

from safeloop.graphql.contractors.enums import GateDirection, ItemResult
from safeloop.graphql.contractors.supplier_types import SupplierReportType
from safeloop.graphql.contractors.types import ContractorWorkerType, GateEventType, SitePassType
from safeloop.graphql.errors import MutationError
from safeloop.graphql.nodes import visible


def visible_row(node_type: type, info: Info, pk: int | None):
    """The row as the viewer may see it, loaded for the payload's selection."""
    if pk is None:
        return None
    return optimize(visible(node_type, info).filter(pk=pk), info).first()


# --- Passes and workers (contractors.manage) ---------------------------------------------


@strawberry.input
class RevokeSitePassInput:
    id: relay.GlobalID = strawberry.field(description="The SitePass.")
    reason: str = strawberry.field(description="Shown at the gate; required.")


@strawberry.input
class SitePassIdInput:
    id: relay.GlobalID = strawberry.field(description="The SitePass.")


@strawberry.input
class BlacklistWorkerInput:
    id: relay.GlobalID = strawberry.field(description="The ContractorWorker.")
    reason: str = strawberry.field(description="Why; shown at the gate. Required.")


@strawberry.input
class ContractorWorkerIdInput:
    id: relay.GlobalID = strawberry.field(description="The ContractorWorker.")


@strawberry.type
class SitePassPayload:
    site_pass_pk: strawberry.Private[int | None] = None
    errors: list[MutationError] = strawberry.field(default_factory=list)

    @strawberry.field(description="The pass as it is now; null on errors.")
    def site_pass(self, info: Info) -> SitePassType | None:
        return visible_row(SitePassType, info, self.site_pass_pk)


@strawberry.type
class ContractorWorkerPayload:
    worker_pk: strawberry.Private[int | None] = None
    errors: list[MutationError] = strawberry.field(default_factory=list)

    @strawberry.field(description="The worker with their pass as it is now; null on errors.")
    def worker(self, info: Info) -> ContractorWorkerType | None:
        return visible_row(ContractorWorkerType, info, self.worker_pk)


# --- The gate (contractors.gate_check) ----------------------------------------------------


@strawberry.input
class GateCheckInput:
    token: str = strawberry.field(
        description="The pass's token: the last part of the pass URL its QR code holds."
    )
    direction: GateDirection = strawberry.field(
        default=GateDirection.IN, description="IN (default) or OUT; an exit is always logged."
    )
    gate: relay.GlobalID | None = strawberry.field(
        default=None, description="The Area of the gate (a site with a gate QR), if known."
    )


@strawberry.type(description="Green or red, why, and the logged event.")
class GateCheckPayload:
    allowed: bool = strawberry.field(default=False, description="Green: let the worker in.")
    reasons: list[str] = strawberry.field(
        default_factory=list, description="Why it is red, in the request's language."
    )
    valid_until: date | None = strawberry.field(
        default=None, description="Green: the pass is valid until this day."
    )
    site_pass_pk: strawberry.Private[int | None] = None
    event_pk: strawberry.Private[int | None] = None
    errors: list[MutationError] = strawberry.field(default_factory=list)

    @strawberry.field(description="Null for an unknown token.")
    def site_pass(self, info: Info) -> SitePassType | None:
        return visible_row(SitePassType, info, self.site_pass_pk)

    @strawberry.field(description="The gate log's entry for this check.")
    def event(self, info: Info) -> GateEventType | None:
        return visible_row(GateEventType, info, self.event_pk)


# --- Suppliers --------------------------------------------------------------------------


@strawberry.input(description="The supplier's answer to one checklist item.")
class SupplierAnswerInput:
    item_id: int = strawberry.field(description="The item's itemId on the report.")
    result: ItemResult
    comment: str = ""


@strawberry.input
class SubmitSupplierReportInput:
    report: relay.GlobalID | None = strawberry.field(
        default=None,
        description="The SupplierReport (a returned one, to resubmit); null: this month's, "
        "opened on the active checklist when there is none yet.",
    )
    answers: list[SupplierAnswerInput] = strawberry.field(
        default_factory=list,
        description="Answers to save first; items left out keep their answer. Attachments "
        "are uploaded on the supplier's page.",
    )


@strawberry.input(description="A reviewer's comment on one item: what to correct.")
class ReviewCommentInput:
    item_id: int
    comment: str


@strawberry.input
class ReviewSupplierReportInput:
    id: relay.GlobalID = strawberry.field(description="The submitted SupplierReport.")
    accept: bool = strawberry.field(description="true accepts; false returns it.")
    comments: list[ReviewCommentInput] = strawberry.field(
        default_factory=list, description="Returning needs at least one."
    )


@strawberry.type
class SupplierReportPayload:
    report_pk: strawberry.Private[int | None] = None
    errors: list[MutationError] = strawberry.field(default_factory=list)

    @strawberry.field(description="The report as it is now; null on errors.")
    def report(self, info: Info) -> SupplierReportType | None:
        return visible_row(SupplierReportType, info, self.report_pk)
