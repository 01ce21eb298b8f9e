"""The Celery app. Tenant-aware: a task runs in the schema it was sent from."""

import os

from tenant_schemas_celery.app import CeleryApp as TenantAwareCeleryApp

from safeloop.platform import fsqueue

# The embedded broker (filesystem://) writes each message whole.
fsqueue.install()

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.platform.settings")

app = TenantAwareCeleryApp("safeloop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
