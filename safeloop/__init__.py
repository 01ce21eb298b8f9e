"""SafeLoop: multi-tenant work-safety management."""

# Load the Celery app with Django so that @shared_task binds to it.
from safeloop.platform.celery import app as celery_app  # noqa: E402

__all__ = ["celery_app"]
