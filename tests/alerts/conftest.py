"""Notification test helpers: signed-in clients, the local robot server, eager Celery."""

from __future__ import annotations

import pytest

from tests.alerts.robot_server import RobotServer


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: starts real processes (a Celery worker); takes several seconds"
    )


@pytest.fixture
def robot_server():
    server = RobotServer().start()
    yield server
    server.stop()


@pytest.fixture
def local_robots(settings):
    """Let robots post to the local test server (production allows the vendors' hosts only)."""
    settings.SAFELOOP_ROBOT_EXTRA_HOSTS = ["127.0.0.1"]


@pytest.fixture
def eager_celery():
    """Run tasks in-process at once, as the e2e server does (CELERY_TASK_ALWAYS_EAGER)."""
    from safeloop.platform.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = before
