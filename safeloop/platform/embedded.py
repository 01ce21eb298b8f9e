"""Embedded services for the zero-configuration default.

With no DATABASE_URL, SafeLoop runs on an embedded PostgreSQL (pgserver ships
the server binaries in a wheel). Its data lives in the project's ignored
``state/`` folder. Every SafeLoop process that reaches it through
``embedded_database_url()`` holds it (pgserver keeps the holders' process ids
in ``state/pgdata/.handle_pids.json``); the last holder to exit stops it, so
``safeloop run`` (Ctrl-C or ``safeloop stop``) and a test run leave no
PostgreSQL behind. The processes ``safeloop run`` and the tests start get the
database's URL in DATABASE_URL and do not hold it.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import subprocess
from pathlib import Path

STATE_DIR = Path(
    os.environ.get("SAFELOOP_STATE_DIR", Path(__file__).resolve().parents[2] / "state")
)
PGDATA = STATE_DIR / "pgdata"
LOG_DIR = STATE_DIR / "logs"
EMBEDDED_DB_NAME = "safeloop"


def embedded_database_url() -> str:
    _pgserver_env()
    import pgserver  # imported lazily: only the embedded default needs it

    PGDATA.mkdir(parents=True, exist_ok=True)
    _forget_dead_holders()
    # cleanup_mode=None: pgserver's own exit hook would keep a crashed holder's
    # pid forever and never stop; _release below prunes those first.
    server = pgserver.get_server(PGDATA, cleanup_mode=None)
    atexit.register(_release)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{EMBEDDED_DB_NAME}';")
    if "1 row" not in exists:
        server.psql(f"CREATE DATABASE {EMBEDDED_DB_NAME};")
    return server.get_uri(EMBEDDED_DB_NAME)


def _pgserver_env() -> None:
    # pgserver keeps its inter-process lock under XDG_RUNTIME_DIR: set it before
    # importing pgserver, the same way in every process.
    if "XDG_RUNTIME_DIR" not in os.environ:
        os.environ["XDG_RUNTIME_DIR"] = str(STATE_DIR / "run")
        (STATE_DIR / "run").mkdir(mode=0o700, parents=True, exist_ok=True)
        (STATE_DIR / "run").chmod(0o700)  # platformdirs wants it private


def _holders_file() -> Path:
    return PGDATA / ".handle_pids.json"


def process_alive(pid: int) -> bool:
    """Whether ``pid`` runs (an exited child its parent has not reaped yet does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        # /proc/<pid>/stat: "pid (name) state ..."; Z is a zombie.
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _read_holders() -> list[int]:
    try:
        return [int(pid) for pid in json.loads(_holders_file().read_text())]
    except (FileNotFoundError, ValueError, TypeError):
        return []


def _forget_dead_holders(also: int | None = None) -> list[int]:
    """Drop the pids of processes that are gone (and ``also``); the live ones remain."""
    holders = [pid for pid in _read_holders() if pid != also and process_alive(pid)]
    if _holders_file().exists():
        _holders_file().write_text(json.dumps(holders))
    return holders


def embedded_database_running() -> int | None:
    """The embedded PostgreSQL's postmaster pid, or None when it is not running."""
    try:
        pid = int((PGDATA / "postmaster.pid").read_text().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return None
    return pid if process_alive(pid) else None


def stop_embedded_database() -> str:
    """Stop the embedded PostgreSQL unless another live SafeLoop process still uses it.

    Returns what happened, for the caller to print.
    """
    if embedded_database_running() is None:
        return "The embedded PostgreSQL is not running."
    _pgserver_env()
    from pgserver.postgres_server import PostgresServer

    with PostgresServer._lock:  # the lock pgserver takes to add a holder
        return _stop_unless_held()


def _stop_unless_held() -> str:
    others = _forget_dead_holders(also=os.getpid())
    if embedded_database_running() is None:
        return "The embedded PostgreSQL is not running."
    if others:
        return (
            "The embedded PostgreSQL is still used by process(es) "
            f"{', '.join(map(str, others))}; left running."
        )
    from pgserver._commands import POSTGRES_BIN_PATH  # the bundled binaries

    # As root pgserver runs the server as its own system user "pgserver".
    user = "pgserver" if os.name == "posix" and os.geteuid() == 0 else None
    subprocess.run(
        [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(PGDATA), "-w", "-m", "fast", "stop"],
        user=user,
        check=True,
        timeout=60,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    return "Stopped the embedded PostgreSQL."


def _release() -> None:
    """At exit: the last holder of the embedded PostgreSQL stops it."""
    # pgserver's own exit hook logs, and at exit the log's stream may be closed
    # (pytest's capture): keep it quiet.
    logging.getLogger("pgserver").disabled = True
    try:
        stop_embedded_database()
    except Exception as exc:  # at exit nobody can handle it; say so
        print(f"Could not stop the embedded PostgreSQL: {exc}", flush=True)


def _broker_folder() -> Path:
    # SAFELOOP_BROKER_DIR: a queue folder of its own (the tests' worker uses one).
    return Path(os.environ.get("SAFELOOP_BROKER_DIR") or STATE_DIR / "broker")


def embedded_broker_url(folder: Path | None = None) -> str:
    """Kombu's file-system transport: a real queue shared by processes on one machine."""
    folder = folder or _broker_folder()
    for sub in ("in", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return "filesystem://"


def embedded_broker_options(folder: Path | None = None) -> dict:
    folder = folder or _broker_folder()
    return {
        "data_folder_in": str(folder / "in"),
        "data_folder_out": str(folder / "in"),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }
