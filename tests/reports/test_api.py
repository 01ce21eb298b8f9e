"""The KPI snapshots through GraphQL: the table as stored, newest first; one query
whatever the number of days; nothing for the floor."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safeloop.platform.routing import forget_hosts
from safeloop.tenants.reports.services import take_snapshot
from tests.graphql.conftest import run
from tests.graphql.test_query_counts import PER_REQUEST

pytestmark = pytest.mark.django_db

QUERY = """query ($days: Int!) { kpiSnapshots(days: $days) {
  day kpis { code title threshold measured value numerator denominator } } }"""
DAY = date(2026, 11, 10)


def test_snapshots_newest_first_with_every_kpi(as_wang):
    for n in range(3):
        take_snapshot(DAY - timedelta(days=n))

    data = run(as_wang, QUERY, {"days": 2})["kpiSnapshots"]

    assert [s["day"] for s in data] == ["2026-11-10", "2026-11-09"]
    drills = next(k for k in data[0]["kpis"] if k["code"] == "drill_pass_rate")
    assert drills["measured"] is False and drills["value"] is None
    closure = next(k for k in data[0]["kpis"] if k["code"] == "closure_24h")
    assert closure["threshold"] == 0.95 and closure["denominator"] == 0


def test_one_query_for_any_number_of_days(as_wang):
    def count(days: int) -> int:
        forget_hosts()
        with CaptureQueriesContext(connection) as captured:
            run(as_wang, QUERY, {"days": days})
        return len([q for q in captured.captured_queries if not q["sql"].startswith("SET ")])

    for n in range(20):
        take_snapshot(DAY - timedelta(days=n))
    assert count(1) == count(20) == PER_REQUEST + 1


def test_the_floor_gets_nothing(acme_client, zhang):
    take_snapshot(DAY)
    acme_client.force_login(zhang)
    assert run(acme_client, QUERY, {"days": 5})["kpiSnapshots"] == []
