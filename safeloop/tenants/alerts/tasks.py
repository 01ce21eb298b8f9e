from celery import shared_task

from safeloop.tenants.alerts.models import Delivery, Notification


@shared_task(bind=True, max_retries=5, default_retry_delay=30, acks_late=True)
def deliver_notifications(self, notification_ids: list[int]) -> int:
    """Send queued notifications; failed ones are retried with back-off."""
    from safeloop.tenants.alerts.services import deliver

    failed = []
    sent = 0
    for notification in (
        Notification.objects.filter(pk__in=notification_ids)
        .exclude(state=Delivery.SENT)
        .select_related("recipient", "robot")
    ):
        try:
            deliver(notification)
            sent += 1
        except Exception:  # noqa: BLE001 — recorded on the row by deliver()
            failed.append(notification.pk)
    if failed:
        raise self.retry(args=[failed], countdown=30 * (2**self.request.retries))
    return sent
