"""Risk register mutations (need risks.manage): identify, assess, control. Each is
a thin call into ``tenants/risks/services.py`` (or ``risks/checks.py``), which
checks the permission, validates and writes the audit trail; here we only turn
IDs into visible rows (an unknown or hidden ID is ``not_found``); ``mutation``
puts what they raise in the payload."""

from __future__ import annotations

from enum import Enum

import strawberry
from strawberry import Info

from safeloop.graphql.errors import changes_of, find, mutation
from safeloop.graphql.facilities.types import AreaType, EquipmentNode, JobRoleType, PersonType
from safeloop.graphql.permissions import current_user
from safeloop.graphql.risks.inputs import (
    AddControlMeasureInput,
    AssessmentPayload,
    AssessRiskInput,
    ControlMeasureIdInput,
    ControlMeasurePayload,
    CreateRiskPointInput,
    RiskPointPayload,
    RiskSettingsPayload,
    SetHazardSourcesInput,
    SetRiskMethodInput,
    SyncCheckItemsInput,
    SyncCheckItemsPayload,
    UpdateControlMeasureInput,
    UpdateRiskPointInput,
    UpdateRiskSettingsInput,
)
from safeloop.graphql.risks.reference import RiskSettingsType
from safeloop.graphql.risks.types import ControlMeasureType, RiskPointType
from safeloop.tenants.risks import services
from safeloop.tenants.risks.checks import sync_check_items

# Input fields naming another row, and the node type each must be.
_REFERENCES = {"responsible": PersonType, "owner": PersonType, "owner_role": JobRoleType}


def _resolved(changes: dict, info: Info) -> dict:
    """The changes as the services take them: IDs turned into visible rows (null clears a
    reference), enums into their codes, and null on any other field left alone."""
    resolved = {}
    for name, value in changes.items():
        if name in _REFERENCES:
            if value is not None:
                value = find(_REFERENCES[name], value, info, field=name)
        elif value is None:
            continue
        elif isinstance(value, Enum):
            value = value.value
        resolved[name] = value
    return resolved


@strawberry.type
class RisksMutation:
    @mutation(description="Identify a risk point (风险点) in an area or on a machine.")
    def create_risk_point(self, info: Info, input: CreateRiskPointInput) -> RiskPointPayload:
        point = services.create_risk_point(
            by=current_user(info),
            code=input.code,
            name=input.name,
            name_en=input.name_en,
            kind=input.kind.value,
            area=find(AreaType, input.area, info, field="area"),
            equipment=find(EquipmentNode, input.equipment, info, field="equipment"),
            description=input.description,
            description_en=input.description_en,
            responsible=find(PersonType, input.responsible, info, field="responsible"),
        )
        return RiskPointPayload(risk_point_pk=point.pk)

    @mutation(description="Rename, describe, hand over or switch off a risk point.")
    def update_risk_point(self, info: Info, input: UpdateRiskPointInput) -> RiskPointPayload:
        point = find(RiskPointType, input.id, info, field="id")
        point = services.update_risk_point(
            point, by=current_user(info), **_resolved(changes_of(input), info)
        )
        return RiskPointPayload(risk_point_pk=point.pk)

    @mutation(
        description="Replace the hazard sources (危险源) identified at a risk point, each with "
        "its GB 6441 accident types."
    )
    def set_hazard_sources(self, info: Info, input: SetHazardSourcesInput) -> RiskPointPayload:
        point = find(RiskPointType, input.id, info, field="id")
        services.set_hazard_sources(
            point,
            by=current_user(info),
            sources=[
                services.SourceSpec(
                    description=source.description,
                    description_en=source.description_en,
                    accident_types=[kind.value for kind in source.accident_types or []]
                    + list(source.accident_type_codes or []),
                )
                for source in input.sources
            ],
        )
        return RiskPointPayload(risk_point_pk=point.pk)

    @mutation(
        description="Assess a risk point: inherent and residual risk by LEC or the matrix. The "
        "point takes the residual colour and its re-assessment flags are cleared."
    )
    def assess_risk(self, info: Info, input: AssessRiskInput) -> AssessmentPayload:
        point = find(RiskPointType, input.id, info, field="id")
        assessment = services.assess_risk(
            point,
            by=current_user(info),
            inherent=input.inherent.as_dict(),
            residual=input.residual.as_dict() if input.residual else None,
            method=input.method.value if input.method else None,
            note=input.note,
        )
        return AssessmentPayload(assessment_pk=assessment.pk, risk_point_pk=point.pk)

    @mutation(description="Choose LEC or the 5 × 5 matrix for new assessments.")
    def set_risk_method(self, info: Info, input: SetRiskMethodInput) -> RiskSettingsPayload:
        settings = services.set_method(by=current_user(info), method=input.method.value)
        return RiskSettingsPayload(settings=RiskSettingsType.of(settings))

    @mutation(description="Change the assessment method and/or the emergency phone.")
    def update_risk_settings(
        self, info: Info, input: UpdateRiskSettingsInput
    ) -> RiskSettingsPayload:
        settings = services.update_settings(
            by=current_user(info),
            method=input.method.value if input.method else None,
            emergency_phone=input.emergency_phone,
        )
        return RiskSettingsPayload(settings=RiskSettingsType.of(settings))

    @mutation(description="Add a control measure (管控措施) to a risk point.")
    def add_control_measure(
        self, info: Info, input: AddControlMeasureInput
    ) -> ControlMeasurePayload:
        point = find(RiskPointType, input.risk_point, info, field="risk_point")
        measure = services.add_control_measure(
            point,
            by=current_user(info),
            kind=input.kind.value,
            level=input.level.value,
            description=input.description,
            description_en=input.description_en,
            owner=find(PersonType, input.owner, info, field="owner"),
            owner_role=find(JobRoleType, input.owner_role, info, field="owner_role"),
            check_label=input.check_label,
            check_label_en=input.check_label_en,
        )
        return ControlMeasurePayload(measure_pk=measure.pk, risk_point_pk=point.pk)

    @mutation(description="Change a control measure.")
    def update_control_measure(
        self, info: Info, input: UpdateControlMeasureInput
    ) -> ControlMeasurePayload:
        measure = find(ControlMeasureType, input.id, info, field="id")
        measure = services.update_control_measure(
            measure, by=current_user(info), **_resolved(changes_of(input), info)
        )
        return ControlMeasurePayload(measure_pk=measure.pk, risk_point_pk=measure.risk_point_id)

    @mutation(
        description="Retire a control measure (kept for the record; its check item goes at the "
        "next syncCheckItems)."
    )
    def remove_control_measure(
        self, info: Info, input: ControlMeasureIdInput
    ) -> ControlMeasurePayload:
        measure = find(ControlMeasureType, input.id, info, field="id")
        measure = services.remove_control_measure(measure, by=current_user(info))
        return ControlMeasurePayload(measure_pk=measure.pk, risk_point_pk=measure.risk_point_id)

    @mutation(
        description="Put the point's measures with a check label on its own checklist as "
        "pass/fail items (the risk database feeds patrol inspection); a used version is kept "
        "and the next one published."
    )
    def sync_check_items(self, info: Info, input: SyncCheckItemsInput) -> SyncCheckItemsPayload:
        point = find(RiskPointType, input.id, info, field="id")
        checklist = sync_check_items(point, by=current_user(info))
        return SyncCheckItemsPayload(checklist_pk=checklist.pk, risk_point_pk=point.pk)
