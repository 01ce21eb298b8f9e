"""Committed data for tests that need several database connections at once.

The usual tests run inside one transaction that is rolled back, which other
connections cannot see. A race needs two requests on two connections, so
these tests get a throwaway enterprise of their own, committed, and its
schema is dropped afterwards: Acme and Globex stay as every other test
expects them (their audit chains take no rows that cannot be deleted).

The test itself still carries ``django_db`` (so the test database is set up)
and its own connection sits in the usual rolled-back transaction; everything
that must be committed runs on another thread's connection through
:func:`committed`.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections
from django_tenants.utils import tenant_context

PASSWORD = "Safe-Loop-2026!"


@contextmanager
def throwaway_enterprise(industry: str = "metal") -> Iterator[Any]:
    """A committed enterprise with its first admin (``admin@<slug>.test``)."""
    from safeloop.platform.services import SignupData, provision_enterprise

    slug = f"tmp{uuid.uuid4().hex[:10]}"
    data = SignupData(
        "Throwaway Works", slug, industry, "Wu Gang", f"admin@{slug}.test", PASSWORD, "en"
    )
    enterprise = committed(lambda: provision_enterprise(data))
    try:
        yield enterprise
    finally:
        committed(lambda: enterprise.delete(force_drop=True))


def committed(call: Callable[[], Any], enterprise: Any = None) -> Any:
    """``call()`` on a connection of its own (in ``enterprise``'s schema if given),
    committed when it returns; its result, or its exception raised here."""

    def run() -> Any:
        if enterprise is None:
            return call()
        with tenant_context(enterprise):
            return call()

    (result,) = at_once(run)
    if isinstance(result, Exception):
        raise result
    return result


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together by a barrier; each result, or the
    exception it raised, in order. Each thread has its own database connection."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as exc:  # the test reads it as the outcome
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    stuck = [index for index, thread in enumerate(threads) if thread.is_alive()]
    if stuck:
        # Loudly, not as a silently slow test: usually a lock the test's own
        # transaction holds (it read a table the committed call alters or drops).
        raise AssertionError(f"calls {stuck} still running after 120 s: waiting on a lock?")
    return results
