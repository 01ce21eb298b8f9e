"""Suppliers (供应商) and their monthly safety self-inspection reports (安全自查报告).

The enterprise sets one active checklist (:class:`SelfInspectionForm`); each month a
supplier answers it item by item, with PDFs or pictures, and submits; the enterprise
accepts or returns it with a comment per item, and the supplier resubmits.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Supplier(models.Model):
    """A supplier whose site reports its safety self-inspection every month."""

    name = models.CharField(_("supplier name"), max_length=120)
    # 统一社会信用代码, checked with its check character by the services.
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    active = models.BooleanField(pgettext_lazy("supplier", "active"), default=True)
    # The supplier's sign-in (a person of kind "supplier"), when one was made.
    account = models.OneToOneField(
        "facilities.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supplier",
    )
    # When the supplier last opened its link (to within a few minutes: see
    # services.supplier_link.note_link_used).
    link_used_at = models.DateTimeField(_("link last opened"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("contractors:supplier", args=[self.pk])


class SelfInspectionForm(models.Model):
    """The enterprise's checklist. Setting a new one keeps the old (reports answered it)
    and makes the new one the only active form."""

    title = models.CharField(_("title"), max_length=120)
    due_day = models.PositiveSmallIntegerField(_("due day of the month"), default=25)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("self-inspection form")
        constraints = [
            models.UniqueConstraint(
                fields=["active"],
                condition=models.Q(active=True),
                name="contractors_one_active_selfinspection_form",
            ),
            models.CheckConstraint(
                condition=models.Q(due_day__gte=1, due_day__lte=28),
                name="contractors_selfinspection_due_day",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class FormItem(models.Model):
    form = models.ForeignKey(SelfInspectionForm, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(_("checklist item"), max_length=300)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["form", "position"], name="contractors_formitem_position"
            )
        ]

    def __str__(self) -> str:
        return self.text


class ReportStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("self-inspection report", "Not submitted")
    SUBMITTED = "submitted", pgettext_lazy("self-inspection report", "Submitted")
    RETURNED = "returned", pgettext_lazy("self-inspection report", "Returned")
    ACCEPTED = "accepted", pgettext_lazy("self-inspection report", "Accepted")


class SelfInspectionReport(models.Model):
    """One supplier's report for one month (``period`` is the month's first day)."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="reports")
    form = models.ForeignKey(SelfInspectionForm, on_delete=models.PROTECT, related_name="reports")
    period = models.DateField(_("month"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period", "supplier__name", "id"]
        verbose_name = _("self-inspection report")
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "period"], name="contractors_report_per_month"
            ),
            models.CheckConstraint(
                condition=models.Q(period__day=1), name="contractors_report_period_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} {self.period:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("contractors:report", args=[self.pk])


class ItemResult(models.TextChoices):
    OK = "ok", _("OK")
    NOT_OK = "not_ok", _("Not OK")
    NA = "na", _("Not applicable")


class ReportItem(models.Model):
    """The supplier's answer to one checklist item, and the reviewer's comment on it."""

    report = models.ForeignKey(
        SelfInspectionReport, on_delete=models.CASCADE, related_name="answers"
    )
    item = models.ForeignKey(FormItem, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("result"), max_length=8, choices=ItemResult.choices, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    reviewer_comment = models.CharField(_("reviewer's comment"), max_length=500, blank=True)

    class Meta:
        ordering = ["item__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "item"], name="contractors_answer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.report} #{self.item_id}"


class ReportAttachment(models.Model):
    """A PDF or picture with an answer, stored through the storage API under the schema."""

    answer = models.ForeignKey(ReportItem, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="contractors/suppliers/")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.file.name

    @property
    def is_pdf(self) -> bool:
        return self.file.name.endswith(".pdf")
