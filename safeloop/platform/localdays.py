"""Local days and months as aware datetime bounds, in the enterprise's time zone
(Asia/Shanghai by default): the one place every report, KPI, filter and page that
counts "on a day" or "in a month" takes its bounds from."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def day_start(day: date) -> datetime:
    """Midnight at the start of local ``day``, aware."""
    return timezone.make_aware(datetime.combine(day, time.min))


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start of ``day``, start of the next day)."""
    return day_start(day), day_start(day + timedelta(days=1))


def next_month(first: date) -> date:
    """The first day of the month after the one ``first`` is in."""
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


def month_bounds(first: date) -> tuple[datetime, datetime]:
    """[start of the month ``first`` is in, start of the next month)."""
    first = first.replace(day=1)
    return day_start(first), day_start(next_month(first))
