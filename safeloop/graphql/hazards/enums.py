"""GraphQL enums over the hazard loop's own choices (one definition each)."""

from __future__ import annotations

import strawberry

from safeloop.tenants.facilities import models as facilities_models
from safeloop.tenants.hazards import models, services

HazardGrade = strawberry.enum(
    models.Grade,
    name="HazardGrade",
    description="How dangerous a hazard is: general (一般), serious (较大), major (重大).",
)
HazardState = strawberry.enum(
    models.State,
    name="HazardState",
    description="Where a hazard is in its loop: reported → assigned → rectifying → "
    "awaiting acceptance → closed (or dismissed).",
)
AcceptanceLevel = strawberry.enum(
    models.AcceptanceLevel,
    name="AcceptanceLevel",
    description="Who signs a fix off, in order: team leader, safety officer, leader in charge "
    "(and a third-party verifier where the grade policy asks for one).",
)
AcceptanceDecision = strawberry.enum(models.Decision, name="AcceptanceDecision")
PhotoStage = strawberry.enum(
    models.PhotoStage,
    name="PhotoStage",
    description="REPORT: taken when the hazard was reported (before); "
    "RECTIFICATION: taken after the fix.",
)
ExtensionState = strawberry.enum(models.ExtensionState, name="ExtensionState")
ClauseStatus = strawberry.enum(
    models.ClauseStatus,
    name="ClauseStatus",
    description="A 判定标准 clause on a hazard: PROPOSED by the clause check, CONFIRMED or "
    "OVERRULED by a manager.",
)
Shift = strawberry.enum(facilities_models.Shift, name="Shift")


HazardAction = strawberry.enum(
    services.HazardAction,
    name="HazardAction",
    description="A step the viewer may take on a hazard now.",
)
