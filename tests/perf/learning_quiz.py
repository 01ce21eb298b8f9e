"""Benchmark: quiz submit latency for 20-question attempts (run on purpose only).

    .venv/bin/python tests/perf/learning_quiz.py [--runs 30]

``bench_quiz_submit(enterprise, person_user)`` is the part ``bench_learning.py``
composes: inside a migrated enterprise it adds a 60-question bank and a
20-question final quiz, then times ``submit`` of fully answered attempts (the
grading, the audit event, the ``course_passed`` signal) in process through the
service, and through the HTTP view (``POST /l/attempt/<id>/``, the page's submit
button, with session, CSRF-exempt test client and redirect). It prints p50/p95.

Standalone it needs PostgreSQL (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/safeloop_bench_quiz, created fresh and
dropped after) and Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379/12).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.perf.bench_provisioning import _drop_database, _fresh_database, percentile  # noqa: E402

QUESTIONS = 20


def _quiz_with_bank():
    from safeloop.learning.bank_services import ChoiceData, add_question
    from safeloop.learning.catalogue import add_course
    from safeloop.learning.models import QuestionCategory, QuestionKind, Quiz, QuizSource

    course = add_course(code=f"BENCH-{time.time_ns()}", title="基准测试课程")
    quiz = Quiz.objects.create(course=course, question_count=QUESTIONS, attempt_limit=None)
    for code, weight in (("BENCH-A", 3), ("BENCH-B", 1)):
        category, _created = QuestionCategory.objects.get_or_create(
            code=code, defaults={"name": code}
        )
        QuizSource.objects.create(quiz=quiz, category=category, weight=weight)
        for n in range(30):
            multiple = n % 3 == 0
            add_question(
                category=category,
                kind=QuestionKind.MULTIPLE if multiple else QuestionKind.SINGLE,
                text=f"{code} 第 {n} 题",
                choices=[
                    ChoiceData("甲", True),
                    ChoiceData("乙", multiple),
                    ChoiceData("丙", False),
                    ChoiceData("丁", False),
                ],
                explanation="解析",
            )
    return quiz


def _answered_attempt(quiz, user):
    from safeloop.learning import quiz_services
    from safeloop.learning.models import Choice

    attempt = quiz_services.start_or_resume(quiz, by=user)
    key: dict[int, list[int]] = {}
    for pk, question_id in Choice.objects.filter(
        question_id__in=[i["question"] for i in attempt.paper], correct=True
    ).values_list("pk", "question_id"):
        key.setdefault(question_id, []).append(pk)
    for item in attempt.paper:
        quiz_services.save_answer(attempt, item["question"], key[item["question"]], by=user)
    return attempt


def _report(label: str, times: list[float]) -> None:
    print(
        f"quiz submit, {QUESTIONS} questions, {label}: "
        f"p50 {statistics.median(times) * 1000:.1f} ms, "
        f"p95 {percentile(times, 95) * 1000:.1f} ms ({len(times)} runs)"
    )


def bench_quiz_submit(enterprise, user, *, runs: int = 30) -> dict[str, tuple[float, float]]:
    """Time quiz submits inside ``enterprise`` as ``user`` (who needs learning.take
    and a Person); returns and prints {label: (p50 s, p95 s)}."""
    from django.test import Client
    from django.urls import reverse
    from django_tenants.utils import tenant_context

    from safeloop.learning import quiz_services

    results: dict[str, tuple[float, float]] = {}
    with tenant_context(enterprise):
        quiz = _quiz_with_bank()
        service_times = []
        for _n in range(runs):
            attempt = _answered_attempt(quiz, user)
            started = time.perf_counter()
            submitted = quiz_services.submit(attempt, by=user)
            service_times.append(time.perf_counter() - started)
            assert submitted.score == 100
        results["service"] = (statistics.median(service_times), percentile(service_times, 95))
        _report("service", service_times)

        client = Client(HTTP_HOST=enterprise.host)
        client.force_login(user)
        view_times = []
        for _n in range(runs):
            attempt = _answered_attempt(quiz, user)
            url = reverse("learning:attempt", kwargs={"attempt_id": attempt.pk})
            started = time.perf_counter()
            response = client.post(url)
            view_times.append(time.perf_counter() - started)
            assert response.status_code == 302, response.status_code
        results["http view"] = (statistics.median(view_times), percentile(view_times, 95))
        _report("HTTP view", view_times)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description="quiz submit benchmark")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    db_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safeloop_bench_quiz"
    )
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
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
    logging.getLogger("safeloop").setLevel(logging.WARNING)
    logging.getLogger("wagtail").setLevel(logging.WARNING)
    logging.getLogger("django_tasks").setLevel(logging.WARNING)
    from django.db import connections
    from django_tenants.utils import tenant_context

    from safeloop.platform.demo import ensure_demo
    from safeloop.platform.services import migrate_all

    try:
        migrate_all(verbosity=0)
        enterprise, _logins = ensure_demo()
        with tenant_context(enterprise):
            from safeloop.tenants.facilities.models import Person

            user = Person.objects.filter(roles__contains=["operator"]).first().user
        bench_quiz_submit(enterprise, user, runs=args.runs)
    finally:
        connections.close_all()
        _drop_database(db_url)


if __name__ == "__main__":
    main()
