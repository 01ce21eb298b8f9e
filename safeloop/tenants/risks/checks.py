"""Control measures become check items (seed 003: "the risk database provides
the basis and source for the patrol inspection").

A risk point's measures with a ``check_label`` are kept as pass/fail items on
its inspection point's own checklist (bound to that one point, so it wins
over the universal one there). The first sync copies the checklist the point
used so far and appends the measures' items; later syncs replace only the
items born of measures (``CheckItem.source``), leaving what people wrote.
Revising goes through the inspection services, so a used version is kept and
a new one published.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from safeloop.access import ensure_can
from safeloop.tenants.facilities.models import Area, Equipment
from safeloop.tenants.inspections.models import Checklist, ChecklistBinding, ItemKind, Point
from safeloop.tenants.inspections.services import (
    ItemSpec,
    bind_checklist,
    create_checklist,
    resolve_checklist,
    revise_checklist,
)
from safeloop.tenants.risks.models import (
    MEASURE_SOURCE_PREFIX,
    ControlMeasure,
    RiskPoint,
    RiskPointKind,
)
from safeloop.tenants.risks.permissions import RiskPerm


def check_target(point: RiskPoint) -> Area | Equipment:
    """Where this risk is checked: the machine, else the area (whose QR sign it uses)."""
    if point.kind == RiskPointKind.EQUIPMENT and point.equipment_id:
        return point.equipment
    return point.area


def inspection_point(point: RiskPoint) -> Point:
    """The inspection point of :func:`check_target`, made on first use (writes)."""
    return Point.objects.for_target(check_target(point))


def existing_inspection_point(point: RiskPoint) -> Point | None:
    """The inspection point if someone already made it; reading pages use this."""
    target = check_target(point)
    field = "equipment" if isinstance(target, Equipment) else "area"
    return Point.objects.filter(**{field: target}).first()


def own_checklist(point: Point) -> Checklist | None:
    binding = (
        ChecklistBinding.objects.filter(point=point, checklist__is_active=True)
        .select_related("checklist")
        .order_by("-pk")
        .first()
    )
    return binding.checklist if binding else None


def measure_specs(measures) -> list[ItemSpec]:
    return [
        ItemSpec(
            kind=ItemKind.PASS_FAIL,
            label=m.check_label,
            label_en=m.check_label_en,
            guidance=m.description,
            guidance_en=m.description_en,
            source=m.source_key,
        )
        for m in measures
    ]


def _same(a: list[ItemSpec], b: list[ItemSpec]) -> bool:
    key = lambda s: (s.kind, s.label, s.label_en, s.guidance, s.guidance_en, s.source)  # noqa: E731
    return [key(s) for s in a] == [key(s) for s in b]


@transaction.atomic
def sync_check_items(point: RiskPoint, *, by) -> Checklist:
    """Put the measures' check items on the point's checklist; returns it."""
    ensure_can(by, RiskPerm.RISKS_MANAGE)
    measures = list(
        ControlMeasure.objects.filter(risk_point=point, is_active=True)
        .exclude(check_label="")
        .order_by("kind", "order", "pk")
    )
    mine = {m.source_key for m in ControlMeasure.objects.filter(risk_point=point)}
    generated = measure_specs(measures)
    # Two syncs of one place at once (two tabs, a double click) would both find no
    # checklist of its own and both make one; holding the point's row makes the second
    # wait for the first and then revise what the first made.
    target = Point.objects.select_for_update().get(pk=inspection_point(point).pk)
    checklist = own_checklist(target)
    if checklist is None:
        base = resolve_checklist(target)
        kept = (
            [ItemSpec.from_item(i) for i in base.current_version.items.all()]
            if base and base.current_version
            else []
        )
        code = f"R-{point.code}"[:40]
        suffix = 1
        while Checklist.objects.filter(code=code).exists():
            suffix += 1
            code = f"R-{point.code}"[: 40 - len(str(suffix)) - 1] + f"-{suffix}"
        checklist = create_checklist(
            by=by,
            code=code,
            name=_checklist_name(target, "zh-hans"),
            name_en=_checklist_name(target, "en"),
            items=kept + generated,
        )
        bind_checklist(checklist, by=by, point=target)
        return checklist
    current = list(checklist.current_version.items.all()) if checklist.current_version else []
    kept = [ItemSpec.from_item(i) for i in current if i.source not in mine]
    now = [ItemSpec.from_item(i) for i in current]
    wanted = kept + generated
    if not _same(now, wanted):
        revise_checklist(checklist, by=by, items=wanted)
    return checklist


def _checklist_name(target: Point, language: str) -> str:
    """ "<place> checks" in ``language`` (the Chinese and English name fields get their
    own language whoever syncs)."""
    place = target.target
    label = place.name if language != "en" else (getattr(place, "name_en", "") or place.name)
    with translation.override(language):
        return _("%(point)s checks") % {"point": label}


def measure_of_source(source: str) -> ControlMeasure | None:
    """The measure a check item was born of (``source`` "risks.measure:<pk>")."""
    if not source.startswith(MEASURE_SOURCE_PREFIX):
        return None
    pk = source[len(MEASURE_SOURCE_PREFIX) :]
    if not pk.isdigit():
        return None
    return ControlMeasure.objects.select_related("risk_point").filter(pk=int(pk)).first()
