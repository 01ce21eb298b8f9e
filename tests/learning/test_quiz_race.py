"""Two tabs submit the same attempt at once: the row lock lets one grade it; the
other is refused as already submitted, and the pass is announced once.

The work runs on real connections in threads (committed), so the lock is real;
everything the test made is removed afterwards except the audit trail, which
the database keeps.
"""

from __future__ import annotations

import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django_tenants.utils import schema_context

from safeloop.learning import quiz_services
from safeloop.learning.signals import course_passed
from tests.support.worker import committed

pytestmark = pytest.mark.django_db


def _setup(tag: str) -> dict:
    from django.contrib.auth import get_user_model

    from safeloop.learning.catalogue import add_course
    from safeloop.learning.models import Quiz, QuizSource
    from tests.learning._quiz_data import make_category, right_choices

    with schema_context("acme"):
        course = add_course(code=f"RACE-{tag}", title="并发交卷")
        category = make_category(f"R{tag}", "并发", singles=3)
        quiz = Quiz.objects.create(course=course, question_count=3)
        QuizSource.objects.create(quiz=quiz, category=category)
        zhang = get_user_model().objects.get(email="zhang@acme.test")
        attempt = quiz_services.start_or_resume(quiz, by=zhang)
        for item in attempt.paper:
            pk = item["question"]
            quiz_services.save_answer(attempt, pk, right_choices(pk), by=zhang)
        return {"attempt": attempt.pk, "course": course.pk, "category": category.pk}


def _cleanup(made: dict) -> None:
    from safeloop.learning.models import (
        Assignment,
        Attempt,
        Certificate,
        CoursePage,
        Question,
        QuestionCategory,
        Quiz,
    )

    with schema_context("acme"):
        # The pass issued a certificate (the training records' receiver); it protects the course.
        Certificate.objects.filter(course_id=made["course"]).delete()
        Assignment.objects.filter(course_id=made["course"]).delete()
        Attempt.objects.filter(pk=made["attempt"]).delete()
        Quiz.objects.filter(course_id=made["course"]).delete()
        Question.objects.filter(category_id=made["category"]).delete()
        QuestionCategory.objects.filter(pk=made["category"]).delete()
        CoursePage.objects.filter(pk=made["course"]).delete()


def test_two_tabs_submitting_at_once_grade_the_attempt_once():
    made = committed(lambda: _setup(uuid.uuid4().hex[:6].upper()))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    passes: list[int] = []

    def on_pass(sender, attempt, **kwargs):
        passes.append(attempt.pk)

    def tab() -> None:
        from django.contrib.auth import get_user_model

        from safeloop.learning.models import Attempt

        try:
            with schema_context("acme"):
                zhang = (
                    get_user_model().objects.select_related("person").get(email="zhang@acme.test")
                )
                attempt = Attempt.objects.get(pk=made["attempt"])
                barrier.wait()
                quiz_services.submit(attempt, by=zhang)
                outcomes.append("graded")
        except ValidationError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    course_passed.connect(on_pass)
    try:
        tabs = [threading.Thread(target=tab) for _n in range(2)]
        for t in tabs:
            t.start()
        for t in tabs:
            t.join(timeout=60)
    finally:
        course_passed.disconnect(on_pass)
        committed(lambda: _cleanup(made))

    assert sorted(outcomes) == ["already_submitted", "graded"]
    assert passes == [made["attempt"]]
