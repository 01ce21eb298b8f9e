"""The risk register's filters (风险分级管控清单), shared by the register page,
its XLSX export and the printable cards.

``filter_points(qs, params)`` takes the query string (a ``QueryDict`` or a
plain dict) and narrows ``qs``. Parameters, all optional; a parameter may be
repeated or comma-separated to mean "any of":

``band``
    ``red``, ``orange``, ``yellow``, ``blue``, or ``unassessed`` (no colour yet).
``area``
    an area's id or code: the points of that area and of everything under it.
``level``
    ``company``, ``workshop``, ``team`` or ``post``: the points that level
    controls (分级管控) — those whose colour puts them at that level (red at
    company, orange at workshop, yellow at team, blue at post) and those with an
    active control measure owned at that level.
``kind``
    ``area``, ``equipment`` or ``activity``: the kind of risk point.
``q``
    text in the code or the name (Chinese or English).
``reassess``
    ``1``/``yes``/``true``: only points flagged for re-assessment.

A value that is not one of these is reported in ``RegisterFilters.errors``
(keyed by parameter); ``filter_points`` ignores it and applies the others, so
a page can show the error beside its field. An export should refuse instead:
``parse_filters(params).errors`` tells.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from safeloop.tenants.facilities.models import Area
from safeloop.tenants.facilities.selectors import AreaTree
from safeloop.tenants.risks.models import (
    BAND_CONTROL_LEVEL,
    ControlLevel,
    ControlMeasure,
    RiskPoint,
    RiskPointKind,
)
from safeloop.tenants.risks.scoring import Band

UNASSESSED = "unassessed"
TRUE_WORDS = {"1", "yes", "true", "on"}


@dataclass
class RegisterFilters:
    """What the query string asked for, cleaned; ``errors`` maps a parameter to its message."""

    bands: list[str] = field(default_factory=list)
    area: Area | None = None
    levels: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    text: str = ""
    reassess: bool = False
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def narrowing(self) -> bool:
        return bool(
            self.bands or self.area or self.levels or self.kinds or self.text or self.reassess
        )

    def apply(self, qs: QuerySet[RiskPoint]) -> QuerySet[RiskPoint]:
        if self.bands:
            qs = qs.filter(band__in=["" if b == UNASSESSED else b for b in self.bands])
        if self.area is not None:
            qs = qs.filter(area_id__in=AreaTree().subtree(self.area.pk))
        if self.levels:
            qs = qs.filter(level_q(self.levels))
        if self.kinds:
            qs = qs.filter(kind__in=self.kinds)
        if self.text:
            qs = qs.filter(
                Q(code__icontains=self.text)
                | Q(name__icontains=self.text)
                | Q(name_en__icontains=self.text)
            )
        if self.reassess:
            qs = qs.filter(needs_reassessment=True)
        return qs


def level_q(levels: list[str]) -> Q:
    """Points controlled at any of ``levels``: by their colour, or by a measure's owner."""
    bands = [band for band, level in BAND_CONTROL_LEVEL.items() if level in levels]
    measures = ControlMeasure.objects.filter(
        risk_point=OuterRef("pk"), level__in=levels, is_active=True
    )
    return Q(band__in=bands) | Q(Exists(measures))


def _values(params: Mapping, name: str) -> list[str]:
    raw = params.getlist(name) if hasattr(params, "getlist") else params.get(name)
    if raw is None:
        raw = []
    elif isinstance(raw, str):
        raw = [raw]
    values: list[str] = []
    for item in raw:
        for part in str(item).split(","):
            part = part.strip()
            if part and part not in values:
                values.append(part)
    return values


def _choices(params: Mapping, name: str, allowed: list[str], errors: dict) -> list[str]:
    values = _values(params, name)
    wrong = [v for v in values if v not in allowed]
    if wrong:
        errors[name] = _("Unknown value “%(value)s”; use one of: %(allowed)s.") % {
            "value": wrong[0],
            "allowed": ", ".join(allowed),
        }
    return [v for v in values if v in allowed]


def _area(params: Mapping, errors: dict) -> Area | None:
    values = _values(params, "area")
    if not values:
        return None
    value = values[0]
    by_id = Q(pk=int(value)) if value.isdigit() else Q()
    area = Area.objects.filter(by_id | Q(code=value)).order_by("pk").first()
    if area is None:
        errors["area"] = _("No area “%(value)s”.") % {"value": value}
    return area


def parse_filters(params: Mapping | None) -> RegisterFilters:
    """Clean the register's query parameters (see the module docstring)."""
    params = params if params is not None else {}
    errors: dict[str, str] = {}
    filters = RegisterFilters(
        bands=_choices(params, "band", [*Band.values, UNASSESSED], errors),
        area=_area(params, errors),
        levels=_choices(params, "level", list(ControlLevel.values), errors),
        kinds=_choices(params, "kind", list(RiskPointKind.values), errors),
        text=" ".join(str(params.get("q") or "").split())[:100],
        reassess=bool(set(v.lower() for v in _values(params, "reassess")) & TRUE_WORDS),
    )
    filters.errors = errors
    return filters


def filter_points(qs: QuerySet[RiskPoint], params: Mapping | None) -> QuerySet[RiskPoint]:
    """``qs`` narrowed by the register's query parameters; wrong values are ignored."""
    return parse_filters(params).apply(qs)
