"""Hazard mutations: one per step of the loop, each a thin call into
``tenants/hazards/services.py``.

The services check who may take the step, enforce the state machine, write the
audit trail and notify; here we only turn IDs into visible rows (an unknown or
invisible ID is ``not_found``); ``mutation`` puts what they raise in the payload.
"""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from strawberry import UNSET, Info, relay
from strawberry.utils.str_converters import to_camel_case

from safeloop.graphql.errors import MutationError, errors_from, find, mutation
from safeloop.graphql.facilities.types import AreaType, EquipmentNode, PersonType
from safeloop.graphql.hazards.inputs import (
    AcceptHazardInput,
    ConfirmHazardClauseInput,
    DeadlineExtensionPayload,
    DecideDeadlineExtensionInput,
    DismissHazardInput,
    HazardIdInput,
    HazardPayload,
    OrderStopWorkInput,
    OverruleHazardClauseInput,
    ReassignHazardInput,
    RecordMajorAssessmentInput,
    RecordMajorReportInput,
    RejectHazardInput,
    ReportHazardInput,
    ReportHazardPayload,
    RequestDeadlineExtensionInput,
    SaveMajorPlanInput,
    SubmitRectificationInput,
)
from safeloop.graphql.hazards.types import DeadlineExtensionType, HazardType, LibraryEntryType
from safeloop.graphql.permissions import current_user
from safeloop.platform.lapse import allow_mutations_while_read_only
from safeloop.tenants.hazards import clauses, major, services
from safeloop.tenants.hazards.models import Hazard


def _set(value):
    return None if value is UNSET else value


def _step(info: Info, hazard_id: relay.GlobalID, step: Callable[[Hazard], Hazard]):
    """Find the visible hazard, take the step, and report the outcome."""
    hazard = find(HazardType, hazard_id, info, field="id")
    hazard = step(hazard)
    return HazardPayload(hazard_pk=hazard.pk)


def _major_step(info: Info, hazard_id: relay.GlobalID, step: Callable[[Hazard], object]):
    """A step of the legal path (major.py): the hazard comes back with its case."""

    def take(hazard: Hazard) -> Hazard:
        step(hazard)
        return hazard

    return _step(info, hazard_id, take)


def _after_photo_errors(exc: Exception) -> list[MutationError]:
    # The photo checks name their field "photos"; here the input field is afterPhotos.
    errors = errors_from(exc)
    for error in errors:
        if error.field == "photos":
            error.field = "afterPhotos"
    return errors


@strawberry.type
class HazardsMutation:
    @mutation(
        description="Report a hazard or near miss (needs hazards.report): up to 3 photos and a "
        "library entry or a description; it is routed to whoever fixes it at once."
    )
    def report_hazard(self, info: Info, input: ReportHazardInput) -> ReportHazardPayload:
        hazard = services.report_hazard(
            by=current_user(info),
            area=find(AreaType, input.area, info, field="area"),
            equipment=find(EquipmentNode, _set(input.equipment), info, field="equipment"),
            library_entry=find(
                LibraryEntryType, _set(input.library_entry), info, field="library_entry"
            ),
            photos=list(input.photos),
            description=input.description,
            grade=input.grade.value if input.grade else None,
            is_near_miss=input.is_near_miss,
            shift=input.shift.value if input.shift else "",
            latitude=_set(input.latitude),
            longitude=_set(input.longitude),
            gps_accuracy_m=_set(input.gps_accuracy_m),
            anonymous=input.anonymous,
            client_key=_set(input.client_key),
        )
        return ReportHazardPayload(hazard_pk=hazard.pk, number=hazard.number)

    @mutation(description="The assignee starts fixing: ASSIGNED → RECTIFYING.")
    def start_rectification(self, info: Info, input: HazardIdInput) -> HazardPayload:
        user = current_user(info)
        return _step(info, input.id, lambda h: services.start_rectification(h, by=user))

    @mutation(
        description="The assignee submits the fix with after-photos and a signature: "
        "→ AWAITING_ACCEPTANCE.",
        errors=_after_photo_errors,
    )
    def submit_rectification(self, info: Info, input: SubmitRectificationInput) -> HazardPayload:
        user = current_user(info)
        return _step(
            info,
            input.id,
            lambda h: services.submit_rectification(
                h,
                by=user,
                description=input.description,
                after_photos=list(input.after_photos),
                signature_data_url=input.signature,
                test_result=input.test_result,
            ),
        )

    @mutation(
        description="Sign off the next acceptance level with a drawn signature; the last one "
        "closes the hazard."
    )
    def accept_hazard(self, info: Info, input: AcceptHazardInput) -> HazardPayload:
        user = current_user(info)
        return _step(
            info,
            input.id,
            lambda h: services.accept(
                h, by=user, signature_data_url=input.signature, note=input.note
            ),
        )

    @mutation(description="Send the fix back with a reason: → RECTIFYING, every level signs again.")
    def reject_hazard(self, info: Info, input: RejectHazardInput) -> HazardPayload:
        user = current_user(info)
        return _step(info, input.id, lambda h: services.reject(h, by=user, reason=input.reason))

    @mutation(description="Give an open hazard to someone else (needs hazards.reassign).")
    def reassign_hazard(self, info: Info, input: ReassignHazardInput) -> HazardPayload:
        user = current_user(info)

        def step(hazard: Hazard) -> Hazard:
            assignee = find(PersonType, input.assignee, info, field="assignee")
            return services.reassign(hazard, by=user, assignee=assignee, reason=input.reason)

        return _step(info, input.id, step)

    @mutation(
        description="Close a report that is not a hazard, with a reason (needs hazards.dismiss)."
    )
    def dismiss_hazard(self, info: Info, input: DismissHazardInput) -> HazardPayload:
        user = current_user(info)
        return _step(info, input.id, lambda h: services.dismiss(h, by=user, reason=input.reason))

    @mutation(
        description="Confirm the 判定标准 clause on a hazard, with a reason (needs "
        "hazards.configure): it stays 重大 with the clause on record."
    )
    def confirm_hazard_clause(self, info: Info, input: ConfirmHazardClauseInput) -> HazardPayload:
        user = current_user(info)
        return _step(
            info,
            input.id,
            lambda h: clauses.confirm_clause(
                h, by=user, reason=input.reason, clause_id=input.clause or None
            ),
        )

    @mutation(
        description="Overrule the 判定标准 clause on a hazard, with a reason (needs "
        "hazards.configure): it goes back to the reported grade, or the one given."
    )
    def overrule_hazard_clause(self, info: Info, input: OverruleHazardClauseInput) -> HazardPayload:
        user = current_user(info)
        return _step(
            info,
            input.id,
            lambda h: clauses.overrule_clause(
                h, by=user, reason=input.reason, grade=input.grade.value if input.grade else None
            ),
        )

    @mutation(
        description="Stop the work or the area of a 重大 hazard until its sign-off (needs "
        "hazards.manage_major)."
    )
    def order_stop_work(self, info: Info, input: OrderStopWorkInput) -> HazardPayload:
        user = current_user(info)
        return _major_step(
            info, input.id, lambda h: major.order_stop_work(h, by=user, scope=input.scope)
        )

    @mutation(
        description="Save the 治理方案 of a 重大 hazard (needs hazards.manage_major); the "
        "principal approves it before any fix counts."
    )
    def save_major_plan(self, info: Info, input: SaveMajorPlanInput) -> HazardPayload:
        user = current_user(info)
        return _major_step(
            info,
            input.id,
            lambda h: major.save_plan(
                h,
                by=user,
                goal=input.goal,
                measures=input.measures,
                funds=input.funds,
                people=input.people,
                deadline=input.deadline,
                interim_measures=input.interim_measures,
            ),
        )

    @mutation(
        description="The principal (主要负责人) approves the plan; its deadline becomes the "
        "hazard's (needs hazards.approve_major_plan)."
    )
    def approve_major_plan(self, info: Info, input: HazardIdInput) -> HazardPayload:
        user = current_user(info)
        return _major_step(info, input.id, lambda h: major.approve_plan(h, by=user))

    @mutation(
        description="Record the assessment (评估) of the fix once every level below the "
        "principal accepted it (needs hazards.manage_major)."
    )
    def record_major_assessment(
        self, info: Info, input: RecordMajorAssessmentInput
    ) -> HazardPayload:
        user = current_user(info)
        return _major_step(
            info,
            input.id,
            lambda h: major.record_assessment(
                h,
                by=user,
                assessors=input.assessors,
                conclusion=input.conclusion,
                passed=input.passed,
            ),
        )

    @mutation(
        description="Record when the 重大 hazard was reported to the regulator or to the "
        "workers' congress (needs hazards.manage_major)."
    )
    def record_major_report(self, info: Info, input: RecordMajorReportInput) -> HazardPayload:
        user = current_user(info)
        return _major_step(
            info,
            input.id,
            lambda h: major.record_report(h, by=user, recipient=input.recipient.value, at=input.at),
        )

    @mutation(description="The assignee asks for a later deadline, with a reason.")
    def request_deadline_extension(
        self, info: Info, input: RequestDeadlineExtensionInput
    ) -> DeadlineExtensionPayload:
        hazard = find(HazardType, input.id, info, field="id")
        extension = services.request_extension(
            hazard,
            by=current_user(info),
            new_deadline=input.new_deadline,
            reason=input.reason,
        )
        return DeadlineExtensionPayload(extension_pk=extension.pk, hazard_pk=hazard.pk)

    @mutation(
        description="Approve or refuse a request for more time (needs hazards.decide_extension)."
    )
    def decide_deadline_extension(
        self, info: Info, input: DecideDeadlineExtensionInput
    ) -> DeadlineExtensionPayload:
        extension = find(DeadlineExtensionType, input.id, info, field="id")
        extension = services.decide_extension(
            extension, by=current_user(info), approve=input.approve, note=input.note
        )
        return DeadlineExtensionPayload(extension_pk=extension.pk, hazard_pk=extension.hazard_id)


# Every step of the loop, from the report to the sign-off, works in a read-only
# workspace (a lapsed subscription, safeloop/platform/lapse.py): a safety product
# never blocks a hazard report nor the fix of one already reported.
allow_mutations_while_read_only(
    *(to_camel_case(f.python_name) for f in HazardsMutation.__strawberry_definition__.fields)
)
