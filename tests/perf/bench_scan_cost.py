"""Benchmark a QR scan in a small and a grown tenant (issue 12), in process.

    cd <checkout> && PYTHONPATH=$PWD .venv/bin/python -m pytest tests/perf/bench_scan_cost.py -q -s

Not collected by the suite (not ``test_*.py``): run it by name. Zhang San (an
operator, signed in) scans W1's first area through django.test.Client, 200 times
once the caches are warm, in Acme as provisioned (20 areas) and again after it
has grown by 1,000 areas and 200 bindings elsewhere (tests/inspections/
test_point_scan_cost.py builds them). Prints the page's queries (``SET
search_path`` counted apart) and the median and 90th percentile time of a GET.
Under load (other processes on the machine) compare figures of one run only.
"""

from __future__ import annotations

import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safeloop.tenants.facilities.models import Area
from tests.inspections.test_point_scan_cost import _grow

pytestmark = pytest.mark.django_db

SCANS = 200


@pytest.mark.parametrize("grown", [False, True], ids=["20-areas", "1020-areas"])
def test_scan(as_zhang, wang, grown):
    if grown:
        _grow(wang)
    url = f"/q/{Area.objects.get(code='W1-A1').qr_token}/"
    as_zhang.get(url)  # fills the caches
    with CaptureQueriesContext(connection) as captured:
        assert as_zhang.get(url).status_code == 200
    sql = [q["sql"] for q in captured.captured_queries]
    sets = sum(1 for q in sql if q.startswith("SET "))
    times = []
    for _ in range(SCANS):
        start = time.perf_counter()
        as_zhang.get(url)
        times.append(time.perf_counter() - start)
    times.sort()
    print(
        f"\nscan areas={Area.objects.count()} queries={len(sql) - sets} (+{sets} SET)"
        f" median={statistics.median(times) * 1000:.2f}ms"
        f" p90={times[int(SCANS * 0.9)] * 1000:.2f}ms"
    )
