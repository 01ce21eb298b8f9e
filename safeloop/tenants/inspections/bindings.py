"""Which checklist applies where, and which points an area holds — computed in memory.

A tenant has tens of bindings and at most a few thousand areas, so one query
each, then matching in Python, beats a query per point when a plan spans a
whole workshop.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from safeloop.tenants.facilities.models import Area, Equipment, EquipmentStatus
from safeloop.tenants.facilities.selectors import AreaTree
from safeloop.tenants.inspections.models import Checklist, ChecklistBinding, Point
from safeloop.tenants.inspections.models.checklists import SCOPE_RANK

EARTH_RADIUS_M = 6_371_000


def place_id(point: Point) -> int:
    return point.area_id if point.area_id else point.equipment.area_id


def active_bindings() -> QuerySet[ChecklistBinding]:
    """The bindings of published, active checklists (with their current version)."""
    return ChecklistBinding.objects.filter(
        checklist__is_active=True, checklist__current_version__isnull=False
    ).select_related("checklist__current_version")


class BindingIndex:
    """Active bindings of published, active checklists, matched to points in memory.

    ``BindingIndex()`` loads every binding and the whole area tree, for callers that
    match many points (a plan's workshop, a list); ``BindingIndex.for_point`` loads
    only what can apply at one point (a scan). Both match with the same rule.
    """

    def __init__(
        self, tree: AreaTree | None = None, bindings: Iterable[ChecklistBinding] | None = None
    ) -> None:
        self.tree = tree or AreaTree()
        self.bindings = list(active_bindings() if bindings is None else bindings)

    @classmethod
    def for_point(cls, point: Point) -> BindingIndex:
        """An index for ``point`` alone: its place's chain of areas and the bindings
        that could match there (one query when the place's parents are loaded), so a
        scan costs the same in a tenant of ten areas or of thousands.

        The query only narrows the candidates; ``_matches`` and ``_rank`` decide, as
        for the full index.
        """
        # The place as loaded with the point (the scan's), else by id: no area is read
        # twice, and the chain costs at most one query.
        if point.area_id:
            loaded = Point.area.is_cached(point)
            place: Area | int = point.area if loaded else point.area_id
        else:
            machine = point.equipment
            loaded = Equipment.area.is_cached(machine)
            place = machine.area if loaded else machine.area_id
        tree = AreaTree.above(place)
        machine_type = point.equipment.equipment_type_id if point.is_equipment else None
        area_kind = tree.kind.get(point.area_id) if point.area_id else None
        scoped = (
            Q(point__isnull=True)
            & (Q(area__isnull=True) | Q(area_id__in=tree.ancestors(place_id(point))))
            & (Q(equipment_type__isnull=True) | Q(equipment_type_id=machine_type))
            & (Q(area_kind="") | Q(area_kind=area_kind or ""))
        )
        if point.pk is not None:
            scoped |= Q(point_id=point.pk)
        return cls(tree, active_bindings().filter(scoped))

    def _matches(self, binding: ChecklistBinding, point: Point) -> bool:
        if binding.point_id:
            return binding.point_id == point.pk
        ancestors = self.tree.ancestors(place_id(point))
        if binding.area_id and binding.area_id not in ancestors:
            return False
        if binding.equipment_type_id:
            return point.is_equipment and (
                point.equipment.equipment_type_id == binding.equipment_type_id
            )
        if binding.area_kind:
            return bool(point.area_id) and self.tree.kind.get(point.area_id) == binding.area_kind
        return True

    def _rank(self, binding: ChecklistBinding) -> tuple:
        return (
            SCOPE_RANK[binding.scope],
            -self.tree.depth(binding.area_id),  # a narrower subtree wins
            0 if binding.area_kind else 1,
            binding.pk,
        )

    def checklists_for(self, point: Point) -> list[Checklist]:
        """Every checklist that applies at ``point``, the winning one first."""
        matching = sorted((b for b in self.bindings if self._matches(b, point)), key=self._rank)
        seen: dict[int, Checklist] = {}
        for binding in matching:
            seen.setdefault(binding.checklist_id, binding.checklist)
        return list(seen.values())

    def resolve(self, point: Point, among: set[int] | None = None) -> Checklist | None:
        """The checklist used at ``point`` (limited to the ids in ``among`` when given)."""
        for checklist in self.checklists_for(point):
            if among is None or checklist.pk in among:
                return checklist
        return None


def points_in_subtree(root: Area | None, tree: AreaTree | None = None) -> list[Point]:
    """Every area and in-service machine in the subtree, as points (made if missing)."""
    tree = tree or AreaTree()
    area_ids = tree.subtree(root.pk if root else None)
    equipment_ids = (
        Equipment.objects.filter(area_id__in=area_ids)
        .exclude(status=EquipmentStatus.RETIRED)
        .values_list("pk", flat=True)
    )
    points = Point.objects.for_targets(areas=area_ids, equipment=equipment_ids)
    return sort_points(
        Point.objects.filter(pk__in=[p.pk for p in points]).select_related(
            "area", "equipment__area"
        )
    )


def sort_points(points) -> list[Point]:
    """Walking order: by the code of the place, the area before its machines."""
    return sorted(points, key=lambda p: (p.place.code, p.is_equipment, p.code, p.pk))


def distance_m(lat1, lng1, lat2, lng2) -> float:
    """Great-circle distance in metres (haversine)."""
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    dphi = phi2 - phi1
    dlmb = math.radians(float(lng2) - float(lng1))
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))
