"""The media volume full while photos are uploaded with reports.

Every report gets a clear message (nothing half-saved, no orphan file); once
there is room again the phones send again and each report is filed once.
"""

from __future__ import annotations

import pytest

from tests.faults.verdict import photo_names

pytestmark = pytest.mark.faults


def test_a_full_media_disk_gives_a_clear_message_and_leaves_nothing_behind(stack, fault_run):
    fault_run.make_reports(6)
    fault_run.open_pages()

    stack.media.fill()
    fault_run.send(concurrency=2)
    written = {str(p.relative_to(stack.media.path)) for p in stack.media.files()}
    orphans = sorted(written - photo_names(stack))
    stack.media.free()
    fault_run.resend_unsaved()

    fault_run.note("photo files left without a saved hazard", orphans)
    fault_run.verdict()
