"""The bridge's periodic chores, per enterprise (beat fans them out): readings past the
retention are deleted in batches (the BRIN index on ``ts`` finds them), and a device
that went silent without its last will (a gateway in between, a frozen firmware) is
taken as offline, with the same alarm its last will would have raised."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from safeloop.iot_bridge.models import Device
from safeloop.iot_bridge.services import alarms

DELETE_BATCH = 50_000
SILENT_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class Chores:
    purged: int
    silenced: int
    responded: int = 0
    audited: int = 0


def respond_pending(now: datetime | None = None) -> int:
    """Alarms of the last day a crash left untold (between the readings' commit and the
    notices): told now, once."""
    from safeloop.iot_bridge.models import Alarm, AlarmKind

    since = (now or timezone.now()) - timedelta(days=1)
    pending = [
        alarm.pk
        for alarm in Alarm.objects.filter(kind=AlarmKind.THRESHOLD, raised_at__gte=since).only(
            "peak_level", "notified_levels", "hazard_id"
        )
        if alarms.needs_response(alarm)
    ]
    return sum(alarms.respond(pk) for pk in pending)


def audit_pending(now: datetime | None = None) -> int:
    """Moments of the last day's episodes that a crash kept out of the audit trail."""
    from django.db.models import F, Func, IntegerField

    from safeloop.iot_bridge.models import Alarm

    since = (now or timezone.now()) - timedelta(days=1)
    moments = Func("history", function="jsonb_array_length", output_field=IntegerField())
    behind = (
        Alarm.objects.filter(raised_at__gte=since)
        .annotate(moments=moments)
        .filter(moments__gt=F("audited_moments"))
        .values_list("pk", flat=True)
    )
    return sum(alarms.audit_moments(pk) for pk in behind)


def purge_readings(now: datetime | None = None, *, batch: int = DELETE_BATCH) -> int:
    """Delete readings older than SAFELOOP_IOT_RETENTION_DAYS, a batch per transaction."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.SAFELOOP_IOT_RETENTION_DAYS)
    total = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM iot_reading WHERE id IN "
                "(SELECT id FROM iot_reading WHERE ts < %s LIMIT %s)",
                [cutoff, batch],
            )
            total += cursor.rowcount
            if cursor.rowcount < batch:
                return total


def flag_silent_devices(now: datetime | None = None) -> int:
    now = now or timezone.now()
    silent = Device.objects.filter(
        is_active=True, online=True, last_seen_at__lt=now - SILENT_AFTER
    ).values_list("pk", flat=True)
    changed = 0
    for device_id in silent:
        with transaction.atomic():
            changed += alarms.device_status(device_id, "offline", now)
    return changed


def run_chores(now: datetime | None = None) -> Chores:
    return Chores(
        purged=purge_readings(now),
        silenced=flag_silent_devices(now),
        responded=respond_pending(now),
        audited=audit_pending(now),
    )
