"""Benchmark the hot paths against the framework's floor, side by side in one run.

    PYTHONPATH=$PWD .venv/bin/python tests/perf/bench_hot_paths.py \\
        [--duration 20] [--connections 50] [--only qr,graphql,...]

Starts, one after the other on this machine, two gunicorns with the same command
as every other SafeLoop server process (tests/support/server.py: 2 workers ×
4 threads, gthread):

* the floor: tests/perf/floor.py, a trivial Django view (no database, no
  middleware) — what Django plus gunicorn alone cost here;
* SafeLoop on a fresh database with the demo enterprise (metal template, so
  its checklist bindings) grown to a realistic size: 10 more workshops of 20
  areas and 80 machines each, every label printed, ≥ 30 hazards.

and loads each target with ``wrk -t2 -c<connections> -d<duration>s`` after a
short unmeasured warm-up:

    floor            GET /                         the trivial view
    qr               GET /q/<token>/               signed-in operator, Accept-Language zh-CN
    qr-anonymous     GET /q/<token>/               nobody signed in: redirect to PIN login
    graphql          POST /graphql/ hazards(first: 20), Bearer API token
    healthz          GET /healthz                  what load balancers probe
    livez            GET /livez                    liveness only ("n/a" where it does not exist)

and, from a third gunicorn with SafeLoop's settings, middleware and sessions but two
pages of its own (tests/perf/ceiling.py), what any view could reach at best:

    ceiling-user     GET /ceiling/signed-in/       signed in (session, user), a constant 62 KB page
    ceiling-qr       GET /ceiling/q/<token>/       the same after the token lookup + a cache read

Each target's status is checked once before it is loaded (a 302 where a 200 is
meant would make its figure meaningless). The table gives requests/s, the share
of the floor, wrk's p50/p99 (client side, queueing included), the server time
p50 (gunicorn's ``%(D)s``, queueing excluded), wrk's count of answers ≥ 400 and
socket errors, and the 1-minute load average before and after the target — the
other processes on the machine distort the figures; compare runs only with that
in view. Queries per request (QR page, GraphQL list) are counted once in this
process with Django's test client, warm, ``SET search_path`` apart. Then the
issue-12 target: the QR page and the GraphQL list at ≥ 10 % of the floor,
PASS/FAIL.

To measure older code, point PYTHONPATH at its checkout: SafeLoop is imported
(here and by gunicorn, ``--chdir``) from there, this benchmark's own helpers
from the tree this file is in; a path the old code lacks shows as "n/a".

Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:
5432/safeloop_bench_hot, created fresh and dropped after), Redis for the cache
and the broker as in production (BENCH_REDIS_URL, default
redis://127.0.0.1:6379/15 — that database is emptied first) and wrk (Debian:
``apt-get install wrk``). Not collected by pytest (only ``test_*.py`` is);
``.ci/run`` does not run it.
"""

from __future__ import annotations

import argparse
import json
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
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(ROOT))
import safeloop  # noqa: E402 — SafeLoop from PYTHONPATH (the code under test) …

SAFELOOP_ROOT = Path(safeloop.__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # … this benchmark's helpers from its own tree
from tests.perf.bench_provisioning import _drop_database, _fresh_database  # noqa: E402

TARGETS = [
    "floor",
    "qr",
    "qr-anonymous",
    "graphql",
    "healthz",
    "livez",
    "ceiling-user",
    "ceiling-qr",
]
CEILING_TARGETS = ("ceiling-user", "ceiling-qr")
GOAL_TARGETS = ("qr", "graphql")  # issue 12: each at ≥ 10 % of the floor
GOAL_SHARE = 10.0
MIN_HAZARDS = 30
GRAPHQL_LIST = (
    "{ hazards(first: 20) { edges { node { id number title grade state deadline"
    " area { code displayName } } } } }"
)

WRK_SCRIPT = """
wrk.method = "{method}"
{headers}
wrk.body = {body}

done = function(summary, latency, requests)
  io.write(string.format(
    "RESULT requests=%d duration_us=%d non2xx3xx=%d socket_errors=%d " ..
    "p50=%d p99=%d\\n",
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass
class Target:
    name: str
    method: str
    path: str
    headers: dict[str, str]
    expect: tuple[int, ...]
    body: str = ""
    note: str = ""
    result: dict = field(default_factory=dict)


def _request(port: int, target: Target) -> tuple[int, bytes]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{target.path}",
        data=target.body.encode() if target.body else None,
        headers=target.headers,
        method=target.method,
    )
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _wrk(port: int, target: Target, workdir: Path, duration: int, connections: int) -> dict:
    script = workdir / f"{target.name}.lua"
    headers = "\n".join(
        f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in target.headers.items()
    )
    body = json.dumps(target.body) if target.body else "nil"
    script.write_text(WRK_SCRIPT.format(method=target.method, headers=headers, body=body))
    command = [
        shutil.which("wrk") or "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",  # a slow answer is a latency, not a dropped request
        "--latency",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}{target.path}",
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found = dict(re.findall(r"(\w+)=([\d.]+)", output.split("RESULT", 1)[1]))
    seconds = int(found["duration_us"]) / 1e6
    return {
        "rps": int(found["requests"]) / seconds,
        "p50": int(found["p50"]) / 1000,
        "p99": int(found["p99"]) / 1000,
        "bad": int(found["non2xx3xx"]),
        "socket_errors": int(found["socket_errors"]),
    }


def _load(port: int, target: Target, access_log: Path, workdir: Path, args) -> None:
    """Check the target's answer once, warm it up, then measure it under wrk."""
    status, body = _request(port, target)
    if status not in target.expect:
        if status == 404 and target.name == "livez":
            target.result = {"na": "404: not in this code"}
            return
        raise SystemExit(
            f"{target.name}: {target.method} {target.path} answered {status}, expected "
            f"{target.expect}: {body[:300]!r}"
        )
    status_checked = status
    target.note = f"{status}, {len(body) / 1024:.1f} KB"
    if target.name == "graphql":  # a 200 with errors or an empty list measures nothing
        answer = json.loads(body)
        edges = ((answer.get("data") or {}).get("hazards") or {}).get("edges") or []
        if answer.get("errors") or len(edges) != 20:
            raise SystemExit(f"graphql: expected 20 hazards, got {body[:300]!r}")
        target.note += ", 20 hazards"
    if args.warmup:
        _wrk(port, target, workdir, args.warmup, args.connections)
    lines_before = len(access_log.read_text().splitlines())
    load_before = os.getloadavg()[0]
    result = _wrk(port, target, workdir, args.duration, args.connections)
    result["load"] = (load_before, os.getloadavg()[0])
    lines = access_log.read_text().splitlines()[lines_before:]
    fields = [line.split() for line in lines if len(line.split()) == 2]
    server_ms = [int(ms) / 1000 for _status, ms in fields]
    # Any answer but the one checked above (a 302 to the login page where a 200 was
    # meant, a 500 under load) is counted, whatever wrk makes of it.
    result["unexpected"] = sum(1 for status, _ms in fields if int(status) != status_checked)
    result["server_p50"] = statistics.median(server_ms) if server_ms else None
    target.result = result
    print(
        f"  {target.name:<13} {result['rps']:8.0f} req/s  load {result['load'][0]:.2f} → "
        f"{result['load'][1]:.2f}",
        flush=True,
    )


def _serve_and_load(targets: list[Target], args, workdir: Path, *, name: str) -> None:
    """Serve ``name`` (floor, safeloop or ceiling) with the same gunicorn and load its targets."""
    from tests.support.server import free_port, serving

    if not targets:
        return
    access_log = workdir / f"{name}-access.log"
    access_log.touch()
    floor = name == "floor"
    code_root = ROOT if floor else SAFELOOP_ROOT
    env = {"PYTHONPATH": str(code_root)}
    if floor:
        env["DJANGO_SETTINGS_MODULE"] = "tests.perf.floor"
    elif name == "ceiling":  # SafeLoop from PYTHONPATH, the ceiling's two pages from here
        env["PYTHONPATH"] = f"{SAFELOOP_ROOT}{os.pathsep}{ROOT}"
        env["DJANGO_SETTINGS_MODULE"] = "tests.perf.ceiling"
    with serving(
        free_port(),
        None,  # no pytest-django blocker here
        log_name=f"bench-hot-{name}",
        extra_env=env,
        app="tests.perf.floor:application" if floor else "safeloop.platform.wsgi:application",
        extra_args=[
            "--chdir",
            str(code_root),
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(s)s %(D)s",
        ],
    ) as served:
        for target in targets:
            target.headers = {
                k: v.replace(":PORT", f":{served['port']}") for k, v in target.headers.items()
            }
            _load(served["port"], target, access_log, workdir, args)


def _grow(enterprise) -> dict:
    """The demo enterprise at a realistic size: a few hundred areas, 800 machines,
    every point labelled, at least MIN_HAZARDS hazards; returns what the caller needs."""
    from django_tenants.utils import tenant_context

    from safeloop.tenants.accounts.services import create_api_token
    from safeloop.tenants.facilities.models import Area, Equipment, Person
    from safeloop.tenants.hazards.models import Hazard, LibraryEntry
    from safeloop.tenants.hazards.services import report_hazard
    from safeloop.tenants.inspections.models import ChecklistBinding, Point
    from tests.perf.bench_inspections import _make_points

    with tenant_context(enterprise):
        admin = Person.objects.get(employee_no="A0001").user
        operator = Person.objects.get(employee_no="E5001").user
        _make_points(admin)
        areas = list(Area.objects.filter(code__startswith="BW", kind="area").order_by("code"))
        entries = list(LibraryEntry.objects.order_by("code")[:10])
        n = 0
        while Hazard.objects.count() < MIN_HAZARDS:
            report_hazard(by=operator, area=areas[n % len(areas)], library_entry=entries[n % 10])
            n += 1
        _token, secret = create_api_token(by=admin, name="bench hot paths")
        point = Area.objects.filter(kind="area").order_by("code").first()
        return {
            "admin": admin,
            "operator": operator,
            "secret": secret,
            "qr_path": f"/q/{point.qr_token}/",
            "size": (
                f"{Area.objects.count()} areas, {Equipment.objects.count()} machines, "
                f"{Point.objects.count()} points, {ChecklistBinding.objects.count()} checklist "
                f"bindings, {Hazard.objects.count()} hazards"
            ),
        }


def _queries(enterprise, seed: dict) -> dict[str, str]:
    """Queries per request, counted once in this process with warm caches."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import tenant_context

    def count(client, method: str, path: str, **extra) -> str:
        getattr(client, method)(path, **extra)  # warm this process's caches
        with CaptureQueriesContext(connection) as captured:
            response = getattr(client, method)(path, **extra)
        sets = sum(1 for q in captured.captured_queries if q["sql"].startswith("SET "))
        return f"{len(captured) - sets}+{sets} SET ({response.status_code})"

    with tenant_context(enterprise):
        signed_in = Client(HTTP_HOST=enterprise.host, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
        signed_in.force_login(seed["operator"])
        anonymous = Client(HTTP_HOST=enterprise.host, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
        api = Client(HTTP_HOST=enterprise.host)
    return {
        "qr": count(signed_in, "get", seed["qr_path"]),
        "qr-anonymous": count(anonymous, "get", seed["qr_path"]),
        "graphql": count(
            api,
            "post",
            "/graphql/",
            data={"query": GRAPHQL_LIST},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {seed['secret']}",
        ),
    }


def _session_cookie(enterprise, user) -> str:
    from django.test import Client
    from django_tenants.utils import tenant_context

    with tenant_context(enterprise):
        client = Client(HTTP_HOST=enterprise.host)
        client.force_login(user)  # the session a login makes, in the tenant's store
        return f"sessionid={client.cookies['sessionid'].value}"


def _targets(enterprise, seed: dict, cookie: str) -> list[Target]:
    from django.conf import settings

    host = f"{enterprise.host}:PORT"
    zh = "zh-CN,zh;q=0.9"
    return [
        Target("floor", "GET", "/", {"Host": "localhost"}, (200,)),
        Target(
            "qr",
            "GET",
            seed["qr_path"],
            {"Host": host, "Cookie": cookie, "Accept-Language": zh},
            (200,),
        ),
        Target(
            "qr-anonymous", "GET", seed["qr_path"], {"Host": host, "Accept-Language": zh}, (302,)
        ),
        Target(
            "graphql",
            "POST",
            "/graphql/",
            {
                "Host": host,
                "Authorization": f"Bearer {seed['secret']}",
                "Content-Type": "application/json",
            },
            (200,),
            body=json.dumps({"query": GRAPHQL_LIST}),
        ),
        Target(
            "healthz", "GET", "/healthz", {"Host": f"{settings.SAFELOOP_BASE_DOMAIN}:PORT"}, (200,)
        ),
        Target("livez", "GET", "/livez", {"Host": f"{settings.SAFELOOP_BASE_DOMAIN}:PORT"}, (200,)),
        Target(
            "ceiling-user",
            "GET",
            "/ceiling/signed-in/",
            {"Host": host, "Cookie": cookie, "Accept-Language": zh},
            (200,),
        ),
        Target(
            "ceiling-qr",
            "GET",
            seed["qr_path"].replace("/q/", "/ceiling/q/", 1),
            {"Host": host, "Cookie": cookie, "Accept-Language": zh},
            (200,),
        ),
    ]


def _print_table(targets: list[Target], queries: dict[str, str], args) -> None:
    floor = next((t.result.get("rps") for t in targets if t.name == "floor"), None)
    print(
        f"\nwrk -t2 -c{args.connections} -d{args.duration}s per target "
        f"(after {args.warmup} s of unmeasured warm-up); {os.cpu_count()} CPUs\n"
    )
    header = (
        f"{'target':<13} {'req/s':>8} {'% floor':>8} {'wrk p50':>8} {'wrk p99':>8} "
        f"{'srv p50':>8} {'≥400/other/sock':>15} {'load 1m':>12}  {'queries':<20} answer"
    )
    print(header)
    print("-" * len(header))
    for t in targets:
        r = t.result
        if not r:
            continue
        if r.get("na"):
            print(f"{t.name:<13} {'n/a':>8}   ({r['na']})")
            continue
        share = f"{100 * r['rps'] / floor:7.1f}%" if floor else "n/a"
        server = f"{r['server_p50']:6.1f}ms" if r["server_p50"] is not None else "n/a"
        print(
            f"{t.name:<13} {r['rps']:8.0f} {share:>8} {r['p50']:6.1f}ms {r['p99']:6.1f}ms "
            f"{server:>8} {r['bad']:>5}/{r['unexpected']}/{r['socket_errors']:<6} "
            f"{r['load'][0]:5.2f}→{r['load'][1]:<5.2f}  {queries.get(t.name, ''):<20} {t.note}"
        )
    print(
        "\n≥400/other/sock: answers ≥ 400 (wrk), answers other than the status checked first "
        "(gunicorn's log), socket errors (wrk)\n"
        "queries: per request, counted once in process with warm caches "
        "(SQL + SET search_path, status)"
    )
    if floor:
        for name in GOAL_TARGETS:
            target = next((t for t in targets if t.name == name and t.result.get("rps")), None)
            if target is None:
                continue
            share = 100 * target.result["rps"] / floor
            verdict = "PASS" if share >= GOAL_SHARE else "FAIL"
            print(
                f"{verdict}  {name}: {share:.1f} % of the floor "
                f"(target ≥ {GOAL_SHARE:.0f} %: {target.result['rps']:.0f} vs {floor:.0f} req/s)"
            )
        described = {
            "ceiling-user": "signed in, no work",
            "ceiling-qr": "signed in, token lookup + one cache read",
        }
        for name, what in described.items():
            target = next((t for t in targets if t.name == name and t.result.get("rps")), None)
            if target is not None:
                share = 100 * target.result["rps"] / floor
                print(f"      ceiling ({what}): {share:.1f} % of the floor")


def _describe_code() -> str:
    rev = subprocess.run(
        ["git", "-C", str(SAFELOOP_ROOT), "log", "-1", "--format=%h %s"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return f"{SAFELOOP_ROOT} @ {rev[:90] or '(not a git checkout)'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds of wrk load per target")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured seconds first")
    parser.add_argument(
        "--only",
        default="",
        help=f"comma-separated targets among {','.join(TARGETS[1:])} (the floor always runs)",
    )
    args = parser.parse_args()
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    if unknown := only - set(TARGETS):
        parser.error(f"unknown targets: {', '.join(sorted(unknown))}")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")

    db_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safeloop_bench_hot"
    )
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    _fresh_database(db_url)
    import redis

    redis.Redis.from_url(redis_url).flushdb()
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
    from django.db import connections

    from safeloop.platform.demo import ensure_demo
    from safeloop.platform.services import migrate_all

    print(f"SafeLoop under test: {_describe_code()}")
    workdir = Path(tempfile.mkdtemp(prefix="bench-hot-"))
    try:
        started = time.perf_counter()
        migrate_all(verbosity=0)
        enterprise, _logins = ensure_demo()
        seed = _grow(enterprise)
        print(f"set-up in {time.perf_counter() - started:.0f} s: {seed['size']}")
        queries = _queries(enterprise, seed)
        targets = [
            t
            for t in _targets(enterprise, seed, _session_cookie(enterprise, seed["operator"]))
            if t.name == "floor" or not only or t.name in only
        ]
        connections.close_all()
        print("loading (load average = 1-minute, before → after):")
        served_by = {"floor": "floor", **{name: "ceiling" for name in CEILING_TARGETS}}
        for name in ("floor", "safeloop", "ceiling"):
            mine = [t for t in targets if served_by.get(t.name, "safeloop") == name]
            _serve_and_load(mine, args, workdir, name=name)
        _print_table(targets, queries, args)
    finally:
        connections.close_all()
        _drop_database(db_url)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
