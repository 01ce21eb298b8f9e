"""Writing and verifying the keyed, hash-chained, sealed audit trail.

Each event carries a MAC of its content and of its predecessor's MAC
(HMAC-SHA256 under settings.SAFELOOP_AUDIT_KEY, which the database never
holds), and the trail's head (newest id and MAC, event count) is sealed outside
the tenant's schema in platform.AuditSeal, in the same transaction (read and
written with SQL: apps import no platform model). Someone who can write the
database directly can still delete or rewrite events, but cannot make the
result verify: an edit breaks its event's MAC, a deletion in the middle breaks
the next event's link, a deletion at the end no longer meets the seal, and a
recomputed chain lacks the key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from safeloop.tenants.audit.models import AuditEvent, HashVersion

log = logging.getLogger(__name__)

GENESIS = "0" * 64
# One writer at a time per schema, so two events never chain to the same parent
# and the seal's upsert never waits on another writer of the same schema.
_LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':audit'))"
SEAL_FIELDS = ("last_id", "last_hash", "count", "opened_after_id", "sealed_at", "seal_mac")
# The trail's newest event and its seal in one round trip. The seal table is
# named with its schema: it lives in public, whatever the search path holds.
_HEAD_SQL = """
SELECT e.id, e.hash, {fields}
FROM (SELECT 1) AS one
LEFT JOIN LATERAL (
    SELECT id, hash FROM audit_auditevent ORDER BY id DESC LIMIT 1
) AS e ON true
LEFT JOIN public.platform_auditseal AS s ON s.schema_name = %s
""".format(fields=", ".join(f"s.{name}" for name in SEAL_FIELDS))
_SEAL_SQL = """
INSERT INTO public.platform_auditseal
    (schema_name, last_id, last_hash, count, opened_after_id, sealed_at, seal_mac)
VALUES (%s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (schema_name) DO UPDATE SET
    last_id = EXCLUDED.last_id, last_hash = EXCLUDED.last_hash, count = EXCLUDED.count,
    opened_after_id = EXCLUDED.opened_after_id, sealed_at = EXCLUDED.sealed_at,
    seal_mac = EXCLUDED.seal_mac
"""


def _keys() -> list[bytes]:
    """The current audit key first, then the fallbacks still accepted when verifying."""
    return [
        key.encode()
        for key in [settings.SAFELOOP_AUDIT_KEY, *settings.SAFELOOP_AUDIT_KEY_FALLBACKS]
    ]


def _payload(prev_hash: str, *, actor_id, verb, object_type, object_id, data, occurred_at) -> bytes:
    return json.dumps(
        [prev_hash, actor_id, verb, object_type, str(object_id), data, occurred_at.isoformat()],
        cls=DjangoJSONEncoder,
        sort_keys=True,
        ensure_ascii=False,
    ).encode()


def _mac(key: bytes, payload: bytes) -> str:
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def _matches_a_key(mac: str, payload: bytes) -> bool:
    return any(hmac.compare_digest(mac, _mac(key, payload)) for key in _keys())


def _seal_payload(
    schema_name: str,
    *,
    last_id: int,
    last_hash: str,
    count: int,
    opened_after_id: int,
    sealed_at: datetime,
) -> bytes:
    sealed_at = sealed_at.astimezone(UTC).isoformat()
    fields = [schema_name, last_id, last_hash, count, opened_after_id, sealed_at]
    return json.dumps(fields).encode()


def write_seal(
    schema_name: str, *, last_id: int, last_hash: str, count: int, opened_after_id: int = 0
) -> None:
    """Seal ``schema_name``'s trail at its head (caller holds the schema's audit lock)."""
    sealed_at = timezone.now()
    head = dict(last_id=last_id, last_hash=last_hash, count=count, opened_after_id=opened_after_id)
    mac = _mac(_keys()[0], _seal_payload(schema_name, sealed_at=sealed_at, **head))
    with connection.cursor() as cursor:
        cursor.execute(
            _SEAL_SQL,
            [schema_name, last_id, last_hash, count, opened_after_id, sealed_at, mac],
        )


def _seal_is_genuine(
    schema_name: str,
    *,
    last_id: int,
    last_hash: str,
    count: int,
    opened_after_id: int,
    sealed_at: datetime,
    seal_mac: str,
) -> bool:
    payload = _seal_payload(
        schema_name,
        last_id=last_id,
        last_hash=last_hash,
        count=count,
        opened_after_id=opened_after_id,
        sealed_at=sealed_at,
    )
    return _matches_a_key(seal_mac, payload)


def lock_trail() -> None:
    """Take the current schema's trail lock for this transaction (``record_event`` takes
    it too): a caller that must read something and write events by it in one piece."""
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_SQL)


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
    """Append one event for ``obj`` (or an explicit type/id) to the trail and seal it."""
    schema_name = connection.schema_name
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_SQL)
        cursor.execute(_HEAD_SQL, [schema_name])
        last_id, last_hash, *seal = cursor.fetchone()
    prev_hash = last_hash or GENESIS
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
        hash_version=HashVersion.KEYED,
    )
    event.hash = _mac(
        _keys()[0],
        _payload(
            prev_hash,
            actor_id=actor_id,
            verb=verb,
            object_type=object_type,
            object_id=object_id,
            data=data,
            occurred_at=occurred_at,
        ),
    )
    event.save()
    _extend_seal(schema_name, event, last_id=last_id, last_hash=last_hash, seal=seal)
    return event


def _extend_seal(
    schema_name: str, event: AuditEvent, *, last_id: int | None, last_hash: str | None, seal: list
) -> None:
    sealed = dict(zip(SEAL_FIELDS, seal, strict=True))
    count, opened_after_id = sealed["count"], sealed["opened_after_id"]
    if sealed["last_id"] is None:
        # No seal yet: the first event of a new trail, or (after someone deleted
        # the seal) a trail that was already there, which verify-audit reports.
        count = 0 if last_id is None else AuditEvent.objects.filter(id__lt=event.id).count()
        opened_after_id = last_id or 0
    elif not (
        sealed["last_id"] == last_id
        and sealed["last_hash"] == last_hash
        and _seal_is_genuine(schema_name, **sealed)
    ):
        # The trail no longer ends where it was sealed, or the seal was forged.
        # Re-sealing now would make the tampering verify; keep the seal as the
        # evidence and let the write go on (refusing it would stop the factory).
        log.error(
            "audit trail of %s does not meet its seal (sealed head #%s, table ended at #%s); "
            "seal left as it was: run `safeloop verify-audit`",
            schema_name,
            sealed["last_id"],
            last_id,
        )
        return
    write_seal(
        schema_name,
        last_id=event.id,
        last_hash=event.hash,
        count=count + 1,
        opened_after_id=opened_after_id,
    )


@dataclass
class ChainReport:
    """What verify-audit found in one schema's trail: intact, or each problem named."""

    checked: int
    broken_id: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def reason(self) -> str:
        return "; ".join(self.problems)


def _span(ids: list[int]) -> str:
    first, last = ids[0], ids[-1]
    if first == last:
        return f"event #{first}"
    return f"events #{first}–#{last}"


def _check_event(event: AuditEvent, prev_hash: str, opened_after_id: int) -> str:
    """Why ``event`` does not fit the trail, or "" when it does."""
    if event.prev_hash != prev_hash:
        return f"event #{event.id}: previous hash does not match (an event before it is missing)"
    payload = _payload(
        prev_hash,
        actor_id=event.actor_id,
        verb=event.verb,
        object_type=event.object_type,
        object_id=event.object_id,
        data=event.data,
        occurred_at=event.occurred_at,
    )
    plain = hashlib.sha256(payload).hexdigest()
    if event.hash_version == HashVersion.LEGACY and event.id <= opened_after_id:
        # Written before the trail was keyed; anchored by the next keyed event's
        # MAC over this hash, or by the seal the upgrade wrote.
        if event.hash == plain:
            return ""
        return f"event #{event.id}: content does not match its hash"
    if event.hash_version == HashVersion.KEYED and _matches_a_key(event.hash, payload):
        if event.id <= opened_after_id:
            return f"event #{event.id} was written while the trail had no seal"
        return ""
    if event.hash == plain:
        return f"chain rewritten: event #{event.id} does not carry a valid key"
    return (
        f"event #{event.id}: content does not match its MAC (changed, or written under another key)"
    )


@dataclass(frozen=True)
class Seal:
    """One row of platform.AuditSeal."""

    schema_name: str
    last_id: int
    last_hash: str
    count: int
    opened_after_id: int
    sealed_at: datetime
    seal_mac: str


def _seals(where: str, params: list) -> list[Seal]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT schema_name, {', '.join(SEAL_FIELDS)} FROM public.platform_auditseal "
            f"WHERE {where} ORDER BY schema_name",
            params,
        )
        return [Seal(*row) for row in cursor.fetchall()]


def _check_seal(schema_name: str, seal: Seal | None, ids: list[int], head_hash: str) -> list[str]:
    last_id, count = (ids[-1] if ids else None), len(ids)
    if seal is None:
        if not count:
            # Provisioning records the first event, so a tenant never has neither.
            return ["no events and no seal: the whole trail is gone"]
        return [f"no seal for this trail ({count} events)"]
    if not _seal_is_genuine(schema_name, **{name: getattr(seal, name) for name in SEAL_FIELDS}):
        return ["the seal does not carry a valid key (it was changed outside SafeLoop)"]
    if last_id is None:
        return [f"all {seal.count} events missing (sealed head #{seal.last_id}, table is empty)"]
    if last_id < seal.last_id:
        lost = _span([last_id + 1, seal.last_id]).replace("event", "newest event", 1)
        return [f"{lost} missing (sealed head #{seal.last_id}, table ends at #{last_id})"]
    problems = []
    if last_id > seal.last_id:
        past = [i for i in ids if i > seal.last_id]
        problems.append(f"{_span(past)} past the sealed head #{seal.last_id}: written unsealed")
    elif head_hash != seal.last_hash:
        problems.append(f"chain rewritten: event #{last_id} is not the sealed head")
    if count != seal.count and last_id == seal.last_id:
        problems.append(f"the seal counts {seal.count} events, the table holds {count}")
    return problems


def verify_chain(schema_name: str | None = None) -> ChainReport:
    """Walk the current schema's trail and meet it with its seal; name what does not fit."""
    schema_name = schema_name or connection.schema_name
    seal = next(iter(_seals("schema_name = %s", [schema_name])), None)
    opened_after_id = seal.opened_after_id if seal else 0
    report = ChainReport(checked=0)
    prev_hash = GENESIS
    ids: list[int] = []
    for event in AuditEvent.objects.order_by("id").iterator():
        ids.append(event.id)
        if report.broken_id is None:
            problem = _check_event(event, prev_hash, opened_after_id)
            if problem:
                report.broken_id = event.id
                report.problems.append(problem)
            else:
                report.checked += 1
        prev_hash = event.hash
    report.problems += _check_seal(schema_name, seal, ids, prev_hash)
    return report


def orphan_seals(enterprise_schemas: Iterable[str]) -> list[str]:
    """Problems of seals without their enterprise: a deleted tenant, a dropped schema."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        existing = {name for (name,) in cursor.fetchall()}
    seals = _seals("NOT (schema_name = ANY(%s))", [list(enterprise_schemas)])
    return [
        f"seal of {seal.schema_name}: its "
        f"{'enterprise' if seal.schema_name in existing else 'schema'} is gone "
        f"(sealed head #{seal.last_id}, {seal.count} events)"
        for seal in seals
    ]
