"""The daily safety-health table on the workspace home: the safety manager reads
yesterday's values against their targets, with the trend against a week before;
the floor does not get it; before the first night it says when it comes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeloop.tenants.reports.models import KpiSnapshot

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 10)


def _snapshot(day: date, **values) -> None:
    def result(value, num=0, den=0, measured=True):
        return {"value": value, "numerator": num, "denominator": den, "measured": measured}

    base = {
        "closure_24h": result(None),
        "permits_on_time": result(None, measured=False),
        "ppe_compliance": result(None, measured=False),
        "training_completion": result(None),
        "near_miss_ratio": result(None),
        "drill_pass_rate": result(None, measured=False),
        "inspection_completion": result(None),
    }
    base.update({code: result(*args) for code, args in values.items()})
    KpiSnapshot.objects.create(day=day, values=base)


def test_the_manager_reads_values_targets_and_trends(as_wang):
    _snapshot(DAY - timedelta(days=7), closure_24h=(0.5, 1, 2), near_miss_ratio=(0.4, 4, 10))
    _snapshot(DAY, closure_24h=(0.9, 9, 10), near_miss_ratio=(0.2, 2, 10))

    body = as_wang.get(reverse("workspace:home")).content.decode()

    assert 'data-testid="kpi-table"' in body and "2026-11-10" in body
    closure = body.split('data-testid="kpi-closure_24h"')[1].split("</tr>")[0]
    assert 'data-status="bad"' in closure and "90 %" in closure and "9/10" in closure
    assert "↑" in closure and "≥ 95 %" in closure
    near = body.split('data-testid="kpi-near_miss_ratio"')[1].split("</tr>")[0]
    assert 'data-status="bad"' in near and "↓" in near and "?near_miss=yes" in near
    drills = body.split('data-testid="kpi-drill_pass_rate"')[1].split("</tr>")[0]
    assert 'data-status="unmeasured"' in drills and "%" not in drills.split("kpi-target")[0]
    training = body.split('data-testid="kpi-training_completion"')[1].split("</tr>")[0]
    assert 'data-status="none"' in training and "—" in training


def test_the_floor_does_not_get_the_table(acme_client, zhang):
    _snapshot(DAY, closure_24h=(1.0, 3, 3))
    acme_client.force_login(zhang)
    assert (
        'data-testid="kpi-table"' not in acme_client.get(reverse("workspace:home")).content.decode()
    )


def test_before_the_first_night_it_says_when_it_comes(as_wang):
    body = as_wang.get(reverse("workspace:home")).content.decode()
    assert 'data-testid="kpi-empty"' in body


def test_the_table_costs_the_same_queries_however_many_snapshots(as_wang):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            as_wang.get(reverse("workspace:home"))
        return len(captured.captured_queries)

    _snapshot(DAY)
    count()  # the first request also finds the tenant and the session
    one = count()
    for n in range(1, 30):
        _snapshot(DAY - timedelta(days=n))
    assert count() == one
