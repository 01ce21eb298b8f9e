"""What an app needs to build its pickers: the enterprise's method, the standard
LEC and matrix value tables, the bands with their thresholds and colours, and
the GB 6441 accident types. Read from ``tenants/risks`` (one definition each)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from safeloop.graphql.risks.enums import (
    AccidentEdition,
    AccidentType,
    AssessmentMethod,
    ControlLevel,
    RiskBand,
)
from safeloop.platform import gb6441
from safeloop.tenants.risks import models, scoring


@strawberry.type(
    name="RiskSettings", description="How this enterprise assesses risks and whom to call."
)
class RiskSettingsType:
    method: AssessmentMethod = strawberry.field(
        description="The method new assessments use; past ones keep theirs."
    )
    emergency_phone: str = strawberry.field(
        description="The site's 24-hour emergency number printed on the cards; empty if unset."
    )
    updated_at: datetime

    @classmethod
    def of(cls, row: models.RiskSettings) -> RiskSettingsType:
        return cls(
            method=scoring.Method(row.method),
            emergency_phone=row.emergency_phone,
            updated_at=row.updated_at,
        )


@strawberry.type(description="One value of a standard table and what it means.")
class FactorValue:
    value: Decimal
    meaning: str = strawberry.field(description="In the request's language.")


@strawberry.type(description="One colour: its meaning, where it starts and who controls it.")
class BandInfo:
    band: RiskBand
    label: str = strawberry.field(description="In the request's language.")
    colour: str = strawberry.field(description="Fill colour on the map (#rrggbb).")
    lec_from: Decimal | None = strawberry.field(
        description="The lowest D of this band (LEC); null for BLUE (below YELLOW)."
    )
    matrix_from: Decimal | None = strawberry.field(
        description="The lowest R of this band (matrix); null for BLUE."
    )
    control_level: ControlLevel = strawberry.field(description="The level that controls it.")


@strawberry.type(
    description="The standard value tables. Assessments accept only these values: anything "
    "else (L = 4, say) is refused."
)
class RiskValueTables:
    lec_l: list[FactorValue] = strawberry.field(description="L, likelihood, highest first.")
    lec_e: list[FactorValue] = strawberry.field(description="E, exposure, highest first.")
    lec_c: list[FactorValue] = strawberry.field(description="C, consequence, highest first.")
    matrix_likelihood: list[FactorValue] = strawberry.field(description="1–5.")
    matrix_severity: list[FactorValue] = strawberry.field(description="1–5.")
    bands: list[BandInfo] = strawberry.field(description="Red first.")


@strawberry.type(description="An accident type of one edition of GB 6441.")
class AccidentTypeInfo:
    code: str = strawberry.field(
        description="The type's code in its edition, e.g. `in_plant_vehicle`: what "
        "`accidentTypeCodes` gives and takes."
    )
    edition: AccidentEdition
    name: str = strawberry.field(description="In the request's language.")
    chinese_name: str = strawberry.field(description="The standard's own name, e.g. 机械致害.")
    value: AccidentType = strawberry.field(
        description="The GB/T 6441-1986 type this one is, or (a 2025 type) falls under.",
        deprecation_reason="The 1986 enum cannot name the 2025 types: use code and edition.",
    )

    @classmethod
    def of(cls, edition: str, code: str) -> AccidentTypeInfo:
        edition = gb6441.Edition(edition)
        if edition == gb6441.Edition.GB_6441_1986:
            old = gb6441.Accident1986(code)
        else:
            old = gb6441.BACKWARD[gb6441.Accident2025(code)]
        return cls(
            code=code,
            edition=edition,
            name=gb6441.english_name(edition, code),
            chinese_name=gb6441.chinese_name(edition, code),
            value=old,
        )


def _values(table: dict) -> list[FactorValue]:
    return [
        FactorValue(value=Decimal(value), meaning=str(meaning)) for value, meaning in table.items()
    ]


def _floors(thresholds) -> dict:
    return {band: floor for floor, band in thresholds}


def value_tables() -> RiskValueTables:
    lec, matrix = _floors(scoring.LEC_THRESHOLDS), _floors(scoring.MATRIX_THRESHOLDS)
    return RiskValueTables(
        lec_l=_values(scoring.LEC_L),
        lec_e=_values(scoring.LEC_E),
        lec_c=_values(scoring.LEC_C),
        matrix_likelihood=_values(scoring.MATRIX_LIKELIHOOD),
        matrix_severity=_values(scoring.MATRIX_SEVERITY),
        bands=[
            BandInfo(
                band=band,
                label=str(band.label),
                colour=scoring.BAND_COLOURS[band],
                lec_from=lec.get(band),
                matrix_from=matrix.get(band),
                control_level=models.BAND_CONTROL_LEVEL[band],
            )
            for band in scoring.BAND_ORDER
        ],
    )


def accident_types(edition: str | None = None) -> list[AccidentTypeInfo]:
    edition = gb6441.Edition(edition or gb6441.edition_in_force())
    return [AccidentTypeInfo.of(edition, kind.value) for kind in gb6441.EDITIONS[edition].types]
