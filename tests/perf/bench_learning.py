"""Benchmark of issue 13 (learning), run on purpose (not part of the test suite):

    .venv/bin/python tests/perf/bench_learning.py [--signups 10] [--runs 30]

Prints, all measured in one run on one machine:

1. signup-to-ready (``provision_enterprise``) median and p95 for the metal template
   without its ``[learning]`` section and with it, signups interleaved so both see
   the same machine state;
2. the same section's pages made page by page (``add_child``) vs in bulk
   (``publish_courses``): time and queries;
3. quiz submit p50/p95 for 20-question attempts, through the service and the HTTP
   view (``learning_quiz.bench_quiz_submit``);
4. the query count of "my courses" for 5 and 50 assignments, which must be equal
   (``learning_training.bench_my_courses``).

Uses its own database (BENCH_DATABASE_URL, default: DATABASE_URL's name + "_bench",
else postgres://postgres@127.0.0.1:5432/safeloop_bench_learning), created fresh and
dropped after, and BENCH_REDIS_URL (default REDIS_URL, else redis://127.0.0.1:6379/12).
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.perf.bench_provisioning import _drop_database, _fresh_database, percentile  # noqa: E402


def _templates():
    """(metal without [learning], metal with it, where the section came from)."""
    from safeloop.platform.industry import get_template

    metal = get_template("metal")
    sections = {k: v for k, v in metal.sections.items() if k != "learning"}
    learning = metal.sections["learning"]
    origin = "metal.toml's own [learning]"
    without = dataclasses.replace(metal, sections=sections)
    with_it = dataclasses.replace(metal, sections={**sections, "learning": learning})
    return without, with_it, origin, learning


def bench_provisioning(signups: int) -> dict[str, float]:
    from safeloop.platform import services
    from safeloop.platform.services import SignupData, provision_enterprise

    without, with_it, origin, learning = _templates()
    lessons = sum(len(c["lessons"]) for c in learning["courses"])
    questions = sum(len(c["questions"]) for c in learning["categories"])
    print(
        f"[learning] used: {origin}: {len(learning['courses'])} courses, {lessons} lessons, "
        f"{questions} questions, {len(learning['packs'])} packs"
    )
    real = services.get_template
    times: dict[str, list[float]] = {"without": [], "with": []}
    try:
        for i in range(signups * 2):
            label, template = ("without", without) if i % 2 == 0 else ("with", with_it)
            services.get_template = lambda key, template=template: template
            started = time.perf_counter()
            provision_enterprise(
                SignupData(
                    company_name=f"Bench {i}",
                    slug=f"bl{i:04d}",
                    industry="metal",
                    admin_name="Bench Admin",
                    admin_email=f"admin{i}@bench.test",
                    admin_password="Bench-pass-2026!",
                )
            )
            times[label].append(time.perf_counter() - started)
    finally:
        services.get_template = real
    medians = {}
    for label, values in times.items():
        medians[label] = statistics.median(values)
        print(
            f"signup-to-ready, metal {label} [learning], {len(values)} signups: "
            f"median {medians[label]:.3f} s, p95 {percentile(values, 95):.3f} s, "
            f"max {max(values):.3f} s"
        )
    print(
        f"the learning section adds {medians['with'] - medians['without']:+.3f} s to the median "
        f"(target: median with it <= 2 s: {'OK' if medians['with'] <= 2 else 'OVER'})"
    )
    return medians


def bench_page_building(enterprise) -> None:
    """The section's pages page by page (add_child) vs publish_courses, rolled back."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import tenant_context

    from safeloop.learning.catalogue import (
        CourseSpec,
        LessonSpec,
        add_course,
        add_lesson,
        course_index,
        publish_courses,
    )
    from safeloop.learning.lesson_markup import lesson_blocks

    _without, _with_it, _origin, learning = _templates()
    specs = [
        CourseSpec(
            code=f"PB-{c['code']}",
            title=c["title"],
            lessons=[
                LessonSpec(title=les["title"], body=lesson_blocks(les["body"]))
                for les in c["lessons"]
            ],
        )
        for c in learning["courses"]
    ]
    pages = sum(1 + len(s.lessons) for s in specs)

    def one_by_one():
        for spec in specs:
            course = add_course(code=spec.code, title=spec.title)
            for lesson in spec.lessons:
                add_lesson(course, title=lesson.title, body=lesson.body)

    with tenant_context(enterprise):
        course_index()

        def in_bulk():
            publish_courses(copy.deepcopy(specs))

        for label, build in (("add_child page by page", one_by_one), ("publish_courses", in_bulk)):
            with transaction.atomic():
                started = time.perf_counter()
                with CaptureQueriesContext(connection) as captured:
                    build()
                elapsed = time.perf_counter() - started
                transaction.set_rollback(True)
            print(
                f"{pages} pages ({len(specs)} courses) by {label}: {elapsed * 1000:.0f} ms, "
                f"{len(captured.captured_queries)} queries"
            )


def _bench_url() -> str:
    if url := os.environ.get("BENCH_DATABASE_URL"):
        return url
    if base := os.environ.get("DATABASE_URL"):
        parts = urlsplit(base)
        return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_bench"))
    return "postgres://postgres@127.0.0.1:5432/safeloop_bench_learning"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signups", type=int, default=10, help="signups of each kind")
    parser.add_argument("--runs", type=int, default=30, help="quiz submits of each kind")
    args = parser.parse_args()

    db_url = _bench_url()
    redis_url = os.environ.get(
        "BENCH_REDIS_URL", os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/12")
    )
    _fresh_database(db_url)
    os.environ.update(
        DATABASE_URL=db_url,
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=redis_url,
        DJANGO_SETTINGS_MODULE="safeloop.platform.settings",
    )
    import logging

    import django

    django.setup()
    for name in ("safeloop", "wagtail", "django_tasks"):
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("kombu").setLevel(logging.ERROR)
    from django.db import connections
    from django_tenants.utils import tenant_context

    from safeloop.platform.demo import ensure_demo
    from safeloop.platform.services import migrate_all
    from tests.perf.learning_quiz import bench_quiz_submit
    from tests.perf.learning_training import bench_my_courses

    try:
        migrate_all(verbosity=0)
        print(f"database {urlsplit(db_url).path.lstrip('/')}, {os.cpu_count()} CPUs")
        bench_provisioning(args.signups)
        enterprise, _logins = ensure_demo()
        bench_page_building(enterprise)
        with tenant_context(enterprise):
            from safeloop.tenants.facilities.models import Person

            user = Person.objects.filter(roles__contains=["operator"]).first().user
        bench_quiz_submit(enterprise, user, runs=args.runs)
        bench_my_courses(enterprise)
    finally:
        connections.close_all()
        _drop_database(db_url)


if __name__ == "__main__":
    main()
