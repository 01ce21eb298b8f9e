"""Stop what ``safeloop run`` started on this machine: ``./dev stop``.

``python -m safeloop.platform.stop`` sends the running ``safeloop run`` (found
through ``state/run.pid``) a SIGTERM, which stops its web server, worker and
beat and then the embedded PostgreSQL; children or an embedded PostgreSQL a
crashed run left behind are stopped too. No Django here: loading the settings
would start the embedded PostgreSQL just to stop it.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time

from safeloop.platform import embedded

PID_FILE = embedded.STATE_DIR / "run.pid"


def write_pid_file(pid: int, children: dict[str, int]) -> None:
    PID_FILE.parent.mkdir(parents=True, exist_ok=True)
    PID_FILE.write_text(json.dumps({"pid": pid, "children": children}))


def read_pid_file() -> dict | None:
    """What a ``safeloop run`` wrote, or None when there is no such file."""
    try:
        data = json.loads(PID_FILE.read_text())
        return {"pid": int(data["pid"]), "children": dict(data.get("children", {}))}
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return None


def _wait_gone(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while True:
        left = [pid for pid in pids if embedded.process_alive(pid)]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.2)


def stop(timeout: float = 40) -> list[str]:
    said = []
    running = read_pid_file()
    if running and embedded.process_alive(running["pid"]):
        os.kill(running["pid"], signal.SIGTERM)
        said.append(f"Asked safeloop run (process {running['pid']}) to stop.")
        if _wait_gone([running["pid"]], timeout):
            said.append(f"Process {running['pid']} is still running after {timeout:.0f} s.")
            return said
    if running:
        # A run that crashed may have left its children behind.
        left = [pid for pid in running["children"].values() if embedded.process_alive(pid)]
        for pid in left:
            os.kill(pid, signal.SIGTERM)
        if left:
            said.append(f"Stopped processes a crashed run left: {', '.join(map(str, left))}.")
            for pid in _wait_gone(left, 15):
                os.kill(pid, signal.SIGKILL)
        PID_FILE.unlink(missing_ok=True)
    elif not said:
        said.append("safeloop run is not running.")
    said.append(embedded.stop_embedded_database())
    return said


def main() -> int:
    for line in stop():
        print(line)
    return 1 if embedded.embedded_database_running() else 0


if __name__ == "__main__":
    sys.exit(main())
