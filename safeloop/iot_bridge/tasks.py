from celery import shared_task

from safeloop.iot_bridge.services.housekeeping import run_chores


@shared_task(acks_late=True)
def iot_housekeeping() -> dict:
    """Retention and silent devices for the tenant this task was sent from."""
    chores = run_chores()
    return {"purged": chores.purged, "silenced": chores.silenced}


@shared_task(acks_late=True)
def respond_to_alarms(alarm_ids: list[int], audit_ids: list[int] | None = None) -> int:
    """The audit trail's entries, notices and hazard of alarms the bridge has just
    committed, in the tenant this task was sent from. Idempotent per alarm and level: a
    redelivered task or beat's re-drive tells nobody twice and writes no entry twice."""
    from safeloop.iot_bridge.services.ingest import audit, respond_to

    audit(audit_ids or ())
    return respond_to(alarm_ids)
