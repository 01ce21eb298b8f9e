"""Real processes for tests: a Celery worker on the test database, committed writes.

The worker (``celery -A safeloop worker --pool solo``) runs on the pytest test
database and the broker SafeLoop itself would use:

* with REDIS_URL set, Redis, in a database only these tests use (REDIS_DB),
  flushed when the worker starts; Redis must answer or the tests fail;
* without it, the embedded default: Kombu's file-system broker (as
  ``safeloop run`` uses with nothing configured) in a folder of this run, and
  Celery's file-system result backend. No Redis server is started: the tests
  then exercise the very transport an unconfigured installation runs on.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import pytest
import redis
from django.db import connections
from tenant_schemas_celery.app import CeleryApp as TenantAwareCeleryApp

from safeloop.platform import embedded
from tests.support.xdist_env import worker_index

# No other test uses this Redis database (one per xdist worker): it is flushed when the
# worker starts.
REDIS_DB = 11 + worker_index()
WORKER_READY_SECONDS = 60
DELIVERY_SECONDS = 15
REPO = Path(__file__).resolve().parents[2]


def _redis_url() -> str:
    """The machine's Redis (REDIS_URL's host, or 127.0.0.1:6379) with our own database."""
    parts = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    return urlunsplit((parts.scheme, parts.netloc, f"/{REDIS_DB}", "", ""))


def database_url(db: dict) -> str:
    """A DATABASE_URL for a child process that must use this (test) database.

    The embedded PostgreSQL listens on a Unix socket only: its folder is the
    connection's ``host`` option (dj-database-url's ``?host=``), and a child
    must be given it too.
    """
    user = quote(db.get("USER") or "postgres", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    name = quote(db["NAME"], safe="")
    socket_dir = db.get("OPTIONS", {}).get("host") or (
        db.get("HOST") if (db.get("HOST") or "").startswith("/") else None
    )
    if socket_dir:
        return f"postgres://{user}{password}@{port}/{name}?{urlencode({'host': socket_dir})}"
    host = db.get("HOST") or "127.0.0.1"
    return f"postgres://{user}{password}@{host}{port}/{name}"


def stop_process(proc: subprocess.Popen, django_db_blocker, *, timeout: float = 20) -> None:
    """Stop a child that used the test database, then wait until PostgreSQL has
    closed its sessions: the test database is dropped right after the last test,
    and a session the server has not ended yet makes that fail."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    from django.db import connection

    deadline = time.monotonic() + 10
    # None outside pytest (a benchmark): nothing blocks the database there.
    unblocked = (
        contextlib.nullcontext() if django_db_blocker is None else django_db_blocker.unblock()
    )
    with unblocked:
        try:
            with connection.cursor() as cursor:
                while time.monotonic() < deadline:
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                        " AND backend_type = 'client backend'"
                    )
                    if cursor.fetchone()[0] == 0:
                        break
                    time.sleep(0.1)
        finally:
            # Under Playwright this runs in a greenlet with a connection of its own.
            connection.close()


class _RedisBroker:
    """The machine's Redis (REDIS_URL's host) with a database of our own."""

    def __init__(self):
        self.url = _redis_url()
        self.client = redis.Redis.from_url(self.url)
        self.client.ping()  # no Redis: fail here, loudly
        self.client.flushdb()  # messages left by an earlier, interrupted run

    def worker_env(self) -> dict:
        return {
            "REDIS_URL": self.url,
            "CELERY_BROKER_URL": self.url,
            "CELERY_RESULT_BACKEND": self.url,
        }

    def sender_conf(self) -> dict:
        return {"broker_url": self.url, "result_backend": self.url, "broker_transport_options": {}}

    def close(self) -> None:
        self.client.flushdb()
        self.client.close()


class _FileSystemBroker:
    """The embedded default: Kombu's file-system broker in a folder of this run."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.results = folder / "results"
        self.results.mkdir(parents=True)
        embedded.embedded_broker_url(folder)  # makes the queue's folders

    def worker_env(self) -> dict:
        return {
            "CELERY_BROKER_URL": "filesystem://",
            "SAFELOOP_BROKER_DIR": str(self.folder),
            "CELERY_RESULT_BACKEND": f"file://{self.results}",
        }

    def sender_conf(self) -> dict:
        return {
            "broker_url": "filesystem://",
            "result_backend": f"file://{self.results}",
            "broker_transport_options": embedded.embedded_broker_options(self.folder),
        }

    def close(self) -> None:
        pass


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """A worker process on the test database; yields a Celery app that sends to it."""
    from django.db import connection

    if os.environ.get("REDIS_URL"):
        broker = _RedisBroker()
    else:
        broker = _FileSystemBroker(tmp_path_factory.mktemp("broker"))
    log_path = tmp_path_factory.mktemp("celery") / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "safeloop.platform.settings",
        "DATABASE_URL": database_url(connection.settings_dict),
        **broker.worker_env(),
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
        sender.conf.update(**broker.sender_conf(), task_always_eager=False)
        sender.log_path = log_path
        yield sender
    finally:
        stop_process(proc, django_db_blocker)
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
