"""Training data for the h-train tests: courses with lessons, a final quiz, packs, and a
passed attempt made by hand (the quiz engine is another part's; its pass sends
``course_passed`` as ``pass_course`` does here).

Zhang San (operator, W1, superior Li Na) is the learner; Ma Jun (maintenance fitter,
W1-A) and Qian Li (electrician, W1) are his workmates; Wang Wei is the admin.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from safeloop.learning.assignment_services import save_pack
from safeloop.learning.catalogue import add_course, add_lesson
from safeloop.learning.models import Attempt, CoursePage, Quiz
from safeloop.learning.signals import course_passed
from safeloop.tenants.facilities.models import JobRole


def make_course(code: str, *, lessons: int = 2, renewal_months: int = 12, hours=2) -> CoursePage:
    course = add_course(
        code=code,
        title=f"课程{code}",
        title_en=f"Course {code}",
        hours=hours,
        renewal_months=renewal_months,
    )
    for n in range(lessons):
        add_lesson(course, title=f"第{n + 1}课", slug=f"l{n + 1}")
    return course


def final_quiz(course: CoursePage) -> Quiz:
    quiz, _created = Quiz.objects.get_or_create(course=course, lesson=None)
    return quiz


def pass_course(person, course: CoursePage, *, score: int = 90, when=None) -> Attempt:
    """A submitted, passed final-quiz attempt, announced as the quiz engine announces it."""
    when = when or timezone.now()
    quiz = final_quiz(course)
    number = Attempt.objects.filter(quiz=quiz, person=person).count() + 1
    attempt = Attempt.objects.create(
        quiz=quiz,
        person=person,
        number=number,
        started_at=when - timedelta(minutes=10),
        submitted_at=when,
        score=score,
        passed=score >= quiz.pass_mark,
    )
    if attempt.passed:
        course_passed.send(sender=Attempt, attempt=attempt)
    return attempt


def operator_pack(by, courses, *, code="OPS", due_days=30, renewal_months=None, **extra):
    return save_pack(
        by=by,
        code=code,
        name="操作工必修",
        name_en="Operator basics",
        courses=courses,
        job_roles=[JobRole.objects.get(code="operator")],
        due_days=due_days,
        renewal_months=renewal_months,
        **extra,
    )


@pytest.fixture
def course_a(in_acme):
    return make_course("SAFE-A")


@pytest.fixture
def course_b(in_acme):
    return make_course("SAFE-B", lessons=3, renewal_months=0)
