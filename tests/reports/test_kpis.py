"""The daily safety-health table's KPIs, worked by hand on small data in Acme.

Each formula is in tenants/reports/kpis.py; here a few hazards, assignments and
inspection tasks whose answer we know, and the edges: nothing to measure (—), all
late, and the KPIs SafeLoop has no data for (not measured, never a number).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from safeloop.platform.kpis import snapshot_all
from safeloop.platform.models import SiteKpis
from safeloop.tenants.facilities.models import Area
from safeloop.tenants.hazards import services
from safeloop.tenants.hazards.models import Hazard, State
from safeloop.tenants.reports import kpis
from safeloop.tenants.reports.models import KpiSnapshot
from safeloop.tenants.reports.services import take_snapshot

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 10)


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _hazard(zhang, *, at: datetime, closed_after: timedelta | None = None, **kw) -> Hazard:
    hazard = services.report_hazard(
        by=zhang,
        area=Area.objects.get(code="W1-A1"),
        description=kw.pop("description", "通道堆放钢板"),
        reported_at=at,
        **kw,
    )
    if closed_after is not None:
        Hazard.objects.filter(pk=hazard.pk).update(state=State.CLOSED, closed_at=at + closed_after)
    return hazard


def test_closure_within_24_hours_counts_the_days_reports_closed_in_time(zhang):
    _hazard(zhang, at=_at(DAY, 8), closed_after=timedelta(hours=5))
    _hazard(zhang, at=_at(DAY, 9), closed_after=timedelta(hours=24))  # exactly 24 h: in time
    _hazard(zhang, at=_at(DAY, 10), closed_after=timedelta(hours=30))  # late
    _hazard(zhang, at=_at(DAY, 11))  # still open
    _hazard(zhang, at=_at(DAY, 12), is_near_miss=True)  # a near miss is not a hazard to close
    _hazard(zhang, at=_at(DAY - timedelta(days=1), 23), closed_after=timedelta(hours=1))

    result = kpis.closure_24h(DAY)

    assert (result.numerator, result.denominator, result.value) == (2, 4, 0.5)


def test_a_day_without_reports_is_not_measured_as_zero_or_full(zhang):
    result = kpis.closure_24h(DAY)
    assert result.value is None and result.denominator == 0 and result.measured


def test_all_late_is_zero(zhang):
    for hour in (8, 9, 10):
        _hazard(zhang, at=_at(DAY, hour), closed_after=timedelta(days=3))
    assert kpis.closure_24h(DAY).value == 0.0


def test_near_miss_ratio_over_the_last_30_days(zhang):
    for n in range(3):
        _hazard(zhang, at=_at(DAY - timedelta(days=n * 5), 9), is_near_miss=True)
    for n in range(6):
        _hazard(zhang, at=_at(DAY - timedelta(days=n * 4), 10))
    _hazard(zhang, at=_at(DAY - timedelta(days=31), 9), is_near_miss=True)  # too old

    result = kpis.near_miss_ratio(DAY)

    assert (result.numerator, result.denominator) == (3, 9)
    assert result.value == 0.3333


def test_kpis_without_a_data_source_are_not_measured(zhang):
    values = kpis.compute(DAY)
    for code in ("permits_on_time", "ppe_compliance", "drill_pass_rate"):
        assert values[code] == {
            "value": None,
            "numerator": 0,
            "denominator": 0,
            "measured": False,
        }
    assert [k.code for k in kpis.KPIS][:6] == [
        "closure_24h",
        "permits_on_time",
        "ppe_compliance",
        "training_completion",
        "near_miss_ratio",
        "drill_pass_rate",
    ]


def test_a_snapshot_is_stored_once_a_day_and_copied_to_the_public_table(zhang, acme):
    _hazard(zhang, at=_at(DAY, 8), closed_after=timedelta(hours=2))

    take_snapshot(DAY)
    take_snapshot(DAY)  # again: replaced, not doubled

    assert KpiSnapshot.objects.filter(day=DAY).count() == 1
    stored = KpiSnapshot.objects.get(day=DAY).values["closure_24h"]
    assert stored["value"] == 1.0 and stored["denominator"] == 1
    with schema_context("public"):
        copy = SiteKpis.objects.get(enterprise=acme, day=DAY)
    assert copy.values == KpiSnapshot.objects.get(day=DAY).values
    assert connection.schema_name == "acme"


def test_one_tenants_failure_does_not_stop_the_others(acme, globex):
    with schema_context(globex.schema_name), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE reports_kpisnapshot RENAME TO reports_kpisnapshot_gone")
    try:
        run = snapshot_all(DAY)
    finally:
        with schema_context(globex.schema_name), connection.cursor() as cursor:
            cursor.execute("ALTER TABLE reports_kpisnapshot_gone RENAME TO reports_kpisnapshot")

    assert "acme" in run.done
    assert (
        globex.schema_name in run.failed and "reports_kpisnapshot" in run.failed[globex.schema_name]
    )
    with schema_context("public"):
        assert SiteKpis.objects.filter(enterprise=acme, day=DAY).exists()
        assert not SiteKpis.objects.filter(enterprise=globex, day=DAY).exists()
