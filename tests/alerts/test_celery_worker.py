"""SLOW: a real Celery worker process delivers a robot message queued inside Acme's schema.

The worker (``celery -A safeloop worker --pool solo``) runs on the pytest test
database and a Redis database only this module uses (REDIS_DB). notify() is
called with committed data, outside the test's transaction; tenant-schemas-celery
carries the schema in the message headers, so the worker finds the rows in
Acme's schema. Redis must be running: without it this test fails, it never skips.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import redis
from django.db import connections
from django_tenants.utils import tenant_context
from tenant_schemas_celery.app import CeleryApp as TenantAwareCeleryApp

from safeloop.platform.celery import app as project_app
from safeloop.tenants.alerts.models import Delivery, Notification, Robot
from safeloop.tenants.alerts.services import Message, notify
from safeloop.tenants.alerts.tasks import deliver_notifications  # noqa: F401 (registers the task)

# django_db: the test database must exist; the data the worker reads is committed
# from a thread of its own (see _committed).
pytestmark = [pytest.mark.slow, pytest.mark.django_db]

# No other test uses this Redis database: it is flushed when the worker starts.
REDIS_DB = 11
WORKER_READY_SECONDS = 60
DELIVERY_SECONDS = 15
REPO = Path(__file__).resolve().parents[2]


def _redis_url() -> str:
    """The machine's Redis (REDIS_URL's host, or 127.0.0.1:6379) with our own database."""
    parts = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    return urlunsplit((parts.scheme, parts.netloc, f"/{REDIS_DB}", "", ""))


def _database_url(db: dict) -> str:
    # As e2e/conftest.py builds it for its server process.
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
        "DATABASE_URL": _database_url(connection.settings_dict),
        "REDIS_URL": url,
        "CELERY_BROKER_URL": url,
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
                f"alerts-test-{os.getpid()}@%h",
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
        sender.conf.update(broker_url=url, broker_transport_options={}, task_always_eager=False)
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


def _committed(work):
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


def _wait_for_state(pk: int, state: str, timeout: float) -> Notification:
    deadline = time.monotonic() + timeout
    while True:
        notification = Notification.objects.get(pk=pk)
        if notification.state == state or time.monotonic() > deadline:
            return notification
        time.sleep(0.1)


def test_worker_delivers_a_robot_message_queued_in_the_acme_schema(
    celery_worker, robot_server, acme
):
    key = f"worker-test:{uuid.uuid4().hex}"
    message = Message(
        event="hazard.major_reported",
        subject="MAJOR hazard reported: H-0099 Gas smell near the furnace",
        link="http://acme.localhost/h/99/",
        urgent=True,
    )

    def queue_and_wait():
        with tenant_context(acme):
            robot = Robot.objects.create(
                kind="wecom",
                name=f"Worker test {key}",
                webhook_url=robot_server.url("/wecom/acme-worker"),
                events=["hazard.major_reported"],
            )
            try:
                celery_worker.set_current()  # for this thread only
                try:
                    # Outside a transaction on_commit runs at once: the task is sent here.
                    (queued,) = notify([], message, dedupe_key=key)
                finally:
                    project_app.set_current()
                hit = robot_server.wait_for("/wecom/acme-worker", timeout=DELIVERY_SECONDS)
                return hit, _wait_for_state(queued.pk, Delivery.SENT, DELIVERY_SECONDS)
            finally:
                robot.delete()  # and its notifications

    hit, delivered = _committed(queue_and_wait)

    log = celery_worker.log_path.read_text()
    assert hit.body["msgtype"] == "markdown"
    assert message.subject in hit.body["markdown"]["content"]
    assert delivered.state == Delivery.SENT, f"{delivered.error}\n{log}"
    assert delivered.attempts == 1
    assert "deliver_notifications" in log and "succeeded" in log
