"""End-to-end tests: a real SafeLoop server process and Debian's Chromium.

The server runs as its own process (gunicorn) on the pytest-django test
database, so what the browser does is committed like in production and
nothing is flushed between tests. Tenants the tests create use unique slugs.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.support.worker import database_url, stop_process

# Playwright runs an event loop in this thread; the Django ORM calls the tests
# make for set-up are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("SAFELOOP_CHROMIUM", "/usr/bin/chromium")
# Not "test-results": pytest-playwright empties that folder.
ARTIFACTS = Path(__file__).resolve().parents[1] / "e2e-artifacts"

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def pytest_collection_modifyitems(items):
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture(params=["phone", "desktop"])
def viewport_name(request):
    return request.param


@pytest.fixture
def browser_context_args(browser_context_args, viewport_name):
    return {
        **browser_context_args,
        **(PHONE if viewport_name == "phone" else DESKTOP),
        "locale": "zh-CN",
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serving(port: int, django_db_blocker, log_name: str = "e2e-server"):
    """A gunicorn on 127.0.0.1:``port`` serving the test database, as ``safeloop run``
    would: links it builds for outside the browser carry that port."""
    from django.conf import settings
    from django.db import connection

    env = {
        **os.environ,
        "DATABASE_URL": database_url(connection.settings_dict),
        "DJANGO_SETTINGS_MODULE": "safeloop.platform.settings",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        # Links that leave the browser (e-mails, labels) name the port it serves on.
        "SAFELOOP_PUBLIC_PORT": str(port),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        # Every browser here comes from 127.0.0.1 and signs up more than three
        # workspaces; throttle counters start afresh with each server.
        "SAFELOOP_SIGNUP_RATES": "1000/m",
        "RATELIMIT_CACHE_PREFIX": f"rl-e2e-{uuid.uuid4().hex}:",
    }
    log_path = ARTIFACTS / f"{log_name}.log"
    log_path.parent.mkdir(exist_ok=True)
    bin_dir = Path(sys.executable).parent
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [
                str(bin_dir / "gunicorn"),
                "safeloop.platform.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--timeout",
                "60",
                "--graceful-timeout",
                "3",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                        break
                except OSError as exc:
                    if getattr(exc, "code", None):
                        break
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"e2e server did not start; see {log_path}") from exc
                    time.sleep(0.3)
            yield {
                "port": port,
                "base": f"http://{settings.SAFELOOP_BASE_DOMAIN}:{port}",
                "log": log_path,
            }
        finally:
            stop_process(proc, django_db_blocker, timeout=15)


@pytest.fixture(scope="session")
def server(django_db_setup, django_db_blocker):
    """Base URL parts of a gunicorn serving the test database: {"port", "base"}."""
    with serving(_free_port(), django_db_blocker) as served:
        yield served


@pytest.fixture
def tenant_url(server):
    from django.conf import settings

    def build(slug: str, path: str = "/") -> str:
        return f"http://{slug}.{settings.SAFELOOP_BASE_DOMAIN}:{server['port']}{path}"

    return build


@pytest.fixture
def screenshot(page, request, viewport_name):
    def take(name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{request.node.name}-{name}.png".replace("/", "_")
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
