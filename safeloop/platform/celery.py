"""The Celery app. Tenant-aware: a task runs in the schema it was sent from."""

import os

from tenant_schemas_celery.app import CeleryApp as TenantAwareCeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.platform.settings")

app = TenantAwareCeleryApp("safeloop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
