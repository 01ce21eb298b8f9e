"""Training certificates (培训合格证): issued on passing a course's final quiz."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


def new_verification_token() -> str:
    """The unguessable part of the public verification URL printed as a QR code."""
    return secrets.token_urlsafe(16)


class Certificate(models.Model):
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    token = models.CharField(max_length=32, unique=True, default=new_verification_token)
    person = models.ForeignKey(
        "facilities.Person", on_delete=models.PROTECT, related_name="certificates"
    )
    course = models.ForeignKey(
        "learning.CoursePage", on_delete=models.PROTECT, related_name="certificates"
    )
    attempt = models.OneToOneField(
        "learning.Attempt",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificate",
    )
    issued_on = models.DateField(_("issued on"))
    # Empty: does not expire.
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    hours = models.DecimalField(_("credit hours"), max_digits=5, decimal_places=1, default=0)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason"), max_length=200, blank=True)
    # The rendered PDF through the storage API (key under the tenant's schema).
    pdf = models.FileField(upload_to="certificates/", blank=True)
    expiry_reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("certificate")
        indexes = [models.Index(fields=["person", "course"])]

    def __str__(self) -> str:
        return self.number
