"""What the billing pages do: usage against the plan, Checkout, the Customer Portal,
the invoicing data (发票抬头, 税号). Each change is permission-checked, and audited
in the enterprise's own trail."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from safeloop.access import ensure_can
from safeloop.platform.billing.permissions import BillingPerm
from safeloop.platform.billing.stripe_api import client, stripe_errors
from safeloop.platform.errors import clean_text, field_error
from safeloop.platform.lapse import workspace_is_read_only
from safeloop.platform.limits import (
    LIMIT_FIELDS,
    Limit,
    Usage,
    limit_labels,
    storage_used_bytes,
)
from safeloop.platform.models import (
    LAPSED_STATUSES,
    LIVE_STATUSES,
    BillingPlan,
    Enterprise,
    ErasureReason,
    Plan,
    SubscriptionStatus,
    WorkspaceErasure,
    validate_tax_id,
)

log = logging.getLogger(__name__)


class BillingErrorCode:
    NOT_FOR_SALE = "not_for_sale"
    ALREADY_SUBSCRIBED = "already_subscribed"
    NO_CUSTOMER = "no_customer"
    BAD_TAX_ID = "bad_tax_id"


# --- What the enterprise uses ----------------------------------------------------------


def usage_of(enterprise: Enterprise, plan: BillingPlan) -> list[Usage]:
    """The enterprise's use of each of its plan's limits (counted in its schema)."""
    from safeloop.iot_bridge.services.devices import count_devices
    from safeloop.tenants.facilities.services import count_people, count_qr_points

    with tenant_context(enterprise):
        used = {
            Limit.PEOPLE: count_people(),
            Limit.QR_POINTS: count_qr_points(),
            Limit.DEVICES: count_devices(),
            Limit.STORAGE_MB: storage_used_mb(enterprise.schema_name),
        }
    labels = limit_labels()
    return [
        Usage(limit, labels[limit], used[limit], getattr(plan, LIMIT_FIELDS[limit]))
        for limit in Limit
    ]


def storage_used_mb(schema_name: str) -> int:
    """The enterprise's files in MB, measured afresh (the billing page)."""
    return round(storage_used_bytes(schema_name, fresh=True) / (1024 * 1024))


def lapse_of(enterprise: Enterprise) -> tuple[datetime, str] | None:
    """When the workspace lapsed and why; None while it may still be changed."""
    if not workspace_is_read_only(enterprise):
        return None
    status = enterprise.subscription_status
    if status in LAPSED_STATUSES:
        since = enterprise.lapsed_at or enterprise.subscription_updated_at or timezone.now()
        reason = (
            ErasureReason.UNPAID if status == SubscriptionStatus.UNPAID else ErasureReason.CANCELED
        )
        return since, reason
    return enterprise.trial_ends_at or timezone.now(), ErasureReason.TRIAL_ENDED


def pending_erasure(enterprise: Enterprise) -> WorkspaceErasure | None:
    return WorkspaceErasure.objects.filter(
        schema_name=enterprise.schema_name, cancelled_at=None, erased_at=None
    ).first()


@dataclass(frozen=True)
class Overview:
    enterprise: Enterprise
    plan: BillingPlan
    plans: list[BillingPlan]
    usage: list[Usage]
    read_only: bool
    subscribed: bool
    # A lapsed workspace's data is kept until this day (None while it is not lapsed).
    kept_until: datetime | None


def overview(enterprise: Enterprise) -> Overview:
    enterprise = Enterprise.objects.get(pk=enterprise.pk)  # not the routing cache's copy
    plans = list(BillingPlan.objects.all())
    plan = next((p for p in plans if p.code == enterprise.plan), plans[0])
    return Overview(
        enterprise=enterprise,
        plan=plan,
        plans=[p for p in plans if p.is_paid],
        usage=usage_of(enterprise, plan),
        read_only=workspace_is_read_only(enterprise),
        subscribed=has_live_subscription(enterprise),
        kept_until=kept_until(enterprise),
    )


def kept_until(enterprise: Enterprise) -> datetime | None:
    """The day a lapsed workspace's data is erased unless it subscribes."""
    erasure = pending_erasure(enterprise)
    if erasure is not None:
        return erasure.erase_after
    lapse = lapse_of(enterprise)
    if lapse is None:
        return None
    return max(
        lapse[0] + timedelta(days=settings.SAFELOOP_RETENTION_DAYS),
        timezone.now() + timedelta(days=settings.SAFELOOP_ERASURE_NOTICE_DAYS),
    )


def has_live_subscription(enterprise: Enterprise) -> bool:
    return bool(enterprise.stripe_subscription_id) and (
        enterprise.subscription_status in LIVE_STATUSES
    )


# --- Checkout and the Customer Portal ----------------------------------------------------


def billing_url(request) -> str:
    """The billing page on the host and port this admin is using (Stripe sends them back
    there after Checkout and the portal)."""
    return f"{settings.SAFELOOP_SCHEME}://{request.get_host()}{reverse('billing:page')}"


def start_checkout(enterprise: Enterprise, *, by, plan_code: str, return_url: str) -> str:
    """A Stripe Checkout session (mode subscription) for ``plan_code``; its URL.

    The Stripe customer is made once per enterprise and kept; its id is stored only
    after the session exists, so a failure leaves nothing of ours changed (the
    customer's idempotency key makes the next try find the same customer).
    ``return_url`` is the billing page on the host and port the admin is using.
    """
    ensure_can(by, BillingPerm.BILLING_MANAGE)
    plan = BillingPlan.objects.filter(code=plan_code).exclude(code=Plan.TRIAL).first()
    if plan is None or not plan.stripe_price_id:
        raise field_error(
            "plan", _("This plan cannot be bought online."), BillingErrorCode.NOT_FOR_SALE
        )
    enterprise = Enterprise.objects.get(pk=enterprise.pk)
    if has_live_subscription(enterprise):
        raise field_error(
            "plan",
            _("You already have a subscription: change plan under “Manage payment”."),
            BillingErrorCode.ALREADY_SUBSCRIBED,
        )
    stripe = client()
    with stripe_errors():
        customer_id = enterprise.stripe_customer_id or _create_customer(stripe, enterprise)
        session = stripe.v1.checkout.sessions.create(
            params={
                "mode": "subscription",
                "customer": customer_id,
                "client_reference_id": enterprise.schema_name,
                "line_items": [{"price": plan.stripe_price_id, "quantity": 1}],
                "success_url": f"{return_url}?checkout=success&session_id={{CHECKOUT_SESSION_ID}}",
                "cancel_url": f"{return_url}?checkout=cancel",
                "locale": "zh" if (get_language() or "").startswith("zh") else "en",
                "metadata": {"schema_name": enterprise.schema_name, "plan": plan.code},
                "subscription_data": {
                    "metadata": {"schema_name": enterprise.schema_name, "plan": plan.code}
                },
            }
        )
    with transaction.atomic():
        if not enterprise.stripe_customer_id:
            Enterprise.objects.filter(pk=enterprise.pk, stripe_customer_id="").update(
                stripe_customer_id=customer_id
            )
        with tenant_context(enterprise):
            audit("billing.checkout_started", by=by, plan=plan.code, session=session.id)
    return session.url


def _create_customer(stripe, enterprise: Enterprise) -> str:
    params = {
        "name": enterprise.invoice_title or enterprise.name,
        "metadata": _customer_metadata(enterprise),
        "preferred_locales": ["zh" if enterprise.default_language.startswith("zh") else "en"],
    }
    # The same request, repeated after a failure further on, finds the same customer.
    digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:16]
    customer = stripe.v1.customers.create(
        params=params,
        options={"idempotency_key": f"safeloop-customer-{enterprise.schema_name}-{digest}"},
    )
    return customer.id


def _customer_metadata(enterprise: Enterprise) -> dict[str, str]:
    return {
        "schema_name": enterprise.schema_name,
        "slug": enterprise.slug,
        "invoice_title": enterprise.invoice_title,
        "tax_id": enterprise.tax_id,
    }


def open_portal(enterprise: Enterprise, *, by, return_url: str) -> str:
    """A Customer Portal session (card, invoices, plan, cancelling); its URL."""
    ensure_can(by, BillingPerm.BILLING_MANAGE)
    enterprise = Enterprise.objects.get(pk=enterprise.pk)
    if not enterprise.stripe_customer_id:
        raise ValidationError(
            _("Subscribe to a plan first; then payment and invoices are managed here."),
            code=BillingErrorCode.NO_CUSTOMER,
        )
    stripe = client()
    with stripe_errors():
        session = stripe.v1.billing_portal.sessions.create(
            params={"customer": enterprise.stripe_customer_id, "return_url": return_url}
        )
    return session.url


# --- Invoicing data ------------------------------------------------------------------


def save_invoicing(enterprise: Enterprise, *, by, invoice_title: str, tax_id: str) -> Enterprise:
    """Set the invoice title (发票抬头) and taxpayer number (税号); the Stripe customer's
    metadata first (when there is one), so a failure there changes nothing here."""
    ensure_can(by, BillingPerm.BILLING_MANAGE)
    title = clean_text(invoice_title, "invoice_title", max_length=200, required=False)
    tax_id = "".join((tax_id or "").split()).upper()
    if tax_id:
        try:
            validate_tax_id(tax_id)
        except ValidationError as exc:
            raise field_error("tax_id", exc.messages[0], BillingErrorCode.BAD_TAX_ID) from None
    enterprise = Enterprise.objects.get(pk=enterprise.pk)
    enterprise.invoice_title, enterprise.tax_id = title, tax_id
    if enterprise.stripe_customer_id:
        stripe = client()
        with stripe_errors():
            stripe.v1.customers.update(
                enterprise.stripe_customer_id,
                params={
                    "name": title or enterprise.name,
                    "metadata": _customer_metadata(enterprise),
                },
            )
    with transaction.atomic():
        enterprise.save(update_fields=["invoice_title", "tax_id"])
        with tenant_context(enterprise):
            audit("billing.invoicing_updated", by=by, invoice_title=title, tax_id=tax_id)
    return enterprise


def audit(verb: str, *, by=None, **data) -> None:
    """A billing event in the current tenant's audit trail."""
    from safeloop.tenants.audit.services import record_event

    record_event(None, verb, by=by, object_type="enterprise", object_id="billing", **data)
