"""Stripe's webhook events: verified and stored once, then applied by a Celery task.

Stripe may send an event twice, late, or after a newer one. So:

* the event's id is unique in ``StripeEvent``: a resent event finds its row and is
  neither stored nor processed again;
* processing never trusts the event's copy of the subscription: it fetches the
  subscription from Stripe under a lock on the enterprise row and applies what
  Stripe says now, so an old event applied late writes today's state, not its own;
* an event about another subscription of the same customer (an old, ended one)
  does not overwrite a live one;
* an event naming a customer no enterprise has is kept, logged and marked, not an
  error page (Stripe would retry it for days).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

import stripe
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from safeloop.platform.billing.stripe_api import client, stripe_errors
from safeloop.platform.models import (
    LAPSED_STATUSES,
    LIVE_STATUSES,
    BillingPlan,
    Enterprise,
    StripeEvent,
    SubscriptionStatus,
)

log = logging.getLogger(__name__)

SUBSCRIPTION_EVENTS = {
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
}
INVOICE_EVENTS = {"invoice.paid", "invoice.payment_failed"}
HANDLED = SUBSCRIPTION_EVENTS | INVOICE_EVENTS | {"checkout.session.completed"}


class BadWebhook(Exception):
    """Not a webhook from our Stripe account (bad signature or body): answer 400."""


def receive_event(payload: bytes, signature: str) -> tuple[StripeEvent, bool]:
    """Verify ``payload`` against its ``Stripe-Signature`` and store it once; the row and
    whether it is new. A new event is processed by a task after the commit."""
    try:
        stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
        data = json.loads(payload)
        event_id, event_type = str(data["id"]), str(data["type"])
    except (stripe.SignatureVerificationError, ValueError, KeyError, TypeError) as exc:
        raise BadWebhook(str(exc)) from exc
    created = data.get("created")
    event, is_new = StripeEvent.objects.get_or_create(
        event_id=event_id,
        defaults={
            "type": event_type,
            "payload": data,
            "created": datetime.fromtimestamp(created, UTC) if isinstance(created, int) else None,
        },
    )
    if is_new:
        from safeloop.platform.tasks import process_stripe_event

        transaction.on_commit(lambda: process_stripe_event.delay(event.pk))
    return event, is_new


def process_event(event_pk: int) -> StripeEvent:
    """Apply one stored event, once. Raises BillingUnavailable when Stripe cannot be
    reached (the task retries; the event stays unprocessed with the error noted)."""
    with transaction.atomic():
        event = StripeEvent.objects.select_for_update().get(pk=event_pk)
        if event.processed_at is not None:
            return event
        note = _apply(event)
        event.processed_at = timezone.now()
        event.error = note
        event.save(update_fields=["processed_at", "error", "schema_name"])
    return event


def _apply(event: StripeEvent) -> str:
    """Apply the event; what is worth noting on the row ("" when all went as expected)."""
    if event.type not in HANDLED:
        return ""
    obj: dict[str, Any] = event.payload.get("data", {}).get("object", {}) or {}
    customer = _id(obj.get("customer"))
    if event.type == "checkout.session.completed":
        enterprise = _enterprise(obj.get("client_reference_id"), customer)
        subscription_id = _id(obj.get("subscription"))
    elif event.type in SUBSCRIPTION_EVENTS:
        enterprise = _enterprise((obj.get("metadata") or {}).get("schema_name"), customer)
        subscription_id = _id(obj.get("id"))
    else:
        enterprise = _enterprise(None, customer)
        subscription_id = _invoice_subscription(obj)
    if enterprise is None:
        log.warning(
            "Stripe event %s (%s) names customer %r, which no enterprise has",
            event.event_id,
            event.type,
            customer,
        )
        return f"unknown customer {customer or '-'}"
    event.schema_name = enterprise.schema_name
    if not subscription_id:
        return "no subscription in the event"
    note = sync_subscription(enterprise, subscription_id, customer=customer, event=event)
    if event.type == "invoice.payment_failed":
        from safeloop.platform.billing.lifecycle import tell_payment_failed

        tell_payment_failed(enterprise, event_id=event.event_id)
    return note


def sync_subscription(
    enterprise: Enterprise, subscription_id: str, *, customer: str = "", event: StripeEvent
) -> str:
    """Fetch the subscription from Stripe and apply its state to the enterprise."""
    stripe_client = client()
    ent = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    with stripe_errors():
        subscription = stripe_client.v1.subscriptions.retrieve(subscription_id).to_dict()
    status = str(subscription.get("status") or "")
    if status not in SubscriptionStatus.values:
        status = SubscriptionStatus.INCOMPLETE
    if (
        ent.stripe_subscription_id
        and ent.stripe_subscription_id != subscription_id
        and ent.subscription_status in LIVE_STATUSES
        and status not in LIVE_STATUSES
    ):
        return f"kept the live subscription {ent.stripe_subscription_id}"
    before = (ent.subscription_status, ent.plan)
    plan = _plan_of(subscription)
    ent.stripe_subscription_id = subscription_id
    if status in LAPSED_STATUSES and (before[0] not in LAPSED_STATUSES or not ent.lapsed_at):
        ended = subscription.get("ended_at")
        ent.lapsed_at = datetime.fromtimestamp(ended, UTC) if isinstance(ended, int) else None
        ent.lapsed_at = ent.lapsed_at or timezone.now()
    elif status not in LAPSED_STATUSES:
        ent.lapsed_at = None
    ent.subscription_status = status
    if plan is not None and status in LIVE_STATUSES:
        ent.plan = plan
    ent.current_period_end = _period_end(subscription)
    ent.cancel_at_period_end = bool(subscription.get("cancel_at_period_end"))
    ent.subscription_updated_at = timezone.now()
    customer = customer or _id(subscription.get("customer"))
    taken = Enterprise.objects.filter(stripe_customer_id=customer).exclude(pk=ent.pk).exists()
    if customer and not ent.stripe_customer_id and not taken:
        ent.stripe_customer_id = customer
    ent.save(
        update_fields=[
            "stripe_customer_id",
            "stripe_subscription_id",
            "subscription_status",
            "plan",
            "current_period_end",
            "cancel_at_period_end",
            "subscription_updated_at",
            "lapsed_at",
        ]
    )
    if (ent.subscription_status, ent.plan) != before:
        from safeloop.tenants.audit.services import record_event

        with tenant_context(ent):
            record_event(
                None,
                "billing.subscription_changed",
                object_type="enterprise",
                object_id="billing",
                status=ent.subscription_status,
                plan=ent.plan,
                previous_status=before[0],
                previous_plan=before[1],
                stripe_event=event.event_id,
            )
    return ""


def _enterprise(schema_name: str | None, customer: str) -> Enterprise | None:
    if customer:
        found = Enterprise.objects.filter(stripe_customer_id=customer).first()
        if found is not None:
            return found
    if schema_name:
        found = Enterprise.objects.filter(schema_name=schema_name).first()
        # The schema named in our own metadata, unless it pays through another customer.
        if found is not None and found.stripe_customer_id in ("", customer):
            return found
    return None


def _id(value: Any) -> str:
    """An id from a field Stripe sends as an id or as the expanded object."""
    if isinstance(value, dict):
        value = value.get("id")
    return str(value or "")


def _invoice_subscription(invoice: dict) -> str:
    # Older API versions: invoice.subscription; 2025-03 and later: under parent.
    found = _id(invoice.get("subscription"))
    if found:
        return found
    details = ((invoice.get("parent") or {}).get("subscription_details")) or {}
    return _id(details.get("subscription"))


def _items(subscription: dict) -> list[dict]:
    return ((subscription.get("items") or {}).get("data")) or []


def _plan_of(subscription: dict) -> str | None:
    prices = {_id((item.get("price") or {}).get("id")) for item in _items(subscription)}
    paid = [plan for plan in BillingPlan.objects.all() if plan.is_paid]
    for plan in paid:
        if plan.stripe_price_id and plan.stripe_price_id in prices:
            return plan.code
    named = (subscription.get("metadata") or {}).get("plan")
    return named if named in {plan.code for plan in paid} else None


def _period_end(subscription: dict) -> datetime | None:
    # 2025-03 and later keep the period on each item; older versions on the subscription.
    ends = [item.get("current_period_end") for item in _items(subscription)]
    ends.append(subscription.get("current_period_end"))
    stamps = [e for e in ends if isinstance(e, int)]
    return datetime.fromtimestamp(max(stamps), UTC) if stamps else None
