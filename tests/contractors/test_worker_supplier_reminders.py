"""SLOW: suppliers' deadline scans run by a real Celery worker on Redis, with time driven.

Beat sends `scan_supplier_deadlines` into each tenant; here the test sends it inside
Acme's schema with the moment to scan at, as beat would then. The worker writes the
reminder rows and sends the SMS (the console gateway) in Acme's schema; sending the
same scan again sends nothing more, and the managers' digest is queued once.

Its rows are committed (the worker must see them) and removed afterwards, but the
audit trail is append-only: this module's name sorts it after the other contractor
tests, whose audit assertions it would otherwise disturb.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from safeloop.contractors.models import (
    SelfInspectionForm,
    SelfInspectionReport,
    Supplier,
    SupplierOverdueDigest,
    SupplierReminder,
)
from safeloop.contractors.tasks import scan_supplier_deadlines  # noqa: F401 (registers)
from safeloop.tenants.alerts.models import Notification
from tests.contractors.conftest import HENGDA_CODE
from tests.support.worker import committed

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

TASK = "safeloop.contractors.tasks.scan_supplier_deadlines"
DUE = date(2026, 12, 25)


def _scan_at(worker_app, acme, day: date) -> dict:
    moment = timezone.make_aware(datetime.combine(day, time(9, 30)))
    with tenant_context(acme):
        result = worker_app.send_task(TASK, args=[moment.isoformat()])
    # A loaded machine and the embedded filesystem broker can take a while; a hung
    # worker still fails the test.
    return result.get(timeout=90)


def test_worker_reminds_a_supplier_once_per_stage_and_digests_once(celery_worker, acme):
    def run():
        from django.contrib.auth import get_user_model

        from safeloop.contractors import services

        with tenant_context(acme):
            wang = get_user_model().objects.get(email="wang@acme.test")
            form = services.set_form(by=wang, title="自查表", items=["消防器材"], due_day=25)
            supplier = services.create_supplier(
                by=wang, name="华鑫物资", credit_code=HENGDA_CODE, phone="13700137000"
            )
        try:
            steps = [
                _scan_at(celery_worker, acme, DUE - timedelta(days=5)),
                _scan_at(celery_worker, acme, DUE - timedelta(days=5)),
                _scan_at(celery_worker, acme, DUE + timedelta(days=1)),
                _scan_at(celery_worker, acme, DUE + timedelta(days=2)),
            ]
            with tenant_context(acme):
                reminders = list(
                    SupplierReminder.objects.filter(supplier=supplier)
                    .order_by("id")
                    .values_list("stage", "attempts", "sent_at")
                )
                digests = SupplierOverdueDigest.objects.count()
                told = Notification.objects.filter(event="contractors.suppliers_overdue").count()
            return steps, reminders, digests, told
        finally:
            with tenant_context(acme):
                # Committed rows must not leak into other tests.
                Notification.objects.filter(event="contractors.suppliers_overdue").delete()
                SupplierOverdueDigest.objects.all().delete()
                SelfInspectionReport.objects.filter(supplier=supplier).delete()
                Supplier.objects.filter(pk=supplier.pk).delete()
                SelfInspectionForm.objects.filter(pk=form.pk).delete()

    steps, reminders, digests, told = committed(run)

    assert [(s["reminders"], s["overdue"], s["digests"]) for s in steps] == [
        (1, 0, 0),
        (0, 0, 0),
        (0, 1, 1),
        (0, 0, 0),
    ]
    assert [(stage, attempts) for stage, attempts, _sent in reminders] == [
        ("before_5", 1),
        ("overdue", 1),
    ]
    assert all(sent for _stage, _attempts, sent in reminders)
    assert digests == 1 and told >= 1  # Wang's inbox (and any channel he chose)
