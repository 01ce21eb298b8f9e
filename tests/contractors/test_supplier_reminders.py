"""Suppliers' reminders, time-travelled through December 2026: the form is due on the
25th. Huaxin (华鑫物资, contact Qian Min, 13700137000) has not reported; Dongfang
(东方化工) has no phone on file. Wang Wei manages contractors and gets the overdue
digest; Sun Hao, the safety officer, may only look and gets none."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone
from django_tenants.utils import tenant_context

from safeloop.contractors import services
from safeloop.contractors.models import SupplierOverdueDigest, SupplierReminder
from safeloop.contractors.tasks import scan_supplier_deadlines
from safeloop.tenants.alerts.models import Channel, Notification
from safeloop.tenants.audit.models import AuditEvent
from tests.contractors.conftest import HENGDA_CODE, OTHER_CODE
from tests.contractors.sms_gateway import SupplierSmsGateway

pytestmark = pytest.mark.django_db

PHONE = "13700137000"
DUE = date(2026, 12, 25)


@pytest.fixture(autouse=True)
def gateway(settings):
    settings.SAFELOOP_SMS_BACKEND = "tests.contractors.sms_gateway.SupplierSmsGateway"
    SupplierSmsGateway.sent.clear()
    SupplierSmsGateway.down = False
    yield SupplierSmsGateway
    SupplierSmsGateway.down = False


@pytest.fixture
def form(wang):
    return services.set_form(by=wang, title="供应商月度安全自查表", items=["消防器材完好有效"])


@pytest.fixture
def huaxin(wang):
    return services.create_supplier(
        by=wang, name="华鑫物资有限公司", credit_code=HENGDA_CODE, contact_name="钱敏", phone=PHONE
    )


@pytest.fixture
def dongfang(wang):
    return services.create_supplier(by=wang, name="东方化工", credit_code=OTHER_CODE)


def _at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 5)))


def _scan(day: date, hour: int = 9):
    with time_machine.travel(_at(day, hour)):
        return services.scan_suppliers()


def _stages(supplier) -> list[str]:
    return list(
        SupplierReminder.objects.filter(supplier=supplier)
        .order_by("id")
        .values_list("stage", flat=True)
    )


def _submit(supplier, day: date) -> None:
    report = services.open_report(supplier, today=day)
    services.save_answers(
        report,
        supplier=supplier,
        answers=[services.Answer(a.item_id, "ok") for a in report.answers.all()],
    )
    services.submit_report(report, supplier=supplier)


def test_nothing_is_sent_while_the_due_date_is_far(form, huaxin, gateway):
    result = _scan(DUE - timedelta(days=6))
    assert (result.reminders, result.overdue, result.digests) == (0, 0, 0)
    assert gateway.sent == []


def test_the_supplier_gets_an_sms_5_and_1_days_before_the_due_date_once_each(form, huaxin, gateway):
    assert _scan(DUE - timedelta(days=5)).reminders == 1
    assert _scan(DUE - timedelta(days=4)).reminders == 0
    assert _scan(DUE - timedelta(days=1)).reminders == 1
    assert _scan(DUE - timedelta(days=1), hour=15).reminders == 0

    assert _stages(huaxin) == ["before_5", "before_1"]
    assert [phone for phone, _text, _key in gateway.sent] == [PHONE, PHONE]
    first, second = (text for _phone, text, _key in gateway.sent)
    assert "钱敏" in first and "2026-12-25" in first and "/s/" in first
    # In Acme's language (zh-hans), whatever language the worker runs in.
    assert "还剩 1 天" in second
    # The link in the SMS opens Huaxin's own page.
    token = first.rsplit("/s/", 1)[1].strip("/")
    assert services.supplier_from_token(token) == huaxin
    assert all(r.sent_at for r in SupplierReminder.objects.all())
    reminded = AuditEvent.objects.filter(
        verb="contractors.supplier_reminded", object_id=str(huaxin.pk)
    )
    assert [e.data["stage"] for e in reminded.order_by("id")] == ["before_5", "before_1"]


def test_a_scan_after_days_without_beat_sends_only_the_latest_stage(form, huaxin, gateway):
    assert _scan(DUE - timedelta(days=1)).reminders == 1
    assert _scan(DUE - timedelta(days=1)).reminders == 0
    assert _stages(huaxin) == ["before_1"]


def test_a_submitted_report_gets_no_reminder(form, huaxin, gateway):
    _submit(huaxin, DUE - timedelta(days=10))
    assert _scan(DUE - timedelta(days=5)).reminders == 0
    assert _scan(DUE + timedelta(days=1)).overdue == 0
    assert gateway.sent == []


def test_no_sms_at_night(form, huaxin, gateway):
    assert _scan(DUE - timedelta(days=5), hour=3).reminders == 0
    assert _scan(DUE - timedelta(days=6), hour=21).reminders == 0
    assert _scan(DUE + timedelta(days=1), hour=21).overdue == 0
    assert gateway.sent == []
    assert _scan(DUE - timedelta(days=5), hour=9).reminders == 1


def test_overdue_supplier_is_told_once_and_managers_get_one_digest(
    form, huaxin, dongfang, wang, sun, gateway
):
    first = _scan(DUE + timedelta(days=1))
    again = _scan(DUE + timedelta(days=2))

    assert (first.overdue, first.digests) == (2, 1)
    assert (again.overdue, again.digests) == (0, 0)
    assert _stages(huaxin) == ["overdue"] and _stages(dongfang) == ["overdue"]
    # Dongfang has no phone: recorded as such, nothing sent to nobody.
    no_phone = SupplierReminder.objects.get(supplier=dongfang)
    assert no_phone.sent_at is None and no_phone.next_attempt_at is None and no_phone.error
    assert [phone for phone, _t, _k in gateway.sent] == [PHONE]
    assert "现已逾期 1 天" in gateway.sent[0][1]

    digest = SupplierOverdueDigest.objects.get()
    assert digest.period == date(2026, 12, 1)
    assert {r["name"]: r["days_overdue"] for r in digest.suppliers} == {
        "华鑫物资有限公司": 1,
        "东方化工": 1,
    }
    told = Notification.objects.filter(event="contractors.suppliers_overdue", channel=Channel.INBOX)
    assert [n.recipient_id for n in told] == [wang.pk]
    (notice,) = told
    assert notice.subject == "2 家供应商未提交 2026-12 安全自查报告（截止 2026-12-25）"
    assert "华鑫物资有限公司：逾期 1 天" in notice.body and PHONE in notice.body
    assert "/k/suppliers/" in notice.link
    assert not Notification.objects.filter(recipient=sun).exists()
    assert (
        AuditEvent.objects.filter(
            verb="contractors.supplier_overdue_digest", object_id=str(digest.pk)
        ).count()
        == 1
    )


def test_a_failed_sms_is_tried_again_by_the_next_scan(form, huaxin, gateway):
    gateway.down = True
    _scan(DUE - timedelta(days=5))
    reminder = SupplierReminder.objects.get()
    assert reminder.sent_at is None and reminder.attempts == 1
    assert "gateway unreachable" in reminder.error

    gateway.down = False
    with time_machine.travel(_at(DUE - timedelta(days=5), hour=10)):
        assert services.scan_suppliers().reminders == 0
    reminder.refresh_from_db()
    assert reminder.sent_at and reminder.attempts == 2 and reminder.error == ""
    assert len(gateway.sent) == 1


def test_an_early_due_day_is_reminded_in_the_month_before(wang, huaxin, gateway):
    services.set_form(by=wang, title="月初到期", items=["A"], due_day=3)
    # 2026-12-29 is 5 days before 2027-01-03.
    result = _scan(date(2026, 12, 29))
    assert result.sent[0] == ("before_5", huaxin.pk, "2027-01")


def test_the_beat_task_replays_a_moment(form, huaxin, gateway):
    moment = _at(DUE + timedelta(days=1)).isoformat()
    assert scan_supplier_deadlines(moment)["overdue"] == 1
    assert scan_supplier_deadlines(moment)["overdue"] == 0


def test_another_enterprise_is_not_scanned(form, huaxin, globex, gateway):
    with tenant_context(globex):
        assert _scan(DUE + timedelta(days=1)).overdue == 0
    assert not SupplierReminder.objects.exists()


def test_the_suppliers_page_lists_the_overdue_with_days_and_phone(as_wang, wang, form, huaxin):
    from django.urls import reverse

    with time_machine.travel(_at(DUE + timedelta(days=3))):
        # Signed in on that day: a session from today may have expired by then (the
        # embedded defaults keep sessions in a cache that reads the travelled clock).
        as_wang.force_login(wang)
        page = as_wang.get(reverse("contractors:suppliers")).content.decode()
    assert 'id="overdue"' in page
    assert "华鑫物资有限公司" in page and f'href="tel:{PHONE}"' in page
    assert "3 天" in page or "3 days" in page
