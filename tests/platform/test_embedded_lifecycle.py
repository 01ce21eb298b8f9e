"""The embedded PostgreSQL stops when the last SafeLoop process using it ends,
and ``./dev stop`` (python -m safeloop.platform.stop) stops a running
``safeloop run`` and leaves no PostgreSQL behind.

Real processes on a pgserver of their own (SAFELOOP_STATE_DIR in a temporary
folder); none of them loads the Django settings of this test run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# A stand-in for `safeloop run`: holds the embedded PostgreSQL until SIGTERM,
# then exits normally (its exit hooks run), as `safeloop run` does.
HOLDER = """
import signal, sys, time
from safeloop.platform import embedded
url = embedded.embedded_database_url()
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
print(url, flush=True)
while True:
    time.sleep(0.2)
"""


def _env(state: Path) -> dict:
    # A process of its own state folder: its broker queue too (./dev test points
    # SAFELOOP_BROKER_DIR at a queue of the test run).
    dropped = ("DATABASE_URL", "XDG_RUNTIME_DIR", "SAFELOOP_BROKER_DIR")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    return {**env, "SAFELOOP_STATE_DIR": str(state), "PYTHONPATH": str(REPO)}


def _hold(state: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER],
        env=_env(state),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    line = proc.stdout.readline()
    assert line.startswith("postgresql://"), line + proc.stdout.read()
    return proc


def _postmaster(state: Path) -> int | None:
    try:
        pid = int((state / "pgdata" / "postmaster.pid").read_text().split()[0])
    except FileNotFoundError:
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    return pid


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(timeout=60)


@pytest.fixture
def state():
    # Not under pytest's tmp_path: as root pgserver runs the server as its own
    # user, which must be able to reach the folder, and every pytest run makes
    # /tmp/pytest-of-root private again.
    folder = Path(tempfile.mkdtemp(prefix="safeloop-embedded-")) / "state"
    folder.parent.chmod(0o755)
    folder.mkdir()
    yield folder
    pid = _postmaster(folder)
    if pid:  # a failed test must not leave a server behind either
        os.kill(pid, 15)
        time.sleep(1)
    shutil.rmtree(folder.parent, ignore_errors=True)


def test_the_last_process_using_the_embedded_postgresql_stops_it(state):
    first = _hold(state)
    second = _hold(state)
    server = _postmaster(state)
    assert server is not None

    _stop(first)
    assert _postmaster(state) == server  # the second still uses it

    _stop(second)
    assert _postmaster(state) is None


def test_a_holder_that_was_killed_does_not_keep_it_running(state):
    crashed = _hold(state)
    crashed.kill()  # no exit hooks: its pid stays in pgserver's list
    crashed.wait()
    survivor = _hold(state)

    _stop(survivor)
    assert _postmaster(state) is None


def test_dev_stop_stops_a_running_instance_and_the_embedded_postgresql(state):
    run = _hold(state)
    (state / "run.pid").write_text(json.dumps({"pid": run.pid, "children": {}}))

    started = time.monotonic()
    stop = subprocess.run(
        [sys.executable, "-m", "safeloop.platform.stop"],
        env=_env(state),
        capture_output=True,
        text=True,
        timeout=90,
    )

    assert stop.returncode == 0, stop.stdout + stop.stderr
    assert run.wait(timeout=5) == 0
    assert _postmaster(state) is None
    assert not (state / "run.pid").exists()
    assert "Asked safeloop run" in stop.stdout
    assert time.monotonic() - started < 60


def test_dev_stop_stops_an_embedded_postgresql_nobody_uses_any_more(state):
    leftover = _hold(state)
    leftover.kill()  # e.g. a test run killed with SIGKILL: the server stays up
    leftover.wait()
    assert _postmaster(state) is not None

    stop = subprocess.run(
        [sys.executable, "-m", "safeloop.platform.stop"],
        env=_env(state),
        capture_output=True,
        text=True,
        timeout=90,
    )

    assert stop.returncode == 0, stop.stdout + stop.stderr
    assert "Stopped the embedded PostgreSQL." in stop.stdout
    assert _postmaster(state) is None
