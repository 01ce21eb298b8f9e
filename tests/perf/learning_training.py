"""Benchmark the learner's "my courses": queries and time for 5 and 50 assignments.

    .venv/bin/python tests/perf/learning_training.py

``bench_my_courses(enterprise)`` prints the figures (bench_learning.py composes it):
the query count of ``my_courses`` must be the same for 5 and 50 assignments (it is
one query: lessons done / total and the certificate come as subqueries), and its
p50/p95 time over 30 calls each.

Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/
safeloop_bench_train, created fresh and dropped after).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.perf.bench_provisioning import _drop_database, _fresh_database, percentile  # noqa: E402

RUNS = 30


def _measure(person) -> tuple[int, list[float]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from safeloop.learning.assignment_services import my_courses

    with CaptureQueriesContext(connection) as ctx:
        my_courses(person)
    times = []
    for _run in range(RUNS):
        start = time.perf_counter()
        my_courses(person)
        times.append((time.perf_counter() - start) * 1000)
    return len(ctx.captured_queries), times


def bench_my_courses(enterprise) -> dict:
    """Give one worker 5, then 50 required courses (2 lessons each) and time their list."""
    from django.db import transaction
    from django_tenants.utils import tenant_context

    from safeloop.learning.assignment_services import save_pack
    from safeloop.learning.catalogue import add_course, add_lesson
    from safeloop.tenants.facilities.models import Person

    figures = {}
    with tenant_context(enterprise), transaction.atomic():
        admin = Person.objects.filter(roles__contains=["admin"]).select_related("user").first()
        learner = Person.objects.exclude(pk=admin.pk).filter(user__is_active=True).first()
        courses = []
        for n in range(50):
            course = add_course(code=f"BENCH-{n:02}", title=f"基准课程{n}")
            add_lesson(course, title="第1课", slug="l1")
            add_lesson(course, title="第2课", slug="l2")
            courses.append(course)
        pack = None
        for count in (5, 50):
            pack = save_pack(
                by=admin.user,
                pack=pack,
                code="BENCH",
                name="基准",
                courses=courses[:count],
                people=[learner],
            )
            queries, times = _measure(learner)
            figures[count] = queries
            print(
                f"my courses, {count:>2} assignments: {queries} queries,"
                f" p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 95):.1f} ms"
            )
        transaction.set_rollback(True)
    same = "equal" if figures[5] == figures[50] else "NOT EQUAL"
    print(f"my courses query count 5 vs 50 assignments: {figures[5]} vs {figures[50]} ({same})")
    return figures


def main() -> None:
    db_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safeloop_bench_train"
    )
    _fresh_database(db_url)
    os.environ.update(
        DATABASE_URL=db_url,
        CELERY_BROKER_URL="memory://",
        DJANGO_SETTINGS_MODULE="safeloop.platform.settings",
    )
    os.environ.pop("REDIS_URL", None)
    import logging

    import django

    django.setup()
    logging.getLogger("safeloop").setLevel(logging.WARNING)
    logging.getLogger("wagtail").setLevel(logging.WARNING)
    logging.getLogger("django_tasks").setLevel(logging.WARNING)
    logging.getLogger("kombu").setLevel(logging.ERROR)
    from django.db import connections

    from safeloop.platform.demo import ensure_demo
    from safeloop.platform.services import migrate_all

    try:
        migrate_all(verbosity=0)
        enterprise, _logins = ensure_demo()
        bench_my_courses(enterprise)
    finally:
        connections.close_all()
        _drop_database(db_url)


if __name__ == "__main__":
    main()
