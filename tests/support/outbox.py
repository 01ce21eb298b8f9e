"""Outbox helpers for tests: a broker that is down, a sweep run a little later."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

# Nobody listens on port 1: connecting is refused at once, as with Redis stopped.
CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def unreachable_broker():
    """The project's Celery app sends to a port nobody listens on (Redis is down)."""
    from safeloop.platform.celery import app
    from safeloop.tenants.alerts.services import _kicks

    # A test run before this one in the process may have failed a kick (a broker it
    # broke, or Redis stopped): the sender would still be pausing and drop ours.
    _kicks.reset()
    conf = app.conf
    before = (conf.broker_url, conf.task_always_eager)
    conf.broker_url, conf.task_always_eager = CLOSED_PORT_BROKER, False
    _forget_connections(app)
    yield
    conf.broker_url, conf.task_always_eager = before
    _forget_connections(app)
    _kicks.reset()  # the failures above paused the delivery kicks of this process


def _forget_connections(app) -> None:
    # Pools made by earlier tests still point at the working broker.
    app._pool = None
    app.amqp._producer_pool = None


def sweep_later(seconds: float = 90) -> int:
    """Run the outbox sweep of the current schema ``seconds`` from now; how many it sent."""
    from safeloop.tenants.alerts.tasks import sweep_outbox

    with time_machine.travel(timezone.now() + timedelta(seconds=seconds)):
        return sweep_outbox()
