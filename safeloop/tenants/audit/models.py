"""The audit trail (审计记录): append-only, hash-chained, per tenant schema."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class HashVersion(models.IntegerChoices):
    # Events written before the trail was keyed keep their plain hash: the
    # table is append-only, and re-chaining it would also re-bless any
    # tampering done before the upgrade. They stay anchored by the first keyed
    # event's MAC over their last hash, and by the seal the upgrade wrote.
    LEGACY = 1, "SHA-256"
    KEYED = 2, "HMAC-SHA256"


class AuditEvent(models.Model):
    """One state change. The database refuses UPDATE and DELETE on this table."""

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    verb = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=60)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    hash_version = models.PositiveSmallIntegerField(
        choices=HashVersion.choices, default=HashVersion.KEYED
    )

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.verb} {self.object_type}:{self.object_id}"
