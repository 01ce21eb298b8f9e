"""Delivery tasks. The outbox rows are the truth; a broker message only says "look now"."""

from datetime import timedelta

from celery import shared_task
from django.db import DatabaseError

# The sweep leaves rows this young to the message sent when they were committed.
SWEEP_GRACE = timedelta(seconds=10)
# A worker that lost its database (a PostgreSQL restart) tries again this soon.
DATABASE_RETRY_SECONDS = 10


@shared_task(bind=True, acks_late=True, max_retries=5)
def deliver_notifications(self, notification_ids: list[int] | None = None) -> int:
    """Send these notifications (all due ones without ids) in the schema it was sent from.

    Safe to run any number of times and side by side: each row is claimed and
    marked in one transaction. A failed send waits out its back-off in the row;
    the sweep retries it.
    """
    from safeloop.tenants.alerts.services import dispatch

    try:
        return dispatch(notification_ids).sent
    except DatabaseError as exc:
        raise self.retry(exc=exc, countdown=DATABASE_RETRY_SECONDS) from exc


@shared_task(acks_late=True)
def sweep_outbox() -> int:
    """Run by beat in each tenant: send what no message brought (Redis lost it, a worker died)."""
    from safeloop.tenants.alerts.services import dispatch

    return dispatch(older_than=SWEEP_GRACE).sent
