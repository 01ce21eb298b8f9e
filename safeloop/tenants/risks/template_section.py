"""The ``[risks]`` section of industry templates: starter risk points, each with
its hazard sources, an LEC assessment (inherent and residual) and control
measures, so a new enterprise opens its register with the usual risks of its
trade already graded into four colours.

Data shape (see ``safeloop/platform/industry/data/*.toml``)::

    [risks]                      method ("lec", the default, or "matrix")
    [[risks.points]]             code, name, name_en, kind (area | activity | equipment),
                                 area (an area code of [facilities]), equipment (a machine
                                 code, for kind = "equipment"), description, description_en,
                                 basis (依据: standards and clauses),
                                 inherent = {l, e, c}, residual = {l, e, c}
    [[risks.points.sources]]     description, description_en, accident_types (GB 6441
                                 Chinese names or codes, of the 1986 or the 2025
                                 edition: they are stored in the edition in force
                                 when the template is applied, 1986 names mapped)
    [[risks.points.measures]]    kind, level, description, description_en, owner_role (a
                                 job role code), check_label, check_label_en

Templates run at provisioning, before anybody exists, so this checks the data
with the services' own validation (``clean_sources``, ``scoring.score``, the
measure rules) but without their permission checks and audit events, and
writes everything in a handful of bulk inserts. Any bad value raises
``TemplateError`` naming the point and the field, before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from safeloop.platform.gb6441 import Edition, edition_in_force
from safeloop.platform.industry import TemplateError, section
from safeloop.tenants.facilities.models import Area, Equipment, JobRole, code_validator
from safeloop.tenants.risks.models import (
    Assessment,
    ConfinedHazard,
    ConfinedSpace,
    ConfinedSpaceKind,
    ControlMeasure,
    DustCollector,
    DustSite,
    HazardSource,
    RiskPoint,
    RiskPointKind,
    RiskSettings,
)
from safeloop.tenants.risks.scoring import Method, Score, ScoreError, score
from safeloop.tenants.risks.services import SourceSpec, clean_measure, clean_sources


@dataclass
class _Point:
    point: RiskPoint
    sources: list[SourceSpec]
    inherent: Score
    residual: Score
    measures: list[ControlMeasure] = field(default_factory=list)


def _fail(code: str, what: str, detail: Any) -> TemplateError:
    if isinstance(detail, ValidationError):
        detail = "; ".join(detail.messages)
    return TemplateError(f"risks: point {code}: {what}: {detail}")


def _lookup(table: dict, value: str | None, code: str, what: str):
    try:
        return table[value]
    except KeyError:
        raise _fail(code, what, f"unknown code {value!r}") from None


def _score(method: str, factors: Any, code: str, which: str) -> Score:
    try:
        return score(method, dict(factors or {}))
    except (ScoreError, TypeError, ValueError) as exc:
        field_name = getattr(exc, "field", "")
        raise _fail(code, f"{which} {field_name}".strip(), exc) from None


_MEASURE_FIELDS = (
    "kind",
    "level",
    "description",
    "description_en",
    "check_label",
    "check_label_en",
)


def _measures(rows: list[dict], code: str, roles: dict) -> list[ControlMeasure]:
    measures, per_kind = [], {}
    for n, row in enumerate(rows, start=1):
        values = {name: row.get(name, "") for name in _MEASURE_FIELDS}
        try:
            values = clean_measure(values)
        except ValidationError as exc:
            raise _fail(code, f"measure {n}", exc) from None
        role_code = row.get("owner_role")
        role = _lookup(roles, role_code, code, f"measure {n} owner_role") if role_code else None
        per_kind[values["kind"]] = per_kind.get(values["kind"], 0) + 1
        measures.append(ControlMeasure(order=per_kind[values["kind"]], owner_role=role, **values))
    return measures


def _point(
    row: dict, method: str, areas: dict, machines: dict, roles: dict, edition: Edition
) -> _Point:
    code = str(row.get("code", "")).strip()
    try:
        code_validator(code)
    except ValidationError as exc:
        raise _fail(code, "code", exc) from None
    if not str(row.get("name", "")).strip():
        raise _fail(code, "name", "missing")
    kind = row.get("kind")
    if kind not in RiskPointKind.values:
        raise _fail(code, "kind", f"unknown kind {kind!r}")
    equipment = None
    if kind == RiskPointKind.EQUIPMENT:
        equipment = _lookup(machines, row.get("equipment"), code, "equipment")
        area = equipment.area
    else:
        area = _lookup(areas, row.get("area"), code, "area")
    try:
        sources = clean_sources(row.get("sources", []), edition=edition)
    except ValidationError as exc:
        raise _fail(code, "sources", exc) from None
    inherent = _score(method, row.get("inherent"), code, "inherent")
    residual = _score(method, row.get("residual") or row.get("inherent"), code, "residual")
    if residual.value > inherent.value:
        raise _fail(code, "residual", "higher than the inherent risk")
    point = RiskPoint(
        code=code,
        name=row["name"].strip(),
        name_en=row.get("name_en", "").strip(),
        kind=kind,
        area=area,
        equipment=equipment,
        description=row.get("description", "").strip(),
        description_en=row.get("description_en", "").strip(),
        basis=row.get("basis", "").strip(),
    )
    return _Point(
        point, sources, inherent, residual, _measures(row.get("measures", []), code, roles)
    )


@section("risks", order=40)
def apply_risks(enterprise: Any, data: dict[str, Any]) -> None:
    method = data.get("method", Method.LEC)
    if method not in Method.values:
        raise TemplateError(f"risks: unknown method {method!r}")
    areas = {a.code: a for a in Area.objects.all()}
    machines = {e.code: e for e in Equipment.objects.select_related("area")}
    roles = {r.code: r for r in JobRole.objects.all()}
    edition = edition_in_force()
    planned = [
        _point(row, method, areas, machines, roles, edition) for row in data.get("points", [])
    ]
    codes = [p.point.code for p in planned]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise TemplateError(f"risks: duplicate point codes {duplicates}")

    settings = RiskSettings.current()
    if settings.method != method:
        settings.method = method
        settings.save(update_fields=["method", "updated_at"])
    now = timezone.now()
    for p in planned:
        p.point.set_band(p.residual.band, p.residual.value, p.inherent.band, now)
    RiskPoint.objects.bulk_create([p.point for p in planned])
    HazardSource.objects.bulk_create(
        HazardSource(
            risk_point=p.point,
            order=n,
            description=spec.description[:300],
            description_en=(spec.description_en or "").strip()[:300],
            accident_types=spec.accident_types,
            accident_edition=edition,
        )
        for p in planned
        for n, spec in enumerate(p.sources, start=1)
    )
    Assessment.objects.bulk_create(
        Assessment(
            risk_point=p.point,
            method=method,
            inherent_factors=p.inherent.factors,
            inherent_score=p.inherent.value,
            inherent_band=p.inherent.band,
            residual_factors=p.residual.factors,
            residual_score=p.residual.value,
            residual_band=p.residual.band,
            assessed_at=now,
        )
        for p in planned
    )
    for p in planned:
        for measure in p.measures:
            measure.risk_point = p.point
    ControlMeasure.objects.bulk_create([m for p in planned for m in p.measures])
    _inventories(data, areas, {p.point.code: p.point for p in planned})


def _inventories(data: dict[str, Any], areas: dict, points: dict) -> None:
    """The 有限空间 and 粉尘 台账 the template delivers, tied to its risk points."""

    def place(row: dict, what: str):
        area = areas.get(row.get("area", ""))
        if area is None:
            raise _fail(row.get("code", "?"), f"{what} area", row.get("area"))
        point_code = row.get("risk_point", "")
        if point_code and point_code not in points:
            raise _fail(row["code"], f"{what} risk point", point_code)
        return area, points.get(point_code)

    spaces = []
    for row in data.get("confined_spaces", []):
        area, point = place(row, "confined space")
        if row.get("kind") not in ConfinedSpaceKind.values:
            raise _fail(row["code"], "confined space kind", row.get("kind"))
        unknown = [h for h in row.get("hazards", []) if h not in ConfinedHazard.values]
        if unknown or not row.get("hazards"):
            raise _fail(row["code"], "confined space hazards", unknown or "none")
        spaces.append(
            ConfinedSpace(
                code=row["code"],
                name=row["name"],
                name_en=row.get("name_en", ""),
                kind=row["kind"],
                area=area,
                risk_point=point,
                hazards=row["hazards"],
                media=row.get("media", ""),
                work=row.get("work", ""),
                sign_posted=row.get("sign_posted", True),
            )
        )
    ConfinedSpace.objects.bulk_create(spaces)
    sites = []
    for row in data.get("dust_sites", []):
        area, point = place(row, "dust site")
        if row.get("collector") not in DustCollector.values:
            raise _fail(row["code"], "dust collector", row.get("collector"))
        sites.append(
            DustSite(
                code=row["code"],
                name=row["name"],
                name_en=row.get("name_en", ""),
                area=area,
                risk_point=point,
                dust=row["dust"],
                explosive=row.get("explosive", True),
                collector=row["collector"],
                workers=row.get("workers", 0),
            )
        )
    DustSite.objects.bulk_create(sites)
