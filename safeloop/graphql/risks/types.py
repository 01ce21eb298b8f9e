"""Risk register (风险分级管控) types: risk points with their hazard sources,
assessments, control measures and re-assessment flags; site plans.

Everything here needs ``risks.view`` (every member of staff holds it; a
third-party verifier does not). The people, areas and hazards a risk point
links to keep their own rules: a hazard you may not see is null.
"""

from __future__ import annotations

from decimal import Decimal

import strawberry
import strawberry_django
from django.db.models import QuerySet
from django.urls import reverse
from strawberry import Info, auto
from strawberry_django.fields.field import StrawberryDjangoField
from strawberry_django.optimizer import is_optimized_by_prefetching

from safeloop.graphql.facilities.types import AreaType, EquipmentNode, JobRoleType, PersonType
from safeloop.graphql.hazards.types import HazardType
from safeloop.graphql.nodes import TenantNode
from safeloop.graphql.permissions import visible_if
from safeloop.graphql.risks.enums import (
    AccidentEdition,
    AccidentType,
    AssessmentMethod,
    ControlLevel,
    MeasureKind,
    RiskBand,
    RiskFlagReason,
    RiskPointKind,
)
from safeloop.graphql.risks.reference import AccidentTypeInfo
from safeloop.platform.gb6441 import BACKWARD, Accident2025, Edition
from safeloop.tenants.risks import models
from safeloop.tenants.risks.permissions import RiskPerm
from safeloop.tenants.risks.scoring import BAND_COLOURS, Band
from safeloop.tenants.risks.selectors import UNASSESSED_COLOUR

_NAME = "Name in Chinese (the enterprise's working language)."
_NAME_EN = "Name in English; empty when nobody entered one."
_DISPLAY = "In the request's language: English when asked for and present, else Chinese."
_BILINGUAL = ["name", "name_en"]
_DESCRIPTIONS = ["description", "description_en"]
_ACCIDENTS = ["accident_types", "accident_edition"]


def _name_of(user) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.email


def _band(value: str) -> Band | None:
    return Band(value) if value else None


class RisksNode(TenantNode):
    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return visible_if(queryset, info, RiskPerm.RISKS_VIEW)


class ActiveOnly(StrawberryDjangoField):
    """A related list without the rows switched off (``is_active``), prefetched or not."""

    def get_queryset(self, queryset, info, **kwargs):
        if not is_optimized_by_prefetching(queryset):
            queryset = queryset.filter(is_active=True)
        return super().get_queryset(queryset, info, **kwargs)


@strawberry.type(
    description="The factors of one assessment: l, e and c for LEC, likelihood and severity "
    "for the matrix (the others are null)."
)
class RiskFactors:
    l: Decimal | None = strawberry.field(description="L, likelihood (LEC).")  # noqa: E741
    e: Decimal | None = strawberry.field(description="E, exposure (LEC).")
    c: Decimal | None = strawberry.field(description="C, consequence (LEC).")
    likelihood: int | None = strawberry.field(description="Likelihood, 1–5 (matrix).")
    severity: int | None = strawberry.field(description="Severity, 1–5 (matrix).")

    @classmethod
    def of(cls, factors: dict) -> RiskFactors:
        def number(key: str, kind: type):
            value = (factors or {}).get(key)
            return kind(value) if value not in (None, "") else None

        return cls(
            l=number("l", Decimal),
            e=number("e", Decimal),
            c=number("c", Decimal),
            likelihood=number("likelihood", int),
            severity=number("severity", int),
        )


@strawberry_django.type(
    models.HazardSource,
    name="HazardSource",
    description="A hazard source (危险源) found at a risk point, and the accidents it can cause.",
)
class HazardSourceType(RisksNode):
    order: auto = strawberry_django.field(description="1, 2, … as listed.")
    description: auto = strawberry_django.field(description="In Chinese.")
    description_en: auto = strawberry_django.field(description="In English; may be empty.")
    display_description: str = strawberry_django.field(only=_DESCRIPTIONS, description=_DISPLAY)

    @strawberry_django.field(
        only=["accident_edition"],
        description="The edition of GB 6441 its accident types follow: the one in force when "
        "it was written.",
    )
    def accident_edition(self, root: models.HazardSource) -> AccidentEdition:
        return Edition(root.accident_edition)

    @strawberry_django.field(
        only=_ACCIDENTS, description="The accidents it can cause, as codes of its edition."
    )
    def accident_type_codes(self, root: models.HazardSource) -> list[str]:
        return list(root.accident_types)

    @strawberry_django.field(
        only=_ACCIDENTS, description="The accidents it can cause, with their names and edition."
    )
    def accidents(self, root: models.HazardSource) -> list[AccidentTypeInfo]:
        return [AccidentTypeInfo.of(root.accident_edition, code) for code in root.accident_types]

    @strawberry_django.field(
        only=_ACCIDENTS,
        description="The accidents it can cause as GB/T 6441-1986 types; a 2025 type is given "
        "as the 1986 type it falls under.",
        deprecation_reason="Use accidentTypeCodes or accidents, which name 2025 types.",
    )
    def accident_types(self, root: models.HazardSource) -> list[AccidentType]:
        if root.accident_edition == Edition.GB_6441_1986:
            return [models.AccidentType(code) for code in root.accident_types]
        old = [BACKWARD[Accident2025(code)] for code in root.accident_types]
        return list(dict.fromkeys(old))

    @strawberry_django.field(
        only=_ACCIDENTS,
        description="The accidents it can cause, named in the request's language as in its "
        "edition.",
    )
    def accident_type_names(self, root: models.HazardSource) -> list[str]:
        return root.accident_type_labels


@strawberry_django.type(
    models.Assessment,
    name="Assessment",
    description="One assessment of a risk point (风险评价): the inherent risk (no controls) and "
    "the residual risk (with them). Never changed afterwards: the list is the history.",
)
class AssessmentType(RisksNode):
    method: AssessmentMethod
    inherent_score: auto = strawberry_django.field(description="D (LEC) or R (matrix).")
    inherent_band: RiskBand
    residual_score: auto
    residual_band: RiskBand = strawberry_django.field(
        description="The colour the point took from this assessment."
    )
    note: auto
    assessed_at: auto

    @strawberry_django.field(only=["inherent_factors"])
    def inherent_factors(self, root: models.Assessment) -> RiskFactors:
        return RiskFactors.of(root.inherent_factors)

    @strawberry_django.field(only=["residual_factors"])
    def residual_factors(self, root: models.Assessment) -> RiskFactors:
        return RiskFactors.of(root.residual_factors)

    @strawberry_django.field(
        only=[
            "assessed_by_id",
            "assessed_by__first_name",
            "assessed_by__last_name",
            "assessed_by__email",
        ],
        select_related=["assessed_by"],
        description="Who assessed; null for the industry template's starter assessments.",
    )
    def assessed_by_name(self, root: models.Assessment) -> str | None:
        return _name_of(root.assessed_by)


@strawberry_django.type(
    models.ControlMeasure,
    name="ControlMeasure",
    description="A control measure (管控措施), owned at a level by a person or a job role. With "
    "a check label it becomes a pass/fail item on the point's checklist (syncCheckItems).",
)
class ControlMeasureType(RisksNode):
    kind: MeasureKind
    level: ControlLevel = strawberry_django.field(description="Who owns it: company … post.")
    order: auto = strawberry_django.field(description="1, 2, … within its kind.")
    description: auto = strawberry_django.field(description="In Chinese.")
    description_en: auto
    display_description: str = strawberry_django.field(only=_DESCRIPTIONS, description=_DISPLAY)
    owner: PersonType | None = strawberry_django.field(description="The person who owns it.")
    owner_role: JobRoleType | None = strawberry_django.field(
        description="Or the job (岗位) that owns it."
    )
    check_label: auto = strawberry_django.field(
        description="The check item inspectors answer (Chinese); empty: not checked on patrol."
    )
    check_label_en: auto
    is_active: auto = strawberry_django.field(
        description="False once removed (kept for the record; its check item goes)."
    )
    created_at: auto


@strawberry_django.type(
    models.RiskFlag,
    name="RiskFlag",
    description="Why a risk point needs re-assessment: a hazard found there, or a failed check "
    "of one of its control measures. Cleared by the next assessment.",
)
class RiskFlagType(RisksNode):
    reason: RiskFlagReason
    hazard: HazardType | None = strawberry_django.field(
        description="The hazard that raised it; null when you may not see that hazard."
    )
    measure: ControlMeasureType | None = strawberry_django.field(
        description="The measure whose check failed, for MEASURE_FAILED."
    )
    created_at: auto
    cleared_by: AssessmentType | None = strawberry_django.field(
        description="The assessment that cleared it; null while open."
    )

    @strawberry_django.field(
        only=["cleared_by_id"], description="Not yet cleared by an assessment."
    )
    def is_open(self, root: models.RiskFlag) -> bool:
        return root.cleared_by_id is None


@strawberry_django.type(
    models.RiskPoint,
    name="RiskPoint",
    description="A risk point (风险点): an area, a machine or an activity, with what can go "
    "wrong there (sources), how bad it is (assessments, band) and how it is controlled "
    "(measures).",
)
class RiskPointType(RisksNode):
    code: auto
    name: auto = strawberry_django.field(description=_NAME)
    name_en: auto = strawberry_django.field(description=_NAME_EN)
    display_name: str = strawberry_django.field(only=_BILINGUAL, description=_DISPLAY)
    kind: RiskPointKind
    area: AreaType = strawberry_django.field(
        description="The area it belongs to (a machine's: the machine's area)."
    )
    equipment: EquipmentNode | None = strawberry_django.field(
        description="The machine, for EQUIPMENT points."
    )
    description: auto
    description_en: auto
    display_description: str = strawberry_django.field(only=_DESCRIPTIONS, description=_DISPLAY)
    responsible: PersonType | None = strawberry_django.field(
        description="Who answers for it; null when nobody is named or you may not see people."
    )
    score: auto = strawberry_django.field(
        description="The current residual score (D or R); null until assessed."
    )
    assessed_at: auto
    needs_reassessment: auto = strawberry_django.field(
        description="A hazard found here says the controls may have failed: assess it again."
    )
    flagged_at: auto
    is_active: auto = strawberry_django.field(description="False: switched off.")
    created_at: auto
    sources: list[HazardSourceType] = strawberry_django.field(
        description="The hazard sources identified, in order."
    )
    assessments: list[AssessmentType] = strawberry_django.field(
        description="Every assessment, newest first."
    )
    measures: list[ControlMeasureType] = strawberry_django.field(
        field_cls=ActiveOnly,
        description="The control measures in force, by kind (removed ones are left out).",
    )
    flags: list[RiskFlagType] = strawberry_django.field(
        description="Re-assessment flags, newest first, cleared ones included."
    )

    @strawberry_django.field(
        only=["band"],
        description="The current colour: the residual band of the latest assessment; null "
        "until assessed.",
    )
    def band(self, root: models.RiskPoint) -> RiskBand | None:
        return _band(root.band)

    @strawberry_django.field(
        only=["band"],
        description="The band's fill colour on the four-colour map (#rrggbb; grey until assessed).",
    )
    def colour(self, root: models.RiskPoint) -> str:
        return BAND_COLOURS.get(root.band, UNASSESSED_COLOUR)

    @strawberry_django.field(
        only=["inherent_band"],
        description="The colour without controls, from the latest assessment.",
    )
    def inherent_band(self, root: models.RiskPoint) -> RiskBand | None:
        return _band(root.inherent_band)

    @strawberry_django.field(
        only=["band"],
        description="The level that must control it by its colour: red the company, orange "
        "the workshop, yellow the team, blue the post; null until assessed.",
    )
    def control_level(self, root: models.RiskPoint) -> ControlLevel | None:
        level = root.control_level
        return models.ControlLevel(level) if level else None


@strawberry_django.type(
    models.SitePlan,
    name="SitePlan",
    description="A site plan image (厂区平面图) the four-colour map is drawn on.",
)
class SitePlanType(RisksNode):
    name: auto
    width: auto = strawberry_django.field(description="Image width in pixels.")
    height: auto = strawberry_django.field(description="Image height in pixels.")
    uploaded_at: auto
    is_active: auto = strawberry_django.field(description="True for the plan the map shows.")

    @strawberry_django.field(
        only=["id"],
        description="Path of the image on this host (needs the same sign-in as the API).",
    )
    def image_url(self, root: models.SitePlan) -> str:
        return reverse("risks:map_plan_image", args=[root.pk])


ConfinedSpaceKind = strawberry.enum(models.ConfinedSpaceKind, name="ConfinedSpaceKind")
ConfinedHazard = strawberry.enum(models.ConfinedHazard, name="ConfinedHazard")
DustCollector = strawberry.enum(models.DustCollector, name="DustCollector")


@strawberry_django.type(
    models.ConfinedSpace,
    name="ConfinedSpace",
    description="One line of the 有限空间管理台账 (应急管理部令第13号).",
)
class ConfinedSpaceType(RisksNode):
    code: auto
    name: auto = strawberry_django.field(description=_NAME)
    name_en: auto = strawberry_django.field(description=_NAME_EN)
    display_name: str = strawberry_django.field(only=_BILINGUAL, description=_DISPLAY)
    kind: ConfinedSpaceKind
    area: AreaType
    risk_point: RiskPointType | None
    media: auto = strawberry_django.field(description="Harmful substances that may be present.")
    work: auto = strawberry_django.field(description="The work done inside.")
    sign_posted: auto = strawberry_django.field(description="The warning sign is posted.")
    responsible: PersonType | None = strawberry_django.field(
        description="Who answers for it; null when nobody is named or you may not see people."
    )

    @strawberry_django.field(only=["hazards"])
    def hazards(self, root: models.ConfinedSpace) -> list[ConfinedHazard]:
        """What can go wrong inside."""
        return [models.ConfinedHazard(h) for h in root.hazards]


@strawberry_django.type(
    models.DustSite,
    name="DustSite",
    description="One line of the 粉尘作业场所台账 (涉爆粉尘: 应急管理部令第6号).",
)
class DustSiteType(RisksNode):
    code: auto
    name: auto = strawberry_django.field(description=_NAME)
    name_en: auto = strawberry_django.field(description=_NAME_EN)
    display_name: str = strawberry_django.field(only=_BILINGUAL, description=_DISPLAY)
    area: AreaType
    risk_point: RiskPointType | None
    dust: auto
    explosive: auto = strawberry_django.field(description="Explosive dust (粉尘涉爆).")
    collector: DustCollector
    workers: auto = strawberry_django.field(description="Workers exposed.")
    responsible: PersonType | None = strawberry_django.field(
        description="Who answers for it; null when nobody is named or you may not see people."
    )
