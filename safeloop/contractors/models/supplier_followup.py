"""What follows a supplier's monthly report: reminders before and after its due date,
the managers' overdue digest, and hazards (隐患) raised from failed items.

The hazards app knows nothing of suppliers: the link from a failed item to the
hazard it became lives here.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.contractors.models.suppliers import ReportItem, Supplier


class ReminderStage(models.TextChoices):
    # Days before the due date are "before_<n>" (see services.supplier_reminders).
    BEFORE_5 = "before_5", _("5 days before the due date")
    BEFORE_1 = "before_1", _("1 day before the due date")
    OVERDUE = "overdue", pgettext_lazy("self-inspection report", "Overdue")
    # Not a deadline: a manager sent the supplier its link again (period: that day).
    LINK = "link", _("Link sent again")


class SupplierReminder(models.Model):
    """One SMS to a supplier about one month's report at one stage: written once (the
    unique constraint is what makes a second scan send nothing), then sent; the row
    keeps how the sending went, like the notifications outbox."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="reminders")
    period = models.DateField()
    stage = models.CharField(max_length=12, choices=ReminderStage.choices)
    phone = models.CharField(max_length=30, blank=True)
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    # When the next try may be made; NULL once sent, given up, or with no phone on file.
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "period", "stage"], name="contractors_supplier_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.supplier_id} {self.period:%Y-%m} {self.stage}"


class SupplierOverdueDigest(models.Model):
    """The managers' one overdue list for a month, sent the day after the due date."""

    period = models.DateField(unique=True)
    due_on = models.DateField()
    sent_at = models.DateTimeField()
    suppliers = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"overdue digest {self.period:%Y-%m}"


class SupplierHazard(models.Model):
    """A failed item of a supplier's report that the reviewer turned into a hazard."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="hazard_links")
    answer = models.OneToOneField(ReportItem, on_delete=models.CASCADE, related_name="hazard_link")
    hazard = models.OneToOneField(
        "hazards.Hazard", on_delete=models.CASCADE, related_name="supplier_link"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.supplier_id} → {self.hazard_id}"
