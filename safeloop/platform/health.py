"""Reachability of the database, Redis and the Celery broker for /healthz.

A load balancer probes often and gives up soon: /healthz answers within a
second whatever is down or hung. The checks run at once, each in its own
thread with its own short timeouts; one that has not answered by the deadline
is reported as ``{"ok": false, "error": "timeout"}`` and left to finish (or
time out) on its own.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait

import psycopg
from django.conf import settings
from django.db import connections
from django.http import JsonResponse

DEADLINE_SECONDS = 0.75
CHECK_SECONDS = 0.6
# Each check connects afresh: a probe must not wait on, nor spoil, a request's connection.
_pool = ThreadPoolExecutor(max_workers=3, thread_name_prefix="healthz")
# A check still stuck from an earlier probe is waited on again rather than started
# twice: a hung service holds at most one thread per check.
_in_flight: dict[tuple[str, str], Future] = {}
_in_flight_lock = threading.Lock()


def _check_database() -> None:
    params = connections["default"].get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params["connect_timeout"] = max(1, round(CHECK_SECONDS))
    params["options"] = f"-c statement_timeout={int(CHECK_SECONDS * 1000)}"
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute("SELECT 1")


def _check_redis() -> None:
    import redis

    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=CHECK_SECONDS, socket_timeout=CHECK_SECONDS
    )
    try:
        client.ping()
    finally:
        client.close()


def _check_broker() -> None:
    from kombu import Connection

    options = {
        **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        "socket_connect_timeout": CHECK_SECONDS,
        "socket_timeout": CHECK_SECONDS,
    }
    with Connection(
        settings.CELERY_BROKER_URL, transport_options=options, connect_timeout=CHECK_SECONDS
    ) as conn:
        conn.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0, timeout=CHECK_SECONDS
        )


def _timed(check: Callable[[], None]) -> dict:
    started = time.perf_counter()
    try:
        check()
        result: dict = {"ok": True}
    except Exception as exc:  # noqa: BLE001 — any failure means "unreachable"
        result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:200]}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def run_checks() -> dict[str, dict]:
    db = connections["default"].settings_dict
    # Each check with what it reaches: a stuck probe is only reused for the same target.
    checks = {
        "database": (_check_database, f"{db['HOST']}:{db['PORT']}/{db['NAME']}"),
        "broker": (_check_broker, settings.CELERY_BROKER_URL),
    }
    if settings.REDIS_URL:
        checks["redis"] = (_check_redis, settings.REDIS_URL)
    with _in_flight_lock:
        for name, (check, target) in checks.items():
            running = _in_flight.get((name, target))
            if running is None or running.done():
                _in_flight[(name, target)] = _pool.submit(_timed, check)
        futures = {name: _in_flight[(name, target)] for name, (_check, target) in checks.items()}
    wait(futures.values(), timeout=DEADLINE_SECONDS)
    results = {
        name: future.result()
        if future.done()
        else {"ok": False, "error": "timeout", "ms": DEADLINE_SECONDS * 1000}
        for name, future in futures.items()
    }
    if not settings.REDIS_URL:
        results["redis"] = {"ok": True, "skipped": "REDIS_URL not set (embedded mode)"}
    return results


def health_response() -> JsonResponse:
    results = run_checks()
    healthy = all(r["ok"] for r in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": results},
        status=200 if healthy else 503,
    )
