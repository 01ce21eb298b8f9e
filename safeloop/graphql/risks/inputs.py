"""Inputs and payloads of the risk register mutations."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry import UNSET, Info, relay
from strawberry_django.optimizer import optimize

from safeloop.graphql.errors import MutationError
from safeloop.graphql.inspections.types import ChecklistType
from safeloop.graphql.nodes import visible
from safeloop.graphql.risks.enums import (
    AccidentType,
    AssessmentMethod,
    ControlLevel,
    MeasureKind,
    RiskPointKind,
)
from safeloop.graphql.risks.reference import RiskSettingsType
from safeloop.graphql.risks.types import AssessmentType, ControlMeasureType, RiskPointType


def visible_row(node_type: type, info: Info, pk: int | None):
    """The row as the viewer may see it, loaded for the payload's selection."""
    if pk is None:
        return None
    return optimize(visible(node_type, info).filter(pk=pk), info).first()


# --- Identify -----------------------------------------------------------------------------


@strawberry.input
class CreateRiskPointInput:
    code: str = strawberry.field(description="Unique, e.g. RP-W1-01.")
    name: str = strawberry.field(description="Name in Chinese.")
    name_en: str = ""
    kind: RiskPointKind
    area: relay.GlobalID | None = strawberry.field(
        default=None, description="Required for AREA and ACTIVITY points."
    )
    equipment: relay.GlobalID | None = strawberry.field(
        default=None, description="Required for EQUIPMENT points; its area is taken."
    )
    description: str = ""
    description_en: str = ""
    responsible: relay.GlobalID | None = strawberry.field(
        default=None, description="The Person who answers for it."
    )


@strawberry.input(
    description="Fields left out (or null) are left alone; responsible: null names nobody."
)
class UpdateRiskPointInput:
    id: relay.GlobalID
    name: str | None = UNSET
    name_en: str | None = UNSET
    description: str | None = UNSET
    description_en: str | None = UNSET
    responsible: relay.GlobalID | None = UNSET
    is_active: bool | None = strawberry.field(
        default=UNSET, description="false switches the point off (it leaves the register)."
    )


@strawberry.input(description="One hazard source (危险源) and the accidents it can cause.")
class HazardSourceInput:
    description: str = strawberry.field(description="In Chinese.")
    description_en: str = ""
    accident_types: list[AccidentType] | None = strawberry.field(
        default=None,
        description="GB/T 6441-1986 types; mapped to the edition in force.",
        deprecation_reason="Use accidentTypeCodes, which can name GB 6441-2025 types.",
    )
    accident_type_codes: list[str] | None = strawberry.field(
        default=None,
        description="Codes (or Chinese names) of the edition in force (the `accidentTypes` query "
        "lists them); 1986 codes and names are mapped to it. At least one type, "
        "between this and accidentTypes.",
    )


@strawberry.input
class SetHazardSourcesInput:
    id: relay.GlobalID = strawberry.field(description="The risk point.")
    sources: list[HazardSourceInput] = strawberry.field(
        description="Every source, in order; replaces those identified before."
    )


@strawberry.type(description="The risk point after the change, or why it was not made.")
class RiskPointPayload:
    risk_point_pk: strawberry.Private[int | None] = None
    errors: list[MutationError] = strawberry.field(default_factory=list)

    @strawberry.field(description="Null on errors.")
    def risk_point(self, info: Info) -> RiskPointType | None:
        return visible_row(RiskPointType, info, self.risk_point_pk)


# --- Assess -------------------------------------------------------------------------------


@strawberry.input(
    description="Factors from the standard tables (riskValueTables): l, e and c for LEC; "
    "likelihood and severity for the matrix. Anything else is refused."
)
class RiskFactorsInput:
    l: Decimal | None = None  # noqa: E741
    e: Decimal | None = None
    c: Decimal | None = None
    likelihood: int | None = None
    severity: int | None = None

    def as_dict(self) -> dict:
        names = ("l", "e", "c", "likelihood", "severity")
        return {name: getattr(self, name) for name in names if getattr(self, name) is not None}


@strawberry.input
class AssessRiskInput:
    id: relay.GlobalID = strawberry.field(description="The risk point.")
    inherent: RiskFactorsInput = strawberry.field(description="Without any controls.")
    residual: RiskFactorsInput | None = strawberry.field(
        default=None,
        description="With the controls in place; leave out when they change nothing. Cannot "
        "be higher than the inherent risk.",
    )
    method: AssessmentMethod | None = strawberry.field(
        default=None, description="Leave out for the enterprise's method (riskSettings)."
    )
    note: str = ""


@strawberry.type(
    description="The assessment and the recoloured point, or why not. Errors on a factor are "
    "keyed inherentL, residualSeverity, …"
)
class AssessmentPayload:
    assessment_pk: strawberry.Private[int | None] = None
    risk_point_pk: strawberry.Private[int | None] = None
    errors: list[MutationError] = strawberry.field(default_factory=list)

    @strawberry.field
    def assessment(self, info: Info) -> AssessmentType | None:
        return visible_row(AssessmentType, info, self.assessment_pk)

    @strawberry.field(description="The point with its new colour; its flags are cleared.")
    def risk_point(self, info: Info) -> RiskPointType | None:
        return visible_row(RiskPointType, info, self.risk_point_pk)


@strawberry.input
class SetRiskMethodInput:
    method: AssessmentMethod


@strawberry.input(description="Change the risk settings; a field left out keeps its value.")
class UpdateRiskSettingsInput:
    method: AssessmentMethod | None = None
    emergency_phone: str | None = strawberry.field(
        default=None, description="An empty string removes the number from the cards."
    )


@strawberry.type
class RiskSettingsPayload:
    settings: RiskSettingsType | None = None
    errors: list[MutationError] = strawberry.field(default_factory=list)


# --- Control ------------------------------------------------------------------------------


@strawberry.input(description="Give an owner, an owner role, or both.")
class AddControlMeasureInput:
    risk_point: relay.GlobalID
    kind: MeasureKind
    level: ControlLevel
    description: str = strawberry.field(description="The measure, in Chinese.")
    description_en: str = ""
    owner: relay.GlobalID | None = strawberry.field(default=None, description="A Person.")
    owner_role: relay.GlobalID | None = strawberry.field(default=None, description="A JobRole.")
    check_label: str = strawberry.field(
        default="",
        description="The check item inspectors answer; syncCheckItems puts it on the checklist.",
    )
    check_label_en: str = ""


@strawberry.input(
    description="Fields left out (or null) are left alone; owner and ownerRole: null clears."
)
class UpdateControlMeasureInput:
    id: relay.GlobalID
    kind: MeasureKind | None = UNSET
    level: ControlLevel | None = UNSET
    description: str | None = UNSET
    description_en: str | None = UNSET
    owner: relay.GlobalID | None = UNSET
    owner_role: relay.GlobalID | None = UNSET
    check_label: str | None = UNSET
    check_label_en: str | None = UNSET


@strawberry.input
class ControlMeasureIdInput:
    id: relay.GlobalID


@strawberry.type
class ControlMeasurePayload:
    measure_pk: strawberry.Private[int | None] = None
    risk_point_pk: strawberry.Private[int | None] = None
    errors: list[MutationError] = strawberry.field(default_factory=list)

    @strawberry.field(description="The measure (a removed one has isActive false).")
    def measure(self, info: Info) -> ControlMeasureType | None:
        return visible_row(ControlMeasureType, info, self.measure_pk)

    @strawberry.field
    def risk_point(self, info: Info) -> RiskPointType | None:
        return visible_row(RiskPointType, info, self.risk_point_pk)


@strawberry.input
class SyncCheckItemsInput:
    id: relay.GlobalID = strawberry.field(description="The risk point.")


@strawberry.type
class SyncCheckItemsPayload:
    checklist_pk: strawberry.Private[int | None] = None
    risk_point_pk: strawberry.Private[int | None] = None
    errors: list[MutationError] = strawberry.field(default_factory=list)

    @strawberry.field(
        description="The point's own checklist, its measures' check items after the others."
    )
    def checklist(self, info: Info) -> ChecklistType | None:
        return visible_row(ChecklistType, info, self.checklist_pk)

    @strawberry.field
    def risk_point(self, info: Info) -> RiskPointType | None:
        return visible_row(RiskPointType, info, self.risk_point_pk)
