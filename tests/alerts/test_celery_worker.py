"""SLOW: a real Celery worker process delivers a robot message queued inside Acme's schema.

The worker (``celery -A safeloop worker --pool solo``) runs on the pytest test
database and a Redis database only this module uses (REDIS_DB). notify() is
called with committed data, outside the test's transaction; tenant-schemas-celery
carries the schema in the message headers, so the worker finds the rows in
Acme's schema. Redis must be running: without it this test fails, it never skips.
"""

from __future__ import annotations

import time
import uuid

import pytest
from django_tenants.utils import tenant_context

from safeloop.platform.celery import app as project_app
from safeloop.tenants.alerts.models import Delivery, Notification, Robot
from safeloop.tenants.alerts.services import Message, notify
from safeloop.tenants.alerts.tasks import deliver_notifications  # noqa: F401 (registers the task)
from tests.support.worker import DELIVERY_SECONDS, committed

# django_db: the test database must exist; the data the worker reads is committed
# from a thread of its own (see _committed).
pytestmark = [pytest.mark.slow, pytest.mark.django_db]


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

    hit, delivered = committed(queue_and_wait)

    log = celery_worker.log_path.read_text()
    assert hit.body["msgtype"] == "markdown"
    assert message.subject in hit.body["markdown"]["content"]
    assert delivered.state == Delivery.SENT, f"{delivered.error}\n{log}"
    assert delivered.attempts == 1
    assert "deliver_notifications" in log and "succeeded" in log
