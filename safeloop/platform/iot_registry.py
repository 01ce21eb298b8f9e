"""What the IoT bridge needs of the platform (a base module: apps may import it).

The bridge works across enterprises: it finds one by the slug in a topic, lists
them to write the broker's password file, and counts dropped messages in the
public schema (a message for an unknown enterprise has no schema of its own).
"""

from __future__ import annotations

from pathlib import Path

from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_context

from safeloop.platform.embedded import STATE_DIR
from safeloop.platform.models import Enterprise, IotDrop

BROKER_DIR: Path = STATE_DIR / "mosquitto"


def enterprise_for(slug: str) -> Enterprise | None:
    with schema_context(get_public_schema_name()):
        enterprise = Enterprise.objects.filter(slug=slug).first()
    if enterprise is None or enterprise.schema_name == get_public_schema_name():
        return None
    return enterprise


def current_slug() -> str:
    """The slug of the enterprise whose schema the connection is in (a schema_context
    has no Enterprise object, only its schema name)."""
    slug = getattr(connection.tenant, "slug", None)
    if slug:
        return slug
    schema = connection.schema_name
    with schema_context(get_public_schema_name()):
        return Enterprise.objects.values_list("slug", flat=True).get(schema_name=schema)


def enterprises() -> list[Enterprise]:
    with schema_context(get_public_schema_name()):
        return list(Enterprise.objects.exclude(schema_name=get_public_schema_name()))


_UPSERT_DROPS = """
INSERT INTO platform_iotdrop (schema_name, reason, count, last_at, last_topic, last_detail)
SELECT s, r, c, now(), t, d
FROM unnest(%s::text[], %s::text[], %s::bigint[], %s::text[], %s::text[]) AS v(s, r, c, t, d)
ON CONFLICT (schema_name, reason) DO UPDATE SET count = platform_iotdrop.count + EXCLUDED.count,
    last_at = EXCLUDED.last_at, last_topic = EXCLUDED.last_topic, last_detail = EXCLUDED.last_detail
"""


def record_drops(rows: list[tuple[str, str, int, str, str]]) -> None:
    """Add (schema, reason, count, latest topic, latest detail) rows to the counters, in
    one statement: bridges sharing the subscription add to the same rows at once."""
    if not rows:
        return
    with schema_context(get_public_schema_name()), connection.cursor() as cursor:
        cursor.execute(_UPSERT_DROPS, [list(col) for col in zip(*rows, strict=True)])


def drops_of(schema: str) -> list[IotDrop]:
    """One enterprise's drop counters, the most frequent reason first."""
    with schema_context(get_public_schema_name()):
        return list(IotDrop.objects.filter(schema_name=schema).order_by("-count"))
