"""Inspection tasks (检查任务), the inspections done (检查记录) and their answers.

Who sees which is decided in ``tenants/inspections/selectors.py``: oversight
roles see everything, team leaders their workshop, everyone else their own
tasks and inspections. A task's points and an inspection's answers are shown
with the task or inspection they belong to.
"""

from __future__ import annotations

import strawberry
import strawberry_django
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from strawberry import Info, auto

from safeloop.graphql.facilities.types import PersonType
from safeloop.graphql.hazards.types import HazardType
from safeloop.graphql.inspections.enums import InspectionResult, TaskPointState, TaskState
from safeloop.graphql.inspections.types import (
    CheckItemType,
    ChecklistType,
    ChecklistVersionType,
    InspectionPlanType,
    PatrolRouteType,
    PointType,
)
from safeloop.graphql.inspections.visibility import inspections_seen, tasks_seen
from safeloop.graphql.nodes import TenantNode
from safeloop.tenants.inspections import models
from safeloop.tenants.inspections.services import next_point
from safeloop.tenants.inspections.tally import tally_answers


@strawberry_django.type(
    models.InspectionTask,
    name="InspectionTask",
    description="One person's inspection of some points within one window (a plan's "
    "occurrence or a patrol of a route). Done when every point is inspected or skipped within "
    "the window; missed when the window ends first, and the person's superior is told.",
)
class InspectionTaskType(TenantNode):
    plan: InspectionPlanType | None = strawberry_django.field(
        description="The plan it comes from; null for a patrol started on the spot."
    )
    route: PatrolRouteType | None = strawberry_django.field(
        description="The route walked, for patrols."
    )
    assignee: PersonType | None = strawberry_django.field(
        description="Who does it; null when you may not look people up."
    )
    window_start: auto
    window_end: auto
    state: TaskState
    completed_at: auto
    missed_at: auto
    created_at: auto
    points: list[TaskPointType] = strawberry_django.field(
        description="The points to inspect, in order (route order for patrols)."
    )

    @strawberry_django.field(only=["route_id"])
    def is_patrol(self, root: models.InspectionTask) -> bool:
        """True for a walk of a patrol route: the phone shows the next point."""
        return root.is_patrol

    @strawberry_django.field(only=["id"])
    def next_point(self, root: models.InspectionTask) -> TaskPointType | None:
        """The first point neither inspected nor skipped; null when all are.

        One query per task: fine for `myTasks`, avoid it on long lists.
        """
        # A fresh instance: the optimizer's prefetched `points` must not shape this query.
        return next_point(models.InspectionTask(pk=root.pk))

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset.filter(pk__in=tasks_seen(info))


@strawberry_django.type(
    models.TaskPoint,
    name="TaskPoint",
    description="One point of a task, resolved by an inspection or skipped with a reason.",
)
class TaskPointType(TenantNode):
    task: InspectionTaskType
    order: auto
    point: PointType
    checklist: ChecklistType | None = strawberry_django.field(
        description="The checklist expected here; null: whatever is bound to the point."
    )
    inspection: InspectionType | None = strawberry_django.field(
        description="The inspection that counted for this point."
    )
    skipped_reason: auto = strawberry_django.field(description="Why it was skipped.")
    skipped_at: auto

    @strawberry_django.field(only=["inspection_id", "skipped_at"])
    def state(self, root: models.TaskPoint) -> TaskPointState:
        if root.inspection_id is not None:
            return TaskPointState.INSPECTED
        if root.skipped_at is not None:
            return TaskPointState.SKIPPED
        return TaskPointState.PENDING

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset.filter(task_id__in=tasks_seen(info))


@strawberry_django.type(
    models.Answer,
    name="Answer",
    description="The answer to one check item. Only the value field of the item's kind is set.",
)
class AnswerType(TenantNode):
    item: CheckItemType
    value_bool: auto = strawberry_django.field(description="PASS_FAIL items: true is a pass.")
    value_number: auto = strawberry_django.field(description="NUMBER items.")
    value_choice: auto = strawberry_django.field(description="CHOICE items.")
    value_text: auto = strawberry_django.field(description="TEXT items (and a PHOTO's caption).")
    passed: auto = strawberry_django.field(
        description="The item's verdict; null for TEXT items (recorded, not graded) and for "
        "不适用 answers."
    )
    not_applicable: auto = strawberry_django.field(
        description="Answered 不适用 (not applicable): no value, and left out of every pass "
        "rate (neither numerator nor denominator)."
    )
    note: auto
    hazard: HazardType | None = strawberry_django.field(
        description="The hazard reported from this answer (createHazardFromAnswer), if any "
        "and if you may see it."
    )

    @strawberry_django.field(only=["photo"])
    def has_photo(self, root: models.Answer) -> bool:
        """True when a photo (stamped with time, GPS and who took it) was attached."""
        return bool(root.photo)

    @strawberry_django.field(only=["photo"])
    def photo_url(self, root: models.Answer) -> str | None:
        """Path of the photo on this host (needs the same sign-in); null without a photo."""
        return reverse("inspections:answer_photo", args=[root.pk]) if root.photo else None

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset.filter(inspection_id__in=inspections_seen(info))


@strawberry.type(
    name="InspectionTally",
    description="An inspection's answers counted: 合格 · 不合格 · 不适用.",
)
class InspectionTally:
    passed: int
    failed: int
    not_applicable: int = strawberry.field(description="不适用 answers.")
    pass_rate: float | None = strawberry.field(
        description="passed ÷ (passed + failed), 0..1; 不适用 answers are in neither; null when "
        "nothing was graded."
    )


@strawberry_django.type(
    models.Inspection,
    name="Inspection",
    description="One visit to one point with one checklist version (检查记录). GPS and timing "
    "are checked but never block: farFromPoint and tooFast flag the record for review.",
)
class InspectionType(TenantNode):
    point: PointType
    checklist_version: ChecklistVersionType = strawberry_django.field(
        description="The version answered; it never changes afterwards."
    )
    task: InspectionTaskType | None = strawberry_django.field(
        description="The task it counted for, if any."
    )
    inspector: PersonType | None = strawberry_django.field(
        description="Who inspected; null when you may not look people up."
    )
    started_at: auto = strawberry_django.field(description="When the checklist was opened.")
    submitted_at: auto = strawberry_django.field(description="Null while not submitted.")
    latitude: auto
    longitude: auto
    gps_accuracy_m: auto
    distance_m: auto = strawberry_django.field(
        description="Metres from the point's recorded location, when both are known."
    )
    far_from_point: auto = strawberry_django.field(description="Submitted over 200 m away.")
    too_fast: auto = strawberry_django.field(
        description="Answered implausibly fast (under 2 seconds per item)."
    )
    note: auto
    answers: list[AnswerType] = strawberry_django.field(description="In checklist order.")

    @strawberry_django.field(only=["result"])
    def result(self, root: models.Inspection) -> InspectionResult | None:
        """FAIL when any graded item failed; null until submitted."""
        return models.InspectionResult(root.result) if root.result else None

    @strawberry_django.field(
        prefetch_related=[
            Prefetch(
                "answers",
                queryset=models.Answer.objects.only("pk", "inspection", "passed", "not_applicable"),
                to_attr="tallied_answers",
            )
        ],
        description="Passes, fails and 不适用 answers, and the pass rate that leaves 不适用 out.",
    )
    def tally(self, root: models.Inspection) -> InspectionTally:
        """Passes, fails and 不适用 answers, and the pass rate that leaves 不适用 out."""
        answers = getattr(root, "tallied_answers", None)
        if answers is None:
            answers = root.answers.only("passed", "not_applicable")
        tally = tally_answers(answers)
        return InspectionTally(
            passed=tally.passed,
            failed=tally.failed,
            not_applicable=tally.not_applicable,
            pass_rate=tally.pass_rate,
        )

    @strawberry_django.field(only=["far_from_point", "too_fast"])
    def is_flagged(self, root: models.Inspection) -> bool:
        """farFromPoint or tooFast: worth a second look."""
        return root.is_flagged

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset.filter(pk__in=inspections_seen(info))
