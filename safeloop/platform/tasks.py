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
