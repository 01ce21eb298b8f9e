"""Key the trail: events from now on carry HMAC-SHA256, existing ones stay as written.

The existing rows get hash_version 1 (plain SHA-256) by the column's default,
without an UPDATE (the append-only trigger would refuse one, and rightly). Each
schema that already has a trail is then sealed at its current head, outside
the schema, with opened_after_id at that head: verify-audit accepts unkeyed
events up to there and no further. Whatever was done to a trail before this
upgrade cannot be detected by the seal; the chain check still names it.
"""

from django.db import connection, migrations, models


def seal_existing_trail(apps, schema_editor):
    from safeloop.tenants.audit.services import _LOCK_SQL, write_seal

    with connection.cursor() as cursor:
        cursor.execute(_LOCK_SQL)
        cursor.execute("SELECT count(*), max(id) FROM audit_auditevent")
        count, last_id = cursor.fetchone()
        if not count:
            return
        cursor.execute("SELECT hash FROM audit_auditevent WHERE id = %s", [last_id])
        (last_hash,) = cursor.fetchone()
    write_seal(
        connection.schema_name,
        last_id=last_id,
        last_hash=last_hash,
        count=count,
        opened_after_id=last_id,
    )


def remove_seal(apps, schema_editor):
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM public.platform_auditseal WHERE schema_name = %s",
            [connection.schema_name],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_trigger"),
        ("platform", "0002_audit_seal"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="hash_version",
            field=models.PositiveSmallIntegerField(
                choices=[(1, "SHA-256"), (2, "HMAC-SHA256")], default=1
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash_version",
            field=models.PositiveSmallIntegerField(
                choices=[(1, "SHA-256"), (2, "HMAC-SHA256")], default=2
            ),
        ),
        migrations.RunPython(seal_existing_trail, remove_seal, elidable=False),
    ]
