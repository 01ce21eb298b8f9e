"""Risk register services: every change to risk points, their sources,
assessments and control measures goes through these (permission-checked,
audited, ``ValidationError`` keyed by field with a ``RiskErrorCode``).

Identify — ``create_risk_point``, ``update_risk_point``, ``set_hazard_sources``.
Assess — ``assess_risk`` (LEC or matrix per ``RiskSettings``; inherent and
residual; the point takes the residual colour and its flags are cleared),
``set_method``.
Control — ``add_control_measure``, ``update_control_measure``,
``remove_control_measure``; ``risks.checks.sync_check_items`` turns measures
into check items. Hazards flag points through ``risks.flags``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.access import ensure_can
from safeloop.platform.errors import create_unique, field_error
from safeloop.platform.gb6441 import Edition, edition_in_force, to_edition
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.facilities.models import Area, Equipment, JobRole, Person, code_validator
from safeloop.tenants.risks.errors import RiskErrorCode as Code
from safeloop.tenants.risks.models import (
    Assessment,
    ControlLevel,
    ControlMeasure,
    HazardSource,
    MeasureKind,
    RiskPoint,
    RiskPointKind,
    RiskSettings,
)
from safeloop.tenants.risks.permissions import RiskPerm
from safeloop.tenants.risks.scoring import Method, Score, ScoreError, score

MAX_SOURCES = 30


PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{2,30}(?:\s*(?:转|ext\.?|x)\s*[0-9]{1,6})?$", re.I)


@transaction.atomic
def update_settings(
    *, by, method: str | None = None, emergency_phone: str | None = None
) -> RiskSettings:
    """How this enterprise assesses (LEC or the 5 × 5 matrix; past assessments
    keep theirs) and the emergency number its cards print. ``None`` keeps a value."""
    ensure_can(by, RiskPerm.RISKS_MANAGE)
    settings = RiskSettings.current()
    changes: dict[str, str] = {}
    if method is not None and method != settings.method:
        if method not in Method.values:
            raise field_error("method", _("Unknown assessment method."), Code.INVALID)
        changes["method"] = method
    if emergency_phone is not None:
        phone = " ".join(emergency_phone.split())
        if phone and not PHONE.match(phone):
            raise field_error(
                "emergency_phone",
                _("Enter a phone number such as 0512-6688 1234 or 0512-6688 1234 转 8001."),
                Code.INVALID,
            )
        if phone != settings.emergency_phone:
            changes["emergency_phone"] = phone
    if changes:
        for name, value in changes.items():
            setattr(settings, name, value)
        settings.save(update_fields=[*changes, "updated_at"])
        record_event(settings, "risks.settings_changed", by=by, **changes)
    return settings


def set_method(*, by, method: str) -> RiskSettings:
    """Choose the assessment method (see :func:`update_settings`)."""
    return update_settings(by=by, method=method)


def _clean_target(kind: str, area: Area | None, equipment: Equipment | None) -> Area:
    if kind not in RiskPointKind.values:
        raise field_error("kind", _("Unknown kind of risk point."), Code.INVALID)
    if kind == RiskPointKind.EQUIPMENT:
        if equipment is None:
            raise field_error("equipment", _("Pick the piece of equipment."), Code.REQUIRED)
        return equipment.area  # a machine's risk point belongs to the machine's area
    if area is None:
        raise field_error("area", _("Pick the area the risk point belongs to."), Code.REQUIRED)
    return area


@transaction.atomic
def create_risk_point(
    *,
    by,
    code: str,
    name: str,
    kind: str,
    area: Area | None = None,
    equipment: Equipment | None = None,
    name_en: str = "",
    description: str = "",
    description_en: str = "",
    responsible: Person | None = None,
) -> RiskPoint:
    """Identify a risk point (风险点): an area, a machine or an activity in an area."""
    ensure_can(by, RiskPerm.RISKS_MANAGE)
    code, name = (code or "").strip(), (name or "").strip()
    try:
        code_validator(code)
    except ValidationError as exc:
        raise field_error("code", exc.messages[0], Code.INVALID) from None
    if not name:
        raise field_error("name", _("Give the risk point a name."), Code.REQUIRED)
    taken = field_error("code", _("This code is already used."), Code.DUPLICATE)
    if RiskPoint.objects.filter(code=code).exists():
        raise taken
    area = _clean_target(kind, area, equipment)
    point = create_unique(
        RiskPoint,
        "code",
        taken,
        code=code,
        name=name[:120],
        name_en=(name_en or "").strip()[:120],
        kind=kind,
        area=area,
        equipment=equipment if kind == RiskPointKind.EQUIPMENT else None,
        description=(description or "").strip(),
        description_en=(description_en or "").strip(),
        responsible=responsible,
    )
    record_event(point, "risk_point.created", by=by, code=code, kind=kind, area=area.code)
    return point


def _as_recorded(changes: dict[str, Any]) -> dict[str, Any]:
    """Changes as the audit trail keeps them: related rows by their id."""
    return {k: (v.pk if hasattr(v, "pk") else v) for k, v in changes.items()}


_EDITABLE = {"name", "name_en", "description", "description_en", "responsible", "is_active"}


@transaction.atomic
def update_risk_point(point: RiskPoint, *, by, **changes: Any) -> RiskPoint:
    """Rename, describe, hand over (``responsible``) or switch off a risk point."""
    ensure_can(by, RiskPerm.RISKS_MANAGE)
    unknown = set(changes) - _EDITABLE
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    if "name" in changes and not (changes["name"] or "").strip():
        raise field_error("name", _("Give the risk point a name."), Code.REQUIRED)
    point = RiskPoint.objects.select_for_update().get(pk=point.pk)
    for attr, value in changes.items():
        setattr(point, attr, value.strip() if isinstance(value, str) else value)
    if changes:
        point.save(update_fields=list(changes))
        record_event(point, "risk_point.updated", by=by, changes=_as_recorded(changes))
    return point


@dataclass
class SourceSpec:
    """One hazard source (危险源) as written: description and accident types
    (codes or the Chinese names of GB 6441)."""

    description: str
    description_en: str = ""
    accident_types: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, value: SourceSpec | dict) -> SourceSpec:
        if isinstance(value, SourceSpec):
            return value
        return cls(
            description=value.get("description", ""),
            description_en=value.get("description_en", ""),
            accident_types=list(value.get("accident_types", [])),
        )


def accident_type_code(value: str, edition: Edition) -> str | None:
    """A GB 6441 accident type of ``edition`` from a code or Chinese name of either
    edition (a 1986 name is mapped to its 2025 type); None if it is neither."""
    return to_edition(value, edition)


def clean_sources(
    sources: Iterable[SourceSpec | dict], *, edition: Edition | None = None
) -> list[SourceSpec]:
    """Check the sources and turn their accident types into ``edition``'s codes
    (the edition in force by default)."""
    edition = edition or edition_in_force()
    specs = [SourceSpec.of(s) for s in sources]
    if len(specs) > MAX_SOURCES:
        raise field_error(
            "sources", _("At most %(n)d hazard sources.") % {"n": MAX_SOURCES}, Code.INVALID
        )
    for n, spec in enumerate(specs, start=1):
        spec.description = (spec.description or "").strip()
        if not spec.description:
            raise field_error(
                "sources", _("Hazard source %(n)d: describe it.") % {"n": n}, Code.REQUIRED
            )
        codes = []
        for raw in spec.accident_types:
            code = accident_type_code(raw, edition)
            if code is None:
                raise field_error(
                    "sources",
                    _("Hazard source %(n)d: “%(type)s” is not an accident type of GB 6441.")
                    % {"n": n, "type": raw},
                    Code.INVALID,
                )
            if code not in codes:
                codes.append(code)
        if not codes:
            raise field_error(
                "sources",
                _("Hazard source %(n)d: pick at least one accident type.") % {"n": n},
                Code.REQUIRED,
            )
        spec.accident_types = codes
    return specs


@transaction.atomic
def set_hazard_sources(
    point: RiskPoint, *, by, sources: Iterable[SourceSpec | dict]
) -> list[HazardSource]:
    """Replace the hazard sources identified at ``point``."""
    ensure_can(by, RiskPerm.RISKS_MANAGE)
    # Rewriting a point's sources is writing a new record: it follows the edition
    # in force, so 1986 types read back from an old row are mapped to 2025 here.
    edition = edition_in_force()
    specs = clean_sources(sources, edition=edition)
    point.sources.all().delete()
    rows = HazardSource.objects.bulk_create(
        HazardSource(
            risk_point=point,
            order=n,
            description=spec.description[:300],
            description_en=(spec.description_en or "").strip()[:300],
            accident_types=spec.accident_types,
            accident_edition=edition,
        )
        for n, spec in enumerate(specs, start=1)
    )
    record_event(
        point,
        "risk_point.sources_set",
        by=by,
        edition=edition.value,
        sources=[{"description": s.description, "types": s.accident_types} for s in specs],
    )
    return rows


def _score(method: str, factors: dict, prefix: str) -> Score:
    try:
        return score(method, factors)
    except ScoreError as exc:
        raise field_error(f"{prefix}_{exc.field}", exc.message, Code.NOT_IN_TABLE) from None


@transaction.atomic
def assess_risk(
    point: RiskPoint,
    *,
    by,
    inherent: dict,
    residual: dict | None = None,
    method: str | None = None,
    note: str = "",
    at: datetime | None = None,
) -> Assessment:
    """Assess ``point``: inherent risk (no controls) and residual risk (with the
    controls in place; the inherent values when omitted). The point takes the
    residual colour; open re-assessment flags are cleared by this assessment.

    Factors are ``{"l", "e", "c"}`` (LEC) or ``{"likelihood", "severity"}``;
    errors are keyed ``inherent_l``, ``residual_severity``, ...
    """
    ensure_can(by, RiskPerm.RISKS_MANAGE)
    method = method or RiskSettings.current().method
    if method not in Method.values:
        raise field_error("method", _("Unknown assessment method."), Code.INVALID)
    before = _score(method, inherent, "inherent")
    after = _score(method, residual if residual else inherent, "residual")
    if after.value > before.value:
        raise field_error(
            "residual",
            _("The residual risk (with controls) cannot be higher than the inherent risk."),
            Code.WORSE_THAN_INHERENT,
        )
    at = at or timezone.now()
    point = RiskPoint.objects.select_for_update().get(pk=point.pk)
    old_band = point.band
    assessment = Assessment.objects.create(
        risk_point=point,
        method=method,
        inherent_factors=before.factors,
        inherent_score=before.value,
        inherent_band=before.band,
        residual_factors=after.factors,
        residual_score=after.value,
        residual_band=after.band,
        note=(note or "").strip(),
        assessed_by=by,
        assessed_at=at,
    )
    point.set_band(after.band, after.value, before.band, at)
    point.needs_reassessment, point.flagged_at = False, None
    point.save(
        update_fields=[
            "band",
            "band_rank",
            "score",
            "inherent_band",
            "assessed_at",
            "needs_reassessment",
            "flagged_at",
        ]
    )
    point.flags.filter(cleared_by__isnull=True).update(cleared_by=assessment)
    record_event(
        point,
        "risk_point.assessed",
        by=by,
        method=method,
        inherent=before.factors,
        inherent_score=str(before.value),
        residual=after.factors,
        residual_score=str(after.value),
        band=after.band,
        previous_band=old_band,
    )
    return assessment


def clean_measure(values: dict) -> dict:
    if "kind" in values and values["kind"] not in MeasureKind.values:
        raise field_error("kind", _("Unknown kind of control measure."), Code.INVALID)
    if "level" in values and values["level"] not in ControlLevel.values:
        raise field_error("level", _("Unknown control level."), Code.INVALID)
    if "description" in values and not (values["description"] or "").strip():
        raise field_error("description", _("Describe the measure."), Code.REQUIRED)
    for text in ("description", "description_en", "check_label", "check_label_en"):
        if text in values:
            values[text] = (values[text] or "").strip()
    for text in ("check_label", "check_label_en"):
        if text in values:
            values[text] = values[text][:200]
    return values


@transaction.atomic
def add_control_measure(
    point: RiskPoint,
    *,
    by,
    kind: str,
    description: str,
    level: str,
    description_en: str = "",
    owner: Person | None = None,
    owner_role: JobRole | None = None,
    check_label: str = "",
    check_label_en: str = "",
) -> ControlMeasure:
    """Add a control measure (管控措施). With ``check_label`` it becomes a check item
    at the point once ``risks.checks.sync_check_items`` runs."""
    ensure_can(by, RiskPerm.RISKS_MANAGE)
    values = clean_measure(
        {
            "kind": kind,
            "level": level,
            "description": description,
            "description_en": description_en,
            "check_label": check_label,
            "check_label_en": check_label_en,
        }
    )
    order = point.measures.filter(kind=kind).count() + 1
    measure = ControlMeasure.objects.create(
        risk_point=point, order=order, owner=owner, owner_role=owner_role, **values
    )
    record_event(
        measure,
        "risk_measure.added",
        by=by,
        risk_point=point.code,
        kind=kind,
        level=level,
        checks=bool(values["check_label"]),
    )
    return measure


_MEASURE_EDITABLE = {
    "kind",
    "level",
    "description",
    "description_en",
    "owner",
    "owner_role",
    "check_label",
    "check_label_en",
}


@transaction.atomic
def update_control_measure(measure: ControlMeasure, *, by, **changes: Any) -> ControlMeasure:
    ensure_can(by, RiskPerm.RISKS_MANAGE)
    unknown = set(changes) - _MEASURE_EDITABLE
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    changes = clean_measure(dict(changes))
    for attr, value in changes.items():
        setattr(measure, attr, value)
    if changes:
        measure.save(update_fields=list(changes))
        record_event(measure, "risk_measure.updated", by=by, changes=_as_recorded(changes))
    return measure


@transaction.atomic
def remove_control_measure(measure: ControlMeasure, *, by) -> ControlMeasure:
    """Retire a measure (kept for the record; its check item goes at the next sync)."""
    ensure_can(by, RiskPerm.RISKS_MANAGE)
    if measure.is_active:
        measure.is_active = False
        measure.save(update_fields=["is_active"])
        record_event(measure, "risk_measure.removed", by=by, risk_point=measure.risk_point.code)
    return measure
