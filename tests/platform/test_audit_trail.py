"""The audit trail is append-only in the database and its hash chain detects tampering."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.audit.services import record_event, verify_chain

pytestmark = pytest.mark.django_db


def test_database_refuses_update_and_delete_of_events(in_acme):
    event = record_event(None, "test.event", object_type="thing", object_id=1)
    for sql in (
        "UPDATE audit_auditevent SET verb = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [event.id])


def test_chain_verifies_then_names_the_tampered_event(in_acme):
    record_event(None, "one", object_type="thing", object_id=1)
    victim = record_event(None, "two", object_type="thing", object_id=2, amount=5)
    record_event(None, "three", object_type="thing", object_id=3)
    assert verify_chain().ok

    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
        cursor.execute(
            "UPDATE audit_auditevent SET data = '{\"amount\": 50}' WHERE id = %s", [victim.id]
        )
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")

    report = verify_chain()
    assert not report.ok
    assert report.broken_id == victim.id
    assert AuditEvent.objects.count() >= 3


def test_verify_audit_command_names_the_first_broken_event(in_acme, acme):
    from django.core.management import CommandError, call_command

    victim = record_event(
        None, "hazard.accepted", object_type="hazards.hazard", object_id=7, level="team_leader"
    )
    call_command("verify_audit", "acme")  # intact: no error

    # As the database superuser, with the trigger disabled, someone rewrites history.
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
        cursor.execute("UPDATE audit_auditevent SET actor_id = 999 WHERE id = %s", [victim.id])
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")

    with pytest.raises(CommandError, match=rf"broken: event #{victim.id}\b"):
        call_command("verify_audit", "acme")
