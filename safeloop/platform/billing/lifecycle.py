"""What happens to a workspace with time: trial reminders, notice of a failed payment,
and, after a lapse, the retention period, its notices and the erasure.

- Trial: 7, 3 and 1 days before the trial ends (``SAFELOOP_TRIAL_REMINDER_DAYS``), its
  admins get an e-mail and an inbox message, unless it has subscribed. A reminder the
  scan missed (beat was down) is sent at the next tick, never twice.
- A failed payment (Stripe's ``invoice.payment_failed``) is told to the admins once.
- A lapsed workspace (trial ended unpaid, subscription cancelled or unpaid) stays
  read-only for ``SAFELOOP_RETENTION_DAYS``. ``SAFELOOP_ERASURE_NOTICE_DAYS`` before the
  end its admins are told the date (again 7 and 1 days before) and a
  :class:`WorkspaceErasure` record opens in the public schema; the date is never
  sooner than the notice period after the first notice. On that date its files and
  its schema are deleted and the record closed. Subscribing again cancels it.

The beat task ``safeloop.platform.tasks.billing_lifecycle`` runs :func:`run` hourly.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, tenant_context

from safeloop.platform.billing.services import audit, lapse_of, pending_erasure
from safeloop.platform.models import (
    LIVE_STATUSES,
    Enterprise,
    Plan,
    StripeEvent,
    WorkspaceErasure,
)
from safeloop.platform.storage import delete_files_of

log = logging.getLogger(__name__)

# Stripe events not processed after this long are queued again (a lost task message).
REDRIVE_AFTER = timedelta(minutes=10)


def _days_until(moment: datetime, now: datetime) -> int:
    return max(0, math.ceil((moment - now).total_seconds() / 86400))


def _due_step(days_left: int, steps: list[int]) -> int | None:
    """The reminder due with ``days_left`` to go: the smallest step not below it (so a
    missed step is caught up by the next one's tick); None before the first step."""
    due = [step for step in steps if step >= days_left]
    return min(due) if due else None


def tenants():
    return Enterprise.objects.exclude(schema_name=get_public_schema_name()).filter(is_active=True)


# --- Telling the admins -------------------------------------------------------------


def tell_admins(
    enterprise: Enterprise, compose: Callable[[], tuple[str, str, str]], *, event: str, key: str
) -> int:
    """E-mail and inbox message to the enterprise's admins, in its language, once per
    ``key``; ``compose()`` gives (subject, body, path of the page to open). How many
    admins it newly reached."""
    from safeloop.access import Role
    from safeloop.platform.urls_util import tenant_absolute_url
    from safeloop.tenants.alerts.models import Channel
    from safeloop.tenants.alerts.services import Message, notify
    from safeloop.tenants.facilities.selectors import people_with_role

    reached = 0
    with tenant_context(enterprise), translation.override(enterprise.default_language):
        subject, body, path = compose()
        message = Message(
            event=event, subject=subject, body=body, link=tenant_absolute_url(path), urgent=True
        )
        for person in people_with_role(Role.ADMIN):
            channels = [Channel.INBOX.value] + ([Channel.EMAIL.value] if person.user.email else [])
            created = notify(
                [person.user], message, dedupe_key=key, robots=False, channels=channels
            )
            reached += bool(created)
    return reached


# --- Trial reminders ----------------------------------------------------------------


def send_trial_reminders(now: datetime | None = None) -> int:
    """Remind the admins of trials ending within the reminder days; how many admins."""
    now = now or timezone.now()
    steps = sorted(settings.SAFELOOP_TRIAL_REMINDER_DAYS)
    ending = tenants().filter(
        plan=Plan.TRIAL,
        trial_ends_at__gt=now,
        trial_ends_at__lte=now + timedelta(days=max(steps)),
    )
    reached = 0
    for enterprise in ending:
        if enterprise.subscription_status in LIVE_STATUSES and enterprise.stripe_subscription_id:
            continue  # subscribed during the trial
        days_left = _days_until(enterprise.trial_ends_at, now)
        step = _due_step(days_left, steps)
        if step is None:
            continue
        ends = enterprise.trial_ends_at

        def compose(days_left=days_left, ends=ends) -> tuple[str, str, str]:
            date = timezone.localtime(ends).date().isoformat()
            subject = translation.ngettext(
                "Your SafeLoop trial ends in %(days)d day (%(date)s)",
                "Your SafeLoop trial ends in %(days)d days (%(date)s)",
                days_left,
            ) % {"days": days_left, "date": date}
            body = _(
                "Subscribe on the billing page to keep making changes. If you do not, "
                "the workspace becomes read-only: nothing is deleted, everything can "
                "still be viewed and exported, and hazards can still be reported from "
                "QR codes."
            )
            return subject, body, reverse("billing:page")

        reached += tell_admins(
            enterprise,
            compose,
            event="billing.trial_ending",
            key=f"billing:trial-ends:{ends:%Y%m%d}:{step}",
        )
    return reached


# --- A failed payment ----------------------------------------------------------------


def tell_payment_failed(enterprise: Enterprise, *, event_id: str) -> int:
    def compose() -> tuple[str, str, str]:
        return (
            _("A SafeLoop payment failed"),
            _(
                "Stripe could not take the payment for your subscription and will try "
                "again. Check the card under “Manage payment” on the billing page; if "
                "the payment keeps failing the workspace becomes read-only."
            ),
            reverse("billing:page"),
        )

    return tell_admins(
        enterprise, compose, event="billing.payment_failed", key=f"billing:failed:{event_id}"
    )


# --- Retention and erasure ----------------------------------------------------------


def notice_steps() -> list[int]:
    first = settings.SAFELOOP_ERASURE_NOTICE_DAYS
    return sorted({first, *(d for d in (7, 1) if d < first)})


def enforce_retention(now: datetime | None = None) -> dict[str, int]:
    """Open, notify, cancel and carry out erasures; what it did, counted."""
    now = now or timezone.now()
    done = {"opened": 0, "notices": 0, "cancelled": 0, "erased": 0}
    retention = timedelta(days=settings.SAFELOOP_RETENTION_DAYS)
    notice = timedelta(days=settings.SAFELOOP_ERASURE_NOTICE_DAYS)
    for enterprise in tenants():
        lapse = lapse_of(enterprise)
        erasure = pending_erasure(enterprise)
        if lapse is None:
            if erasure is not None:
                _cancel(enterprise, erasure, now)
                done["cancelled"] += 1
            continue
        lapsed_at, reason = lapse
        if erasure is None:
            if now < lapsed_at + retention - notice:
                continue
            erasure = WorkspaceErasure.objects.create(
                schema_name=enterprise.schema_name,
                enterprise_name=enterprise.name,
                slug=enterprise.slug,
                reason=reason,
                lapsed_at=lapsed_at,
                erase_after=max(lapsed_at + retention, now + notice),
                opened_at=now,
            )
            done["opened"] += 1
        if now >= erasure.erase_after and erasure.notices:
            erase(enterprise, erasure, now)
            done["erased"] += 1
            continue
        done["notices"] += _send_notice(enterprise, erasure, now)
    return done


def _send_notice(enterprise: Enterprise, erasure: WorkspaceErasure, now: datetime) -> int:
    days_left = max(1, _days_until(erasure.erase_after, now))
    step = _due_step(days_left, notice_steps())
    if step is None or any(n.get("step") == step for n in erasure.notices):
        return 0
    date = timezone.localtime(erasure.erase_after).date().isoformat()

    def compose() -> tuple[str, str, str]:
        subject = _("Your SafeLoop data will be deleted on %(date)s") % {"date": date}
        body = _(
            "This workspace has been read-only since %(since)s. Unless you subscribe on "
            "the billing page, all its data (hazards, inspections, the risk register, "
            "courses, photos) will be deleted on %(date)s and cannot be recovered. "
            "Export everything as one ZIP before then."
        ) % {"since": timezone.localtime(erasure.lapsed_at).date().isoformat(), "date": date}
        return subject, body, reverse("reports:export")

    reached = tell_admins(
        enterprise,
        compose,
        event="billing.erasure_notice",
        key=f"billing:erasure:{erasure.pk}:{step}",
    )
    erasure.notices = [
        *erasure.notices,
        {"at": now.isoformat(), "step": step, "days_left": days_left, "recipients": reached},
    ]
    erasure.save(update_fields=["notices"])
    with tenant_context(enterprise):
        audit("billing.erasure_notice", erase_after=erasure.erase_after, days_left=days_left)
    return 1


def _cancel(enterprise: Enterprise, erasure: WorkspaceErasure, now: datetime) -> None:
    erasure.cancelled_at = now
    erasure.save(update_fields=["cancelled_at"])
    with tenant_context(enterprise):
        audit("billing.erasure_cancelled", erasure=erasure.pk)


def erase(enterprise: Enterprise, erasure: WorkspaceErasure, now: datetime) -> None:
    """Delete the workspace's files, then its schema and enterprise row; the public
    record keeps what was erased, when and why. Run again after a failure, it goes
    on where it stopped (files first: a schema without files is still readable)."""
    log.warning(
        "Erasing workspace %s (%s): lapsed %s, retention over",
        enterprise.schema_name,
        enterprise.name,
        erasure.lapsed_at,
    )
    files, size = delete_files_of(enterprise.schema_name)
    with transaction.atomic():
        erasure.files_deleted += files
        erasure.bytes_deleted += size
        erasure.save(update_fields=["files_deleted", "bytes_deleted"])
    with transaction.atomic():
        # Checks still deferred in this transaction would refuse the DROP ("pending
        # trigger events"): have them now.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        enterprise.delete(force_drop=True)
        erasure.erased_at = now
        erasure.save(update_fields=["erased_at"])


def redrive_stripe_events(now: datetime | None = None) -> int:
    """Queue again the Stripe events left unprocessed (their task message was lost)."""
    from safeloop.platform.tasks import process_stripe_event

    now = now or timezone.now()
    stuck = StripeEvent.objects.filter(processed_at=None, received_at__lt=now - REDRIVE_AFTER)
    pks = list(stuck.values_list("pk", flat=True)[:500])
    for pk in pks:
        process_stripe_event.delay(pk)
    return len(pks)


def run(now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    done = enforce_retention(now)
    done["trial_reminders"] = send_trial_reminders(now)
    done["redriven"] = redrive_stripe_events(now)
    return done
