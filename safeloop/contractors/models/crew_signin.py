"""A crew lead's one-time sign-in code (短信验证码), sent by SMS to the phone on file.

Only a salted HMAC of the code is kept; a code holds for ``CODE_VALID_MINUTES`` and
``CODE_MAX_ATTEMPTS`` wrong guesses, and is spent by the first right one
(safeloop/contractors/services/crew_portal.py).
"""

from __future__ import annotations

from django.db import models


class CrewSignInCode(models.Model):
    worker = models.ForeignKey(
        "contractors.ContractorWorker", on_delete=models.CASCADE, related_name="sign_in_codes"
    )
    # The phone it went to, as typed at the sign-in (per-phone throttling counts these).
    phone = models.CharField(max_length=30, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"code for {self.worker_id} @ {self.created_at:%Y-%m-%d %H:%M}"
