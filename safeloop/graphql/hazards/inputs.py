"""Inputs and payloads of the hazard mutations.

Photos are files sent with the GraphQL multipart request spec (``Upload``);
the fixer's and each acceptor's signature is the PNG data URL a canvas gives
(``data:image/png;base64,...``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum

import strawberry
from strawberry import UNSET, Info, relay
from strawberry.file_uploads import Upload
from strawberry_django.optimizer import optimize

from safeloop.graphql.errors import MutationError
from safeloop.graphql.hazards.enums import HazardGrade, Shift
from safeloop.graphql.hazards.types import DeadlineExtensionType, HazardType
from safeloop.graphql.nodes import visible


@strawberry.input
class ReportHazardInput:
    area: relay.GlobalID = strawberry.field(description="Where it was found.")
    equipment: relay.GlobalID | None = strawberry.field(
        default=UNSET, description="The machine, if any; its own area wins over `area`."
    )
    library_entry: relay.GlobalID | None = strawberry.field(
        default=UNSET, description="The library entry picked; or give a description."
    )
    description: str = strawberry.field(default="", description="Required without an entry.")
    grade: HazardGrade | None = strawberry.field(
        default=UNSET, description="Leave out to take the entry's grade (GENERAL without one)."
    )
    is_near_miss: bool = False
    shift: Shift | None = UNSET
    latitude: Decimal | None = UNSET
    longitude: Decimal | None = UNSET
    gps_accuracy_m: float | None = UNSET
    anonymous: bool = strawberry.field(
        default=False, description="Only where the enterprise allows anonymous reports."
    )
    photos: list[Upload] = strawberry.field(
        default_factory=list, description="Up to 3 photos: site, nameplate, surroundings."
    )
    client_key: str | None = strawberry.field(
        default=UNSET,
        description="A key the app makes once per report (a UUID; at most 100 characters) "
        "and sends again when it retries after a timeout or an error: the retry answers "
        "with the hazard filed the first time and files nothing twice.",
    )


@strawberry.input
class HazardIdInput:
    id: relay.GlobalID


@strawberry.input
class SubmitRectificationInput:
    id: relay.GlobalID
    description: str = strawberry.field(description="What was done.")
    after_photos: list[Upload] = strawberry.field(description="1 to 6 photos after the fix.")
    signature: str = strawberry.field(
        description="The fixer's signature as a PNG data URL (data:image/png;base64,...)."
    )
    test_result: str = ""


@strawberry.input
class AcceptHazardInput:
    id: relay.GlobalID
    signature: str = strawberry.field(
        description="The acceptor's signature as a PNG data URL (data:image/png;base64,...), "
        "as for submitRectification: every level signs its sign-off."
    )
    note: str = ""


@strawberry.input
class RejectHazardInput:
    id: relay.GlobalID
    reason: str = strawberry.field(description="What is still wrong.")


@strawberry.input
class ReassignHazardInput:
    id: relay.GlobalID
    assignee: relay.GlobalID = strawberry.field(description="The person who fixes it now.")
    reason: str


@strawberry.input
class RequestDeadlineExtensionInput:
    id: relay.GlobalID
    new_deadline: datetime = strawberry.field(description="Later than the current deadline.")
    reason: str


@strawberry.input
class DecideDeadlineExtensionInput:
    id: relay.GlobalID = strawberry.field(description="The extension request (not the hazard).")
    approve: bool
    note: str = ""


@strawberry.input
class DismissHazardInput:
    id: relay.GlobalID
    reason: str = strawberry.field(description="Why this is not a hazard.")


@strawberry.input
class ConfirmHazardClauseInput:
    id: relay.GlobalID
    reason: str = strawberry.field(description="Why the clause applies (required).")
    clause: str | None = strawberry.field(
        default=None,
        description="Another clause id of the enterprise's criteria to confirm instead of "
        "the proposed one (e.g. when the check proposed none).",
    )


@strawberry.input
class OrderStopWorkInput:
    id: relay.GlobalID
    scope: str = strawberry.field(description="What stops: a line, a machine, an area.")


@strawberry.input
class SaveMajorPlanInput:
    """The 治理方案 (16号令 Art. 15): every part is required; a change after the principal
    approved it withdraws the approval."""

    id: relay.GlobalID
    goal: str = strawberry.field(description="治理的目标和任务.")
    measures: str = strawberry.field(description="采取的方法和措施.")
    funds: str = strawberry.field(description="经费和物资的落实.")
    people: str = strawberry.field(description="负责治理的机构和人员.")
    deadline: datetime = strawberry.field(description="治理的时限, in the future.")
    interim_measures: str = strawberry.field(description="安全措施和应急预案 meanwhile.")


@strawberry.input
class RecordMajorAssessmentInput:
    id: relay.GlobalID
    assessors: str = strawberry.field(description="Who assessed the fix (评估).")
    conclusion: str
    passed: bool = strawberry.field(
        description="A failed assessment sends the fix back to the assignee."
    )


@strawberry.enum(description="Who a major hazard was reported to.")
class MajorReportRecipient(Enum):
    REGULATOR = "regulator"
    CONGRESS = "congress"


@strawberry.input
class RecordMajorReportInput:
    id: relay.GlobalID
    recipient: MajorReportRecipient
    at: datetime | None = strawberry.field(default=None, description="Default: now.")


@strawberry.input
class OverruleHazardClauseInput:
    id: relay.GlobalID
    reason: str = strawberry.field(description="Why the clause does not apply (required).")
    grade: HazardGrade | None = strawberry.field(
        default=None,
        description="GENERAL or SERIOUS; by default the grade the report or the library gave.",
    )


def _visible_hazard(info: Info, pk: int | None) -> HazardType | None:
    if pk is None:
        return None
    return optimize(visible(HazardType, info).filter(pk=pk), info).first()


@strawberry.type(description="The hazard after the step, or why the step was not taken.")
class HazardPayload:
    hazard_pk: strawberry.Private[int | None] = None
    errors: list[MutationError] = strawberry.field(default_factory=list)

    @strawberry.field(description="Null on errors, or when the hazard is no longer visible to you.")
    def hazard(self, info: Info) -> HazardType | None:
        return _visible_hazard(info, self.hazard_pk)


@strawberry.type
class ReportHazardPayload(HazardPayload):
    number: str | None = strawberry.field(
        default=None,
        description="The new hazard's number; the receipt of an anonymous report, whose "
        "hazard you may not see afterwards.",
    )


@strawberry.type
class DeadlineExtensionPayload:
    extension_pk: strawberry.Private[int | None] = None
    hazard_pk: strawberry.Private[int | None] = None
    errors: list[MutationError] = strawberry.field(default_factory=list)

    @strawberry.field
    def extension(self, info: Info) -> DeadlineExtensionType | None:
        if self.extension_pk is None:
            return None
        queryset = visible(DeadlineExtensionType, info).filter(pk=self.extension_pk)
        return optimize(queryset, info).first()

    @strawberry.field
    def hazard(self, info: Info) -> HazardType | None:
        return _visible_hazard(info, self.hazard_pk)
