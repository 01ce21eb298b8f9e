"""Real processes for tests: a Celery worker on the test database, committed writes.

The worker (``celery -A safeloop worker --pool solo``) runs on the pytest test
database and a Redis database only these tests use (REDIS_DB); it is flushed
when the worker starts. Redis must be running: without it the tests fail, they
never skip.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import redis
from django.db import connections
from tenant_schemas_celery.app import CeleryApp as TenantAwareCeleryApp

# No other test uses this Redis database: it is flushed when the worker starts.
REDIS_DB = 11
WORKER_READY_SECONDS = 60
DELIVERY_SECONDS = 15
REPO = Path(__file__).resolve().parents[2]


def _redis_url() -> str:
    """The machine's Redis (REDIS_URL's host, or 127.0.0.1:6379) with our own database."""
    parts = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    return urlunsplit((parts.scheme, parts.netloc, f"/{REDIS_DB}", "", ""))


def database_url(db: dict) -> str:
    """A DATABASE_URL for a child process that must use this (test) database."""
    host = db.get("HOST") or "127.0.0.1"
    if host.startswith("/"):
        host = quote(host, safe="")
    user = db.get("USER") or "postgres"
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{db['NAME']}"


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, tmp_path_factory):
    """A worker process on the test database; yields a Celery app that sends to it."""
    from django.db import connection

    url = _redis_url()
    broker = redis.Redis.from_url(url)
    broker.ping()  # no Redis: fail here, loudly
    broker.flushdb()  # messages left by an earlier, interrupted run
    log_path = tmp_path_factory.mktemp("celery") / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "safeloop.platform.settings",
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": url,
        "CELERY_BROKER_URL": url,
        "CELERY_RESULT_BACKEND": url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "NO_PROXY": "127.0.0.1,localhost",
    }
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "safeloop",
                "worker",
                "--pool",
                "solo",
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                f"test-worker-{os.getpid()}@%h",
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + WORKER_READY_SECONDS
        while " ready." not in log_path.read_text():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Celery worker did not start:\n{log_path.read_text()}")
            time.sleep(0.2)
        # This process sends through its own app on the same broker; the
        # project's app keeps whatever broker the settings gave it.
        sender = TenantAwareCeleryApp("safeloop", set_as_current=False)
        sender.config_from_object("django.conf:settings", namespace="CELERY")
        sender.conf.update(
            broker_url=url,
            result_backend=url,
            broker_transport_options={},
            task_always_eager=False,
        )
        sender.log_path = log_path
        yield sender
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        broker.flushdb()
        broker.close()


def committed(work):
    """Run ``work`` in a thread of its own: its own database connection, in autocommit.

    The test itself runs inside a transaction that is rolled back; the worker
    could never see that. What ``work`` writes is committed at once.
    """

    def run():
        try:
            return work()
        finally:
            connections.close_all()  # this thread's connections only

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()
