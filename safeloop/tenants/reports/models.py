"""The daily KPI snapshot (safety-health table, seed 004) of one enterprise."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class KpiSnapshot(models.Model):
    """One day's KPIs: ``values`` maps a KPI code (kpis.KPIS) to its result —
    ``{"value": 0.96 | null, "numerator": 24, "denominator": 25, "measured": true}``.
    A KPI whose data source does not exist yet is stored ``measured: false``."""

    day = models.DateField(unique=True)
    values = models.JSONField(default=dict)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"KPIs {self.day}"
