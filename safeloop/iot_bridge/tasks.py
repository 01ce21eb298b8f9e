from celery import shared_task

from safeloop.iot_bridge.services.housekeeping import run_chores


@shared_task(acks_late=True)
def iot_housekeeping() -> dict:
    """Retention and silent devices for the tenant this task was sent from."""
    chores = run_chores()
    return {"purged": chores.purged, "silenced": chores.silenced}
