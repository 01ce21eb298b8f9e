"""Reminders about suppliers' monthly self-inspection reports, scanned by beat in each
tenant's schema: an SMS to the supplier's contact 5 and 1 days before the due date
and once the report is overdue, and one digest of the overdue list to the
enterprise's contractor managers the day after the due date.

Each is sent once. A reminder is a row (unique per supplier, month and stage)
written in the same transaction as its audit event; the SMS goes out after the
commit and the row records how it went, so a re-run, a retried task or a second
beat tick sends nothing twice, and a failed send is tried again by the next scan.
A scan that finds two stages due (beat was down for days) sends only the latest.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from safeloop.access import Role, role_permissions
from safeloop.contractors.models import (
    ReminderStage,
    ReportStatus,
    SelfInspectionForm,
    SelfInspectionReport,
    Supplier,
    SupplierOverdueDigest,
    SupplierReminder,
)
from safeloop.contractors.permissions import ContractorPerm
from safeloop.contractors.services.suppliers import month_of, overdue, supplier_link_token
from safeloop.platform.urls_util import tenant_absolute_url
from safeloop.tenants.alerts.services import Message, notify
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.facilities.selectors import active_people

log = logging.getLogger("safeloop.contractors")

# The stages before the due date, latest first: a scan sends the first that applies.
DAYS_BEFORE = ((1, ReminderStage.BEFORE_1), (5, ReminderStage.BEFORE_5))
RETRY_SECONDS = 15 * 60
# Nobody's phone buzzes at night: reminders and the digest go out between these local hours.
SEND_FROM_HOUR = 9
SEND_UNTIL_HOUR = 20
OPEN = (ReportStatus.DRAFT, ReportStatus.RETURNED)


@dataclass
class SupplierScan:
    reminders: int = 0
    overdue: int = 0
    digests: int = 0
    sent: list[tuple[str, int, str]] = field(default_factory=list)


def days_overdue(due_on: date, today: date) -> int:
    return max((today - due_on).days, 0)


def _due_on(period: date, report: SelfInspectionReport | None, form) -> date | None:
    if report is not None:
        return report.due_on
    return period.replace(day=form.due_day) if form is not None else None


def _link(supplier: Supplier) -> str:
    return tenant_absolute_url(reverse("supplier_report", args=[supplier_link_token(supplier)]))


def _text(supplier: Supplier, stage: str, period: date, due_on: date, today: date) -> str:
    values = {
        "name": supplier.contact_name or supplier.name,
        "month": f"{period:%Y-%m}",
        "due": due_on.isoformat(),
        "n": (due_on - today).days,
        "late": days_overdue(due_on, today),
    }
    if stage == ReminderStage.OVERDUE:
        text = (
            _(
                "%(name)s: your safety self-inspection report for %(month)s was due on %(due)s"
                " and is %(late)d days overdue. Please submit it now:"
            )
            % values
        )
    else:
        text = (
            _(
                "%(name)s: your safety self-inspection report for %(month)s is due on %(due)s"
                " (%(n)d days left). Please submit it here:"
            )
            % values
        )
    return f"{text} {_link(supplier)}"


def _remind(
    supplier: Supplier, *, stage: str, period: date, due_on: date, today: date, now
) -> SupplierReminder | None:
    """Write the reminder row and its audit event, once; None when it exists already."""
    phone = (supplier.phone or "").strip()
    try:
        with transaction.atomic():
            reminder = SupplierReminder.objects.create(
                supplier=supplier,
                period=period,
                stage=stage,
                phone=phone,
                text=_text(supplier, stage, period, due_on, today)[:300],
                created_at=now,
                # The clock's now, not a replayed moment: sendable at once.
                next_attempt_at=timezone.now() if phone else None,
                error="" if phone else "no phone number on file",
            )
            record_event(
                supplier,
                "contractors.supplier_reminded",
                by=None,
                stage=stage,
                period=period,
                due_on=due_on,
                sms=bool(phone),
            )
    except IntegrityError:
        return None  # sent by an earlier scan (or one running beside this one)
    if phone:
        schema = connection.schema_name
        transaction.on_commit(lambda: _hurry(reminder.pk, schema))
    return reminder


def _hurry(reminder_id: int, schema: str) -> None:
    """Ask a worker to send it now; if the broker is down the next scan sends it."""
    from safeloop.contractors.tasks import send_supplier_reminders

    try:
        send_supplier_reminders.apply_async(
            args=[[reminder_id]], headers={"_schema_name": schema}, retry=False
        )
    except Exception as exc:  # noqa: BLE001 — any broker failure; the next scan sends it
        log.warning("Could not queue supplier reminder %s (%s)", reminder_id, exc)


def send_reminders(reminder_ids: list[int] | None = None) -> int:
    """Send the due reminders of this schema (or those named) by SMS; how many went out.

    Each row is claimed FOR UPDATE SKIP LOCKED and marked in the claim's
    transaction: a worker and a scan side by side still send a reminder once.
    """
    from safeloop.tenants.alerts.channels.sms import get_backend

    due = SupplierReminder.objects.filter(sent_at__isnull=True, next_attempt_at__lte=timezone.now())
    if reminder_ids is not None:
        due = due.filter(pk__in=reminder_ids)
    sent = 0
    while True:
        with transaction.atomic():
            reminder = due.select_for_update(skip_locked=True).order_by("id").first()
            if reminder is None:
                return sent
            reminder.attempts += 1
            try:
                get_backend().send(
                    reminder.phone,
                    reminder.text,
                    key=f"{connection.schema_name}.supplier-reminder.{reminder.pk}",
                )
            except Exception as exc:  # noqa: BLE001 — recorded and tried again later
                reminder.error = f"{type(exc).__name__}: {exc}"[:300]
                more = reminder.attempts < settings.SAFELOOP_OUTBOX_MAX_ATTEMPTS
                reminder.next_attempt_at = (
                    timezone.now() + timedelta(seconds=RETRY_SECONDS) if more else None
                )
            else:
                reminder.sent_at = timezone.now()
                reminder.error = ""
                reminder.next_attempt_at = None
                sent += 1
            reminder.save(update_fields=["attempts", "error", "sent_at", "next_attempt_at"])


def _before_stage(days_left: int) -> tuple[str, list[str]] | None:
    """The stage due ``days_left`` days before the due date, and the stages after it."""
    for n, (days, stage) in enumerate(DAYS_BEFORE):
        if 0 <= days_left <= days:
            return stage, [later for _d, later in DAYS_BEFORE[:n]]
    return None


def contractor_managers() -> list:
    """The users who manage contractors (and so review suppliers' reports)."""
    roles = [r.value for r in Role if ContractorPerm.CONTRACTOR_MANAGE in role_permissions(r)]
    return [
        p.user
        for p in active_people().filter(roles__overlap=roles).select_related("user").order_by("id")
    ]


def scan_suppliers(now: datetime | None = None) -> SupplierScan:
    """Run by Celery beat (``tasks.scan_supplier_deadlines``); ``now`` for a replay.

    The messages are in the enterprise's default language: no browser asks here.
    """
    tenant = getattr(connection, "tenant", None)
    with translation.override(getattr(tenant, "default_language", None) or settings.LANGUAGE_CODE):
        return _scan(now or timezone.now())


def _scan(now: datetime) -> SupplierScan:
    today = timezone.localdate(now)
    result = SupplierScan()
    if not SEND_FROM_HOUR <= timezone.localtime(now).hour < SEND_UNTIL_HOUR:
        return result  # retries wait for the morning too
    form = SelfInspectionForm.objects.filter(active=True).first()
    suppliers = list(Supplier.objects.filter(active=True))

    # Before the due date: this month's and, when the due day is early, next month's.
    for period in (month_of(today), month_of(month_of(today) + timedelta(days=32))):
        reports = {r.supplier_id: r for r in SelfInspectionReport.objects.filter(period=period)}
        for supplier in suppliers:
            report = reports.get(supplier.pk)
            if report is not None and report.status not in OPEN:
                continue
            due_on = _due_on(period, report, form)
            due = _before_stage((due_on - today).days) if due_on else None
            if due is None:
                continue
            stage, later = due
            # A later stage written means this one is past (beat was down for days).
            if SupplierReminder.objects.filter(
                supplier=supplier, period=period, stage__in=later
            ).exists():
                continue
            reminder = _remind(
                supplier, stage=stage, period=period, due_on=due_on, today=today, now=now
            )
            if reminder is not None:
                result.reminders += 1
                result.sent.append((stage, supplier.pk, f"{period:%Y-%m}"))

    late = overdue(today)
    for standing in late:
        reminder = _remind(
            standing.supplier,
            stage=ReminderStage.OVERDUE,
            period=standing.period,
            due_on=standing.due_on,
            today=today,
            now=now,
        )
        if reminder is not None:
            result.overdue += 1
            result.sent.append(
                (ReminderStage.OVERDUE, standing.supplier.pk, f"{standing.period:%Y-%m}")
            )

    result.digests = _digest(form, late, today=today, now=now)
    send_reminders()  # anything an earlier scan could not send (broker or gateway down)
    return result


def _digest(form, late, *, today: date, now) -> int:
    """The managers' overdue list for this month, once, from the day after the due date."""
    if form is None:
        return 0
    period = month_of(today)
    due_on = period.replace(day=form.due_day)
    if today <= due_on or SupplierOverdueDigest.objects.filter(period=period).exists():
        return 0
    this_month = [s for s in late if s.period == period]
    rows = [
        {
            "supplier": s.supplier.pk,
            "name": s.supplier.name,
            "phone": s.supplier.phone,
            "days_overdue": days_overdue(s.due_on, today),
        }
        for s in this_month
    ]
    try:
        with transaction.atomic():
            digest = SupplierOverdueDigest.objects.create(
                period=period, due_on=due_on, sent_at=now, suppliers=rows
            )
            if rows:
                lines = [
                    _("%(name)s: %(n)d days overdue%(phone)s")
                    % {
                        "name": r["name"],
                        "n": r["days_overdue"],
                        "phone": f" · {r['phone']}" if r["phone"] else "",
                    }
                    for r in rows
                ]
                notify(
                    contractor_managers(),
                    Message(
                        event="contractors.suppliers_overdue",
                        subject=_(
                            "%(n)d suppliers have not submitted the self-inspection report"
                            " for %(month)s (due %(due)s)"
                        )
                        % {"n": len(rows), "month": f"{period:%Y-%m}", "due": due_on.isoformat()},
                        body="\n".join(lines),
                        link=tenant_absolute_url(reverse("contractors:suppliers") + "#overdue"),
                    ),
                    dedupe_key=f"contractors:suppliers:overdue:{period:%Y-%m}",
                    robots=False,
                )
            record_event(
                digest,
                "contractors.supplier_overdue_digest",
                by=None,
                period=period,
                suppliers=[r["supplier"] for r in rows],
            )
    except IntegrityError:
        return 0
    return 1
