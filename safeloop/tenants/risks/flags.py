"""Hazards feed back into the risks they reveal (the second firewall finds the
holes in the first): a hazard reported at a risk point, or from a failed check
of a control measure, flags that point for re-assessment.

Receivers of ``hazards.signals.hazard_reported`` and
``inspections.signals.answer_reported``; they run inside the reporting
transaction, so a flag exists exactly when the hazard does.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from safeloop.tenants.audit.services import record_event
from safeloop.tenants.risks.checks import measure_of_source
from safeloop.tenants.risks.models import FlagReason, RiskFlag, RiskPoint, RiskPointKind


def points_at(hazard) -> list[RiskPoint]:
    """Risk points a hazard was found at: its machine's, and its area's area and
    activity points (an activity happens in its area)."""
    where = Q(area_id=hazard.area_id) & Q(kind__in=[RiskPointKind.AREA, RiskPointKind.ACTIVITY])
    if hazard.equipment_id:
        where |= Q(equipment_id=hazard.equipment_id)
    return list(RiskPoint.objects.filter(where, is_active=True))


def flag(point: RiskPoint, *, hazard, reason: str, measure=None) -> RiskFlag:
    """Flag ``point`` for re-assessment because of ``hazard`` (once per hazard; a
    failed measure check is the stronger reason and wins)."""
    existing = RiskFlag.objects.filter(risk_point=point, hazard=hazard).first()
    if existing is not None:
        if reason == FlagReason.MEASURE_FAILED and existing.reason != reason:
            existing.reason, existing.measure = reason, measure
            existing.save(update_fields=["reason", "measure"])
        return existing
    row = RiskFlag.objects.create(risk_point=point, hazard=hazard, reason=reason, measure=measure)
    if not point.needs_reassessment:
        RiskPoint.objects.filter(pk=point.pk).update(
            needs_reassessment=True, flagged_at=timezone.now()
        )
        point.needs_reassessment = True
    record_event(
        point,
        "risk_point.flagged",
        by=None,
        hazard=hazard.number,
        reason=reason,
        measure=measure.pk if measure else None,
    )
    return row


def on_hazard_reported(sender, *, hazard, by=None, **kwargs) -> None:
    for point in points_at(hazard):
        flag(point, hazard=hazard, reason=FlagReason.HAZARD_AT_POINT)


def on_answer_reported(sender, *, answer, hazard, by=None, **kwargs) -> None:
    measure = measure_of_source(answer.item.source or "")
    if measure is not None and measure.risk_point.is_active:
        flag(measure.risk_point, hazard=hazard, reason=FlagReason.MEASURE_FAILED, measure=measure)
