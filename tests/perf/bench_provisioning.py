"""Benchmark: signup-to-ready time by cloning vs. by running migrations.

Run on purpose (not part of the test suite):

    .venv/bin/python tests/perf/bench_provisioning.py            # 20 signups
    .venv/bin/python tests/perf/bench_provisioning.py --bulk 200 # plus 200 in a row
    .venv/bin/python tests/perf/bench_provisioning.py --industries metal,food,chemical,mining

Uses its own database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/safeloop_bench), created fresh and dropped after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from urllib.parse import urlsplit, urlunsplit


def _fresh_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _drop_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=20)
    parser.add_argument("--bulk", type=int, default=0, help="then create this many in a row")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument(
        "--industries",
        default="metal",
        help="comma-separated templates; each gets --tenants signups and its own median",
    )
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safeloop_bench")
    _fresh_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.platform.settings")
    import logging

    import django

    django.setup()
    logging.getLogger("safeloop").setLevel(logging.WARNING)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from safeloop.platform.services import SignupData, migrate_all, provision_enterprise

    try:
        started = time.perf_counter()
        migrate_all(verbosity=0)
        print(f"migrate public + base schema: {time.perf_counter() - started:.2f} s")

        def signup(i: int, prefix: str, industry: str = "metal") -> float:
            t0 = time.perf_counter()
            provision_enterprise(
                SignupData(
                    company_name=f"Bench {prefix} {i}",
                    slug=f"{prefix}{i:04d}",
                    industry=industry,
                    admin_name="Bench Admin",
                    admin_email=f"admin{i}@bench.test",
                    admin_password="Bench-pass-2026!",
                )
            )
            return time.perf_counter() - t0

        for industry in args.industries.split(","):
            times = [signup(i, f"bench{industry[:3]}", industry) for i in range(args.tenants)]
            median = statistics.median(times)
            p95 = percentile(times, 95)
            print(
                f"signup-to-ready by cloning ({industry}), {args.tenants} tenants: "
                f"median {median:.3f} s, p95 {p95:.3f} s, max {max(times):.3f} s"
            )

        # The same tenant made the slow way: an empty schema and every migration.
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute('CREATE SCHEMA "bench_migrated"')
        call_command(
            "migrate_schemas",
            tenant=True,
            schema_name="bench_migrated",
            interactive=False,
            verbosity=0,
        )
        connection.set_schema_to_public()
        migrated = time.perf_counter() - t0
        print(f"one tenant by running all migrations (no template, no admin): {migrated:.2f} s")
        print(f"cloning is {migrated / median:.1f}x faster than migrating (median)")

        if args.bulk:
            t0 = time.perf_counter()
            bulk = [signup(i, "bulk") for i in range(args.bulk)]
            total = time.perf_counter() - t0
            client = Client(HTTP_HOST="localhost")
            landing = client.get("/")
            health = client.get("/healthz")
            tenant = Client(HTTP_HOST=f"bulk{args.bulk - 1:04d}.localhost").get("/accounts/login/")
            print(
                f"{args.bulk} tenants in a row: {total:.1f} s "
                f"(median {statistics.median(bulk):.3f} s, p95 {percentile(bulk, 95):.3f} s, "
                f"last {bulk[-1]:.3f} s); public site {landing.status_code}, "
                f"/healthz {health.status_code}, last tenant's login page {tenant.status_code}"
            )
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _drop_database(url)


if __name__ == "__main__":
    sys.exit(main())
