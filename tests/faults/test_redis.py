"""Redis stopped, frozen and flushed under a stream of hazard reports.

Zhang San reports major hazards at the press in W1 from his phone, through the
QR page and through the API. While Redis is away every report must still be
answered within 2 s and filed once; the e-mails go out once Redis is back.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.faults


def test_reports_while_redis_is_stopped_are_filed_once_and_mailed_once(stack, fault_run):
    fault_run.make_reports(8)
    fault_run.open_pages()

    stack.redis.stop()
    fault_run.send(concurrency=2)
    fault_run.probe_health()
    stack.redis.start()
    fault_run.resend_unsaved()

    fault_run.verdict()


def test_reports_while_redis_is_frozen_are_answered_in_time(stack, fault_run):
    fault_run.make_reports(6)
    fault_run.open_pages()

    stack.redis.freeze()
    fault_run.send(concurrency=2)
    fault_run.probe_health()
    stack.redis.thaw()
    fault_run.resend_unsaved()

    fault_run.verdict()


def test_messages_flushed_from_redis_are_still_delivered(stack, fault_run):
    # The worker is away while the reports come in, so their messages wait in
    # Redis; then Redis loses them all.
    stack.worker.stop()
    fault_run.make_reports(6)
    fault_run.send(concurrency=2)
    stack.redis.flush()
    stack.worker.start()
    fault_run.resend_unsaved()

    fault_run.verdict()
