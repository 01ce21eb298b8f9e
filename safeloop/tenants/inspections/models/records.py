"""Inspections done (检查记录) and their answers."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InspectionResult(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class Inspection(models.Model):
    """One visit to one point with one checklist version.

    Started when the checklist is opened, submitted with the answers. GPS and
    timing are checked but never block: ``far_from_point`` and ``too_fast``
    flag the record for review.
    """

    point = models.ForeignKey(
        "inspections.Point", on_delete=models.PROTECT, related_name="inspections"
    )
    checklist_version = models.ForeignKey(
        "inspections.ChecklistVersion", on_delete=models.PROTECT, related_name="inspections"
    )
    task = models.ForeignKey(
        "inspections.InspectionTask",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspections",
    )
    inspector = models.ForeignKey(
        "facilities.Person", on_delete=models.PROTECT, related_name="inspections"
    )
    started_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    gps_accuracy_m = models.FloatField(null=True, blank=True)
    distance_m = models.FloatField(null=True, blank=True)
    far_from_point = models.BooleanField(default=False)
    too_fast = models.BooleanField(default=False)
    result = models.CharField(max_length=4, choices=InspectionResult.choices, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["point", "submitted_at"])]

    def __str__(self) -> str:
        return f"inspection #{self.pk}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def is_flagged(self) -> bool:
        return self.far_from_point or self.too_fast


class Answer(models.Model):
    """The answer to one item. ``passed`` is None for items that are not graded (text)
    and for 不适用 answers (``not_applicable``), which count in no pass rate."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(
        "inspections.CheckItem", on_delete=models.PROTECT, related_name="answers"
    )
    value_bool = models.BooleanField(null=True, blank=True)
    value_number = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    value_choice = models.CharField(max_length=80, blank=True)
    value_text = models.TextField(blank=True)
    passed = models.BooleanField(null=True, blank=True)
    # 不适用: only on items that allow it (CheckItem.allows_na); holds no value.
    not_applicable = models.BooleanField(default=False)
    photo = models.ImageField(upload_to="inspections/%Y/%m/", blank=True)
    note = models.TextField(blank=True)
    hazard = models.ForeignKey(
        "hazards.Hazard",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspection_answers",
    )

    class Meta:
        ordering = ["inspection_id", "item__order"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="one_answer_per_item"),
            # 不适用 is no verdict: pass rates rely on it never being counted as one.
            models.CheckConstraint(
                condition=models.Q(not_applicable=False)
                | models.Q(passed__isnull=True, value_bool__isnull=True, value_number__isnull=True),
                name="not_applicable_has_no_verdict",
            ),
        ]

    def __str__(self) -> str:
        return f"answer to item {self.item_id}"

    @property
    def value(self):
        from safeloop.tenants.inspections.models.checklists import ItemKind

        kind = self.item.kind
        if kind == ItemKind.PASS_FAIL:
            return self.value_bool
        if kind == ItemKind.NUMBER:
            return self.value_number
        if kind == ItemKind.CHOICE:
            return self.value_choice
        return self.value_text
