"""Keeping the question bank (题库) and setting up quizzes (learning.manage).

Questions are never deleted once written: retiring one stops it being drawn,
while the attempts that drew it keep showing it. XLSX import and export are in
``bank_xlsx.py`` and end here, so a row from a file obeys the same rules as a
question typed on the bank page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from safeloop.access import ensure_can
from safeloop.learning.models import (
    Choice,
    CoursePage,
    LessonPage,
    Question,
    QuestionCategory,
    QuestionKind,
    Quiz,
    QuizSource,
)
from safeloop.learning.permissions import LearningPerm
from safeloop.platform.errors import field_error
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.facilities.models import code_validator

MAX_CHOICES = 6  # 选项A…选项F


class BankErrorCode:
    INVALID = "invalid"
    REQUIRED = "required"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class ChoiceData:
    text: str
    correct: bool


def check_question(kind: str, text: str, choices: Sequence[ChoiceData]) -> list[str]:
    """What is wrong with a question, in words (empty: nothing). Shared by the
    form, the API and each XLSX row."""
    problems = []
    if kind not in QuestionKind.values:
        problems.append(_("the type must be single choice, multiple choice or true/false"))
    if not (text or "").strip():
        problems.append(_("the question text is empty"))
    if len(choices) < 2:
        problems.append(_("a question needs at least two options"))
    if len(choices) > MAX_CHOICES:
        problems.append(_("at most %(n)d options") % {"n": MAX_CHOICES})
    if any(len(c.text) > 500 for c in choices):
        problems.append(_("an option is longer than 500 characters"))
    right = sum(1 for c in choices if c.correct)
    if kind == QuestionKind.TRUE_FALSE and len(choices) != 2:
        problems.append(_("a true/false question has exactly two options (对/错)"))
    if kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE) and right != 1:
        problems.append(_("exactly one option must be correct"))
    if kind == QuestionKind.MULTIPLE and right < 1:
        problems.append(_("at least one option must be correct"))
    return problems


def _validated(kind: str, text: str, choices: Sequence[ChoiceData]) -> list[ChoiceData]:
    choices = [ChoiceData(c.text.strip(), bool(c.correct)) for c in choices if c.text.strip()]
    if problems := check_question(kind, text, choices):
        raise field_error("choices", "; ".join(problems), BankErrorCode.INVALID)
    return choices


# --- categories --------------------------------------------------------------------------


@transaction.atomic
def create_category(*, by, code: str, name: str, name_en: str = "") -> QuestionCategory:
    ensure_can(by, LearningPerm.LEARNING_MANAGE)
    code = (code or "").strip()
    try:
        code_validator(code)
    except ValidationError as exc:
        raise field_error("code", exc.messages[0], BankErrorCode.INVALID) from None
    if not (name or "").strip():
        raise field_error("name", _("This field is required."), BankErrorCode.REQUIRED)
    if QuestionCategory.objects.filter(code__iexact=code).exists():
        raise field_error(
            "code", _("A category with this code exists already."), BankErrorCode.DUPLICATE
        )
    category = QuestionCategory.objects.create(code=code, name=name.strip(), name_en=name_en)
    record_event(category, "learning.category_created", by=by, code=code, name=category.name)
    return category


@transaction.atomic
def update_category(category: QuestionCategory, *, by, name: str, name_en: str = ""):
    ensure_can(by, LearningPerm.LEARNING_MANAGE)
    if not (name or "").strip():
        raise field_error("name", _("This field is required."), BankErrorCode.REQUIRED)
    category.name, category.name_en = name.strip(), (name_en or "").strip()
    category.save(update_fields=["name", "name_en"])
    record_event(category, "learning.category_updated", by=by, name=category.name)
    return category


# --- questions ---------------------------------------------------------------------------


def _write_choices(question: Question, choices: Sequence[ChoiceData]) -> None:
    """Options by position: an edit keeps the ids of options that stay, so open
    attempts that drew the question still find them."""
    existing = list(question.choices.order_by("order", "id"))
    for order, data in enumerate(choices):
        if order < len(existing):
            row = existing[order]
            if (row.text, row.correct, row.order) != (data.text, data.correct, order):
                row.text, row.correct, row.order = data.text, data.correct, order
                row.save(update_fields=["text", "correct", "order"])
        else:
            Choice.objects.create(
                question=question, text=data.text, correct=data.correct, order=order
            )
    for row in existing[len(choices) :]:
        row.delete()


def add_question(
    *,
    category: QuestionCategory,
    kind: str,
    text: str,
    choices: Sequence[ChoiceData],
    explanation: str = "",
    picture=None,
) -> Question:
    """Insert a checked question (no permission check or audit: callers do both)."""
    choices = _validated(kind, text, choices)
    question = Question.objects.create(
        category=category,
        kind=kind,
        text=text.strip(),
        explanation=(explanation or "").strip(),
        picture=picture,
    )
    Choice.objects.bulk_create(
        Choice(question=question, text=c.text, correct=c.correct, order=i)
        for i, c in enumerate(choices)
    )
    return question


@transaction.atomic
def create_question(
    *,
    by,
    category: QuestionCategory,
    kind: str,
    text: str,
    choices: Sequence[ChoiceData],
    explanation: str = "",
    picture=None,
) -> Question:
    ensure_can(by, LearningPerm.LEARNING_MANAGE)
    question = add_question(
        category=category,
        kind=kind,
        text=text,
        choices=choices,
        explanation=explanation,
        picture=picture,
    )
    record_event(question, "learning.question_created", by=by, category=category.code)
    return question


@transaction.atomic
def update_question(
    question: Question,
    *,
    by,
    category: QuestionCategory,
    kind: str,
    text: str,
    choices: Sequence[ChoiceData],
    explanation: str = "",
    picture=None,
) -> Question:
    ensure_can(by, LearningPerm.LEARNING_MANAGE)
    choices = _validated(kind, text, choices)
    question = Question.objects.select_for_update().get(pk=question.pk)
    question.category, question.kind = category, kind
    question.text, question.explanation = text.strip(), (explanation or "").strip()
    question.picture = picture
    question.save()
    _write_choices(question, choices)
    record_event(question, "learning.question_updated", by=by, category=category.code)
    return question


@transaction.atomic
def retire_question(question: Question, *, by, active: bool = False) -> Question:
    """Stop drawing a question (``active=True`` brings it back)."""
    ensure_can(by, LearningPerm.LEARNING_MANAGE)
    question.active = active
    question.save(update_fields=["active", "updated_at"])
    verb = "learning.question_restored" if active else "learning.question_retired"
    record_event(question, verb, by=by)
    return question


# --- quizzes -----------------------------------------------------------------------------


@transaction.atomic
def configure_quiz(
    *,
    by,
    course: CoursePage,
    lesson: LessonPage | None = None,
    sources: Sequence[tuple[QuestionCategory, int]],
    question_count: int = 5,
    pass_mark: int = 80,
    time_limit_minutes: int | None = None,
    attempt_limit: int | None = None,
    shuffle_choices: bool = True,
    title: str = "",
) -> Quiz:
    """Create or change the quiz of a course (``lesson=None``: its final quiz) or of
    a lesson. Attempts already started keep their paper."""
    ensure_can(by, LearningPerm.LEARNING_MANAGE)
    if lesson is not None and lesson.get_parent().pk != course.pk:
        raise field_error("lesson", _("This lesson is not in that course."), BankErrorCode.INVALID)
    if not 1 <= question_count <= 200:
        raise field_error(
            "question_count", _("Between 1 and 200 questions."), BankErrorCode.INVALID
        )
    if not 1 <= pass_mark <= 100:
        raise field_error("pass_mark", _("A pass mark from 1 to 100."), BankErrorCode.INVALID)
    if time_limit_minutes is not None and time_limit_minutes < 1:
        raise field_error(
            "time_limit_minutes", _("At least one minute, or none."), BankErrorCode.INVALID
        )
    if attempt_limit is not None and attempt_limit < 1:
        raise field_error(
            "attempt_limit", _("At least one attempt, or no limit."), BankErrorCode.INVALID
        )
    weights = {}
    for category, weight in sources:
        if weight < 1:
            raise field_error("sources", _("Weights are whole numbers from 1."), "invalid")
        weights[category.pk] = (category, weight)
    if not weights:
        raise field_error(
            "sources", _("Pick at least one question category."), BankErrorCode.REQUIRED
        )
    quiz = Quiz.objects.select_for_update().filter(course=course, lesson=lesson).first()
    quiz = quiz or Quiz(course=course, lesson=lesson)
    quiz.title = title
    quiz.question_count = question_count
    quiz.pass_mark = pass_mark
    quiz.time_limit_minutes = time_limit_minutes
    quiz.attempt_limit = attempt_limit
    quiz.shuffle_choices = shuffle_choices
    quiz.save()
    QuizSource.objects.filter(quiz=quiz).exclude(category_id__in=weights).delete()
    for category, weight in weights.values():
        QuizSource.objects.update_or_create(
            quiz=quiz, category=category, defaults={"weight": weight}
        )
    record_event(
        quiz,
        "learning.quiz_configured",
        by=by,
        course=course.code,
        lesson=lesson.pk if lesson else None,
        question_count=question_count,
        pass_mark=pass_mark,
        sources={c.code: w for c, w in weights.values()},
    )
    return quiz


# --- XLSX (in bank_xlsx.py; named here too, where the contract between the parts says) ----


def import_questions(file, *, by):
    """All-or-nothing XLSX import: see ``bank_xlsx.import_questions``."""
    from safeloop.learning.bank_xlsx import import_questions as run

    return run(file, by=by)


def export_questions(*, by, include_retired: bool = False) -> bytes:
    """The bank as XLSX: see ``bank_xlsx.export_questions``."""
    from safeloop.learning.bank_xlsx import export_questions as run

    return run(by=by, include_retired=include_retired)
