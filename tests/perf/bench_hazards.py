"""Benchmark the hazard loop.

    .venv/bin/python tests/perf/bench_hazards.py [--reports 30] [--majors 10]

Prints:
- report-submission latency (p50/p95) through the real QR point page with 3 photos
  (phone-sized JPEGs: 1600×1200 with camera-like noise);
- the time from a major hazard's submission until its e-mail notification has left
  the outbox, delivered by a real Celery worker on Redis;
- the query count of the GraphQL hazard list for 10 and 100 hazards.

Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/
safeloop_bench_hz, created fresh and dropped after) and Redis (BENCH_REDIS_URL,
default redis://127.0.0.1:6379/13).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.perf.bench_provisioning import _drop_database, _fresh_database, percentile  # noqa: E402


def _photo(seed: int) -> bytes:
    from PIL import Image

    rng = random.Random(seed)
    noise = bytes(rng.getrandbits(8) for _ in range(400 * 300 * 3))
    image = Image.frombytes("RGB", (400, 300), noise).resize((1600, 1200))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description="hazard loop benchmark")
    parser.add_argument("--reports", type=int, default=30)
    parser.add_argument("--majors", type=int, default=10)
    args = parser.parse_args()

    db_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safeloop_bench_hz"
    )
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
    _fresh_database(db_url)
    os.environ.update(
        DATABASE_URL=db_url,
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=redis_url,
        DJANGO_SETTINGS_MODULE="safeloop.platform.settings",
    )
    import logging

    import django

    django.setup()
    logging.getLogger("safeloop").setLevel(logging.WARNING)
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import tenant_context

    from safeloop.platform.demo import ensure_demo
    from safeloop.platform.services import migrate_all

    worker = None
    try:
        migrate_all(verbosity=0)
        enterprise, _logins = ensure_demo()
        env = {**os.environ, "DATABASE_URL": db_url}
        worker = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "safeloop",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "WARNING",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = Client(HTTP_HOST=enterprise.host)
        with tenant_context(enterprise):
            from safeloop.tenants.alerts.models import Channel, Delivery, Notification
            from safeloop.tenants.facilities.models import Area, Person
            from safeloop.tenants.hazards.models import Grade, Hazard, LibraryEntry

            operator = Person.objects.get(employee_no="E5001").user
            client.force_login(operator)
            area = Area.objects.filter(kind="area").order_by("code").first()
            general = LibraryEntry.objects.filter(grade=Grade.GENERAL).first()
            major = LibraryEntry.objects.filter(grade=Grade.MAJOR).first()
            photos = [_photo(i) for i in range(3)]
            print(f"photo size: {len(photos[0]) // 1024} KB each, 3 per report")

            def report(entry) -> float:
                files = [
                    SimpleUploadedFile(f"p{i}.jpg", data, content_type="image/jpeg")
                    for i, data in enumerate(photos)
                ]
                t0 = time.perf_counter()
                response = client.post(
                    f"/q/{area.qr_token}/",
                    {
                        "library_entry": entry.pk,
                        "shift": "day",
                        "photos": files,
                        "latitude": "31.2304",
                        "longitude": "121.4737",
                        "gps_accuracy_m": "12",
                    },
                )
                elapsed = time.perf_counter() - t0
                if response.status_code != 302:
                    raise SystemExit(f"report failed: {response.status_code}")
                return elapsed

            report(general)  # warm-up
            times = [report(general) for _ in range(args.reports)]
            print(
                f"report submission with 3 photos, {args.reports} reports: "
                f"p50 {statistics.median(times) * 1000:.0f} ms, "
                f"p95 {percentile(times, 95) * 1000:.0f} ms"
            )

            delays = []
            for _ in range(args.majors):
                t0 = time.time()
                report(major)
                hazard = Hazard.objects.order_by("-id").first()
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline:
                    sent = (
                        Notification.objects.filter(
                            event="hazard.major_reported",
                            channel=Channel.EMAIL,
                            subject__contains=hazard.number,
                            state=Delivery.SENT,
                        )
                        .order_by("sent_at")
                        .first()
                    )
                    if sent:
                        delays.append(sent.sent_at.timestamp() - t0)
                        break
                    time.sleep(0.01)
                else:
                    raise SystemExit("the major hazard's notification never left the outbox")
            print(
                f"major hazard submission → e-mail sent by the worker, {args.majors} hazards: "
                f"p50 {statistics.median(delays) * 1000:.0f} ms, "
                f"p95 {percentile(delays, 95) * 1000:.0f} ms"
            )

            from tests.graphql.test_hazards_query_counts import HAZARD_LIST_QUERY

            admin = Person.objects.get(employee_no="A0001").user
            client.force_login(admin)
            counts = {}
            for rows in (10, 100):
                Hazard.objects.all().delete()
                _bulk_hazards(rows, area, admin)
                with CaptureQueriesContext(connection) as captured:
                    response = client.post(
                        "/graphql/", {"query": HAZARD_LIST_QUERY}, content_type="application/json"
                    )
                data = response.json()["data"]["hazards"]
                assert data["totalCount"] == rows, data
                counts[rows] = len(
                    [q for q in captured.captured_queries if not q["sql"].startswith("SET ")]
                )
            print(
                f"GraphQL hazard list queries: 10 hazards → {counts[10]}, "
                f"100 hazards → {counts[100]} (equal: {counts[10] == counts[100]})"
            )
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=20)
        connections.close_all()
        _drop_database(db_url)


def _bulk_hazards(count: int, area, reporter) -> None:
    from django.utils import timezone

    from safeloop.tenants.facilities.models import Person
    from safeloop.tenants.hazards.models import (
        Grade,
        Hazard,
        HazardCategory,
        HazardPhoto,
        PhotoStage,
        State,
    )

    person = Person.objects.exclude(user=reporter).first()
    category = HazardCategory.objects.first()
    now = timezone.now()
    hazards = Hazard.objects.bulk_create(
        Hazard(
            number=f"B-{n:05}",
            title=f"Bench {n}",
            grade=Grade.GENERAL,
            state=State.ASSIGNED,
            area=area,
            workshop=area.parent,
            category=category,
            assignee=person,
            reporter=reporter,
            reported_at=now,
            deadline=now,
            acceptance_levels=["team_leader"],
        )
        for n in range(count)
    )
    HazardPhoto.objects.bulk_create(
        HazardPhoto(hazard=h, stage=PhotoStage.REPORT, image=f"x/{h.number}.jpg") for h in hazards
    )


if __name__ == "__main__":
    main()
