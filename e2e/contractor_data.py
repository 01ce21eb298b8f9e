"""Made-up but valid identifiers and an induction exam for the contractors' e2e tests.

Each test's data is committed (its server runs in another thread), so every call gives
new identifiers: a credit code and ID numbers nobody else's test has used."""

from __future__ import annotations

import random


def random_credit_code() -> str:
    """A unified social credit code with its check character."""
    from safeloop.contractors.validators import CREDIT_CODE_ALPHABET, credit_code_check_char

    first17 = "91350100" + "".join(random.choices(CREDIT_CODE_ALPHABET, k=9))
    return first17 + credit_code_check_char(first17)


def random_id_number(birth: str = "19900101") -> str:
    """A resident ID number of Beijing's Chaoyang district born on ``birth`` (YYYYMMDD)."""
    from safeloop.contractors.validators import id_check_char

    id17 = f"110105{birth}" + f"{random.randrange(1000):03d}"
    return id17 + id_check_char(id17)


def induction_exam(tag: str):
    """A course 入场安全教育 with one lesson and a final quiz of five questions (three
    single choice, two true/false; the right answers start with 对). Returns the quiz."""
    from safeloop.learning.catalogue import add_course, add_lesson
    from safeloop.learning.models import Quiz, QuizSource
    from tests.learning._quiz_data import make_category

    course = add_course(code=f"IND-{tag}", title="入场安全教育", title_en="Site induction")
    add_lesson(course, title="厂区安全规定", slug="rules")
    bank = make_category(f"I{tag}", "入场", singles=3, tfs=2)
    quiz = Quiz.objects.create(course=course, question_count=5, time_limit_minutes=30)
    QuizSource.objects.create(quiz=quiz, category=bank)
    return quiz
