"""Best-effort work off the request thread: one daemon thread per process.

A request that has committed its work (a hazard report and its outbox rows)
must not wait on the broker to say "deliver now": with Redis frozen a publish
takes its full socket timeout, twice per report. The kick goes to a queue
instead and this thread sends it. What it cannot send is not lost: the rows it
points at are in the database and the outbox sweep sends them.

A call returns False (or raises) when it failed; the thread then drops kicks
for ``pause`` seconds rather than queueing hundreds of calls at a broker that
does not answer. The call logs what it needs to; the thread adds nothing.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable

log = logging.getLogger("safeloop.background")


class BestEffortSender:
    def __init__(self, name: str, *, pause: float = 10.0):
        self.name = name
        self.pause = pause
        self._queue: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._lock = threading.Lock()
        self._failed_at = 0.0
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, call: Callable[[], bool]) -> None:
        """Run ``call`` soon on this process's sender thread; never raises, never waits."""
        self._ensure_thread()
        with self._idle:
            self._pending += 1
        self._queue.put(call)

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every submitted call has run or been dropped (tests, shutdown)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def reset(self) -> None:
        """Forget a past failure (tests that broke the broker on purpose)."""
        self.flush()
        self._failed_at = 0.0

    def _ensure_thread(self) -> None:
        # A forked child (gunicorn, Celery prefork) inherits the object, not the thread.
        if self._thread is not None and self._pid == os.getpid() and self._thread.is_alive():
            return
        with self._lock:
            if self._pid != os.getpid():
                self._queue = queue.SimpleQueue()
                self._failed_at = 0.0
                self._pending = 0
                self._idle = threading.Condition()
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            call = self._queue.get()
            try:
                self._attempt(call)
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def _attempt(self, call: Callable[[], bool]) -> None:
        if self._failed_at and time.monotonic() - self._failed_at < self.pause:
            return  # it failed moments ago: what it would do is done later anyway
        try:
            ok = call()
        except Exception:  # noqa: BLE001 — any failure pauses the thread
            log.exception("%s: a call failed", self.name)
            ok = False
        self._failed_at = 0.0 if ok else time.monotonic()
