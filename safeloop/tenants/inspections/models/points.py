"""Inspection points (检查点): an area or a piece of equipment, and where it is."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safeloop.tenants.facilities.models import Area, Equipment


class PointManager(models.Manager):
    def for_target(self, target: Area | Equipment) -> Point:
        """The point of an area or a machine, made on first use."""
        if isinstance(target, Area):
            point, _created = self.get_or_create(area=target)
        elif isinstance(target, Equipment):
            point, _created = self.get_or_create(equipment=target)
        else:  # pragma: no cover - a programming error
            raise TypeError(f"not an inspection point: {target!r}")
        return point

    def for_targets(self, areas=(), equipment=()) -> list[Point]:
        """Points for many areas and machines at once (missing ones are made)."""
        area_ids = {a.pk if isinstance(a, Area) else a for a in areas}
        equipment_ids = {e.pk if isinstance(e, Equipment) else e for e in equipment}
        existing = list(self.filter(Q(area_id__in=area_ids) | Q(equipment_id__in=equipment_ids)))
        have_areas = {p.area_id for p in existing}
        have_equipment = {p.equipment_id for p in existing}
        new = [Point(area_id=pk) for pk in sorted(area_ids - have_areas)]
        new += [Point(equipment_id=pk) for pk in sorted(equipment_ids - have_equipment)]
        if new:
            self.bulk_create(new, ignore_conflicts=True)
            existing = list(
                self.filter(Q(area_id__in=area_ids) | Q(equipment_id__in=equipment_ids))
            )
        return existing


class Point(models.Model):
    """One inspectable place: exactly one of ``area`` and ``equipment``.

    ``latitude``/``longitude`` are where the point is (set by a manager, or
    left empty); an inspection submitted far from them is flagged.
    """

    area = models.OneToOneField(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="inspection_point"
    )
    equipment = models.OneToOneField(
        Equipment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_point",
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    objects = PointManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(area__isnull=False) & Q(equipment__isnull=True))
                | (Q(area__isnull=True) & Q(equipment__isnull=False)),
                name="point_is_area_xor_equipment",
            )
        ]
        verbose_name = _("inspection point")

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    @property
    def target(self) -> Area | Equipment:
        return self.area if self.area_id else self.equipment

    @property
    def is_equipment(self) -> bool:
        return self.equipment_id is not None

    @property
    def code(self) -> str:
        return self.target.code

    @property
    def display_name(self) -> str:
        target = self.target
        return target.display_name if isinstance(target, Area) else target.name

    @property
    def place(self) -> Area:
        """The area the point is in: the area itself, or the machine's area."""
        return self.area if self.area_id else self.equipment.area

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None
