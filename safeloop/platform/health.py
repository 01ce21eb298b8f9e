"""Reachability of the database, Redis and the Celery broker for /healthz; /livez.

Two probes, answered on any host before tenant routing:

* ``/healthz`` — readiness, what load balancers and Kubernetes' readinessProbe
  ask: can this process serve a request (database, Redis and broker answer)?
  A load balancer probes often and gives up soon: /healthz answers within a
  second whatever is down or hung. The checks run at once, each in its own
  thread with its own short timeouts; one that has not answered by the
  deadline is reported as ``{"ok": false, "error": "timeout"}`` and left to
  finish (or time out) on its own. Each process reuses its last answer for
  ``SAFELOOP_HEALTHZ_CACHE_MS`` (1,000 ms) after the checks *started*, so a
  burst of probes costs one round of checks (the broker's alone is tens of ms)
  and an outage shows at most that long late; ``age_ms`` says how old the
  answer is. Probes arriving while the checks run wait for them.
* ``/livez`` — liveness (Kubernetes' livenessProbe): the process answers. No
  database, Redis or broker call: a Redis outage must make a pod unready, not
  get it restarted.
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


def _checks() -> dict[str, tuple[Callable[[], None], str]]:
    db = connections["default"].settings_dict
    # Each check with what it reaches: a stuck probe is only reused for the same target.
    checks = {
        "database": (_check_database, f"{db['HOST']}:{db['PORT']}/{db['NAME']}"),
        "broker": (_check_broker, settings.CELERY_BROKER_URL),
    }
    if settings.REDIS_URL:
        checks["redis"] = (_check_redis, settings.REDIS_URL)
    return checks


def run_checks() -> dict[str, dict]:
    checks = _checks()
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


# The last answer per process: (what was checked, when the checks started, the results).
_last: tuple[tuple, float, dict[str, dict]] | None = None
_last_lock = threading.Lock()


def recent_checks() -> tuple[dict[str, dict], float]:
    """The checks' results and their age in seconds: this process's last ones if they
    started less than SAFELOOP_HEALTHZ_CACHE_SECONDS ago for the same targets, else new."""
    global _last
    ttl = settings.SAFELOOP_HEALTHZ_CACHE_SECONDS
    if ttl <= 0:
        return run_checks(), 0.0
    targets = tuple((name, target) for name, (_check, target) in _checks().items())
    # Held while the checks run (≤ DEADLINE_SECONDS): a burst waits for one round.
    with _last_lock:
        now = time.monotonic()
        if _last is not None and _last[0] == targets and now - _last[1] < ttl:
            return _last[2], now - _last[1]
        results = run_checks()
        _last = (targets, now, results)
        return results, time.monotonic() - now


def health_response() -> JsonResponse:
    results, age = recent_checks()
    healthy = all(r["ok"] for r in results.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "checks": results,
            "age_ms": round(age * 1000),
        },
        status=200 if healthy else 503,
    )


def live_response() -> JsonResponse:
    """The process answers requests; nothing outside it is asked."""
    return JsonResponse({"status": "ok"})
