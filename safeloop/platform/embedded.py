"""Embedded services for the zero-configuration default.

With no DATABASE_URL, SafeLoop runs on an embedded PostgreSQL (pgserver ships
the server binaries in a wheel). Its data lives in the project's ignored
``state/`` folder and it keeps running after the process that started it, so
the web server, the Celery worker and beat all share one server.
"""

from __future__ import annotations

import os
from pathlib import Path

STATE_DIR = Path(
    os.environ.get("SAFELOOP_STATE_DIR", Path(__file__).resolve().parents[2] / "state")
)
EMBEDDED_DB_NAME = "safeloop"


def embedded_database_url() -> str:
    import pgserver  # imported lazily: only the embedded default needs it

    os.environ.setdefault("XDG_RUNTIME_DIR", str(STATE_DIR / "run"))
    (STATE_DIR / "run").mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(STATE_DIR / "pgdata", cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{EMBEDDED_DB_NAME}';")
    if "1 row" not in exists:
        server.psql(f"CREATE DATABASE {EMBEDDED_DB_NAME};")
    return server.get_uri(EMBEDDED_DB_NAME)


def embedded_broker_url() -> str:
    """Kombu's file-system transport: a real queue shared by processes on one machine."""
    folder = STATE_DIR / "broker"
    for sub in ("in", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return "filesystem://"


def embedded_broker_options() -> dict:
    folder = STATE_DIR / "broker"
    return {
        "data_folder_in": str(folder / "in"),
        "data_folder_out": str(folder / "in"),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }
