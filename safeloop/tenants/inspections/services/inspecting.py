"""Doing inspections: open a checklist at a point, submit the answers, skip a
route point with a reason, and find the next point of a patrol."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.access import ensure_can
from safeloop.platform.errors import field_error
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.facilities.models import Person
from safeloop.tenants.facilities.photos import (
    photo_files_kept_on_success,
    process_photo,
    store_photo,
)
from safeloop.tenants.inspections.bindings import BindingIndex, distance_m
from safeloop.tenants.inspections.errors import InspectionErrorCode as Code
from safeloop.tenants.inspections.models import (
    Answer,
    CheckItem,
    Checklist,
    Inspection,
    InspectionResult,
    InspectionTask,
    ItemKind,
    Point,
    TaskPoint,
    TaskState,
)
from safeloop.tenants.inspections.permissions import InspectionPerm

# Flags (never blocking): farther than this from the point's recorded location,
# or less time than this per answered item between opening and submitting.
FAR_FROM_POINT_M = 200
MIN_SECONDS_PER_ITEM = 2
# An unsubmitted inspection of the same point is picked up again within this time.
DRAFT_REUSE = timedelta(hours=12)
# Answer.value_number holds 11 digits before the decimal point.
MAX_NUMBER = Decimal(10) ** 11


def person_of(user) -> Person:
    person = getattr(user, "person", None)
    if person is None:
        raise PermissionDenied(_("Only people of the enterprise can inspect."))
    return person


def coordinate(value, field: str, limit: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise field_error(field, _("Not a valid coordinate."), Code.INVALID) from None
    if abs(number) > limit:
        raise field_error(field, _("Not a valid coordinate."), Code.INVALID)
    return number


def item_field(item: CheckItem) -> str:
    """The error key of one item's answer (``item_<id>``)."""
    return f"item_{item.pk}"


def _open_task_points(person: Person, point: Point, at: datetime):
    return TaskPoint.objects.filter(
        point=point,
        inspection__isnull=True,
        skipped_at__isnull=True,
        task__assignee=person,
        task__state=TaskState.OPEN,
        task__window_start__lte=at,
        task__window_end__gte=at,
    ).select_related("task", "checklist__current_version")


@transaction.atomic
def start_inspection(
    point: Point,
    *,
    by,
    checklist: Checklist | None = None,
    task_point: TaskPoint | None = None,
    at: datetime | None = None,
) -> Inspection:
    """Open the checklist at a point (a scan). Its current version is pinned now.

    The checklist: the one given, else the one the person's task expects here,
    else the one bound to the point. Opening the same point again soon picks up
    the unsubmitted inspection instead of starting over.
    """
    ensure_can(by, InspectionPerm.INSPECTIONS_DO)
    person = person_of(by)
    at = at or timezone.now()
    if task_point is not None:
        if task_point.task.assignee_id != person.pk or task_point.point_id != point.pk:
            raise PermissionDenied(_("This task is not yours."))
        if task_point.task.state != TaskState.OPEN:
            raise field_error("task", _("This task is closed."), Code.TASK_CLOSED)
    else:
        task_point = _open_task_points(person, point, at).first()
    if checklist is None and task_point is not None and task_point.checklist_id:
        checklist = task_point.checklist
    if checklist is None:
        checklist = BindingIndex.for_point(point).resolve(point)
    if checklist is None or checklist.current_version_id is None or not checklist.is_active:
        raise field_error("checklist", _("No checklist applies here."), Code.NO_CHECKLIST)
    draft = (
        Inspection.objects.filter(
            point=point,
            inspector=person,
            submitted_at__isnull=True,
            checklist_version_id=checklist.current_version_id,
            started_at__gte=at - DRAFT_REUSE,
        )
        .order_by("-started_at")
        .first()
    )
    if draft is not None:
        return draft
    inspection = Inspection.objects.create(
        point=point,
        checklist_version_id=checklist.current_version_id,
        task=task_point.task if task_point else None,
        inspector=person,
        started_at=at,
    )
    record_event(
        inspection,
        "inspection.started",
        by=by,
        point=point.code,
        checklist=checklist.code,
        version=checklist.current_version.number,
    )
    return inspection


# How a 不适用 answer is written: NOT_APPLICABLE, or one of the other spellings.
NOT_APPLICABLE = "na"
NOT_APPLICABLE_VALUES = frozenset({NOT_APPLICABLE, "n/a", "not_applicable", "不适用"})


def is_not_applicable(raw: Any) -> bool:
    return isinstance(raw, str) and raw.strip().lower() in NOT_APPLICABLE_VALUES


def _grade(item: CheckItem, raw: Any, photo, errors: dict) -> dict | None:
    """The stored value and verdict of one answer; None when left unanswered."""
    key = item_field(item)
    blank = raw is None or (isinstance(raw, str) and not raw.strip())
    if item.kind == ItemKind.PHOTO:
        if photo is None:
            if item.required:
                errors[key] = ValidationError(_("Take a photo."), code=Code.PHOTO_REQUIRED)
            return None
        return {"value_text": str(raw or "").strip(), "passed": True}
    if blank:
        if item.required:
            errors[key] = ValidationError(_("Answer this item."), code=Code.REQUIRED)
        return None
    if is_not_applicable(raw):
        if not item.allows_na:
            errors[key] = ValidationError(
                _("This item cannot be answered “not applicable”: answer pass or fail."),
                code=Code.NA_NOT_ALLOWED,
            )
            return None
        # Neither a pass nor a fail: left out of every pass rate (tally.pass_rate).
        return {"not_applicable": True, "passed": None}
    if item.kind == ItemKind.PASS_FAIL:
        if isinstance(raw, str):
            lowered = raw.strip().lower()
            if lowered not in ("true", "false", "pass", "fail", "1", "0", "yes", "no"):
                errors[key] = ValidationError(_("Answer pass or fail."), code=Code.INVALID)
                return None
            raw = lowered in ("true", "pass", "1", "yes")
        return {"value_bool": bool(raw), "passed": bool(raw)}
    if item.kind == ItemKind.NUMBER:
        try:
            number = Decimal(str(raw).strip())
            if not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            errors[key] = ValidationError(_("Enter a number."), code=Code.INVALID)
            return None
        if abs(number) >= MAX_NUMBER:
            errors[key] = ValidationError(_("This number is too large."), code=Code.OUT_OF_RANGE)
            return None
        passed = (item.number_min is None or number >= item.number_min) and (
            item.number_max is None or number <= item.number_max
        )
        return {"value_number": number, "passed": passed}
    if item.kind == ItemKind.CHOICE:
        choice = str(raw).strip()
        if choice not in item.choices:
            errors[key] = ValidationError(_("Pick one of the choices."), code=Code.INVALID)
            return None
        return {"value_choice": choice, "passed": choice not in item.failing_choices}
    return {"value_text": str(raw).strip(), "passed": None}  # text: recorded, not graded


@photo_files_kept_on_success()
@transaction.atomic
def submit_inspection(
    inspection: Inspection,
    *,
    by,
    answers: Mapping[Any, Any],
    photos: Mapping[Any, Any] | None = None,
    notes: Mapping[Any, str] | None = None,
    latitude=None,
    longitude=None,
    gps_accuracy_m: float | None = None,
    note: str = "",
    at: datetime | None = None,
) -> Inspection:
    """Record the answers. ``answers``/``photos``/``notes`` are keyed by item id.

    Values: pass/fail a bool (or "pass"/"fail"), number a number (outside
    min..max fails the item), choice one of the choices, text any text, photo
    items need a photo (stamped like hazard photos); "na" (不适用) on an item
    that allows it, which is neither a pass nor a fail. Bad input raises
    ValidationError keyed ``item_<id>``; a failed item is a result, not an error.
    Far-away and too-fast submissions are flagged, never refused. Counts for
    the person's task when submitted within its window.
    """
    ensure_can(by, InspectionPerm.INSPECTIONS_DO)
    person = person_of(by)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.inspector_id != person.pk:
        raise PermissionDenied(_("Only the person who started this inspection can submit it."))
    if inspection.submitted_at is not None:
        raise field_error(
            "inspection", _("This inspection was already submitted."), Code.ALREADY_SUBMITTED
        )
    at = at or timezone.now()
    answers = {str(k): v for k, v in (answers or {}).items()}
    photos = {str(k): v for k, v in (photos or {}).items() if v}
    notes = {str(k): v for k, v in (notes or {}).items()}
    items = list(inspection.checklist_version.items.all())
    known = {str(i.pk) for i in items}
    stray = sorted((set(answers) | set(photos)) - known)
    if stray:
        raise field_error("answers", _("Some answers are not for this checklist."), Code.INVALID)
    lat = coordinate(latitude, "latitude", 90)
    lng = coordinate(longitude, "longitude", 180)
    errors: dict[str, ValidationError] = {}
    graded = {i.pk: _grade(i, answers.get(str(i.pk)), photos.get(str(i.pk)), errors) for i in items}
    if errors:
        raise ValidationError(errors)
    point = inspection.point
    who = f"{point.code} · {by.get_full_name() or by.email}"
    answered = 0
    for item in items:
        values = graded[item.pk]
        upload = photos.get(str(item.pk))
        if values is None and upload is None:
            continue
        answered += 1
        answer = Answer(
            inspection=inspection,
            item=item,
            note=str(notes.get(str(item.pk), "") or "").strip(),
            **(values or {}),
        )
        if upload is not None:
            processed = process_photo(
                upload, reported_at=at, latitude=lat, longitude=lng, who=who, field=item_field(item)
            )
            store_photo(
                answer.photo,
                f"inspection-{inspection.pk}-{item.order}.jpg",
                processed.content,
                field=item_field(item),
            )
        answer.save()
    failed = any(v is not None and v["passed"] is False for v in graded.values())
    inspection.result = InspectionResult.FAIL if failed else InspectionResult.PASS
    inspection.submitted_at = at
    inspection.latitude, inspection.longitude = lat, lng
    inspection.gps_accuracy_m = gps_accuracy_m
    inspection.note = (note or "").strip()
    if lat is not None and point.has_location:
        inspection.distance_m = round(distance_m(lat, lng, point.latitude, point.longitude), 1)
        inspection.far_from_point = inspection.distance_m > FAR_FROM_POINT_M
    elapsed = (at - inspection.started_at).total_seconds()
    inspection.too_fast = elapsed < MIN_SECONDS_PER_ITEM * answered
    inspection.save()
    record_event(
        inspection,
        "inspection.submitted",
        by=by,
        point=point.code,
        result=inspection.result,
        answered=answered,
        not_applicable=sum(1 for v in graded.values() if v and v.get("not_applicable")),
        far_from_point=inspection.far_from_point,
        too_fast=inspection.too_fast,
        distance_m=inspection.distance_m,
    )
    _count_for_tasks(inspection, person, at, by=by)
    return inspection


def _count_for_tasks(inspection: Inspection, person: Person, at: datetime, *, by) -> None:
    """Mark the person's open task points at this point done (within their windows)."""
    checklist_id = inspection.checklist_version.checklist_id
    touched: set[int] = set()
    for task_point in _open_task_points(person, inspection.point, at).select_for_update(
        of=("self",)
    ):
        if task_point.checklist_id and task_point.checklist_id != checklist_id:
            continue
        task_point.inspection = inspection
        task_point.save(update_fields=["inspection"])
        touched.add(task_point.task_id)
        if inspection.task_id is None:
            inspection.task_id = task_point.task_id
            inspection.save(update_fields=["task"])
    for task in InspectionTask.objects.filter(pk__in=touched):
        complete_if_done(task, at, by=by)


def complete_if_done(task: InspectionTask, at: datetime, *, by) -> bool:
    """Close the task as done when every point is resolved within its window."""
    task = InspectionTask.objects.select_for_update().get(pk=task.pk)
    if task.state != TaskState.OPEN or not task.is_within_window(at):
        return False
    if task.points.filter(inspection__isnull=True, skipped_at__isnull=True).exists():
        return False
    task.state, task.completed_at = TaskState.DONE, at
    task.save(update_fields=["state", "completed_at"])
    skipped = task.points.filter(skipped_at__isnull=False).count()
    record_event(task, "task.done", by=by, skipped=skipped)
    return True


@transaction.atomic
def skip_point(task_point: TaskPoint, *, by, reason: str, at: datetime | None = None) -> TaskPoint:
    """Leave a point of one's task out, saying why (a locked door, a stopped line)."""
    ensure_can(by, InspectionPerm.INSPECTIONS_DO)
    person = person_of(by)
    task_point = TaskPoint.objects.select_for_update().select_related("task").get(pk=task_point.pk)
    if task_point.task.assignee_id != person.pk:
        raise PermissionDenied(_("This task is not yours."))
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("Say why this point is skipped."), Code.REQUIRED)
    if task_point.task.state != TaskState.OPEN:
        raise field_error("task", _("This task is closed."), Code.TASK_CLOSED)
    if task_point.is_resolved:
        raise field_error("task_point", _("This point is already done."), Code.ALREADY_RESOLVED)
    at = at or timezone.now()
    task_point.skipped_reason, task_point.skipped_at, task_point.skipped_by = reason, at, by
    task_point.save(update_fields=["skipped_reason", "skipped_at", "skipped_by"])
    record_event(
        task_point.task, "task.point_skipped", by=by, point=task_point.point_id, reason=reason
    )
    complete_if_done(task_point.task, at, by=by)
    return task_point


def next_point(task: InspectionTask) -> TaskPoint | None:
    """The first point of the task (in route order) that is neither inspected nor skipped."""
    return (
        task.points.filter(inspection__isnull=True, skipped_at__isnull=True)
        .select_related("point__area", "point__equipment", "checklist")
        .order_by("order")
        .first()
    )
