"""A SafeLoop server process for tests: gunicorn on the pytest-django test database.

Used by the e2e tests (a real Chromium against it) and by fault tests that
break a service under a running server.
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

from tests.support.worker import database_url, stop_process
from tests.support.xdist_env import worker_index

# Not "test-results": pytest-playwright empties that folder.
ARTIFACTS = Path(__file__).resolve().parents[2] / "e2e-artifacts"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serving(
    port: int,
    django_db_blocker,
    log_name: str = "e2e-server",
    extra_env: dict | None = None,
    *,
    app: str = "safeloop.platform.wsgi:application",
    extra_args: list[str] | tuple[str, ...] = (),
):
    """A gunicorn on 127.0.0.1:``port`` serving the test database, as ``safeloop run``
    would: links it builds for outside the browser carry that port. ``extra_env`` adds to or
    overrides its environment (e.g. another REDIS_URL); ``app`` and ``extra_args`` (e.g. an
    access log, ``--chdir``) let a benchmark serve another WSGI application with the same
    workers, threads and timeouts."""
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
        **(extra_env or {}),
    }
    # One file per test process: two xdist workers' servers writing (and truncating) the
    # same file at their own offsets garbled each other's e-mails.
    log_path = ARTIFACTS / f"{log_name}-{worker_index()}.log"
    log_path.parent.mkdir(exist_ok=True)
    bin_dir = Path(sys.executable).parent
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [
                str(bin_dir / "gunicorn"),
                app,
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
                *extra_args,
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
