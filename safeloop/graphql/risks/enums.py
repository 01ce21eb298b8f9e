"""GraphQL enums over the risk register's own choices (one definition each)."""

from __future__ import annotations

import strawberry

from safeloop.platform.gb6441 import Edition
from safeloop.tenants.risks import models, scoring

RiskBand = strawberry.enum(
    scoring.Band,
    name="RiskBand",
    description="The four colours (四色): RED major (重大), ORANGE serious (较大), "
    "YELLOW general (一般), BLUE low (低).",
)
AssessmentMethod = strawberry.enum(
    scoring.Method,
    name="AssessmentMethod",
    description="LEC: D = L × E × C from the standard tables; MATRIX: likelihood × severity, "
    "each 1–5.",
)
AccidentType = strawberry.enum(
    models.AccidentType,
    name="AccidentType",
    description="The 20 accident categories of GB/T 6441-1986 (企业职工伤亡事故分类). "
    "Kept for existing clients and deprecated: records written from 2026-07-01 follow "
    "GB 6441-2025, whose 27 types this enum cannot name. Use the `code` strings and "
    "`AccidentEdition` instead (`accidentTypes(edition:)` lists both editions).",
)
AccidentEdition = strawberry.enum(
    Edition,
    name="AccidentEdition",
    description="An edition of GB 6441: GB_6441_1986 (GB/T 6441-1986 企业职工伤亡事故分类, "
    "20 types) or GB_6441_2025 (GB 6441-2025 生产安全事故分类与编码, 27 types, in force "
    "from 2026-07-01). A record keeps the edition it was written in.",
)
RiskPointKind = strawberry.enum(
    models.RiskPointKind,
    name="RiskPointKind",
    description="What a risk point (风险点) is: an area, a piece of equipment, or an "
    "activity / job step in an area.",
)
MeasureKind = strawberry.enum(
    models.MeasureKind,
    name="MeasureKind",
    description="The five kinds of control measure: engineering, management, training, "
    "personal protective equipment, emergency.",
)
ControlLevel = strawberry.enum(
    models.ControlLevel,
    name="ControlLevel",
    description="Who controls a risk (分级管控): company (red), workshop (orange), team "
    "(yellow), post (blue).",
)
RiskFlagReason = strawberry.enum(
    models.FlagReason,
    name="RiskFlagReason",
    description="Why a risk point was flagged for re-assessment.",
)
