"""What an app needs to build its pickers: the enterprise's method, the standard
LEC and matrix value tables, the bands with their thresholds and colours, and
the GB 6441 accident types. Read from ``tenants/risks`` (one definition each)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from safeloop.graphql.risks.enums import AccidentType, AssessmentMethod, ControlLevel, RiskBand
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


@strawberry.type(description="An accident category of GB 6441.")
class AccidentTypeInfo:
    value: AccidentType
    name: str = strawberry.field(description="In the request's language.")
    chinese_name: str = strawberry.field(description="The standard's own name, e.g. 机械伤害.")


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


def accident_types() -> list[AccidentTypeInfo]:
    chinese = {code: name for name, code in models.ACCIDENT_TYPE_CHINESE.items()}
    return [
        AccidentTypeInfo(value=kind, name=str(kind.label), chinese_name=chinese[kind])
        for kind in models.AccidentType
    ]
