"""Celery entry points; beat fans ``inspection_schedule_tick`` out to every tenant."""

from datetime import datetime

from celery import shared_task
from django.utils import timezone

from safeloop.tenants.inspections import scheduling


def _when(now_iso: str | None) -> datetime | None:
    if not now_iso:
        return None
    when = datetime.fromisoformat(now_iso)
    return when if timezone.is_aware(when) else timezone.make_aware(when)


@shared_task(acks_late=True)
def inspection_schedule_tick(now_iso: str | None = None) -> dict:
    """Flag missed tasks, then make the tasks of windows that open (every 15 minutes)."""
    result = scheduling.tick(_when(now_iso))
    return {"created": len(result.created), "missed": len(result.missed)}


@shared_task(acks_late=True)
def generate_inspection_tasks(now_iso: str | None = None) -> int:
    """Make the tasks whose windows open now; ``now_iso`` replays a past moment safely."""
    return len(scheduling.generate_tasks(_when(now_iso)))


@shared_task(acks_late=True)
def flag_missed_inspections(now_iso: str | None = None) -> int:
    return len(scheduling.flag_missed(_when(now_iso)))
