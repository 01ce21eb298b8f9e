"""The Celery worker killed in the middle of a burst of major-hazard e-mails.

Twelve hazards are reported while the worker is away, so their e-mails wait in
the queue; the worker comes back and is killed with SIGKILL the moment the
first of them is written, in the middle of a delivery: the whole worker (main
process and pool, as when its machine dies), or only the pool process that is
delivering. Every e-mail must still arrive, and none twice.
"""

from __future__ import annotations

import os
import signal

import pytest

from tests.support.mailbox import files_written, writer_of_newest
from tests.support.stack import wait_until

pytestmark = pytest.mark.faults


def _backlog_until_first_mail(stack, fault_run) -> int:
    """Report with the worker away, start it, and return the id of the pool
    process that writes the first e-mail, as soon as it does."""
    stack.worker.stop()
    fault_run.make_reports(12)
    fault_run.send(concurrency=2)
    before = files_written(stack.mailbox)
    stack.worker.start()
    wait_until(
        lambda: files_written(stack.mailbox) > before,
        timeout=30,
        what="the backlog's first e-mail",
        interval=0.002,
    )
    return writer_of_newest(stack.mailbox)


def test_worker_killed_mid_burst_delivers_every_mail_once(stack, fault_run):
    _backlog_until_first_mail(stack, fault_run)

    stack.worker.kill()
    stack.worker.start()
    fault_run.resend_unsaved()

    fault_run.verdict()


def test_pool_process_killed_mid_delivery_delivers_every_mail_once(stack, fault_run):
    delivering = _backlog_until_first_mail(stack, fault_run)
    assert delivering in stack.worker.children()

    os.kill(delivering, signal.SIGKILL)
    fault_run.resend_unsaved()

    fault_run.verdict()
