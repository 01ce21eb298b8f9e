"""Benchmark: `safeloop migrate` over many tenants, with nothing to migrate and with one
migration in every tenant, against the old walk over every schema.

Run on purpose (not part of the test suite):

    .venv/bin/python tests/perf/bench_migrate.py                  # 1,000 tenants
    .venv/bin/python tests/perf/bench_migrate.py --tenants 200 --old-at 200

Phases, on one fresh database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/safeloop_bench_migrate, dropped at the end):

1. ``safeloop migrate`` on the empty database (public + base schema).
2. ``--migrating`` tenants (default 100) are made, then a throwaway tenant app
   (tests/perf/migrate_probe: one migration creating one table and an index) is
   installed through a settings override, so every tenant has one real
   migration to apply; ``safeloop migrate`` runs with the parallel executor,
   the app is taken out again (table, records, content types), and it runs with
   one process (the standard executor). Per-tenant costs are extrapolated to
   ``--tenants``, labelled as such.
3. Tenants up to ``--old-at`` (default 200): the old path (migrate_schemas
   shared, the base, then ``migrate_schemas --tenant`` walking every schema).
4. Tenants up to ``--tenants``: ``safeloop migrate`` with nothing to migrate.

Tenants are made fast: the base schema's clone script (safeloop/platform/cloning.py)
is built once and run per tenant with its name, plus bulk-created Enterprise and
Domain rows, committed in batches. Every timing is the real command as a
subprocess, wall clock, with the load average beside it (other work on the machine
distorts it: compare figures from one run).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from tests.perf.bench_provisioning import _drop_database, _fresh_database  # noqa: E402

# The clone script is built once with this schema name, then each tenant runs it with
# the name replaced by its own (Tenants.grow_to): building it costs more than a clone.
PLACEHOLDER = "bench_clone_placeholder"
OLD_MIGRATE = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.platform.settings")
import django
django.setup()
from django.core.management import call_command
from safeloop.platform.services import ensure_base_schema, ensure_public_tenant
call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
ensure_public_tenant()
ensure_base_schema(verbosity=0)
call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0)
"""


def _load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load {one:.2f}/{five:.2f}"


def timed_command(label: str, argv: list[str], **env: str) -> float:
    """Run a SafeLoop command in its own process; its wall time. Fails loudly."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *argv], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    if done.returncode:
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
        raise SystemExit(f"{label}: exit {done.returncode}")
    said = [line for line in done.stdout.splitlines() if "tenants" in line]
    print(f"{label}: {elapsed:.1f} s ({_load()}){' — ' + said[-1] if said else ''}")
    return elapsed


def safeloop_migrate(label: str, **env: str) -> float:
    return timed_command(label, ["-m", "safeloop.platform.cli", "migrate"], **env)


class Tenants:
    """Makes tenants by running the base schema's clone script under each new name."""

    def __init__(self) -> None:
        from django.db import connection
        from django_tenants.utils import get_tenant_base_schema

        from safeloop.platform.cloning import clone_script

        with connection.cursor():
            self.script = clone_script(get_tenant_base_schema(), PLACEHOLDER)
        self.count = 0

    def grow_to(self, total: int, batch: int = 1) -> None:
        # One tenant per transaction: a clone takes a lock per table and index
        # (~500), and fifty at once exhaust PostgreSQL's shared lock table.
        from django.db import connection, transaction
        from psycopg import sql

        from safeloop.platform.models import Domain, Enterprise

        started, made = time.perf_counter(), total - self.count
        quoted = sql.Identifier(PLACEHOLDER).as_string(None)
        while self.count < total:
            size = min(batch, total - self.count)
            names = [f"bench{self.count + i:05d}" for i in range(size)]
            with transaction.atomic(), connection.cursor() as cursor:
                for name in names:
                    cursor.execute(self.script.replace(quoted, f'"{name}"'))
                enterprises = Enterprise.objects.bulk_create(
                    Enterprise(schema_name=name, slug=name, name=name, industry="metal")
                    for name in names
                )
                Domain.objects.bulk_create(
                    Domain(domain=f"{e.slug}.localhost", tenant=e, is_primary=True)
                    for e in enterprises
                )
            self.count += size
        if made > 0:
            print(
                f"made {made} tenants by cloning in {time.perf_counter() - started:.1f} s "
                f"(now {self.count}; {_load()})"
            )


def remove_probe() -> None:
    """Take the throwaway app's table, records and content types out of every schema."""
    from django.db import connection
    from django_tenants.utils import get_tenant_base_schema
    from psycopg import sql

    from safeloop.platform.models import Enterprise

    schemas = [get_tenant_base_schema(), *Enterprise.objects.values_list("schema_name", flat=True)]
    # Schema by schema, each statement committed: one transaction over all of them
    # would hold a lock per table touched and exhaust PostgreSQL's lock table.
    with connection.cursor() as cursor:
        for schema in schemas:
            s = sql.Identifier(schema).as_string(connection.connection)
            if schema != "public":
                cursor.execute(
                    f"DROP TABLE IF EXISTS {s}.migrate_probe_note; "
                    f"DELETE FROM {s}.auth_permission WHERE content_type_id IN "
                    f"(SELECT id FROM {s}.django_content_type WHERE app_label = 'migrate_probe'); "
                    f"DELETE FROM {s}.django_content_type WHERE app_label = 'migrate_probe'"
                )
            cursor.execute(f"DELETE FROM {s}.django_migrations WHERE app = 'migrate_probe'")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--migrating", type=int, default=100, help="tenants in the phase 2 runs")
    parser.add_argument("--old-at", type=int, default=200, help="tenants for the old path")
    parser.add_argument("--processes", type=int, default=2, help="parallel executor's processes")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()

    url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safeloop_bench_migrate"
    )
    _fresh_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.platform.settings")
    print(f"{os.cpu_count()} cores; {_load()}")
    try:
        safeloop_migrate("safeloop migrate, empty database (public + base)")
        import django

        django.setup()
        from django.db import connections

        tenants = Tenants()

        # Phase 2: one real migration in every tenant, parallel vs one process.
        n = args.migrating
        tenants.grow_to(n)
        idle = safeloop_migrate(f"safeloop migrate, {n} tenants, nothing to migrate")
        probe = {"DJANGO_SETTINGS_MODULE": "tests.perf.migrate_probe.settings"}
        parallel = safeloop_migrate(
            f"safeloop migrate, {n} tenants each with 1 migration, {args.processes} processes",
            SAFELOOP_MIGRATE_PROCESSES=str(args.processes),
            **probe,
        )
        remove_probe()
        serial = safeloop_migrate(
            f"safeloop migrate, {n} tenants each with 1 migration, 1 process",
            SAFELOOP_MIGRATE_PROCESSES="1",
            **probe,
        )
        remove_probe()
        for label, total in (("parallel", parallel), ("1 process", serial)):
            per = (total - idle) / n
            print(
                f"  {label}: {per:.3f} s per tenant over the idle run; EXTRAPOLATED to "
                f"{args.tenants} tenants: {idle + per * args.tenants:.0f} s"
            )

        # Phase 3: the old walk over every schema.
        old_at = min(args.old_at, args.tenants)
        tenants.grow_to(old_at)
        old = timed_command(
            f"OLD path (migrate_schemas --tenant walks all), {old_at} tenants, nothing to migrate",
            ["-c", OLD_MIGRATE],
        )
        new_small = safeloop_migrate(f"safeloop migrate, {old_at} tenants, nothing to migrate")
        if old_at < args.tenants:
            per = (old - new_small) / old_at
            print(
                f"  OLD path EXTRAPOLATED to {args.tenants} tenants: "
                f"{new_small + per * args.tenants:.0f} s ({per:.3f} s per tenant)"
            )

        # Phase 4: the deploy this is about.
        tenants.grow_to(args.tenants)
        connections.close_all()
        safeloop_migrate(f"safeloop migrate, {args.tenants} tenants, nothing to migrate")
        safeloop_migrate(f"safeloop migrate, {args.tenants} tenants, nothing to migrate (again)")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _drop_database(url)


if __name__ == "__main__":
    sys.exit(main())
