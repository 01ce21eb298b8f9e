"""PostgreSQL restarted (``pg_ctl restart -m fast``) while reports keep coming.

Only while the database itself is down may a request answer 500; before and
after, every report is filed once and its e-mails arrive once. The load goes on
for a few seconds after the restart, long enough for every web thread and
every pool process to use a connection it held before.
"""

from __future__ import annotations

import threading

import pytest

pytestmark = pytest.mark.faults


def test_reports_across_a_database_restart_are_filed_once_and_mailed_once(stack, fault_run):
    reports = fault_run.make_reports(24)
    fault_run.open_pages()

    load = threading.Thread(target=fault_run.send, kwargs={"concurrency": 2, "spacing": 0.2})
    load.start()
    threading.Event().wait(1.0)  # a few reports are in
    fault_run.database_down(stack.postgres.restart)
    load.join()
    assert all(r.answers for r in reports)
    fault_run.resend_unsaved()

    fault_run.verdict()
