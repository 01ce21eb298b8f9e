"""Benchmark: the nightly KPI snapshots of every tenant, the HQ ranking page and the
workspace home's query count (issue 16).

Run on purpose (not part of the test suite):

    .venv/bin/python tests/perf/bench_reports.py                 # 1,000 tenants
    .venv/bin/python tests/perf/bench_reports.py --tenants 100   # a quicker look

Tenants are cloned as in the provisioning benchmark, each with some hazards (30
over the last month, a third near misses, most closed within a day). Prints:
- the nightly snapshot of all tenants, one after another as beat's fan-out runs
  them on one worker (target ≤ 15 min for 1,000 on 2 cores);
- the HQ ranking page (GET /hq/, 90 days): p50/p95 over repeated requests, for a
  group of 50 sites and for one group holding every tenant (target p95 ≤ 300 ms);
  the 90 days are the night's snapshot copied to the 89 days before;
- the workspace home's query count for a safety manager at 10 and 10,000 hazards
  (must be equal).

Uses its own database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/safeloop_bench_reports), created fresh and dropped after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script from anywhere

from tests.perf.bench_provisioning import _drop_database, _fresh_database, percentile  # noqa: E402

PASSWORD = "Bench-pass-2026!"


def _hazards(count: int, now: datetime) -> None:
    """``count`` hazards over the last 30 days, written in one statement."""
    from safeloop.tenants.facilities.models import Area
    from safeloop.tenants.hazards.models import Grade, Hazard, State

    areas = list(Area.objects.all()[:5])
    rows = []
    for i in range(count):
        reported = now - timedelta(days=i % 30, hours=i % 7)
        closed = reported + timedelta(hours=6 if i % 5 else 40)
        rows.append(
            Hazard(
                number=f"B-{i:06d}",
                title="隐患 bench",
                grade=Grade.GENERAL,
                state=State.CLOSED if closed < now else State.ASSIGNED,
                is_near_miss=i % 3 == 0,
                area=areas[i % len(areas)],
                is_anonymous=True,
                reported_at=reported,
                deadline=reported + timedelta(hours=72),
                closed_at=closed if closed < now else None,
            )
        )
    Hazard.objects.bulk_create(rows, batch_size=2000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument(
        "--reuse", action="store_true", help="measure again on the tenants a --keep run left"
    )
    args = parser.parse_args()

    url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safeloop_bench_reports"
    )
    if not args.reuse:
        _fresh_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.platform.settings")
    import logging

    import django

    django.setup()
    import safeloop.platform.wsgi  # noqa: F401  the process as gunicorn starts it (gc.freeze)

    logging.getLogger("safeloop").setLevel(logging.WARNING)
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django_tenants.utils import get_tenant_model, tenant_context

    from safeloop.platform import oversight
    from safeloop.platform.kpis import refresh_running, snapshot_all
    from safeloop.platform.models import Oversight, SiteKpis
    from safeloop.platform.services import SignupData, migrate_all, provision_enterprise

    try:
        migrate_all(verbosity=0)
        now = timezone.now()
        started = time.perf_counter()
        tenants = get_tenant_model().objects.exclude(schema_name="public")
        enterprises = list(tenants.order_by("schema_name")) if args.reuse else []
        for i in range(len(enterprises), args.tenants):
            enterprise = provision_enterprise(
                SignupData(
                    company_name=f"Bench site {i}",
                    slug=f"site{i:04d}",
                    industry="metal",
                    admin_name="Bench Admin",
                    admin_email=f"admin{i}@bench.test",
                    admin_password=PASSWORD,
                )
            )
            with tenant_context(enterprise):
                _hazards(30, now)
            enterprises.append(enterprise)
            if (i + 1) % 100 == 0:
                print(f"  {i + 1} tenants cloned and filled, {time.perf_counter() - started:.0f} s")
        took = time.perf_counter() - started
        print(f"{len(enterprises)} tenants with 30 hazards each ready: {took:.0f} s")

        t0 = time.perf_counter()
        run = snapshot_all()
        night = time.perf_counter() - t0
        print(
            f"nightly KPI snapshot of {len(run.done)} tenants ({len(run.failed)} failed): "
            f"{night:.1f} s ({night / max(1, len(run.done)) * 1000:.0f} ms a tenant); "
            f"target ≤ 900 s for 1,000"
        )

        # 89 more days: the night's values copied back, as 90 nights would have left them.
        # (the night's rows only: on --reuse the table already holds the kept run's 90 days)
        night_day = SiteKpis.objects.order_by("-day").values_list("day", flat=True).first()
        latest = list(SiteKpis.objects.filter(day=night_day))
        SiteKpis.objects.bulk_create(
            [
                SiteKpis(
                    enterprise_id=row.enterprise_id,
                    day=row.day - timedelta(days=n),
                    values=row.values,
                    computed_at=row.computed_at,
                )
                for row in latest
                for n in range(1, 90)
            ],
            batch_size=5000,
            ignore_conflicts=True,  # --reuse: the days of the kept run are there
        )
        t0 = time.perf_counter()
        for enterprise in enterprises:
            refresh_running(enterprise.pk)
        took = time.perf_counter() - t0
        print(f"running totals of 90 days for {len(enterprises)} sites: {took:.0f} s")

        def join(group: Oversight, members) -> None:
            from safeloop.platform.models import Membership

            Membership.objects.bulk_create(
                [Membership(oversight=group, enterprise=e, joined_at=now) for e in members]
            )

        groups = (("50 sites", enterprises[:50]), ("every tenant", enterprises))
        for n, (label, members) in enumerate(groups):
            group = oversight.create_oversight(f"Bench group {label}")
            email = f"hq-{n}-{time.time_ns()}@bench.test"  # a new one each --reuse
            account = oversight.create_account(group, email, PASSWORD)
            join(group, members)
            client = Client(HTTP_HOST="localhost")
            client.force_login(account.user, backend="django.contrib.auth.backends.ModelBackend")
            times = []
            for _ in range(args.requests):
                t0 = time.perf_counter()
                response = client.get("/hq/?days=90")
                times.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, response.status_code
            print(
                f"HQ ranking page, group of {label} ({len(members)}), 90 days: "
                f"p50 {statistics.median(times):.0f} ms, p95 {percentile(times, 95):.0f} ms "
                f"(target p95 ≤ 300 ms)"
            )

        home = enterprises[0]
        counts = []
        for total in (10, 10_000):
            with tenant_context(home):
                from safeloop.tenants.hazards.models import Hazard

                Hazard.objects.all().delete()
                _hazards(total, now)
                from safeloop.tenants.reports.services import take_snapshot

                take_snapshot()
                from django.contrib.auth import get_user_model

                admin = get_user_model().objects.get(email="admin0@bench.test")
                client = Client(HTTP_HOST=home.host)
                client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
            connection.set_schema_to_public()
            client.get("/w/")  # warm caches (permissions, menu)
            with CaptureQueriesContext(connections["default"]) as queries:
                response = client.get("/w/")
            assert response.status_code == 200, response.status_code
            counts.append(len(queries))
            print(f"workspace home (safety manager), {total} hazards: {len(queries)} queries")
        print(f"home query count equal at 10 and 10,000 hazards: {counts[0] == counts[1]}")
    finally:
        connections.close_all()
        if not args.keep:
            _drop_database(url)


if __name__ == "__main__":
    sys.exit(main())
