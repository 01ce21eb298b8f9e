"""The daily KPI snapshot (safety-health table, seed 004) of one enterprise."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
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


class MonthlyReport(models.Model):
    """One month's closed-loop health report: its figures, PDF and XLSX (the archive)."""

    month = models.DateField(unique=True)  # the first day of the month
    figures = models.JSONField(default=dict)
    pdf = models.FileField(upload_to="reports/monthly/")
    xlsx = models.FileField(upload_to="reports/monthly/")
    generated_at = models.DateTimeField(default=timezone.now)
    sent_to = models.JSONField(default=list)  # the e-mail addresses it went to

    class Meta:
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"Monthly report {self.month:%Y-%m}"


class ReportSettings(models.Model):
    """Who else gets the monthly report by e-mail (one row); the safety managers and the
    principal always do."""

    monthly_recipients = ArrayField(models.EmailField(), default=list, blank=True)

    class Meta:
        verbose_name_plural = "report settings"

    def __str__(self) -> str:
        return "report settings"

    @classmethod
    def current(cls) -> ReportSettings:
        return cls.objects.first() or cls()
