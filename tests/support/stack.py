"""A whole SafeLoop stack in real processes, for tests that break parts of it on purpose.

Everything is started for the test and owned by it: a PostgreSQL cluster
(``initdb`` + ``pg_ctl``, Unix socket and data in a temporary folder, trust
authentication), a ``redis-server`` without persistence, gunicorn serving
``safeloop.platform.wsgi``, a Celery worker (prefork) and Celery beat, each on
a free port and with its log in the run's folder. The processes get their
settings from the environment, as in production. Each part has the faults a
test may inflict (stop, freeze, flush, kill, restart) and a way back.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG_USER = "postgres"  # PostgreSQL refuses to run as root


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, *, timeout: float, what: str, interval: float = 0.2):
    """Poll ``check`` until it returns something truthy; fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {timeout:.0f} s")
        time.sleep(interval)


def _as_postgres() -> dict:
    return {"user": PG_USER} if os.geteuid() == 0 else {}


class Postgres:
    """A private PostgreSQL cluster: data and socket in a folder of its own.

    The folder is not under pytest's (root-only) temporary folder: the server
    runs as "postgres" and must reach it.
    """

    def __init__(self):
        folder = Path(tempfile.mkdtemp(prefix="safeloop-pg-"))
        folder.chmod(0o755)
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.log = folder / "postgres.log"
        # Durability is not under test; a restart must not wait for a checkpoint.
        self._options = (
            f"-p {self.port} -k {folder} -c listen_addresses='' "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        if os.geteuid() == 0:
            shutil.chown(folder, PG_USER)

    def url(self, name: str = "safeloop") -> str:
        return f"postgres://{PG_USER}@/{name}?host={self.folder}&port={self.port}"

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            ["pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", *args],
            check=True,
            capture_output=True,
            timeout=60,
            **_as_postgres(),
        )

    def start(self) -> None:
        if not self.data.exists():
            subprocess.run(
                ["initdb", "-D", str(self.data), "-A", "trust", "-U", PG_USER, "-E", "UTF8"],
                check=True,
                capture_output=True,
                timeout=120,
                **_as_postgres(),
            )
        self._ctl("-o", self._options, "start")

    def create_database(self, name: str = "safeloop") -> None:
        subprocess.run(
            ["createdb", "-h", str(self.folder), "-p", str(self.port), "-U", PG_USER, name],
            check=True,
            capture_output=True,
            timeout=30,
        )

    def restart(self) -> None:
        """``pg_ctl restart -m fast``: every session is cut, the server is back at once."""
        self._ctl("-m", "fast", "-o", self._options, "restart")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._ctl("-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


class Redis:
    """A private redis-server on a free port, no persistence."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.log = folder / "redis.log"
        self.proc: subprocess.Popen | None = None
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def cli(self, *args: str, timeout: float = 2) -> str:
        done = subprocess.run(
            ["redis-cli", "-p", str(self.port), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        return done.stdout.strip()

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.folder)]
            + ["--logfile", str(self.log)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: self.cli("ping") == "PONG", timeout=10, what="redis-server start")

    def stop(self) -> None:
        """SIGTERM: the port refuses connections until ``start``."""
        if self.proc and self.proc.poll() is None:
            self.thaw()
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def freeze(self) -> None:
        """SIGSTOP: connections are accepted by the kernel, nothing answers."""
        self.proc.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.proc.send_signal(signal.SIGCONT)

    def flush(self) -> None:
        """FLUSHALL: the queued broker messages and the cache are gone."""
        self.cli("FLUSHALL")

    def restart(self) -> None:
        self.stop()
        self.start()

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


@dataclass
class Service:
    """One long-running SafeLoop process (web, worker or beat) with its log."""

    name: str
    argv: list[str]
    env: dict
    log: Path
    ready: str  # a line in the log that says it is ready, or "http://..." to poll
    proc: subprocess.Popen | None = field(default=None, repr=False)

    def start(self, *, timeout: float = 60) -> None:
        offset = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("a") as log:
            self.proc = subprocess.Popen(
                self.argv,
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: children die with it
            )
        wait_until(
            lambda: self._is_ready(offset), timeout=timeout, what=f"{self.name} start ({self.log})"
        )

    def _is_ready(self, offset: int) -> bool:
        if self.proc.poll() is not None:
            raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.log}")
        if self.ready.startswith("http"):
            try:
                with urllib.request.urlopen(self.ready, timeout=2):
                    return True
            except OSError as exc:
                return bool(getattr(exc, "code", None))
        with self.log.open("rb") as log:
            log.seek(offset)
            return self.ready.encode() in log.read()

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def children(self) -> list[int]:
        """The pool processes (prefork worker, gunicorn workers) of the main process."""
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def kill(self) -> None:
        """SIGKILL to the main process and its pool at once, as when the machine dies."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        """The whole process group, politely first."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        # Orphaned pool children of a killed main process are in the same group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)


class TinyDisk:
    """A tmpfs of ``size`` mounted on ``path``: a media volume that fills up quickly."""

    def __init__(self, path: Path, size: str = "2m"):
        self.path = path
        self.size = size
        path.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(path)],
            check=True,
            capture_output=True,
        )

    def fill(self) -> None:
        """Leave no room: a file of zeros as big as the volume allows."""
        with contextlib.suppress(OSError), (self.path / ".filler").open("wb") as filler:
            while True:
                filler.write(b"\0" * 65536)

    def free(self) -> None:
        (self.path / ".filler").unlink(missing_ok=True)

    def files(self) -> list[Path]:
        return [p for p in self.path.rglob("*") if p.is_file() and p.name != ".filler"]

    def unmount(self) -> None:
        subprocess.run(["umount", "-l", str(self.path)], check=False, capture_output=True)


def python_env(**extra: str) -> dict:
    """The environment of a SafeLoop process run from this checkout."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "REDIS_", "CELERY_", "PYTEST_", "SAFELOOP_"))
    }
    env.update(
        PYTHONPATH=str(REPO),
        DJANGO_SETTINGS_MODULE="safeloop.platform.settings",
        NO_PROXY="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def web(env: dict, folder: Path) -> Service:
    port = free_port()
    service = Service(
        "gunicorn",
        [str(BIN / "gunicorn"), "safeloop.platform.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4"]
        + ["--timeout", "30", "--graceful-timeout", "3"],
        {**env, "SAFELOOP_PUBLIC_PORT": str(port)},
        folder / "web.log",
        ready=f"http://127.0.0.1:{port}/healthz",
    )
    service.port = port
    return service


def worker(env: dict, folder: Path) -> Service:
    return Service(
        "celery worker",
        [str(BIN / "celery"), "-A", "safeloop.platform.celery", "worker"]
        + ["--pool", "prefork", "--concurrency", "2", "--loglevel", "INFO"]
        + ["--without-gossip", "--without-mingle", "--hostname", f"faults-{os.getpid()}@%h"],
        env,
        folder / "worker.log",
        ready=" ready.",
    )


def beat(env: dict, folder: Path) -> Service:
    return Service(
        "celery beat",
        [str(BIN / "celery"), "-A", "safeloop.platform.celery", "beat", "--loglevel", "INFO"]
        + ["--pidfile", str(folder / "beat.pid")],
        env,
        folder / "beat.log",
        ready="beat: Starting",
    )


class Stack:
    """PostgreSQL, Redis, web, worker and beat, seeded by ``seed_module``; see the module doc.

    ``media`` is a tmpfs (MEDIA_ROOT) the disk-full test fills; ``mailbox`` the
    folder every sent e-mail lands in (tests.support.mailbox).
    """

    def __init__(self, folder: Path, *, seed_module: str, extra_env: dict | None = None):
        self.folder = folder
        self.postgres = Postgres()
        self.redis = Redis(folder / "redis")
        self.mailbox = folder / "mail"
        self.mailbox.mkdir()
        self.media: TinyDisk | None = None
        self.seed_module = seed_module
        self.extra_env = extra_env or {}
        self.seed: dict = {}
        self.timings: dict[str, float] = {}

    def env(self) -> dict:
        return python_env(
            DATABASE_URL=self.postgres.url(),
            REDIS_URL=self.redis.url,
            MEDIA_ROOT=str(self.media.path),
            EMAIL_BACKEND="tests.support.mailbox.Backend",
            SAFELOOP_TEST_MAILBOX=str(self.mailbox),
            CELERY_TASK_ALWAYS_EAGER="false",
            **self.extra_env,
        )

    def start(self) -> None:
        started = time.monotonic()
        self.media = TinyDisk(self.folder / "media", size="16m")
        self.postgres.start()
        self.postgres.create_database()
        self.redis.start()
        self.timings["postgres+redis"] = time.monotonic() - started
        seeded = subprocess.run(
            [sys.executable, "-m", self.seed_module],
            cwd=REPO,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=300,
        )
        if seeded.returncode:
            raise RuntimeError(f"seeding failed:\n{seeded.stdout}\n{seeded.stderr}")
        self.seed = json.loads(seeded.stdout.strip().splitlines()[-1])
        self.timings["seed"] = time.monotonic() - started
        env = self.env()
        self.web, self.worker, self.beat = (
            web(env, self.folder),
            worker(env, self.folder),
            beat(env, self.folder),
        )
        for service in (self.web, self.worker, self.beat):
            service.start()
        self.timings["services"] = time.monotonic() - started
        print(
            f"stack in {self.folder}: "
            + ", ".join(f"{k} {v:.0f}s" for k, v in self.timings.items())
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.web.port}"

    def heal(self) -> None:
        """Whatever a test broke, running again: Redis, PostgreSQL, disk, worker, beat, web."""
        if self.redis.running:
            self.redis.thaw()
        else:
            self.redis.start()
        if subprocess.run(
            ["pg_isready", "-h", str(self.postgres.folder), "-p", str(self.postgres.port)],
            capture_output=True,
        ).returncode:
            self.postgres.start()
        self.media.free()
        for service in (self.web, self.worker, self.beat):
            if not service.running:
                service.stop()  # the orphans of a killed main process
                service.start()

    def stop(self) -> None:
        for service in ("beat", "worker", "web"):
            if hasattr(self, service):
                getattr(self, service).stop()
        self.redis.stop()
        self.postgres.stop()
        if self.media:
            self.media.unmount()
