"""The embedded task queue (no Redis): a worker never sees half a message.

With Kombu's stock file-system transport a worker polling while a web process
writes a task moved the empty file away and died on a JSONDecodeError: the
task was lost and nothing ran any more. Here a real second process sends while
this one consumes through the transport the settings choose, polling as fast
as it can.
"""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

from kombu import Connection

from safeloop.platform import embedded, fsqueue

MESSAGES = 300
PAD = "安" * 30000  # ~90 KB of JSON: a write long enough to be caught half done


def _options(folder) -> dict:
    return {**embedded.embedded_broker_options(folder), "polling_interval": 0.0005}


def _send(folder: str) -> None:
    folder = Path(folder)
    # A spawned process: importing safeloop (as every SafeLoop process does)
    # installed the transport, as in the worker and the web processes.
    with Connection("filesystem://", transport_options=_options(folder)) as conn:
        queue = conn.SimpleQueue("tasks")
        for i in range(MESSAGES):
            queue.put({"i": i, "pad": PAD})
            time.sleep(0.001)  # the worker keeps finding the queue empty and polling


def test_the_filesystem_url_selects_the_whole_message_transport():
    with Connection("filesystem://") as conn:
        assert conn.get_transport_cls() is fsqueue.Transport


def test_a_consumer_polling_during_sends_gets_every_message_whole(tmp_path):
    embedded.embedded_broker_url(tmp_path)  # the queue's folders
    sender = multiprocessing.get_context("spawn").Process(target=_send, args=(str(tmp_path),))
    sender.start()
    received, broken = [], []
    try:
        with Connection(
            "filesystem://",
            transport_options=_options(tmp_path),
        ) as conn:
            queue = conn.SimpleQueue("tasks")
            deadline = time.monotonic() + 120
            while len(received) + len(broken) < MESSAGES and time.monotonic() < deadline:
                try:
                    message = queue.get(timeout=0.2)
                except queue.Empty:
                    assert sender.is_alive() or sender.exitcode == 0, "the sender failed"
                    continue
                except ValueError as exc:  # a half-written file (JSONDecodeError)
                    broken.append(exc)
                    continue
                assert message.payload["pad"] == PAD
                received.append(message.payload["i"])
                message.ack()
    finally:
        sender.join(timeout=60)
    assert broken == []
    assert received == list(range(MESSAGES))
    # nothing left behind half-named in the queue's folder
    assert list((tmp_path / "in").iterdir()) == []
