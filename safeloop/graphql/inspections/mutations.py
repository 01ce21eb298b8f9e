"""Inspection mutations, the doing side: open a checklist at a point, submit the
answers with photos, skip a point of a task, walk a route, report a failed item
as a hazard. Each is a thin call into ``tenants/inspections/services``, which
checks permissions, validates, audits and closes tasks; here IDs become visible
rows (an unknown or hidden ID is ``not_found``); ``mutation`` puts what the
services raise in the payload.
"""

from __future__ import annotations

import re
from typing import Any

import strawberry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from strawberry import UNSET, Info

from safeloop.graphql.errors import NOT_FOUND, errors_from, find, mutation
from safeloop.graphql.hazards.types import LibraryEntryType
from safeloop.graphql.inspections.inputs import (
    AnswerInput,
    CreateHazardFromAnswerInput,
    CreateHazardFromAnswerPayload,
    InspectionError,
    InspectionPayload,
    ItemPhotoInput,
    SkipTaskPointInput,
    StartInspectionInput,
    StartPatrolInput,
    SubmitInspectionInput,
    SubmitInspectionPayload,
    TaskPayload,
    TaskPointPayload,
)
from safeloop.graphql.inspections.records import AnswerType, TaskPointType
from safeloop.graphql.inspections.types import (
    CheckItemType,
    ChecklistType,
    PatrolRouteType,
    PointType,
)
from safeloop.graphql.nodes import global_id, node_pk
from safeloop.graphql.permissions import current_user
from safeloop.platform.errors import field_error
from safeloop.tenants.inspections import services
from safeloop.tenants.inspections.errors import InspectionErrorCode
from safeloop.tenants.inspections.models import CheckItem
from safeloop.tenants.inspections.services.inspecting import NOT_APPLICABLE

# The services key an item's error ``item_<pk>``.
_ITEM_FIELD = re.compile(r"item_(\d+)")


def _set(value):
    return None if value is UNSET else value


def _item_pk(item_id, position: int, field: str) -> str:
    pk = node_pk(item_id, CheckItemType)
    if pk is None:
        raise field_error(
            field,
            _("%(field)s %(n)d: no such check item here.") % {"field": field, "n": position},
            NOT_FOUND,
        )
    return pk


def _answers(answers: list[AnswerInput]) -> tuple[dict[str, Any], dict[str, str]]:
    """The answers keyed by item primary key, as the service takes them."""
    values: dict[str, Any] = {}
    notes: dict[str, str] = {}
    for position, answer in enumerate(answers, start=1):
        pk = _item_pk(answer.item, position, "answers")
        if pk in values:
            raise field_error(
                "answers", _("An item is answered twice."), InspectionErrorCode.DUPLICATE
            )
        given = [_set(v) for v in (answer.passed, answer.number, answer.value)]
        values[pk] = next((v for v in given if v is not None), None)
        if answer.not_applicable:
            values[pk] = NOT_APPLICABLE
        notes[pk] = answer.note
    return values, notes


def _photos(photos: list[ItemPhotoInput]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for position, photo in enumerate(photos, start=1):
        pk = _item_pk(photo.item, position, "photos")
        if pk in found:
            raise field_error("photos", _("One photo per item."), InspectionErrorCode.DUPLICATE)
        found[pk] = photo.photo
    return found


def _inspection_errors(exc: Exception) -> list[InspectionError]:
    """Payload errors; an item's error names the item and the input list it belongs to."""
    if isinstance(exc, PermissionDenied) or not hasattr(exc, "error_dict"):
        return [
            InspectionError(field=e.field, code=e.code, message=e.message) for e in errors_from(exc)
        ]
    errors: list[InspectionError] = []
    item_pks = [int(m.group(1)) for f in exc.error_dict if (m := _ITEM_FIELD.fullmatch(f))]
    items = {i.pk: i for i in CheckItem.objects.filter(pk__in=item_pks)}
    for field, field_errors in exc.error_dict.items():
        match = _ITEM_FIELD.fullmatch(field)
        if match is None:
            errors += [
                InspectionError(field=e.field, code=e.code, message=e.message)
                for e in errors_from(ValidationError({field: field_errors}))
            ]
            continue
        item = items.get(int(match.group(1)))
        for error in errors_from(ValidationError(field_errors)):
            errors.append(
                InspectionError(
                    field="photos"
                    if error.code == InspectionErrorCode.PHOTO_REQUIRED
                    else "answers",
                    code=error.code,
                    message=error.message,
                    item=global_id("CheckItem", item) if item else None,
                )
            )
    return errors


@strawberry.type
class InspectionsMutation:
    @mutation(
        description="Open the checklist at a point (needs inspections.do): pins the checklist's "
        "current version and starts the clock. Opening the same point again soon returns the "
        "same unsubmitted inspection."
    )
    def start_inspection(self, info: Info, input: StartInspectionInput) -> InspectionPayload:
        inspection = services.start_inspection(
            find(PointType, input.point, info, field="point"),
            by=current_user(info),
            checklist=find(ChecklistType, _set(input.checklist), info, field="checklist"),
        )
        return InspectionPayload(inspection_pk=inspection.pk)

    @mutation(
        description="Submit an inspection of a point (needs inspections.do): answers, photos "
        "keyed to items (multipart upload), GPS. A failed item is a result (FAIL), not an "
        "error; bad or missing answers come back as errors naming the item. Counts for your "
        "open task at that point.",
        errors=_inspection_errors,
    )
    def submit_inspection(
        self, info: Info, input: SubmitInspectionInput
    ) -> SubmitInspectionPayload:
        user = current_user(info)
        point = find(PointType, input.point, info, field="point")
        checklist = find(ChecklistType, _set(input.checklist), info, field="checklist")
        answers, notes = _answers(input.answers)
        photos = _photos(input.photos)
        started_at = _set(input.started_at)
        if started_at is not None and timezone.is_naive(started_at):
            started_at = timezone.make_aware(started_at)  # the enterprise's local time
        now = timezone.now()
        with transaction.atomic():
            # A refused submission leaves no half-made inspection behind.
            inspection = services.start_inspection(
                point, by=user, checklist=checklist, at=min(started_at or now, now)
            )
            inspection = services.submit_inspection(
                inspection,
                by=user,
                answers=answers,
                photos=photos,
                notes=notes,
                latitude=_set(input.latitude),
                longitude=_set(input.longitude),
                gps_accuracy_m=_set(input.gps_accuracy_m),
                note=input.note,
                at=now,
            )
        return SubmitInspectionPayload(inspection_pk=inspection.pk)

    @mutation(
        description="Leave a point of your task out, saying why (a locked door, a stopped line)."
    )
    def skip_task_point(self, info: Info, input: SkipTaskPointInput) -> TaskPointPayload:
        task_point = find(TaskPointType, input.task_point, info, field="task_point")
        task_point = services.skip_point(task_point, by=current_user(info), reason=input.reason)
        return TaskPointPayload(task_point_pk=task_point.pk)

    @mutation(
        description="Walk a patrol route now: your task for the current shift (starting again "
        "returns the same task); `task.nextPoint` is where to go."
    )
    def start_patrol(self, info: Info, input: StartPatrolInput) -> TaskPayload:
        route = find(PatrolRouteType, input.route, info, field="route")
        task = services.start_patrol(route, by=current_user(info))
        return TaskPayload(task_pk=task.pk)

    @mutation(
        description="Report a failed answer as a hazard in one call (needs hazards.report): "
        "point, area, machine, item, photo and GPS are filled in, and it is routed at once. "
        "Calling it again for the same answer returns the same hazard."
    )
    def create_hazard_from_answer(
        self, info: Info, input: CreateHazardFromAnswerInput
    ) -> CreateHazardFromAnswerPayload:
        answer = find(AnswerType, input.answer, info, field="answer")
        hazard = services.create_hazard_from_answer(
            answer,
            by=current_user(info),
            grade=input.grade.value if input.grade else None,
            library_entry=find(
                LibraryEntryType, _set(input.library_entry), info, field="library_entry"
            ),
            description=input.description,
        )
        return CreateHazardFromAnswerPayload(
            hazard_pk=hazard.pk, answer_pk=answer.pk, number=hazard.number
        )
