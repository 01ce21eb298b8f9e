"""A workspace over time: the admins are reminded 7, 3 and 1 days before the trial ends
and told of a failed payment; a lapsed workspace is kept for the retention period, its
admins are told when it will be erased, and then its schema and files are deleted with
a public record of it; subscribing again cancels that. Documents past the plan's
storage are refused, hazard photos never.

Time is travelled with time_machine; the hourly beat task is called as beat would.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone, translation
from django_tenants.utils import schema_exists, tenant_context

from safeloop.platform.billing.lifecycle import run
from safeloop.platform.models import (
    BillingPlan,
    Enterprise,
    ErasureReason,
    StripeEvent,
    WorkspaceErasure,
)
from safeloop.platform.services import SignupData, provision_enterprise
from safeloop.platform.storage import files_of
from safeloop.platform.tasks import billing_lifecycle
from safeloop.tenants.alerts.models import Notification

pytestmark = pytest.mark.django_db


def _notices(enterprise: Enterprise, event: str) -> list[tuple[str, str, str]]:
    """(recipient e-mail, channel, subject) of each ``event`` notification queued."""
    with tenant_context(enterprise):
        rows = Notification.objects.filter(event=event).select_related("recipient")
        return sorted((n.recipient.email, n.channel, n.subject) for n in rows)


def _acme() -> Enterprise:
    return Enterprise.objects.get(schema_name="acme")


def _on_trial(days_left: float) -> Enterprise:
    ends = timezone.now() + timedelta(days=days_left)
    Enterprise.objects.filter(schema_name="acme").update(
        plan="trial", trial_ends_at=ends, subscription_status="", stripe_subscription_id=""
    )
    return _acme()


def test_trial_reminders_go_to_the_admins_7_3_and_1_days_before_by_mail_and_inbox_once_each():
    acme = _on_trial(days_left=10)
    ends = acme.trial_ends_at

    assert run()["trial_reminders"] == 0  # ten days to go: too early

    with time_machine.travel(ends - timedelta(days=6, hours=20)):
        assert run()["trial_reminders"] == 1
        assert run()["trial_reminders"] == 0  # the next tick sends nothing again
    with time_machine.travel(ends - timedelta(days=2, hours=3)):
        run()
    with time_machine.travel(ends - timedelta(hours=5)):
        run()
    with time_machine.travel(ends + timedelta(hours=1)):
        assert run()["trial_reminders"] == 0  # ended: read-only, no more reminders

    date = timezone.localtime(ends).date().isoformat()
    sent = _notices(acme, "billing.trial_ending")
    # Acme's admin is Wang Wei; Acme writes Chinese.
    assert [(email, channel) for email, channel, _s in sent] == [
        ("wang@acme.test", "email"),
        ("wang@acme.test", "email"),
        ("wang@acme.test", "email"),
        ("wang@acme.test", "inbox"),
        ("wang@acme.test", "inbox"),
        ("wang@acme.test", "inbox"),
    ]
    assert {s for _e, _c, s in sent} == {
        f"SafeLoop 试用将在 {days} 天后（{date}）结束" for days in (7, 3, 1)
    }
    with tenant_context(acme):
        link = Notification.objects.filter(event="billing.trial_ending").first().link
    assert link.startswith("http://acme.") and link.endswith("/billing/")


def test_a_missed_reminder_is_caught_up_once_and_a_subscribed_trial_gets_none():
    acme = _on_trial(days_left=5)  # the 7-day tick was missed (beat down)

    run()
    run()

    assert len(_notices(acme, "billing.trial_ending")) == 2  # once: inbox and e-mail

    Enterprise.objects.filter(pk=acme.pk).update(
        subscription_status="active", stripe_subscription_id="sub_paid"
    )
    with time_machine.travel(acme.trial_ends_at - timedelta(hours=12)):
        run()
    assert len(_notices(acme, "billing.trial_ending")) == 2


def _cancelled(enterprise: Enterprise, days_ago: int) -> Enterprise:
    Enterprise.objects.filter(pk=enterprise.pk).update(
        subscription_status="canceled",
        stripe_subscription_id="sub_gone",
        lapsed_at=timezone.now() - timedelta(days=days_ago),
    )
    return Enterprise.objects.get(pk=enterprise.pk)


@pytest.fixture
def doomed(settings):
    """A small enterprise of its own (its schema is dropped), with one photo stored."""
    settings.SAFELOOP_RETENTION_DAYS = 90
    settings.SAFELOOP_ERASURE_NOTICE_DAYS = 30
    enterprise = provision_enterprise(
        SignupData(
            company_name="Quarry Co",
            slug="quarry",
            industry="mining",
            admin_name="Liu Yang",
            admin_email="liu@quarry.test",
            admin_password="Open-Pit-2026!",
            language="en",
        )
    )
    with tenant_context(enterprise):
        name = default_storage.generate_filename("hazards/2026/09/crack.jpg")
        default_storage.save(name, ContentFile(b"\xff\xd8" + b"x" * 5000))
    yield enterprise
    if Enterprise.objects.filter(pk=enterprise.pk).exists():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        Enterprise.objects.get(pk=enterprise.pk).delete(force_drop=True)


def test_a_cancelled_workspace_is_noticed_30_7_and_1_days_before_then_erased_with_a_record(doomed):
    quarry = _cancelled(doomed, days_ago=61)
    lapsed_at = quarry.lapsed_at

    assert run()["opened"] == 1
    erasure = WorkspaceErasure.objects.get(schema_name="quarry")
    # 90 days after the lapse would be in 29 days: never less than 30 days' notice.
    assert erasure.erase_after.date() == (timezone.now() + timedelta(days=30)).date()
    assert erasure.reason == ErasureReason.CANCELED and erasure.lapsed_at == lapsed_at
    assert run()["notices"] == 0  # told once
    with translation.override("en"):
        (notice,) = [n for n in _notices(quarry, "billing.erasure_notice") if n[1] == "inbox"]
    day = timezone.localtime(erasure.erase_after).date().isoformat()
    assert notice == ("liu@quarry.test", "inbox", f"Your SafeLoop data will be deleted on {day}")
    with tenant_context(quarry):
        link = Notification.objects.filter(event="billing.erasure_notice").first().link
    assert link.startswith("http://quarry.") and link.endswith("/reports/export/")  # export first

    with time_machine.travel(erasure.erase_after - timedelta(days=6, hours=12)):
        assert run()["notices"] == 1
    with time_machine.travel(erasure.erase_after - timedelta(hours=20)):
        assert run()["notices"] == 1
        assert run()["erased"] == 0  # not a minute early
    assert schema_exists("quarry") and files_of("quarry") == (1, 5002)

    with time_machine.travel(erasure.erase_after + timedelta(hours=1)):
        assert billing_lifecycle()["erased"] == 1  # the beat task

    erasure.refresh_from_db()
    assert erasure.erased_at is not None
    assert [n["step"] for n in erasure.notices] == [30, 7, 1]
    assert (erasure.files_deleted, erasure.bytes_deleted) == (1, 5002)
    assert (erasure.enterprise_name, erasure.slug) == ("Quarry Co", "quarry")
    assert not schema_exists("quarry")
    assert not Enterprise.objects.filter(schema_name="quarry").exists()
    assert files_of("quarry") == (0, 0)


def test_subscribing_again_cancels_the_erasure_and_a_long_lapsed_workspace_still_gets_notice(
    doomed,
):
    # Lapsed 200 days ago, before this installation erased anything: 30 days from now.
    quarry = _cancelled(doomed, days_ago=200)
    run()
    erasure = WorkspaceErasure.objects.get(schema_name="quarry")
    assert erasure.erase_after.date() == (timezone.now() + timedelta(days=30)).date()
    assert run()["erased"] == 0

    Enterprise.objects.filter(pk=quarry.pk).update(subscription_status="active", lapsed_at=None)
    assert run()["cancelled"] == 1

    erasure.refresh_from_db()
    assert erasure.cancelled_at is not None
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert run()["erased"] == 0
    assert schema_exists("quarry")


def test_the_billing_page_of_a_lapsed_workspace_says_when_its_data_is_deleted(acme, as_wang):
    Enterprise.objects.filter(pk=acme.pk).update(
        plan="trial", trial_ends_at=timezone.now() - timedelta(days=80)
    )
    page = as_wang.get("/billing/")

    kept = page.context["o"].kept_until
    assert kept.date() == (timezone.now() + timedelta(days=30)).date()
    assert f"<strong>{kept:%Y-%m-%d}</strong>" in page.content.decode()
    assert 'data-testid="export-now"' in page.content.decode()  # export first
    assert "试用已结束 · 只读" in page.content.decode()  # the badge, not "0 days left"


def _subscribed(as_wang, fake_stripe) -> dict:
    """Wang has paid in Checkout; the subscription (no event delivered yet)."""
    sent = as_wang.post("/billing/checkout/", {"plan": "standard"})
    assert sent.status_code == 302
    return fake_stripe.complete_checkout(sent["Location"].rsplit("/", 1)[1])


def test_a_failed_payment_is_told_to_the_admins_once(acme, as_wang, fake_stripe, deliver):
    subscription = _subscribed(as_wang, fake_stripe)
    fake_stripe.set_subscription(subscription["id"], status="past_due")
    event = fake_stripe.event(
        "invoice.payment_failed", fake_stripe.invoice(subscription["id"], paid=False)
    )

    assert deliver(event).status_code == 200
    assert deliver(event).status_code == 200  # Stripe sends it again

    sent = _notices(acme, "billing.payment_failed")
    assert [(e, c) for e, c, _s in sent] == [
        ("wang@acme.test", "email"),
        ("wang@acme.test", "inbox"),
    ]
    assert sent[0][2] == "SafeLoop 付款失败"
    assert _acme().subscription_status == "past_due"


def test_an_event_whose_task_was_lost_is_processed_by_the_next_tick(
    acme, as_wang, fake_stripe, eager_celery
):
    subscription = _subscribed(as_wang, fake_stripe)
    event = fake_stripe.event("customer.subscription.created", subscription)
    # Stored by the webhook, but its task message was lost (Redis flushed, say).
    StripeEvent.objects.create(
        event_id=event["id"],
        type=event["type"],
        payload=event,
        received_at=timezone.now() - timedelta(minutes=15),
    )

    assert run()["redriven"] == 1
    assert StripeEvent.objects.get(event_id=event["id"]).processed_at is not None
    assert _acme().subscription_status == "active"


# --- Storage -------------------------------------------------------------------------


def test_a_document_past_the_storage_limit_is_refused_but_hazard_photos_are_not(
    acme, wang, zhang, settings, tmp_path
):
    from safeloop.contractors.services.companies import add_qualification, create_company
    from safeloop.tenants.facilities.models import Area
    from safeloop.tenants.hazards.services import report_hazard
    from tests.hazards.conftest import make_photo

    settings.MEDIA_ROOT = tmp_path

    Enterprise.objects.filter(pk=acme.pk).update(plan="standard")
    BillingPlan.objects.filter(code="standard").update(max_storage_mb=1)
    company = create_company(by=wang, name="恒达建设", credit_code="91350100M000100Y43")
    scan = ContentFile(b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024), name="licence.pdf")

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        add_qualification(
            company, by=wang, kind="safety_licence", number="X-1", valid_until=None, file=scan
        )

    (error,) = refused.value.error_dict["file"]
    assert error.code == "plan_limit"
    assert error.message == (
        "Your Standard plan allows 1 MB of files; upgrade to Professional on the billing page."
    )
    assert not company.qualifications.exists()

    # Over the limit, a hazard is still reported with its photo.
    hazard = report_hazard(
        by=zhang,
        area=Area.objects.get(code="W1"),
        description="Oil on the floor by press 3",
        photos=[make_photo()],
    )
    assert hazard.photos.count() == 1
