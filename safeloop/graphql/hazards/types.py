"""Hazard (隐患) types: hazards with their evidence, sign-offs and history; the library.

Which hazards a viewer sees is decided in one place,
``safeloop.tenants.hazards.selectors.visible_hazards``; ``HazardType.get_queryset``
applies it, and everything hanging off a hazard (photos, rectifications,
acceptances, extension requests) is limited to visible hazards the same way.
The library, categories and grade policies are open to everyone who may report.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
import strawberry_django
from django.db.models import QuerySet
from django.urls import reverse
from strawberry import Info, auto

from safeloop.graphql.facilities.enums import Role
from safeloop.graphql.facilities.types import AreaType, EquipmentNode, EquipmentTypeType, PersonType
from safeloop.graphql.hazards.enums import (
    AcceptanceDecision,
    AcceptanceLevel,
    ClauseStatus,
    ExtensionState,
    HazardAction,
    HazardGrade,
    HazardState,
    PhotoStage,
    Shift,
)
from safeloop.graphql.nodes import TenantNode
from safeloop.graphql.permissions import current_user, visible_if
from safeloop.graphql.risks.enums import AccidentEdition
from safeloop.platform.gb6441 import Edition
from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.hazards import models, services
from safeloop.tenants.hazards.permissions import HazardPerm
from safeloop.tenants.hazards.selectors import visible_hazards

_NAME = "Name in Chinese (the enterprise's working language)."
_NAME_EN = "Name in English; empty when nobody entered one."
_DISPLAY = "In the request's language: English when asked for and present, else Chinese."
_BILINGUAL = ["name", "name_en"]


def _name_of(user) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.email


def _of_visible_hazards(queryset: QuerySet, info: Info) -> QuerySet:
    return queryset.filter(hazard__in=visible_hazards(current_user(info)))


class LibraryNode(TenantNode):
    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return visible_if(queryset, info, HazardPerm.HAZARD_REPORT)


class HazardPartNode(TenantNode):
    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return _of_visible_hazards(queryset, info)


@strawberry_django.type(
    models.HazardCategory,
    name="HazardCategory",
    description="A kind of hazard, such as mechanical or electrical.",
)
class HazardCategoryType(LibraryNode):
    code: auto
    name: auto = strawberry_django.field(description=_NAME)
    name_en: auto = strawberry_django.field(description=_NAME_EN)
    display_name: str = strawberry_django.field(only=_BILINGUAL, description=_DISPLAY)


@strawberry_django.type(
    models.LibraryEntry,
    name="LibraryEntry",
    description="An entry of the enterprise's hazard library (隐患库): tapped instead of typed "
    "when reporting; it sets the title, category and grade.",
)
class LibraryEntryType(LibraryNode):
    code: auto
    title: auto = strawberry_django.field(description="Title in Chinese.")
    title_en: auto = strawberry_django.field(description="Title in English; may be empty.")
    display_title: str = strawberry_django.field(only=["title", "title_en"], description=_DISPLAY)
    category: HazardCategoryType
    grade: HazardGrade
    equipment_type: EquipmentTypeType | None = strawberry_django.field(
        description="The kind of equipment this entry is about, if any."
    )
    accident_type: auto = strawberry_django.field(
        description="The accident it could lead to, if recorded: the Chinese name of a "
        "GB 6441 type of accidentEdition's list."
    )

    @strawberry_django.field(
        only=["accident_edition"],
        description="The edition of GB 6441 accidentType is named in: the one in force when "
        "the entry was written.",
    )
    def accident_edition(self, root: models.LibraryEntry) -> AccidentEdition:
        return Edition(root.accident_edition)

    rectification_hint: auto = strawberry_django.field(description="How it is usually fixed.")
    rectification_hint_en: auto
    picture_url: str | None = strawberry_django.field(
        only=["picture"],
        description="Path of the entry's pictogram (SVG, 4:3) on this host, or null: "
        "the picture a worker taps instead of reading the title.",
    )
    is_active: auto = strawberry_django.field(description="False: no longer offered.")


@strawberry_django.type(
    models.GradePolicy,
    name="GradePolicy",
    description="What a grade means in this enterprise: deadline, who is told, who accepts.",
)
class GradePolicyType(LibraryNode):
    grade: HazardGrade
    deadline_hours: auto = strawberry_django.field(description="Hours from report to deadline.")
    reminder_before_hours: auto
    escalate_after_hours: auto = strawberry_django.field(
        description="Hours after the deadline before the first escalation."
    )
    second_escalation_after_hours: auto
    acceptance_levels: list[AcceptanceLevel] = strawberry_django.field(
        description="Who signs the fix off, in order."
    )

    @strawberry_django.field(only=["notify_roles"])
    def notify_roles(self, root: models.GradePolicy) -> list[Role]:
        """Roles told as soon as a hazard of this grade is reported."""
        return [Role(value) for value in root.notify_roles if value in Role._value2member_map_]


@strawberry_django.type(
    models.HazardPhoto,
    name="HazardPhoto",
    description="An evidence photo, stamped with time, GPS and who took it.",
)
class HazardPhotoType(HazardPartNode):
    stage: PhotoStage
    width: auto
    height: auto
    taken_at: auto = strawberry_django.field(
        description="The camera's own time (EXIF), when the photo carried one."
    )
    is_stale: auto = strawberry_django.field(
        description="True when the camera time is more than a day before the upload: "
        "possibly an old photo re-used."
    )
    created_at: auto

    @strawberry_django.field(only=["id"])
    def url(self, root: models.HazardPhoto) -> str:
        """Path of the image on this host; needs the same sign-in as the API."""
        return reverse("hazards:photo", args=[root.pk])


@strawberry_django.type(
    models.Rectification,
    name="Rectification",
    description="A fix with its proof (整改): what was done, signed by the fixer.",
)
class RectificationType(HazardPartNode):
    description: auto
    test_result: auto = strawberry_django.field(description="Result of a test after the fix.")
    submitted_at: auto

    @strawberry_django.field(
        only=["by_id", "by__first_name", "by__last_name", "by__email"],
        select_related=["by"],
    )
    def by_name(self, root: models.Rectification) -> str | None:
        """Who fixed it."""
        return _name_of(root.by)

    @strawberry_django.field(only=["id"])
    def signature_url(self, root: models.Rectification) -> str:
        """Path of the fixer's signature image on this host."""
        return reverse("hazards:signature", args=[root.pk])


@strawberry_django.type(
    models.Acceptance,
    name="Acceptance",
    description="One sign-off (验收) of a fix, or its rejection, at one level.",
)
class AcceptanceType(HazardPartNode):
    level: AcceptanceLevel
    decision: AcceptanceDecision
    note: auto = strawberry_django.field(description="The note, or why it was rejected.")
    at: auto

    @strawberry_django.field(
        only=["by_id", "by__first_name", "by__last_name", "by__email"],
        select_related=["by"],
    )
    def by_name(self, root: models.Acceptance) -> str | None:
        """Who signed."""
        return _name_of(root.by)

    @strawberry_django.field(only=["id", "signature"])
    def signature_url(self, root: models.Acceptance) -> str | None:
        """Path of the acceptor's drawn signature on this host; null for a rejection."""
        if not root.signature:
            return None
        return reverse("hazards:acceptance_signature", args=[root.pk])


@strawberry_django.type(
    models.MajorCase,
    name="MajorCase",
    description="A 重大事故隐患's legal path (16号令 Art. 15, 18; 安全生产法 Art. 41): the "
    "stop-work order, the remediation plan the principal approves, the assessment "
    "before the sign-off, and the reports to the regulator and the workers' congress.",
)
class MajorCaseType(HazardPartNode):
    opened_at: auto
    stop_scope: auto = strawberry_django.field(description="What is stopped; empty if nothing.")
    stop_ordered_at: auto
    stop_lifted_at: auto = strawberry_django.field(description="When the stop was lifted.")
    goal: auto = strawberry_django.field(description="治理的目标和任务.")
    measures: auto = strawberry_django.field(description="采取的方法和措施.")
    funds: auto = strawberry_django.field(description="经费和物资的落实.")
    people: auto = strawberry_django.field(description="负责治理的机构和人员.")
    plan_deadline: auto = strawberry_django.field(description="治理的时限和要求.")
    interim_measures: auto = strawberry_django.field(description="安全措施和应急预案.")
    plan_at: auto = strawberry_django.field(description="When the plan was last saved.")
    plan_approved_at: auto = strawberry_django.field(
        description="When the principal approved the plan; null until then (and after a change)."
    )
    assessors: auto
    assessment: auto = strawberry_django.field(description="The assessment's conclusion.")
    assessment_passed: auto = strawberry_django.field(
        description="Null until the fix is assessed; a fresh fix is assessed afresh."
    )
    assessed_at: auto
    reported_to_regulator_at: auto
    reported_to_congress_at: auto

    @strawberry_django.field(only=["stop_ordered_at", "stop_lifted_at"])
    def is_stopped(self, root: models.MajorCase) -> bool:
        """A stop-work order is in force."""
        return root.is_stopped

    @strawberry_django.field(
        only=[
            "plan_approved_by_id",
            "plan_approved_by__first_name",
            "plan_approved_by__last_name",
            "plan_approved_by__email",
        ],
        select_related=["plan_approved_by"],
    )
    def plan_approved_by_name(self, root: models.MajorCase) -> str | None:
        """The principal who approved the plan."""
        return _name_of(root.plan_approved_by)


@strawberry_django.type(
    models.DeadlineExtension,
    name="DeadlineExtension",
    description="A request for more time to fix a hazard, and its decision.",
)
class DeadlineExtensionType(HazardPartNode):
    new_deadline: auto
    reason: auto
    state: ExtensionState
    decided_at: auto

    @strawberry_django.field(
        only=[
            "requested_by_id",
            "requested_by__first_name",
            "requested_by__last_name",
            "requested_by__email",
        ],
        select_related=["requested_by"],
    )
    def requested_by_name(self, root: models.DeadlineExtension) -> str | None:
        return _name_of(root.requested_by)

    @strawberry_django.field(
        only=[
            "decided_by_id",
            "decided_by__first_name",
            "decided_by__last_name",
            "decided_by__email",
        ],
        select_related=["decided_by"],
    )
    def decided_by_name(self, root: models.DeadlineExtension) -> str | None:
        return _name_of(root.decided_by)


@strawberry.type(description="One step in a hazard's history, from the audit trail.")
class TimelineEntry:
    at: datetime
    verb: str = strawberry.field(
        description="What happened: hazard.reported, hazard.assigned, hazard.rectifying, "
        "hazard.rectified, hazard.accepted, hazard.rejected, hazard.closed, hazard.dismissed, "
        "hazard.extension_requested, hazard.extension_decided, …"
    )
    actor_name: str | None = strawberry.field(
        description="Who did it; null for the system or an anonymous reporter."
    )
    note: str | None = strawberry.field(description="The reason or note given, if any.")


_OPEN = ["state", "deadline"]
_ACCEPTANCE = ["state", "accepted_count", "acceptance_levels"]


@strawberry.type(
    name="CriteriaClause",
    description="A clause of a 重大事故隐患判定标准 (the criteria data shipped with SafeLoop).",
)
class CriteriaClauseType:
    id: str = strawberry.field(description='Stable id, e.g. "gm2023-12-3".')
    number: str = strawberry.field(description="第十二条第（三）项 and the like.")
    text: str
    criteria: str = strawberry.field(description="The criteria's name and reference.")
    verified: bool = strawberry.field(
        description="False where the text is not yet checked word for word against the source."
    )

    @classmethod
    def of(cls, clause) -> CriteriaClauseType:
        return cls(
            id=clause.id,
            number=clause.number,
            text=clause.text,
            criteria=f"{clause.criteria_name}（{clause.criteria_ref}）",
            verified=clause.verified,
        )


@strawberry.type(
    name="HazardClause",
    description="The clause that made a hazard 重大, as recorded when it was proposed.",
)
class HazardClauseType:
    id: str
    number: str
    text: str
    criteria: str
    version: str = strawberry.field(description="The criteria data's version at the time.")
    status: ClauseStatus
    reason: str = strawberry.field(description="The manager's reason, once decided.")
    decided_at: datetime | None


_CLAUSE = [
    "clause_id",
    "clause_number",
    "clause_text",
    "clause_criteria",
    "clause_version",
    "clause_status",
    "clause_reason",
    "clause_decided_at",
]


@strawberry_django.type(
    models.Hazard,
    name="Hazard",
    description="A hidden danger (隐患) and its closed loop: report → fix → accept → close.",
)
class HazardType(TenantNode):
    number: auto = strawberry_django.field(description="The hazard's number, e.g. H2605-00042.")
    title: auto
    description: auto
    grade: HazardGrade
    state: HazardState
    is_near_miss: auto = strawberry_django.field(description="A near miss (未遂事件).")
    deadline: auto = strawberry_django.field(description="Fix by; null until assigned.")
    reported_at: auto
    closed_at: auto = strawberry_django.field(description="When it was closed or dismissed.")
    dismissed_reason: auto
    area: AreaType = strawberry_django.field(description="Where it was found.")
    workshop: AreaType | None = strawberry_django.field(description="The area's workshop.")
    equipment: EquipmentNode | None
    category: HazardCategoryType | None
    library_entry: LibraryEntryType | None = strawberry_django.field(
        description="The library entry picked when reporting, if one was."
    )
    reporter: PersonType | None = strawberry_django.field(
        field_name="reporter__person",
        description="Who reported it; null when reported anonymously or not visible to you.",
    )
    is_anonymous: auto
    assignee: PersonType | None = strawberry_django.field(
        description="Who fixes it; null while unrouted or when you may not look people up."
    )
    latitude: auto
    longitude: auto
    gps_accuracy_m: auto = strawberry_django.field(description="GPS accuracy in metres.")
    acceptance_levels: list[AcceptanceLevel] = strawberry_django.field(
        description="The sign-offs the fix needs, in order (from the grade policy)."
    )
    accepted_count: auto = strawberry_django.field(
        description="How many of the levels have signed this round."
    )
    photos: list[HazardPhotoType] = strawberry_django.field(
        description="Before (REPORT) and after (RECTIFICATION) photos, oldest first."
    )
    rectifications: list[RectificationType] = strawberry_django.field(
        description="Every fix submitted, oldest first (a rejection asks for another)."
    )
    acceptances: list[AcceptanceType] = strawberry_django.field(
        description="Every sign-off and rejection, oldest first."
    )
    extensions: list[DeadlineExtensionType] = strawberry_django.field(
        description="Requests for more time."
    )
    major_case: MajorCaseType | None = strawberry_django.field(
        description="The legal path of a 重大 hazard; null for other grades."
    )

    @strawberry_django.field(only=_CLAUSE)
    def clause(self, root: models.Hazard) -> HazardClauseType | None:
        """The 判定标准 clause on record (proposed, confirmed or overruled); null if none."""
        if not root.clause_id:
            return None
        return HazardClauseType(
            id=root.clause_id,
            number=root.clause_number,
            text=root.clause_text,
            criteria=root.clause_criteria,
            version=root.clause_version,
            status=ClauseStatus(root.clause_status),
            reason=root.clause_reason,
            decided_at=root.clause_decided_at,
        )

    @strawberry_django.field(only=["clause_status"])
    def clause_status(self, root: models.Hazard) -> ClauseStatus | None:
        """Where the clause on record stands; null when there is none."""
        return ClauseStatus(root.clause_status) if root.clause_status else None

    @strawberry_django.field(
        only=["title", "description", "library_entry__code"], select_related=["library_entry"]
    )
    def proposed_clauses(self, root: models.Hazard) -> list[CriteriaClauseType]:
        """What the clause check finds for this hazard now, best first (the criteria of the
        enterprise's industry)."""
        from safeloop.tenants.hazards.clauses import proposed_clauses

        return [CriteriaClauseType.of(m.clause) for m in proposed_clauses(root)]

    @strawberry_django.field(only=["shift"])
    def shift(self, root: models.Hazard) -> Shift | None:
        """The shift it was found on, if given."""
        return Shift(root.shift) if root.shift else None

    @strawberry_django.field(only=_OPEN)
    def is_open(self, root: models.Hazard) -> bool:
        """Still in the loop (neither closed nor dismissed)."""
        return root.is_open

    @strawberry_django.field(only=_OPEN)
    def is_overdue(self, root: models.Hazard) -> bool:
        """Open and past its deadline."""
        return root.is_overdue

    @strawberry_django.field(only=_ACCEPTANCE)
    def next_acceptance_level(self, root: models.Hazard) -> AcceptanceLevel | None:
        """The level that signs next; null unless awaiting acceptance."""
        level = root.next_acceptance_level
        return models.AcceptanceLevel(level) if level else None

    @strawberry_django.field(only=["id"])
    def timeline(self, root: models.Hazard) -> list[TimelineEntry]:
        """The hazard's history from the audit trail, oldest first.

        One query per hazard: ask for it on a single hazard, not on long lists.
        """
        events = AuditEvent.objects.filter(
            object_type=models.Hazard._meta.label_lower, object_id=str(root.pk)
        ).select_related("actor")
        return [
            TimelineEntry(
                at=event.occurred_at,
                verb=event.verb,
                actor_name=_name_of(event.actor),
                note=event.data.get("reason") or event.data.get("note") or None,
            )
            for event in events
        ]

    @strawberry_django.field(
        only=["state", "assignee_id", "area_id", *_ACCEPTANCE],
    )
    def viewer_actions(self, root: models.Hazard, info: Info) -> list[HazardAction]:
        """The steps you may take now (the mutations still check).

        A few queries per hazard: ask for it on a single hazard, not on long lists.
        """
        actions = services.allowed_actions(current_user(info), root)
        return [action for action in HazardAction if action.value in actions]

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset.filter(pk__in=visible_hazards(current_user(info)).values("pk"))
