"""Clone the base schema into a new tenant schema, in time that does not grow with tenants.

django-tenants' ``clone_schema()`` SQL function reads information_schema views
table by table; those scan every schema in the database, so cloning slowed from
0.6 s with a handful of tenants to 25 s at a hundred (measured with
tests/perf/bench_provisioning.py). This clone reads the catalog filtered by the
base schema's OID, builds the DDL once, and runs it as one script:

1. functions, then tables with their columns, defaults, identity and CHECK
   constraints (``CREATE TABLE ... (LIKE ...)``);
2. the base's rows (migration records, Wagtail's root page, site, locale,
   content types, permissions; not audit events: each trail is its own),
   identity sequences moved past them;
3. primary keys, unique and exclusion constraints, then foreign keys, indexes
   and triggers with the base's own names, so later migrations that name a
   constraint or an index find it.

Everything runs in the caller's transaction: a failure leaves no schema behind.
"""

from __future__ import annotations

import re

from django.db import connection
from psycopg import sql

_UNSUPPORTED_KINDS = {"v": "view", "m": "materialized view", "p": "partitioned table"}
# A new tenant's audit trail starts empty: events someone wrote into the base
# would be another schema's history, sealed (if at all) under the base's name.
_OWN_ROWS_ONLY = {"audit_auditevent"}


def _identifier(name: str) -> str:
    return sql.Identifier(name).as_string(connection.connection)


def _requalify(text: str, base: str, new_q: str) -> str:
    """Point the base schema's qualified names (``base.x`` or ``"base".x``) at the new schema."""
    return re.sub(rf'(?<![\w"])(?:"{re.escape(base)}"|{re.escape(base)})\.', f"{new_q}.", text)


def clone_script(base: str, new: str) -> str:
    """The SQL that creates ``new`` as a copy of ``base`` (structure and rows)."""
    new_q = _identifier(new)
    base_q = _identifier(base)
    with connection.cursor() as cursor:
        # Built with public first on the search path, so the catalog prints the
        # base schema's names qualified and _requalify can move them.
        cursor.execute("SELECT current_setting('search_path')")
        (search_path,) = cursor.fetchone()
        cursor.execute("SELECT set_config('search_path', 'public', true)")
        try:
            cursor.execute("SELECT oid FROM pg_namespace WHERE nspname = %s", [base])
            row = cursor.fetchone()
            if row is None:
                raise RuntimeError(f"base schema {base!r} does not exist")
            (base_oid,) = row
            cursor.execute(
                "SELECT relkind, relname FROM pg_class WHERE relnamespace = %s "
                "AND relkind IN ('v', 'm', 'p')",
                [base_oid],
            )
            unsupported = cursor.fetchall()
            if unsupported:
                kinds = ", ".join(f"{_UNSUPPORTED_KINDS[k]} {n}" for k, n in unsupported)
                raise RuntimeError(f"cannot clone {base}: unsupported {kinds}")
            cursor.execute(
                "SELECT relname FROM pg_class WHERE relnamespace = %s AND relkind = 'r' "
                "ORDER BY relname",
                [base_oid],
            )
            tables = [name for (name,) in cursor.fetchall()]
            cursor.execute(
                "SELECT pg_get_functiondef(p.oid) FROM pg_proc p WHERE p.pronamespace = %s "
                "AND p.prokind = 'f' ORDER BY p.proname",
                [base_oid],
            )
            functions = [definition for (definition,) in cursor.fetchall()]
            cursor.execute(
                "SELECT c.relname, a.attname FROM pg_attribute a "
                "JOIN pg_class c ON c.oid = a.attrelid "
                "WHERE c.relnamespace = %s AND c.relkind = 'r' AND a.attidentity <> '' "
                "AND NOT a.attisdropped ORDER BY c.relname",
                [base_oid],
            )
            identities = cursor.fetchall()
            cursor.execute(
                "SELECT t.relname, con.conname, con.contype, pg_get_constraintdef(con.oid) "
                "FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid "
                "WHERE t.relnamespace = %s AND con.contype IN ('p', 'u', 'x', 'f') "
                "ORDER BY CASE con.contype WHEN 'f' THEN 1 ELSE 0 END, t.relname, con.conname",
                [base_oid],
            )
            constraints = cursor.fetchall()
            cursor.execute(
                "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "JOIN pg_class t ON t.oid = i.indrelid "
                "JOIN pg_class ix ON ix.oid = i.indexrelid "
                "WHERE t.relnamespace = %s AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid "
                " AND con.conrelid = i.indrelid) ORDER BY ix.relname",
                [base_oid],
            )
            indexes = [definition for (definition,) in cursor.fetchall()]
            cursor.execute(
                "SELECT pg_get_triggerdef(tg.oid) FROM pg_trigger tg "
                "JOIN pg_class t ON t.oid = tg.tgrelid "
                "WHERE t.relnamespace = %s AND NOT tg.tgisinternal ORDER BY tg.tgname",
                [base_oid],
            )
            triggers = [definition for (definition,) in cursor.fetchall()]
        finally:
            cursor.execute("SELECT set_config('search_path', %s, true)", [search_path])

    statements = [f"CREATE SCHEMA {new_q}"]
    statements += [_requalify(definition, base, new_q) for definition in functions]
    for table in tables:
        t = _identifier(table)
        statements.append(
            f"CREATE TABLE {new_q}.{t} (LIKE {base_q}.{t} INCLUDING DEFAULTS INCLUDING IDENTITY "
            "INCLUDING GENERATED INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS)"
        )
    for table in tables:
        if table in _OWN_ROWS_ONLY:
            continue
        t = _identifier(table)
        statements.append(
            f"INSERT INTO {new_q}.{t} OVERRIDING SYSTEM VALUE SELECT * FROM {base_q}.{t}"
        )
    for table, column in identities:
        t, c = _identifier(table), _identifier(column)
        statements.append(
            f"SELECT setval(pg_get_serial_sequence('{new_q}.{t}', '{column}'), "
            f"coalesce((SELECT max({c}) FROM {new_q}.{t}), 0) + 1, false)"
        )
    for table, name, _kind, definition in constraints:
        statements.append(
            f"ALTER TABLE {new_q}.{_identifier(table)} ADD CONSTRAINT {_identifier(name)} "
            f"{_requalify(definition, base, new_q)}"
        )
    statements += [_requalify(definition, base, new_q) for definition in indexes]
    statements += [_requalify(definition, base, new_q) for definition in triggers]
    return ";\n".join(statements) + ";"


def clone_schema(base: str, new: str) -> None:
    script = clone_script(base, new)
    with connection.cursor() as cursor:
        cursor.execute(script)
