"""Reading the register for exports, cards and reports.

``register_queryset`` loads what a register row or a card shows in a fixed
number of queries. ``colour_counts_by_area`` counts the colours per area: an
area's row counts the active risk points of its whole subtree (a workshop's
row includes its areas'), rolled up by ``AreaTree.roll_up`` like the colours
of the map (``selectors.area_risks``). Three queries whatever the size: one aggregate
over the points, the area tree, the areas' names.
"""

from __future__ import annotations

from typing import NamedTuple

from django.db.models import Count, Prefetch, Q, QuerySet

from safeloop.tenants.facilities.models import Area
from safeloop.tenants.facilities.selectors import AreaTree
from safeloop.tenants.risks.models import Assessment, ControlMeasure, RiskPoint
from safeloop.tenants.risks.scoring import Band


def register_queryset(qs: QuerySet[RiskPoint]) -> QuerySet[RiskPoint]:
    """``qs`` with everything a row or a card shows, in a fixed number of queries."""
    return qs.select_related(
        "area__parent__parent", "equipment", "responsible__user"
    ).prefetch_related(
        "sources",
        Prefetch(
            "assessments",
            queryset=Assessment.objects.order_by("-assessed_at", "-pk")[:1],
            to_attr="latest_assessments",
        ),
        Prefetch(
            "measures",
            queryset=ControlMeasure.objects.filter(is_active=True).order_by("kind", "order", "pk"),
            to_attr="active_measures",
        ),
    )


def latest_assessment(point: RiskPoint) -> Assessment | None:
    found = getattr(point, "latest_assessments", None)
    if found is None:
        return point.assessments.order_by("-assessed_at", "-pk").first()
    return found[0] if found else None


def active_measures(point: RiskPoint) -> list[ControlMeasure]:
    found = getattr(point, "active_measures", None)
    if found is None:
        return list(point.measures.filter(is_active=True).order_by("kind", "order", "pk"))
    return found


def area_path(point: RiskPoint) -> str:
    """The point's area under its workshop and site: "厂区 / 冲压车间 / 冲压线"."""
    names, area = [], point.area
    while area is not None and len(names) < 5:
        names.append(area.display_name)
        area = area.parent
    return " / ".join(reversed(names))


COUNT_FIELDS = ("red", "orange", "yellow", "blue", "unassessed", "total")


class ColourCounts(NamedTuple):
    """One row of the counts: an area (None for the whole enterprise) and its numbers."""

    area: Area | None
    red: int = 0
    orange: int = 0
    yellow: int = 0
    blue: int = 0
    unassessed: int = 0
    total: int = 0

    def plus(self, other: ColourCounts) -> ColourCounts:
        return self._replace(
            **{name: getattr(self, name) + getattr(other, name) for name in COUNT_FIELDS}
        )


def _own_counts(points: QuerySet[RiskPoint]) -> dict[int, ColourCounts]:
    """Counts of the points sitting directly in each area (one aggregate query)."""
    by_band = {band.value: Count("pk", filter=Q(band=band)) for band in Band}
    rows = (
        points.order_by()
        .values("area_id")
        .annotate(**by_band, unassessed=Count("pk", filter=Q(band="")), total=Count("pk"))
    )
    return {
        row["area_id"]: ColourCounts(None, **{name: row[name] for name in COUNT_FIELDS})
        for row in rows
    }


def _tree_order(tree: AreaTree, codes: dict[int, str]) -> list[int]:
    """Areas depth first (a workshop, then its areas), siblings by code."""
    ordered: list[int] = []
    stack = sorted(tree.children.get(None, ()), key=lambda pk: codes.get(pk, ""), reverse=True)
    while stack:
        pk = stack.pop()
        if pk in ordered:  # a cycle would be a data error; don't loop on it
            continue
        ordered.append(pk)
        children = tree.children.get(pk, ())
        stack.extend(sorted(children, key=lambda c: codes.get(c, ""), reverse=True))
    return ordered


def colour_counts_by_area(
    points: QuerySet[RiskPoint] | None = None, *, skip_empty: bool = False
) -> list[ColourCounts]:
    """Per area (sites, workshops, areas in tree order), the active risk points
    of its subtree by current colour; ``unassessed`` have no colour yet.

    ``points`` narrows what is counted (e.g. the register's filters); by
    default all active risk points. ``skip_empty`` leaves out areas with none.
    """
    if points is None:
        points = RiskPoint.objects.filter(is_active=True)
    own = _own_counts(points)
    tree = AreaTree()
    areas = Area.objects.in_bulk(list(tree.parent))
    totals = tree.roll_up(own, ColourCounts.plus, ColourCounts(None))
    rows = []
    for pk in _tree_order(tree, {pk: a.code for pk, a in areas.items()}):
        row = totals[pk]._replace(area=areas[pk])
        if row.total or not skip_empty:
            rows.append(row)
    return rows


def colour_totals(points: QuerySet[RiskPoint] | None = None) -> ColourCounts:
    """The whole enterprise's counts (``area`` None) of ``points`` (all active by default)."""
    if points is None:
        points = RiskPoint.objects.filter(is_active=True)
    total = ColourCounts(None)
    for part in _own_counts(points).values():
        total = total.plus(part)
    return total
