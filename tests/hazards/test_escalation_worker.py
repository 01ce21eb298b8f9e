"""SLOW: deadline scans run by a real Celery worker on Redis, with time driven.

Beat sends `scan_hazard_deadlines` into each tenant; here the test sends it
inside Acme's schema with the moment to scan at, as beat would at that time.
The worker writes deadline marks and notifications in Acme's schema; sending
the same scans again (a second beat tick, a retried task, a restarted worker)
sends nothing more.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django_tenants.utils import tenant_context

from safeloop.tenants.alerts.models import Channel, Notification
from safeloop.tenants.hazards import services
from safeloop.tenants.hazards.models import DeadlineMark, Hazard, LibraryEntry
from safeloop.tenants.hazards.tasks import scan_hazard_deadlines  # noqa: F401 (registers)
from tests.support.worker import committed

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

TASK = "safeloop.tenants.hazards.tasks.scan_hazard_deadlines"


def _scan_at(worker_app, acme, moment) -> dict:
    with tenant_context(acme):
        # Sent from inside the tenant: tenant-schemas-celery carries the schema.
        result = worker_app.send_task(TASK, args=[moment.isoformat()])
    # A loaded machine and the embedded filesystem broker can take a while; a hung
    # worker still fails the test.
    return result.get(timeout=90)


def test_worker_reminds_then_escalates_once_each(celery_worker, acme):
    def run():
        from django.contrib.auth import get_user_model

        with tenant_context(acme):
            zhang = get_user_model().objects.get(email="zhang@acme.test")
            area = zhang.person.area
            entry = LibraryEntry.objects.filter(grade="general", category__code="mechanical")[0]
            hazard = services.report_hazard(by=zhang, area=area, library_entry=entry)
        try:
            deadline = hazard.deadline
            steps = [
                _scan_at(celery_worker, acme, deadline - timedelta(hours=11)),
                _scan_at(celery_worker, acme, deadline - timedelta(hours=10)),
                _scan_at(celery_worker, acme, deadline + timedelta(hours=3)),
                _scan_at(celery_worker, acme, deadline + timedelta(hours=3)),
                _scan_at(celery_worker, acme, deadline + timedelta(hours=30)),
            ]
            with tenant_context(acme):
                marks = sorted(
                    DeadlineMark.objects.filter(hazard=hazard).values_list("signal", flat=True)
                )
                told = sorted(
                    Notification.objects.filter(
                        channel=Channel.INBOX,
                        event__in=["hazard.escalation_1", "hazard.escalation_2"],
                        subject__contains=hazard.number,
                    ).values_list("recipient__email", "event")
                )
            return hazard.number, steps, marks, told
        finally:
            with tenant_context(acme):
                # Committed rows must not leak into other tests' counts.
                Notification.objects.filter(subject__contains=hazard.number).delete()
                Hazard.objects.filter(pk=hazard.pk).delete()

    number, steps, marks, told = committed(run)

    assert [s["sent"] for s in steps] == [
        [[number, "reminder"]],
        [],
        [[number, "escalation_1"]],
        [],
        [[number, "escalation_2"]],
    ]
    assert marks == ["escalation_1", "escalation_2", "reminder"]
    # the fitter Ma and the workshop director Liu first; later the leader in charge Zhou
    assert ("liu@acme.test", "hazard.escalation_1") in told
    assert ("zhou@acme.test", "hazard.escalation_2") in told
    assert ("zhou@acme.test", "hazard.escalation_1") not in told
