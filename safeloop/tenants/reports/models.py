"""The daily KPI snapshot (safety-health table, seed 004), the monthly reports and the
exports of all the enterprise's data."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class DataExport(models.Model):
    """One export of all the enterprise's data (导出全部数据): a ZIP of the ledgers, the
    reports and every stored file, built by a worker (``reports.exports``). The ZIP is
    deleted after ``exports.KEEP_DAYS``; the row stays as the record that it was made."""

    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    # Moved on with every step: a running export whose heartbeat stopped was killed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/", blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)
    # The language the ledgers' headings are written in: the requester's at the time.
    language = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"data export {self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0
