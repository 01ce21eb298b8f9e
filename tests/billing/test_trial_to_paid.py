"""From the free trial to paid, through the real Stripe library against a fake Stripe.

Acme's trial ends; its workspace turns read-only: Wang Wei, the admin, cannot add an
area (the page says why), but Zhang San still reports a hazard from a QR code. Wang
subscribes to Standard through Checkout; Stripe's signed events reach the public
webhook URL and the workspace is writable again. Stripe resending the events, in any
order, ends in the same state; a forged event changes nothing.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django_tenants.utils import tenant_context

from safeloop.platform.lapse import workspace_is_read_only
from safeloop.platform.models import Enterprise, StripeEvent
from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.facilities.models import Area, AreaKind
from safeloop.tenants.hazards.models import Hazard

pytestmark = pytest.mark.django_db

# Wang reads Chinese (his saved language): the refusal is translated.
READ_ONLY = "此工作区为只读：试用已结束。"
LAPSED = "此工作区为只读：订阅已失效。"
BILLING_FIELDS = (
    "plan",
    "stripe_customer_id",
    "stripe_subscription_id",
    "subscription_status",
    "current_period_end",
    "cancel_at_period_end",
)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _new_area(client, code: str):
    acme = Enterprise.objects.get(schema_name="acme")
    with tenant_context(acme):
        workshop = Area.objects.filter(kind=AreaKind.WORKSHOP).first()
    data = {"code": code, "name": "新区", "name_en": "New", "kind": "area", "parent": workshop.pk}
    return client.post("/w/areas/new/", data, **EN)


def _area_exists(code: str) -> bool:
    with tenant_context(Enterprise.objects.get(schema_name="acme")):
        return Area.objects.filter(code=code).exists()


def _billing_state(pk: int) -> dict:
    return Enterprise.objects.filter(pk=pk).values(*BILLING_FIELDS).get()


def _subscribe(as_wang, fake_stripe, plan: str = "standard") -> tuple[dict, dict]:
    """Wang goes through Checkout and pays; the session and the subscription."""
    sent = as_wang.post("/billing/checkout/", {"plan": plan}, **EN)
    assert sent.status_code == 302 and sent["Location"].startswith(f"{fake_stripe.url}/c/pay/")
    session_id = sent["Location"].rsplit("/", 1)[1]
    subscription = fake_stripe.complete_checkout(session_id)
    return fake_stripe.checkout_session(session_id), subscription


def _all_events(fake_stripe, session: dict, subscription: dict) -> list[dict]:
    """What Stripe sends after a paid Checkout, in the order it sends it."""
    sub_id = subscription["id"]
    return [
        fake_stripe.event("checkout.session.completed", session),
        fake_stripe.event("customer.subscription.created", subscription),
        fake_stripe.event("invoice.paid", fake_stripe.invoice(sub_id)),
        fake_stripe.event("customer.subscription.updated", subscription),
    ]


def test_trial_ends_read_only_then_a_paid_subscription_restores_writes(
    acme, as_wang, zhang, fake_stripe, deliver, after_the_trial
):
    # the trial has ended: nothing new is made, and the page says why
    refused = _new_area(as_wang, "W1-RO")
    assert refused.status_code == 402
    assert READ_ONLY in refused.content.decode()
    assert not _area_exists("W1-RO")
    assert as_wang.get("/w/areas/", **EN).status_code == 200  # everything can still be read

    # …but a hazard is still reported from a QR code
    as_zhang = Client(HTTP_HOST=f"acme.{settings.SAFELOOP_BASE_DOMAIN}")
    as_zhang.force_login(zhang)
    point = Area.objects.filter(parent__code="W1").order_by("code").first()
    reported = as_zhang.post(
        f"/q/{point.qr_token}/", {"shift": "day", "description": "Oil on the floor by the door"}
    )
    assert reported.status_code == 302
    assert Hazard.objects.filter(description__startswith="Oil on the floor").exists()

    # and the API refuses a mutation with the same message, but answers queries
    mutation = as_wang.post(
        "/graphql/",
        {"query": 'mutation { createArea(input: {code: "X", name: "X", kind: AREA}) { id } }'},
        content_type="application/json",
        **EN,
    )
    assert mutation.status_code == 402
    assert mutation.json()["errors"][0]["extensions"]["code"] == "read_only"
    query = as_wang.post(
        "/graphql/", {"query": "{ viewer { email } }"}, content_type="application/json"
    )
    assert query.status_code == 200 and "errors" not in query.json()

    # Wang subscribes; Stripe tells us through the public webhook
    session, subscription = _subscribe(as_wang, fake_stripe)
    assert workspace_is_read_only(Enterprise.objects.get(pk=acme.pk))
    updated = fake_stripe.event("customer.subscription.updated", subscription)
    answer = deliver(updated)
    assert answer.status_code == 200

    acme_now = Enterprise.objects.get(pk=acme.pk)
    assert acme_now.subscription_status == "active" and acme_now.plan == "standard"
    assert acme_now.stripe_subscription_id == subscription["id"]
    assert not workspace_is_read_only(acme_now)
    made = _new_area(as_wang, "W1-PAID")
    assert made.status_code == 302 and _area_exists("W1-PAID")
    with tenant_context(acme):
        assert AuditEvent.objects.filter(verb="billing.subscription_changed").count() == 1


def test_every_event_replayed_in_reverse_order_ends_in_the_same_state(
    acme, as_wang, fake_stripe, deliver, after_the_trial
):
    session, subscription = _subscribe(as_wang, fake_stripe)
    events = _all_events(fake_stripe, session, subscription)
    before = _billing_state(acme.pk)

    for event in events:
        assert deliver(event).status_code == 200
    forward = _billing_state(acme.pk)
    assert forward["subscription_status"] == "active" and forward["plan"] == "standard"
    assert StripeEvent.objects.filter(processed_at__isnull=False).count() == len(events)

    # Stripe resends them all, newest first, to a registry that forgot them
    StripeEvent.objects.all().delete()
    Enterprise.objects.filter(pk=acme.pk).update(**before)
    for event in reversed(events):
        assert deliver(event).status_code == 200

    assert _billing_state(acme.pk) == forward


def test_a_late_event_does_not_bring_back_an_older_state(acme, as_wang, fake_stripe, deliver):
    session, subscription = _subscribe(as_wang, fake_stripe)
    active = fake_stripe.event("customer.subscription.updated", subscription)
    canceled = fake_stripe.set_subscription(subscription["id"], status="canceled")

    deliver(fake_stripe.event("customer.subscription.deleted", canceled))
    deliver(active)  # the older one, delivered late

    acme_now = Enterprise.objects.get(pk=acme.pk)
    assert acme_now.subscription_status == "canceled"
    assert workspace_is_read_only(acme_now)  # a lapsed subscription, trial or not
    refused = _new_area(as_wang, "W1-CXL")
    assert refused.status_code == 402 and LAPSED in refused.content.decode()


def test_the_same_event_twice_is_stored_and_processed_once(acme, as_wang, fake_stripe, deliver):
    _session, subscription = _subscribe(as_wang, fake_stripe)
    event = fake_stripe.event("customer.subscription.updated", subscription)

    first, second = deliver(event), deliver(event)

    assert first.status_code == 200 and second.status_code == 200
    assert second.content == b"duplicate"
    stored = StripeEvent.objects.get(event_id=event["id"])
    assert stored.processed_at is not None and stored.schema_name == "acme"
    assert len(fake_stripe.calls_to("GET", r"/v1/subscriptions/.*")) == 1
    with tenant_context(acme):
        assert AuditEvent.objects.filter(verb="billing.subscription_changed").count() == 1


def test_a_wrongly_signed_event_is_refused_and_changes_nothing(acme, as_wang, fake_stripe, deliver):
    _session, subscription = _subscribe(as_wang, fake_stripe)
    before = _billing_state(acme.pk)
    event = fake_stripe.event("customer.subscription.updated", subscription)

    answer = deliver(event, secret="whsec_someone_else")

    assert answer.status_code == 400
    assert not StripeEvent.objects.exists()
    assert _billing_state(acme.pk) == before
    assert fake_stripe.calls_to("GET", r"/v1/subscriptions/.*") == []


def test_an_event_for_an_unknown_customer_is_stored_and_logged_not_an_error(
    fake_stripe, deliver, caplog
):
    stranger = {"id": "sub_elsewhere", "object": "subscription", "customer": "cus_nobody"}
    event = fake_stripe.event("customer.subscription.updated", stranger)

    answer = deliver(event)

    assert answer.status_code == 200
    stored = StripeEvent.objects.get(event_id=event["id"])
    assert stored.processed_at is not None and "unknown customer cus_nobody" in stored.error
    assert "cus_nobody" in caplog.text
