"""Broken services for fault tests.

A private redis-server, started on a free port, stopped or frozen on purpose;
and a silent server that accepts TCP connections and never answers (a hung
PostgreSQL, as a client sees it).

Redis: ``stop()`` kills it (connections refused, as when Redis is down); ``frozen()``
sends SIGSTOP so that it accepts TCP connections but never answers, as a hung
Redis does. A frozen server is thawed after ``thaw_after`` seconds whatever the
code under test does, so that a test of a hang fails instead of hanging.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import redis

from tests.support.server import free_port

READY_SECONDS = 10


class PrivateRedis:
    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.start()

    def start(self) -> None:
        """Start (or start again, after stop()) on the same port, empty."""
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed")
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly"]
            + ["no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + READY_SECONDS
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
            finally:
                client.close()

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def stop(self) -> None:
        """Kill the server: connections are refused from now on."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.kill()
            self.proc.wait()

    @contextlib.contextmanager
    def out(self, how: str):
        """Redis out for the block: "down" (killed, started again after) or "frozen"."""
        if how == "frozen":
            with self.frozen():
                yield
            return
        self.stop()
        try:
            yield
        finally:
            self.start()

    @contextlib.contextmanager
    def frozen(self, thaw_after: float = 10):
        """SIGSTOP the server: the kernel still accepts connections, nobody answers."""
        self.proc.send_signal(signal.SIGSTOP)
        safety = threading.Timer(thaw_after, self._thaw)
        safety.start()
        try:
            yield
        finally:
            safety.cancel()
            self._thaw()

    def _thaw(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)


@contextlib.contextmanager
def silent_server():
    """A TCP port on 127.0.0.1 that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                accepted.append(listener.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        listener.close()
