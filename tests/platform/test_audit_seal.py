"""verify-audit names what a database superuser did to a trail: edits, deletions, rewrites.

Each test plays the attacker of issue 11: connected as the database superuser,
the append-only trigger disabled, changing rows directly. The trail's events
carry MACs under a key the database does not hold, and its head is sealed in
the public schema.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import get_tenant_base_schema, schema_context, tenant_context

from safeloop.platform.cloning import clone_schema
from safeloop.platform.models import AuditSeal
from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.audit.services import _payload, record_event, write_seal

pytestmark = pytest.mark.django_db


@contextmanager
def trigger_disabled() -> Iterator:
    """A cursor on the current schema's trail with the append-only trigger off."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
        yield cursor
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")


def verify(tenant: str | None = None) -> str:
    """verify-audit's output; raises CommandError (exit status 1) with what is broken."""
    out = io.StringIO()
    call_command("verify_audit", *([tenant] if tenant else []), stdout=out)
    return out.getvalue()


def hazard_story(count: int = 6) -> list[AuditEvent]:
    return [
        record_event(None, "hazard.reported", object_type="hazards.hazard", object_id=n, level=n)
        for n in range(1, count + 1)
    ]


def rewrite_chain(digest) -> None:
    """Recompute every event's prev link and hash with ``digest(payload) -> hex``."""
    prev_hash = "0" * 64
    with trigger_disabled() as cursor:
        for event in AuditEvent.objects.order_by("id"):
            event.data = {**event.data, "rewritten": True}
            new_hash = digest(
                _payload(
                    prev_hash,
                    actor_id=event.actor_id,
                    verb=event.verb,
                    object_type=event.object_type,
                    object_id=event.object_id,
                    data=event.data,
                    occurred_at=event.occurred_at,
                )
            )
            cursor.execute(
                "UPDATE audit_auditevent SET data = %s::jsonb, prev_hash = %s, hash = %s "
                "WHERE id = %s",
                [json.dumps(event.data), prev_hash, new_hash, event.id],
            )
            prev_hash = new_hash


def test_untouched_trail_is_intact_with_its_count(in_acme):
    hazard_story()

    assert verify("acme") == (
        f"Audit chain of acme is intact: {AuditEvent.objects.count()} events.\n"
    )


def test_edited_event_is_named(in_acme):
    events = hazard_story()
    with trigger_disabled() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET data = '{\"level\": 1}' WHERE id = %s", [events[3].id]
        )

    with pytest.raises(CommandError, match=rf"broken: event #{events[3].id}: .*content"):
        verify("acme")


def test_deleted_middle_event_is_named_by_its_successor(in_acme):
    events = hazard_story()
    with trigger_disabled() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[2].id])

    with pytest.raises(CommandError, match=rf"broken: event #{events[3].id}: previous hash"):
        verify("acme")


def test_deleted_newest_event_is_named(in_acme):
    events = hazard_story()
    newest = events[-1].id
    with trigger_disabled() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [newest])

    with pytest.raises(CommandError) as broken:
        verify("acme")
    assert (
        f"newest event #{newest} missing (sealed head #{newest}, table ends at #{newest - 1})"
        in str(broken.value)
    )


def test_three_deleted_newest_events_are_named_with_their_range(in_acme):
    events = hazard_story()
    newest = events[-1].id
    with trigger_disabled() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id > %s", [newest - 3])

    with pytest.raises(CommandError) as broken:
        verify("acme")
    assert (
        f"newest events #{newest - 2}–#{newest} missing "
        f"(sealed head #{newest}, table ends at #{newest - 3})"
    ) in str(broken.value)


def test_trail_rewritten_with_plain_sha256_is_named(in_acme):
    hazard_story()
    first = AuditEvent.objects.order_by("id").first().id

    rewrite_chain(lambda payload: hashlib.sha256(payload).hexdigest())

    with pytest.raises(CommandError) as broken:
        verify("acme")
    assert f"chain rewritten: event #{first} does not carry a valid key" in str(broken.value)


def test_trail_rewritten_as_unkeyed_legacy_events_is_named(in_acme):
    hazard_story()
    first = AuditEvent.objects.order_by("id").first().id
    rewrite_chain(lambda payload: hashlib.sha256(payload).hexdigest())
    with trigger_disabled() as cursor:
        cursor.execute("UPDATE audit_auditevent SET hash_version = 1")

    with pytest.raises(CommandError) as broken:
        verify("acme")
    assert f"chain rewritten: event #{first} does not carry a valid key" in str(broken.value)


def test_trail_rewritten_under_another_key_is_named(in_acme):
    hazard_story()
    first = AuditEvent.objects.order_by("id").first().id
    newest = AuditEvent.objects.order_by("id").last().id

    rewrite_chain(lambda payload: hmac.new(b"guessed", payload, hashlib.sha256).hexdigest())

    with pytest.raises(CommandError) as broken:
        verify("acme")
    message = str(broken.value)
    assert f"broken: event #{first}: content does not match its MAC" in message
    assert f"chain rewritten: event #{newest} is not the sealed head" in message


def test_forged_seal_is_named(in_acme):
    events = hazard_story()
    newest = events[-1].id
    with trigger_disabled() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [newest])
        previous = AuditEvent.objects.get(id=newest - 1)
        cursor.execute(
            "UPDATE public.platform_auditseal SET last_id = %s, last_hash = %s, "
            "count = count - 1 WHERE schema_name = 'acme'",
            [previous.id, previous.hash],
        )

    with pytest.raises(CommandError, match="the seal does not carry a valid key"):
        verify("acme")


def test_event_written_after_a_deleted_tail_does_not_reseal_the_trail(in_acme):
    """SafeLoop goes on writing, but the seal keeps naming the lost head."""
    events = hazard_story()
    newest = events[-1].id
    with trigger_disabled() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [newest])

    record_event(None, "hazard.closed", object_type="hazards.hazard", object_id=1)

    with pytest.raises(CommandError, match=rf"sealed head #{newest}\b"):
        verify("acme")


def test_deleted_seal_is_named(in_acme):
    hazard_story()
    AuditSeal.objects.filter(schema_name="acme").delete()

    with pytest.raises(CommandError, match=r"no seal for this trail \(\d+ events\)"):
        verify("acme")


def test_trail_deleted_whole_with_its_seal_is_named(in_acme):
    hazard_story()
    with trigger_disabled() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    AuditSeal.objects.filter(schema_name="acme").delete()

    with pytest.raises(CommandError, match="no events and no seal: the whole trail is gone"):
        verify("acme")


def test_all_tenants_are_verified_and_a_seal_without_schema_is_named(in_acme, globex):
    hazard_story()
    write_seal("gone_tenant", last_id=40, last_hash="a" * 64, count=40)

    with pytest.raises(CommandError) as broken:
        verify()
    assert "seal of gone_tenant: its schema is gone (sealed head #40, 40 events)" in str(
        broken.value
    )

    AuditSeal.objects.filter(schema_name="gone_tenant").delete()
    out = verify()
    assert "Audit chain of acme is intact" in out
    assert "Audit chain of globex is intact" in out


def test_a_clone_of_the_base_starts_its_own_trail():
    base = get_tenant_base_schema()
    with schema_context(base):
        record_event(None, "stray.event", object_type="thing", object_id=1)

    clone_schema(base, "clone_trail")

    with schema_context("clone_trail"):
        assert not AuditEvent.objects.exists()
        assert not AuditSeal.objects.filter(schema_name="clone_trail").exists()
        event = record_event(None, "enterprise.provisioned", object_type="enterprise")
    seal = AuditSeal.objects.get(schema_name="clone_trail")
    assert (seal.last_id, seal.count, seal.opened_after_id) == (event.id, 1, 0)


def test_legacy_trail_sealed_by_the_upgrade_verifies_and_goes_on_keyed(globex):
    """Unkeyed events written before the upgrade stay as written, anchored by its seal."""
    upgrade = importlib.import_module("safeloop.tenants.audit.migrations.0003_keyed_hash_and_seal")
    with tenant_context(globex):
        AuditSeal.objects.filter(schema_name=globex.schema_name).delete()
        legacy = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
        rewrite_chain(lambda payload: hashlib.sha256(payload).hexdigest())
        with trigger_disabled() as cursor:
            cursor.execute("UPDATE audit_auditevent SET hash_version = 1")

        upgrade.seal_existing_trail(None, None)
        record_event(None, "hazard.reported", object_type="hazards.hazard", object_id=1)

        assert verify("globex") == (f"Audit chain of globex is intact: {len(legacy) + 1} events.\n")
        with trigger_disabled() as cursor:
            cursor.execute("UPDATE audit_auditevent SET data = '{}' WHERE id = %s", [legacy[-1]])
        with pytest.raises(CommandError, match=rf"broken: event #{legacy[-1]}: content"):
            verify("globex")


def test_trail_verifies_after_key_rotation_only_with_the_old_key_kept(in_acme, settings):
    hazard_story(3)
    old_key = settings.SAFELOOP_AUDIT_KEY
    settings.SAFELOOP_AUDIT_KEY = "rotated-audit-key"
    settings.SAFELOOP_AUDIT_KEY_FALLBACKS = [old_key]
    record_event(None, "hazard.closed", object_type="hazards.hazard", object_id=1)

    assert "intact" in verify("acme")

    settings.SAFELOOP_AUDIT_KEY_FALLBACKS = []
    with pytest.raises(CommandError, match="content does not match its MAC"):
        verify("acme")
