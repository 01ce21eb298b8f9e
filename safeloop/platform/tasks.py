"""Periodic fan-out: beat runs in the public schema and sends one task per tenant."""

from celery import shared_task
from django_tenants.utils import get_tenant_model, tenant_context


@shared_task
def fan_out_to_tenants(task_name: str) -> int:
    from safeloop.platform.celery import app

    count = 0
    for tenant in get_tenant_model().objects.exclude(schema_name="public").filter(is_active=True):
        with tenant_context(tenant):
            # Sent inside the tenant: tenant-schemas-celery runs it in that schema.
            app.send_task(task_name)
        count += 1
    return count


@shared_task(bind=True, max_retries=12)
def process_stripe_event(self, event_pk: int) -> None:
    """Apply a stored Stripe webhook event (safeloop/platform/billing/webhooks.py); while
    Stripe cannot be reached the event waits, its error noted, and is retried later."""
    from safeloop.platform.billing.stripe_api import BillingUnavailable
    from safeloop.platform.billing.webhooks import process_event
    from safeloop.platform.models import StripeEvent

    try:
        process_event(event_pk)
    except BillingUnavailable as exc:
        StripeEvent.objects.filter(pk=event_pk).update(error=f"retrying: {exc}")
        raise self.retry(exc=exc, countdown=min(3600, 30 * 2**self.request.retries)) from exc


@shared_task
def billing_lifecycle() -> dict[str, int]:
    """Hourly, in the public schema: trial reminders, retention notices and erasures, and
    Stripe events whose task was lost (safeloop/platform/billing/lifecycle.py)."""
    from safeloop.platform.billing.lifecycle import run

    return run()
