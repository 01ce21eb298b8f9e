"""Benchmark inspections.

    .venv/bin/python tests/perf/bench_inspections.py [--duration 20] [--connections 50]

Prints:
(a) the QR point page GET /q/<token>/ for a signed-in operator: its queries per
    request, then under 50 concurrent clients (wrk, ~20 s) against a real
    gunicorn (2 workers × 4 threads on 127.0.0.1): wrk's client-side latency
    percentiles and requests/s, and the server time of each request from
    gunicorn's access log (``%(D)s``: from the worker reading the request to the
    response written, queueing excluded);
(b) how long beat's tick takes to make one day's tasks for 1,000 points (200
    areas and 800 machines in 10 workshops, bound by the metal template's
    DAILY-AREA and EQUIP-PRESS checklists, a daily pre-shift plan per workshop for its
    two team leaders), a repeated tick (nothing new), and the day's 96 ticks.

Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/
safeloop_bench_insp, created fresh and dropped after) and wrk (Debian: apt-get
install wrk). Celery messages go to an in-memory broker: no worker is needed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.perf.bench_provisioning import _drop_database, _fresh_database, percentile  # noqa: E402

WORKSHOPS = 10
AREAS_PER_WORKSHOP = 20
MACHINES_PER_AREA = 4
LEADERS_PER_WORKSHOP = 2
MACHINE_TYPES = ["PRESS", "CNC-LATHE", "CRANE", "FORKLIFT", "WELDER", "AIR-COMPRESSOR"]

WRK_SCRIPT = """
wrk.headers["Host"] = "{host}"
wrk.headers["Cookie"] = "{cookie}"
wrk.headers["Accept-Language"] = "zh-CN,zh;q=0.9"

done = function(summary, latency, requests)
  io.write(string.format(
    "RESULT requests=%d duration_us=%d non2xx=%d socket_errors=%d " ..
    "p50=%d p75=%d p90=%d p95=%d p99=%d max=%d mean=%.0f\\n",
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(75), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end
"""


def _get(port: int, path: str, host: str, cookie: str) -> tuple[int, str]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Host": host, "Cookie": cookie}
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def bench_point_page(enterprise, db_url: str, duration: int, connections: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import tenant_context

    from safeloop.tenants.facilities.models import Area, Person
    from tests.support.server import free_port, serving

    wrk = shutil.which("wrk")
    if wrk is None:
        print("(a) skipped: wrk is not installed (Debian: apt-get install -y wrk)")
        return
    with tenant_context(enterprise):
        operator = Person.objects.get(employee_no="E5001").user
        area = Area.objects.filter(kind="area").order_by("code").first()
        client = Client(HTTP_HOST=enterprise.host, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
        client.force_login(operator)  # a session row in the tenant's schema, as a login makes
        cookie = f"sessionid={client.cookies['sessionid'].value}"
    path = f"/q/{area.qr_token}/"
    client.get(path)  # the first scan fills the page's caches (this process's own)
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    sets = sum(1 for q in captured.captured_queries if q["sql"].startswith("SET "))
    print(
        f"(a) queries per GET {path} once its caches are warm (Django test client): "
        f"{len(captured) - sets}, plus {sets} SET search_path"
    )
    workdir = Path(tempfile.mkdtemp(prefix="bench-insp-"))
    access_log = workdir / "access.log"
    # gunicorn as every SafeLoop server process in the tests, with the request time logged.
    with serving(
        free_port(),
        None,
        log_name="bench-inspections",
        extra_args=["--access-logfile", str(access_log), "--access-logformat", "%(s)s %(D)s"],
    ) as served:
        port, server_log = served["port"], served["log"]
        host = f"{enterprise.host}:{port}"
        status, body = _get(port, path, host, cookie)
        if status != 200:
            raise SystemExit(f"GET {path} as the operator gave {status}; see {server_log}")
        anonymous, _body = _get(port, path, host, "")
        print(
            f"(a) GET {path} signed in → {status} ({len(body) // 1024} KB of HTML); "
            f"signed out → {anonymous} (quick login)"
        )
        for _ in range(60):  # warm both workers' connections and template caches
            _get(port, path, host, cookie)
        warm = [int(line.split()[1]) / 1000 for line in access_log.read_text().splitlines()]
        print(
            f"(a) server time one request at a time (the last 40 of 60 warm-up GETs): "
            f"p50 {statistics.median(warm[-40:]):.1f} ms, p95 {percentile(warm[-40:], 95):.1f} ms"
        )
        warmed = len(warm)
        script = workdir / "point.lua"
        script.write_text(WRK_SCRIPT.format(host=host, cookie=cookie))
        threads = max(1, min(4, os.cpu_count() or 1))
        command = [
            wrk,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",  # a slow answer is a latency, not a dropped request
            "--latency",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}{path}",
        ]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    print("    " + " ".join(command[:-3]) + " … " + command[-1].split("/q/")[0] + "/q/<token>/")
    print("\n".join("    | " + line for line in output.rstrip().splitlines()))
    result = dict(re.findall(r"(\w+)=([\d.]+)", output.split("RESULT", 1)[1]))
    seconds = int(result["duration_us"]) / 1e6
    ms = {k: int(result[k]) / 1000 for k in ("p50", "p75", "p90", "p95", "p99", "max")}
    print(
        f"(a) wrk, client side (includes queueing at the server), {connections} connections, "
        f"{seconds:.1f} s: {int(result['requests']) / seconds:.0f} requests/s, "
        f"p50 {ms['p50']:.0f} ms, p95 {ms['p95']:.0f} ms, p99 {ms['p99']:.0f} ms, "
        f"max {ms['max']:.0f} ms; non-2xx {result['non2xx']}, socket errors "
        f"{result['socket_errors']}"
    )
    lines = access_log.read_text().splitlines()[warmed:]
    statuses = [line.split()[0] for line in lines]
    server = [int(line.split()[1]) / 1000 for line in lines]
    print(
        f"(a) server time per request (gunicorn %(D)s, {len(server)} requests, status 200: "
        f"{statuses.count('200')}): p50 {statistics.median(server):.1f} ms, "
        f"p95 {percentile(server, 95):.1f} ms, p99 {percentile(server, 99):.1f} ms"
    )
    shutil.rmtree(workdir, ignore_errors=True)


def _make_points(admin) -> tuple[list, list]:
    """10 workshops × (20 areas + 80 machines), two team leaders each; returns the
    workshops and the leaders."""
    from safeloop.tenants.facilities.models import Area, AreaKind, Equipment, EquipmentType
    from safeloop.tenants.facilities.services import create_area, create_person
    from safeloop.tenants.inspections.models import Point

    site = create_area(by=admin, code="BS", name="基准厂区", name_en="Bench site", kind="site")
    types = [EquipmentType.objects.get(code=code) for code in MACHINE_TYPES]
    workshops, leaders = [], []
    for w in range(1, WORKSHOPS + 1):
        workshop = create_area(
            by=admin, code=f"BW{w:02}", name=f"基准车间{w}", kind=AreaKind.WORKSHOP, parent=site
        )
        workshops.append(workshop)
        areas = Area.objects.bulk_create(
            Area(
                code=f"BW{w:02}-A{a:02}",
                name=f"区域{w}-{a}",
                name_en=f"Area {w}-{a}",
                kind=AreaKind.AREA,
                parent=workshop,
            )
            for a in range(1, AREAS_PER_WORKSHOP + 1)
        )
        Equipment.objects.bulk_create(
            Equipment(
                code=f"{area.code}-M{m}",
                name=f"设备 {area.code}-{m}",
                equipment_type=types[(a + m) % len(types)],
                area=area,
            )
            for a, area in enumerate(areas)
            for m in range(1, MACHINES_PER_AREA + 1)
        )
        for n in range(1, LEADERS_PER_WORKSHOP + 1):
            leaders.append(
                create_person(
                    by=admin,
                    email=f"leader{w}-{n}@bench.test",
                    full_name=f"Leader {w}-{n}",
                    employee_no=f"BT{w:02}{n}",
                    roles=["team_leader"],
                    area=workshop,
                )
            )
    # Every label printed or scanned once: the points exist, as they do in use.
    Point.objects.for_targets(
        areas=Area.objects.filter(code__startswith="BW").values_list("pk", flat=True),
        equipment=Equipment.objects.filter(code__startswith="BW").values_list("pk", flat=True),
    )
    return workshops, leaders


def bench_schedule(enterprise) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from safeloop.tenants.facilities.models import Person
    from safeloop.tenants.inspections.models import (
        Checklist,
        InspectionPlan,
        InspectionTask,
        Point,
        TaskPoint,
    )
    from safeloop.tenants.inspections.scheduling import tick
    from safeloop.tenants.inspections.services import create_plan

    with tenant_context(enterprise):
        admin = Person.objects.get(employee_no="A0001").user
        t0 = time.perf_counter()
        workshops, leaders = _make_points(admin)
        InspectionPlan.objects.update(is_active=False)  # only the benchmark's plans run
        daily = [
            Checklist.objects.get(code="DAILY-AREA"),
            Checklist.objects.get(code="EQUIP-PRESS"),
        ]
        for workshop in workshops:
            create_plan(
                by=admin,
                name=f"{workshop.name} 班前检查",
                cadence="daily_pre_shift",
                role="team_leader",
                area=workshop,
                checklists=daily,
            )
        points = Point.objects.filter(area__code__startswith="BW").count()
        points += Point.objects.filter(equipment__code__startswith="BW").count()
        print(
            f"\n(b) set-up: {points} points ({WORKSHOPS} workshops, "
            f"{WORKSHOPS * AREAS_PER_WORKSHOP} areas, "
            f"{WORKSHOPS * AREAS_PER_WORKSHOP * MACHINES_PER_AREA} machines), "
            f"{len(leaders)} team leaders, {len(workshops)} daily plans "
            f"in {time.perf_counter() - t0:.1f} s"
        )

        day = timezone.localdate() + timedelta(days=1)
        before_window = timezone.make_aware(datetime.combine(day, clock(7, 20)))
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            result = tick(before_window)
            generating = time.perf_counter() - t0
        task_points = TaskPoint.objects.filter(task__in=result.created).count()
        print(
            f"(b) tick at {before_window:%Y-%m-%d %H:%M} (window 07:30–08:30): "
            f"{len(result.created)} tasks with {task_points} task points in "
            f"{generating * 1000:.0f} ms, {len(captured)} queries"
        )
        t0 = time.perf_counter()
        again = tick(before_window)
        print(
            f"(b) the same tick again: {len(again.created)} new tasks in "
            f"{(time.perf_counter() - t0) * 1000:.0f} ms"
        )

        next_day = timezone.make_aware(datetime.combine(day + timedelta(days=1), clock(0, 0)))
        times, busy = [], []
        for step in range(96):
            now = next_day + timedelta(minutes=15 * step)
            t0 = time.perf_counter()
            result = tick(now)
            times.append(time.perf_counter() - t0)
            if result.created or result.missed:
                busy.append(
                    f"{timezone.localtime(now):%H:%M} {len(result.created)} made, "
                    f"{len(result.missed)} flagged missed in {times[-1] * 1000:.0f} ms"
                )
        print(
            f"(b) a whole day of beat, 96 ticks every 15 min on {next_day:%Y-%m-%d}: "
            f"{sum(times):.2f} s in all, median tick {statistics.median(times) * 1000:.1f} ms; "
            f"ticks that did something: {'; '.join(busy)} (the day before's tasks were never "
            "flagged, so the first tick does it; superiors are told of each)"
        )
        total = InspectionTask.objects.filter(
            plan__in=InspectionPlan.objects.filter(is_active=True)
        )
        print(f"(b) tasks in the database after two days: {total.count()} (no duplicates)")


def main() -> None:
    parser = argparse.ArgumentParser(description="inspections benchmark")
    parser.add_argument("--duration", type=int, default=20, help="seconds of wrk load")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--skip-http", action="store_true", help="only the scheduling part")
    args = parser.parse_args()

    db_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safeloop_bench_insp"
    )
    _fresh_database(db_url)
    os.environ.update(
        DATABASE_URL=db_url,
        CELERY_BROKER_URL="memory://",
        DJANGO_SETTINGS_MODULE="safeloop.platform.settings",
    )
    os.environ.pop("REDIS_URL", None)
    import logging

    import django

    django.setup()
    logging.getLogger("safeloop").setLevel(logging.WARNING)
    logging.getLogger("kombu").setLevel(logging.ERROR)  # memory:// has no host name
    from django.db import connections

    from safeloop.platform.demo import ensure_demo
    from safeloop.platform.services import migrate_all

    try:
        migrate_all(verbosity=0)
        enterprise, _logins = ensure_demo()
        if not args.skip_http:
            bench_point_page(enterprise, db_url, args.duration, args.connections)
        bench_schedule(enterprise)
    finally:
        connections.close_all()
        _drop_database(db_url)


if __name__ == "__main__":
    main()
