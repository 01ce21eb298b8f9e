"""Quiz test data: a welding course, two categories of questions and its final quiz.

Every question's correct option is the one whose text starts with "对" (true/
false: the 对 option), so a test can answer right or wrong on purpose without
reading the key through the engine.
"""

from __future__ import annotations

import pytest

from safeloop.learning.bank_services import ChoiceData, add_question
from safeloop.learning.catalogue import add_course, add_lesson
from safeloop.learning.models import Choice, QuestionCategory, QuestionKind, Quiz, QuizSource


def make_category(code: str, name: str, *, singles: int = 0, multiples: int = 0, tfs: int = 0):
    category = QuestionCategory.objects.create(code=code, name=name, name_en=code.title())
    for n in range(singles):
        add_question(
            category=category,
            kind=QuestionKind.SINGLE,
            text=f"{name}单选题{n + 1}",
            choices=[
                ChoiceData("对的做法", True),
                ChoiceData("错的做法一", False),
                ChoiceData("错的做法二", False),
                ChoiceData("错的做法三", False),
            ],
            explanation=f"{name}单选题{n + 1}的解析",
        )
    for n in range(multiples):
        add_question(
            category=category,
            kind=QuestionKind.MULTIPLE,
            text=f"{name}多选题{n + 1}",
            choices=[
                ChoiceData("对：戴护目镜", True),
                ChoiceData("错：不戴手套", False),
                ChoiceData("对：清理易燃物", True),
                ChoiceData("错：边焊边抽烟", False),
            ],
            explanation=f"{name}多选题{n + 1}的解析",
        )
    for n in range(tfs):
        add_question(
            category=category,
            kind=QuestionKind.TRUE_FALSE,
            text=f"{name}判断题{n + 1}",
            choices=[ChoiceData("对", True), ChoiceData("错", False)],
            explanation=f"{name}判断题{n + 1}的解析",
        )
    return category


def right_choices(question_id: int) -> list[int]:
    return list(
        Choice.objects.filter(question_id=question_id, correct=True).values_list("pk", flat=True)
    )


def wrong_choice(question_id: int) -> list[int]:
    return [Choice.objects.filter(question_id=question_id, correct=False).first().pk]


@pytest.fixture
def welding(in_acme):
    """焊接作业安全 with one lesson; categories QZ-WELD (10 questions) and QZ-FIRE (6)
    (codes no industry template uses)."""
    course = add_course(code="QZ-WELD-C", title="焊接作业安全", title_en="Welding safety")
    lesson = add_lesson(course, title="动火作业", title_en="Hot work")
    weld = make_category("QZ-WELD", "焊接", singles=5, multiples=3, tfs=2)
    fire = make_category("QZ-FIRE", "消防", singles=4, tfs=2)
    return course, lesson, weld, fire


@pytest.fixture
def final_quiz(welding):
    """The course's final quiz: 5 questions, QZ-WELD ×3 and QZ-FIRE ×2, pass mark 80."""
    course, _lesson, weld, fire = welding
    quiz = Quiz.objects.create(course=course, question_count=5, title="焊接结业考试")
    QuizSource.objects.create(quiz=quiz, category=weld, weight=3)
    QuizSource.objects.create(quiz=quiz, category=fire, weight=2)
    return quiz


def answer_all(attempt, by, *, right: int) -> None:
    """Answer the first ``right`` questions correctly and the rest wrongly."""
    from safeloop.learning import quiz_services

    for n, item in enumerate(attempt.paper):
        pk = item["question"]
        chosen = right_choices(pk) if n < right else wrong_choice(pk)
        quiz_services.save_answer(attempt, pk, chosen, by=by)
