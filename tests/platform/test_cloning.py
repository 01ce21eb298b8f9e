"""The clone of the base schema is the base schema: same structure, names and rows."""

import pytest
from django.db import connection
from django_tenants.utils import get_tenant_base_schema

from safeloop.platform.cloning import clone_schema

pytestmark = pytest.mark.django_db

STRUCTURE = {
    "columns": """
        SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
               a.attidentity, pg_get_expr(d.adbin, d.adrelid)
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE c.relnamespace = %(oid)s AND c.relkind = 'r' AND a.attnum > 0
          AND NOT a.attisdropped""",
    "constraints": """
        SELECT t.relname, con.conname, con.contype, pg_get_constraintdef(con.oid)
        FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid
        WHERE t.relnamespace = %(oid)s""",
    # A partial index's predicate is re-created from its deparsed text and may
    # come back in an equivalent but differently cast form: compare up to WHERE.
    "indexes": """
        SELECT ix.relname, split_part(pg_get_indexdef(i.indexrelid), ' WHERE ', 1),
               i.indpred IS NOT NULL
        FROM pg_index i
        JOIN pg_class ix ON ix.oid = i.indexrelid WHERE ix.relnamespace = %(oid)s""",
    "triggers": """
        SELECT tg.tgname, pg_get_triggerdef(tg.oid) FROM pg_trigger tg
        JOIN pg_class t ON t.oid = tg.tgrelid
        WHERE t.relnamespace = %(oid)s AND NOT tg.tgisinternal""",
    "functions": "SELECT proname, prosrc FROM pg_proc WHERE pronamespace = %(oid)s",
}


def _structure(schema: str) -> dict[str, set]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('search_path', 'public', true)")
        cursor.execute("SELECT oid FROM pg_namespace WHERE nspname = %s", [schema])
        (oid,) = cursor.fetchone()
        found = {}
        for name, query in STRUCTURE.items():
            cursor.execute(query, {"oid": oid})
            found[name] = {
                tuple(str(v).replace(f"{schema}.", "<schema>.") for v in row)
                for row in cursor.fetchall()
            }
        return found


def _row_counts(schema: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY 1", [schema])
        tables = [t for (t,) in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
            counts[table] = cursor.fetchone()[0]
        return counts


def test_clone_has_the_same_tables_columns_constraints_indexes_and_triggers():
    base = get_tenant_base_schema()

    clone_schema(base, "clone_probe")

    base_structure, clone_structure = _structure(base), _structure("clone_probe")
    for part in STRUCTURE:
        assert clone_structure[part] == base_structure[part], part
    assert len(base_structure["columns"]) > 500  # Wagtail and ours, not an empty schema


def test_clone_copies_the_rows_and_moves_identities_past_them():
    base = get_tenant_base_schema()

    clone_schema(base, "clone_rows")

    counts = _row_counts("clone_rows")
    assert counts == _row_counts(base)
    assert counts["django_migrations"] > 50
    assert counts["wagtailcore_page"] >= 1  # Wagtail's root page
    with connection.cursor() as cursor:
        cursor.execute('SELECT max(id) FROM "clone_rows".django_migrations')
        (highest,) = cursor.fetchone()
        cursor.execute(
            'INSERT INTO "clone_rows".django_migrations (app, name, applied) '
            "VALUES ('probe', 'probe', now()) RETURNING id"
        )
        assert cursor.fetchone()[0] == highest + 1


def test_clone_refuses_a_missing_base():
    with pytest.raises(RuntimeError, match="does not exist"):
        clone_schema("no_such_base", "clone_nothing")
