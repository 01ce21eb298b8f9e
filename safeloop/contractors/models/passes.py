"""Induction (入场条件) and site passes (出入证): what a worker needs before entering,
the safety briefing they sign, the pass itself and the gate's log.

A pass holds while every requirement holds (safeloop/contractors/services/passes.py
decides, in one place); it ends at the earliest expiry among them.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.contractors.models.workers import CertificateKind, WorkType


class InductionRequirement(models.Model):
    """One thing a worker needs: a course passed (its training certificate valid) or a
    special operation certificate valid; for one work type (blank: every worker) on one
    project (empty: every project)."""

    work_type = models.CharField(
        _("work type"), max_length=20, choices=WorkType.choices, blank=True
    )
    project = models.ForeignKey(
        "contractors.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="requirements",
        verbose_name=_("project"),
    )
    course = models.ForeignKey(
        "learning.CoursePage",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("course and exam"),
    )
    certificate_kind = models.CharField(
        _("special operation certificate"),
        max_length=20,
        choices=CertificateKind.choices,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["work_type", "id"]
        verbose_name = _("induction requirement")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(course__isnull=False, certificate_kind="")
                    | (models.Q(course__isnull=True) & ~models.Q(certificate_kind=""))
                ),
                name="contractors_requirement_one_thing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.work_type or '*'}: {self.course_id or self.certificate_kind}"


class SafetyBriefing(models.Model):
    """The safety briefing (安全交底) a worker reads and signs: the site's (no project) or
    one project's. Editing the text raises ``version``: earlier signatures then no
    longer count, and the workers sign again."""

    project = models.ForeignKey(
        "contractors.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="briefings",
        verbose_name=_("project"),
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    version = models.PositiveIntegerField(default=1)
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project_id", "-id"]
        verbose_name = _("safety briefing")
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(active=True, project__isnull=False),
                name="contractors_one_briefing_per_project",
            ),
            models.UniqueConstraint(
                fields=["active"],
                condition=models.Q(active=True, project__isnull=True),
                name="contractors_one_site_briefing",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class BriefingSignature(models.Model):
    """A worker's drawn signature under one version of a briefing."""

    briefing = models.ForeignKey(
        SafetyBriefing, on_delete=models.CASCADE, related_name="signatures"
    )
    worker = models.ForeignKey(
        "contractors.ContractorWorker", on_delete=models.CASCADE, related_name="signatures"
    )
    version = models.PositiveIntegerField()
    # SHA-256 of the text shown, so what was signed can be proven later.
    text_hash = models.CharField(max_length=64)
    # The drawn signature (PNG) through the storage API, under the schema.
    image = models.FileField(upload_to="contractors/signatures/")
    signed_at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-signed_at", "-id"]
        verbose_name = _("briefing signature")
        indexes = [models.Index(fields=["worker", "briefing"])]

    def __str__(self) -> str:
        return f"{self.briefing_id} v{self.version} / {self.worker_id}"


def new_pass_token() -> str:
    """The unguessable part of the pass URL printed as its QR code."""
    return secrets.token_urlsafe(16)


class PassStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("site pass", "Valid")
    # A requirement lapsed: the pass comes back by itself once it holds again.
    SUSPENDED = "suspended", pgettext_lazy("site pass", "Suspended")
    # A manager's decision: only a manager gives it back.
    REVOKED = "revoked", pgettext_lazy("site pass", "Revoked")


class SitePass(models.Model):
    """A worker's site pass (出入证): one per worker, reused across suspensions."""

    worker = models.OneToOneField(
        "contractors.ContractorWorker", on_delete=models.CASCADE, related_name="site_pass"
    )
    number = models.CharField(_("pass number"), max_length=20, unique=True)
    token = models.CharField(max_length=32, unique=True, default=new_pass_token)
    status = models.CharField(
        _("status"), max_length=12, choices=PassStatus.choices, default=PassStatus.ACTIVE
    )
    # The earliest expiry among the requirements; the pass is not valid after it.
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    zones = models.ManyToManyField(
        "facilities.Area", related_name="+", blank=True, verbose_name=_("zones")
    )
    # Why it is suspended or revoked, in the words shown at the gate, and its code.
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    reason_code = models.CharField(max_length=40, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # On site now: set by an allowed entry, cleared by the exit (for the muster count).
    inside_since = models.DateTimeField(null=True, blank=True)
    inside_gate = models.ForeignKey(
        "facilities.Area", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("site pass")
        indexes = [
            models.Index(fields=["status", "valid_until"]),
            models.Index(
                fields=["inside_since"],
                condition=models.Q(inside_since__isnull=False),
                name="contractors_pass_inside",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("portal:pass", args=[self.token])


class GateDirection(models.TextChoices):
    IN = "in", _("Entry")
    OUT = "out", _("Exit")


class GateEvent(models.Model):
    """One check at the gate: who, which way, green or red and why."""

    site_pass = models.ForeignKey(
        SitePass, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    worker = models.ForeignKey(
        "contractors.ContractorWorker",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="gate_events",
    )
    company = models.ForeignKey(
        "contractors.ContractorCompany",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="gate_events",
    )
    gate = models.ForeignKey(
        "facilities.Area",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gate"),
    )
    direction = models.CharField(_("direction"), max_length=4, choices=GateDirection.choices)
    allowed = models.BooleanField(_("allowed"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("gate event")
        indexes = [models.Index(fields=["company", "at"])]

    def __str__(self) -> str:
        return f"{self.direction} {self.at:%Y-%m-%d %H:%M} {'ok' if self.allowed else 'refused'}"
