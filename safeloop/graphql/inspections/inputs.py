"""Inputs and payloads of the inspection mutations.

Photos are files sent with the GraphQL multipart request spec (``Upload``), each
keyed to the check item it answers, e.g. ``variables.input.photos.0.photo``.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import strawberry
from strawberry import UNSET, Info, relay
from strawberry.file_uploads import Upload
from strawberry_django.optimizer import optimize

from safeloop.graphql.errors import MutationError
from safeloop.graphql.facilities.enums import Role
from safeloop.graphql.hazards.enums import HazardGrade
from safeloop.graphql.hazards.types import HazardType
from safeloop.graphql.inspections.enums import CheckItemKind, InspectionCadence, PointSelection
from safeloop.graphql.inspections.records import (
    AnswerType,
    InspectionTaskType,
    InspectionType,
    TaskPointType,
)
from safeloop.graphql.inspections.types import (
    ChecklistType,
    ChecklistVersionType,
    InspectionPlanType,
)
from safeloop.graphql.nodes import visible


def visible_row(node_type: type, info: Info, pk: int | None):
    """The row as the viewer may see it, loaded for the payload's selection."""
    if pk is None:
        return None
    return optimize(visible(node_type, info).filter(pk=pk), info).first()


# --- Doing ------------------------------------------------------------------------------


@strawberry.input(
    description="The answer to one item; give the value that fits the item's kind: `passed` "
    "for PASS_FAIL, `number` for NUMBER, `value` for CHOICE and TEXT (PHOTO items take a photo "
    "in `photos`, and `value` as an optional caption); or `notApplicable: true` (不适用) on "
    "an item whose `allowsNotApplicable` is true."
)
class AnswerInput:
    item: relay.GlobalID = strawberry.field(description="The CheckItem answered.")
    passed: bool | None = UNSET
    number: Decimal | None = UNSET
    value: str | None = strawberry.field(
        default=UNSET, description="A choice, a text, or pass/fail or a number written out."
    )
    not_applicable: bool = strawberry.field(
        default=False,
        description="不适用: the item does not apply here; refused on items that do not allow "
        "it. Counts neither as a pass nor as a fail.",
    )
    note: str = strawberry.field(default="", description="A remark on this item.")


@strawberry.input(description="A photo for one item (stamped with time, GPS and who took it).")
class ItemPhotoInput:
    item: relay.GlobalID
    photo: Upload


@strawberry.input
class SubmitInspectionInput:
    point: relay.GlobalID = strawberry.field(description="The point inspected (from its QR).")
    checklist: relay.GlobalID | None = strawberry.field(
        default=UNSET,
        description="Leave out to use the one `pointByToken` shows (your task's, else the "
        "point's own).",
    )
    answers: list[AnswerInput] = strawberry.field(description="Required items must be answered.")
    photos: list[ItemPhotoInput] = strawberry.field(
        default_factory=list, description="Photos, one per item at most; PHOTO items need one."
    )
    latitude: Decimal | None = UNSET
    longitude: Decimal | None = UNSET
    gps_accuracy_m: float | None = UNSET
    started_at: datetime | None = strawberry.field(
        default=UNSET,
        description="When the checklist was opened on the phone; leave out after "
        "startInspection. Implausibly fast answers are flagged (tooFast), not refused.",
    )
    note: str = ""


@strawberry.type(description="Why submitting did not work, item by item where it applies.")
class InspectionError:
    field: str | None = strawberry.field(
        description="answers or photos for an item's error (see `item`), else the input field."
    )
    code: str = strawberry.field(
        description="required, out_of_range, photo_required, invalid, not_found, "
        "no_checklist, permission_denied, …"
    )
    message: str
    item: strawberry.ID | None = strawberry.field(
        default=None, description="The CheckItem whose answer is at fault."
    )


@strawberry.type(description="The submitted inspection with its result, or why not.")
class SubmitInspectionPayload:
    inspection_pk: strawberry.Private[int | None] = None
    errors: list[InspectionError] = strawberry.field(default_factory=list)

    @strawberry.field(description="Result, flags and each answer's verdict; null on errors.")
    def inspection(self, info: Info) -> InspectionType | None:
        return visible_row(InspectionType, info, self.inspection_pk)


@strawberry.input
class StartInspectionInput:
    point: relay.GlobalID
    checklist: relay.GlobalID | None = UNSET


@strawberry.type
class InspectionPayload:
    inspection_pk: strawberry.Private[int | None] = None
    errors: list[MutationError] = strawberry.field(default_factory=list)

    @strawberry.field(description="The inspection (with its checklist version and items).")
    def inspection(self, info: Info) -> InspectionType | None:
        return visible_row(InspectionType, info, self.inspection_pk)


@strawberry.input
class SkipTaskPointInput:
    task_point: relay.GlobalID
    reason: str = strawberry.field(description="Why the point is left out (required).")


@strawberry.type
class TaskPointPayload:
    task_point_pk: strawberry.Private[int | None] = None
    errors: list[MutationError] = strawberry.field(default_factory=list)

    @strawberry.field
    def task_point(self, info: Info) -> TaskPointType | None:
        return visible_row(TaskPointType, info, self.task_point_pk)


@strawberry.input
class StartPatrolInput:
    route: relay.GlobalID


@strawberry.type
class TaskPayload:
    task_pk: strawberry.Private[int | None] = None
    errors: list[MutationError] = strawberry.field(default_factory=list)

    @strawberry.field
    def task(self, info: Info) -> InspectionTaskType | None:
        return visible_row(InspectionTaskType, info, self.task_pk)


@strawberry.input
class CreateHazardFromAnswerInput:
    answer: relay.GlobalID = strawberry.field(description="A failed answer.")
    grade: HazardGrade | None = strawberry.field(
        default=UNSET, description="Leave out for the entry's grade (GENERAL without one)."
    )
    library_entry: relay.GlobalID | None = UNSET
    description: str = strawberry.field(default="", description="Added to the item's text.")


@strawberry.type
class CreateHazardFromAnswerPayload:
    hazard_pk: strawberry.Private[int | None] = None
    answer_pk: strawberry.Private[int | None] = None
    number: str | None = strawberry.field(default=None, description="The hazard's number.")
    errors: list[MutationError] = strawberry.field(default_factory=list)

    @strawberry.field(description="The hazard, routed to whoever fixes it.")
    def hazard(self, info: Info) -> HazardType | None:
        return visible_row(HazardType, info, self.hazard_pk)

    @strawberry.field
    def answer(self, info: Info) -> AnswerType | None:
        return visible_row(AnswerType, info, self.answer_pk)


# --- Setting up -------------------------------------------------------------------------


@strawberry.input(description="One check item as written by a manager.")
class CheckItemInput:
    kind: CheckItemKind
    label: str = strawberry.field(description="What to check, in Chinese.")
    label_en: str = ""
    guidance: str = ""
    guidance_en: str = ""
    number_min: Decimal | None = None
    number_max: Decimal | None = None
    unit: str = ""
    choices: list[str] = strawberry.field(default_factory=list)
    failing_choices: list[str] = strawberry.field(default_factory=list)
    required: bool = True
    guidance_image: Upload | None = strawberry.field(
        default=None, description="A picture of how to check it."
    )
    keep_guidance_image_of: relay.GlobalID | None = strawberry.field(
        default=None,
        description="When revising: keep the guidance picture of this CheckItem of an "
        "earlier version (instead of uploading it again).",
    )


@strawberry.input
class CreateChecklistInput:
    code: str
    name: str = strawberry.field(description="Name in Chinese.")
    name_en: str = ""
    items: list[CheckItemInput]


@strawberry.input
class ReviseChecklistInput:
    id: relay.GlobalID
    items: list[CheckItemInput] = strawberry.field(
        description="Every item of the new version, in order."
    )


@strawberry.input(description="Fields left out are left alone.")
class UpdateChecklistInput:
    id: relay.GlobalID
    name: str | None = UNSET
    name_en: str | None = UNSET
    is_active: bool | None = UNSET


@strawberry.type
class ChecklistPayload:
    checklist_pk: strawberry.Private[int | None] = None
    version_pk: strawberry.Private[int | None] = None
    errors: list[MutationError] = strawberry.field(default_factory=list)

    @strawberry.field
    def checklist(self, info: Info) -> ChecklistType | None:
        return visible_row(ChecklistType, info, self.checklist_pk)

    @strawberry.field(description="The version written (reviseChecklist).")
    def version(self, info: Info) -> ChecklistVersionType | None:
        return visible_row(ChecklistVersionType, info, self.version_pk)


@strawberry.input
class CreatePlanInput:
    name: str = strawberry.field(description="Name in Chinese.")
    name_en: str = ""
    cadence: InspectionCadence
    rrule: str = strawberry.field(default="", description="CUSTOM plans: an RRULE line.")
    starts_on: date | None = None
    start_time: time | None = strawberry.field(
        default=None, description="Leave out for the preset's (daily 07:30, else 08:00)."
    )
    window_minutes: int | None = strawberry.field(
        default=None, description="Leave out for the preset's (1 h, 2 days, 5 days)."
    )
    role: Role | None = None
    area: relay.GlobalID | None = None
    assignees: list[relay.GlobalID] = strawberry.field(default_factory=list)
    checklists: list[relay.GlobalID] = strawberry.field(default_factory=list)
    point_selection: PointSelection = PointSelection.SUBTREE
    points: list[relay.GlobalID] = strawberry.field(
        default_factory=list, description="EXPLICIT plans: the points, in order."
    )
    route: relay.GlobalID | None = None


@strawberry.type
class PlanPayload:
    plan_pk: strawberry.Private[int | None] = None
    errors: list[MutationError] = strawberry.field(default_factory=list)

    @strawberry.field
    def plan(self, info: Info) -> InspectionPlanType | None:
        return visible_row(InspectionPlanType, info, self.plan_pk)
