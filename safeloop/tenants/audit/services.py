"""Writing and verifying the hash-chained audit trail."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

from safeloop.tenants.audit.models import AuditEvent

GENESIS = "0" * 64
# One writer at a time per schema, so two events never chain to the same parent.
_LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':audit'))"


def _digest(prev_hash: str, *, actor_id, verb, object_type, object_id, data, occurred_at) -> str:
    payload = json.dumps(
        [prev_hash, actor_id, verb, object_type, str(object_id), data, occurred_at.isoformat()],
        cls=DjangoJSONEncoder,
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@transaction.atomic
def record_event(
    obj: models.Model | None,
    verb: str,
    *,
    by=None,
    object_type: str = "",
    object_id: Any = "",
    **data: Any,
) -> AuditEvent:
    """Append one event for ``obj`` (or an explicit type/id) to the trail."""
    from django.utils import timezone

    with connection.cursor() as cursor:
        cursor.execute(_LOCK_SQL)
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    prev_hash = last or GENESIS
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    data = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    actor_id = getattr(by, "pk", None)
    occurred_at = timezone.now()
    event = AuditEvent(
        actor_id=actor_id,
        verb=verb,
        object_type=object_type,
        object_id=str(object_id),
        data=data,
        prev_hash=prev_hash,
        occurred_at=occurred_at,
    )
    event.hash = _digest(
        prev_hash,
        actor_id=actor_id,
        verb=verb,
        object_type=object_type,
        object_id=object_id,
        data=data,
        occurred_at=occurred_at,
    )
    event.save()
    return event


@dataclass
class ChainReport:
    checked: int
    broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify_chain() -> ChainReport:
    """Walk the trail of the current schema; name the first event that does not fit."""
    prev_hash = GENESIS
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator():
        if event.prev_hash != prev_hash:
            return ChainReport(checked, event.id, "previous hash does not match")
        expected = _digest(
            prev_hash,
            actor_id=event.actor_id,
            verb=event.verb,
            object_type=event.object_type,
            object_id=event.object_id,
            data=event.data,
            occurred_at=event.occurred_at,
        )
        if event.hash != expected:
            return ChainReport(checked, event.id, "content does not match its hash")
        prev_hash = event.hash
        checked += 1
    return ChainReport(checked)
