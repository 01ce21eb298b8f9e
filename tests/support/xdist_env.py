"""Each pytest-xdist worker gets Redis databases (or a task folder) of its own.

The workers' test databases differ (pytest-django suffixes them), but their tenants
have the same schema names: sharing one Redis, worker gw1's cached permissions, unread
counts or sessions for "acme" would be read by gw0's. Worker gwN moves the cache, the
sessions and the broker to REDIS_URL's database + 1 + N, in this process's settings
and in the environment the servers and Celery workers its tests start inherit; the
Celery worker tests take their own database from ``tests.support.worker.REDIS_DB`` + N.
Called from the root conftest, before anything has connected to Redis.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

MAX_WORKERS = 4  # Redis has databases 0–15: the cache ones and the Celery worker tests' ones


def worker_index() -> int:
    """0 for the first xdist worker (and for a run without xdist), 1 for the next…"""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    index = int(worker[2:]) if worker.startswith("gw") else 0
    if index >= MAX_WORKERS:
        raise RuntimeError(f"At most {MAX_WORKERS} test processes (SAFELOOP_TEST_WORKERS)")
    return index


def isolate_this_worker() -> None:
    from django.conf import settings

    if "PYTEST_XDIST_WORKER" not in os.environ:
        return
    shared = settings.REDIS_URL
    if not shared:
        _use_own_broker_folder(settings)
        return
    parts = urlsplit(shared)
    database = int(parts.path.strip("/") or 0) + 1 + worker_index()
    own = urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, ""))
    os.environ["REDIS_URL"] = settings.REDIS_URL = own
    settings.CACHES["default"]["LOCATION"] = own
    if settings.CELERY_BROKER_URL == shared:
        settings.CELERY_BROKER_URL = own
        from safeloop.platform.celery import app

        app.conf.broker_url = own


def _use_own_broker_folder(settings) -> None:
    """Without Redis, tasks queue as files (``./dev test`` gives the run a folder): each
    worker gets a folder of its own in it."""
    shared = os.environ.get("SAFELOOP_BROKER_DIR")
    if not shared or settings.CELERY_BROKER_URL != "filesystem://":
        return
    from safeloop.platform import embedded
    from safeloop.platform.celery import app

    own = Path(shared) / os.environ["PYTEST_XDIST_WORKER"]
    os.environ["SAFELOOP_BROKER_DIR"] = str(own)
    embedded.embedded_broker_url(own)  # makes its folders
    options = embedded.embedded_broker_options(own)
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = app.conf.broker_transport_options = options
