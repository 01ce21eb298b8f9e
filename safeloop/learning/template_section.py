"""The ``[learning]`` section of industry templates: a new enterprise opens with
starter courses (课程) and their lessons as Wagtail pages, a question bank (题库),
a quiz after chosen lessons and a final quiz per course, and course packs (课程包)
for the template's job roles.

Data shape (``safeloop/platform/industry/data/*.toml``; the format is in
``/work/wt/briefs/content_format.md`` and the template files themselves)::

    [learning]                    lesson_quiz_questions, final_quiz_questions, pass_mark
    [[learning.categories]]       code, name, name_en
    [[learning.categories.questions]]
                                  kind (single | multiple | true_false), text, choices,
                                  answer ("B", "ACD", or true/false), explanation
    [[learning.courses]]          code, title, title_en, summary, summary_en, hours,
                                  renewal_months, categories (codes its quizzes draw from)
    [[learning.courses.lessons]]  title, title_en, minutes, quiz (bool), body (markup:
                                  ``safeloop/learning/lesson_markup.py``)
    [[learning.packs]]            code, name, name_en, job_roles (codes of [facilities]),
                                  courses (codes), due_days, renewal_months (optional)

Templates run at provisioning, inside the signup's transaction and before anybody
exists, so there is no permission check or audit event. Everything is checked
first, with the bank's own rules (``check_question``), and a bad value raises
``TemplateError`` naming the category, course, lesson or pack and the question or
line before a row is written. Then a fixed number of bulk inserts, whatever the
size of the section: the pages through ``catalogue.publish_courses``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from wagtail.models import Page

from safeloop.learning.assignment_services import (
    MAX_DUE_DAYS,
    MAX_RENEWAL_MONTHS,
    sync_assignments,
)
from safeloop.learning.bank_services import ChoiceData, check_question
from safeloop.learning.catalogue import (
    CourseSpec,
    LessonSpec,
    course_index,
    course_slug,
    publish_courses,
)
from safeloop.learning.lesson_markup import MarkupError, lesson_blocks
from safeloop.learning.models import (
    Choice,
    CourseIndexPage,
    CoursePack,
    CoursePackCourse,
    CoursePage,
    Question,
    QuestionCategory,
    QuestionKind,
    Quiz,
    QuizSource,
)
from safeloop.platform.industry import TemplateError, section
from safeloop.tenants.facilities.models import JobRole, code_validator

LETTERS = "ABCDEF"
TRUE_FALSE = ("对", "错")  # as the bank's XLSX import writes them
TITLE_MAX = 255
NAME_MAX = 120


def _fail(where: str, detail: Any) -> TemplateError:
    if isinstance(detail, ValidationError):
        detail = "; ".join(detail.messages)
    return TemplateError(f"learning: {where}: {detail}")


def _text(row: dict, key: str, where: str, *, required: bool = True, limit: int = 0) -> str:
    value = row.get(key, "")
    if not isinstance(value, str):
        raise _fail(where, f"{key} must be text, not {value!r}")
    value = value.strip()
    if required and not value:
        raise _fail(where, f"{key} is missing")
    if limit and len(value) > limit:
        raise _fail(where, f"{key} is longer than {limit} characters")
    return value


def _whole(value: Any, where: str, key: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _fail(where, f"{key} must be a whole number from {low} to {high}, not {value!r}")
    return value


def _code(value: Any, where: str) -> str:
    code = value.strip() if isinstance(value, str) else ""
    try:
        code_validator(code)
    except ValidationError as exc:
        raise _fail(where, f"code {value!r}: {'; '.join(exc.messages)}") from None
    return code


def _list(row: dict, key: str, where: str) -> list:
    value = row.get(key, [])
    if not isinstance(value, list):
        raise _fail(where, f"{key} must be a list, not {value!r}")
    return value


def _unique(codes: list[str], taken: set[str], what: str) -> None:
    seen: set[str] = set()
    for code in codes:
        if code.upper() in seen:
            raise _fail(f"{what} {code}", "code used twice in the template")
        if code.upper() in taken:
            raise _fail(f"{what} {code}", "the enterprise has one with this code already")
        seen.add(code.upper())


# --- checking ----------------------------------------------------------------------


@dataclass
class _Question:
    kind: str
    text: str
    choices: list[ChoiceData]
    explanation: str


@dataclass
class _Category:
    category: QuestionCategory
    questions: list[_Question]


@dataclass
class _Course:
    spec: CourseSpec
    categories: list[str]
    quiz_lessons: list[int]  # positions (from 0) of the lessons with a quiz


@dataclass
class _Pack:
    pack: CoursePack
    roles: list[int]
    courses: list[str]


@dataclass
class _Plan:
    lesson_questions: int
    final_questions: int
    pass_mark: int
    categories: list[_Category] = field(default_factory=list)
    courses: list[_Course] = field(default_factory=list)
    packs: list[_Pack] = field(default_factory=list)


def _question(row: dict, where: str) -> _Question:
    kind = row.get("kind")
    text = _text(row, "text", where)
    answer = row.get("answer")
    if kind == QuestionKind.TRUE_FALSE:
        if row.get("choices"):
            raise _fail(where, "a true_false question has no choices (they are 对/错)")
        if not isinstance(answer, bool):
            raise _fail(where, f"answer {answer!r}: a true_false answer is true or false")
        choices = [ChoiceData(TRUE_FALSE[0], answer), ChoiceData(TRUE_FALSE[1], not answer)]
    elif kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        texts = _list(row, "choices", where)
        if not all(isinstance(t, str) and t.strip() for t in texts):
            raise _fail(where, "every choice must be non-empty text")
        texts = [t.strip() for t in texts]
        if len(set(texts)) != len(texts):
            raise _fail(where, "two choices are the same")
        letters = LETTERS[: len(texts)]
        if not isinstance(answer, str) or not answer.strip():
            raise _fail(where, f"answer {answer!r}: give the letter(s) of the right choice(s)")
        picked = answer.strip().upper()
        wrong = [a for a in picked if a not in letters]
        if wrong or len(set(picked)) != len(picked):
            raise _fail(
                where,
                f"answer {answer!r}: letters must be distinct and among "
                f"{letters[0]}–{letters[-1] if letters else '?'}",
            )
        if kind == QuestionKind.SINGLE and len(picked) != 1:
            raise _fail(where, f"answer {answer!r}: a single-choice question has one right choice")
        if kind == QuestionKind.MULTIPLE and len(picked) < 2:
            raise _fail(where, f"answer {answer!r}: a multiple-choice question has ≥ 2 right ones")
        choices = [ChoiceData(t, letters[i] in picked) for i, t in enumerate(texts)]
    else:
        raise _fail(where, f"kind {kind!r}: use single, multiple or true_false")
    if problems := check_question(kind, text, choices):
        raise _fail(where, "; ".join(problems))
    explanation = _text(row, "explanation", where, required=False)
    return _Question(kind, text, choices, explanation)


def _categories(rows: list, taken: set[str]) -> list[_Category]:
    planned = []
    for n, row in enumerate(rows, start=1):
        code = _code(row.get("code"), f"category {n}")
        where = f"category {code}"
        category = QuestionCategory(
            code=code,
            name=_text(row, "name", where, limit=NAME_MAX),
            name_en=_text(row, "name_en", where, required=False, limit=NAME_MAX),
        )
        questions = [
            _question(q, f"{where} question {i}")
            for i, q in enumerate(_list(row, "questions", where), start=1)
        ]
        planned.append(_Category(category, questions))
    _unique([c.category.code for c in planned], taken, "category")
    return planned


def _hours(value: Any, where: str) -> Decimal:
    try:
        hours = Decimal(str(value))
    except InvalidOperation:
        hours = Decimal(-1)
    if isinstance(value, bool) or not (0 < hours <= 999) or hours != hours.quantize(Decimal("0.1")):
        raise _fail(where, f"hours {value!r}: class hours from 0.1 to 999, one decimal at most")
    return hours


def _lesson(row: dict, where: str) -> tuple[LessonSpec, bool]:
    quiz = row.get("quiz", False)
    if not isinstance(quiz, bool):
        raise _fail(where, f"quiz must be true or false, not {quiz!r}")
    try:
        blocks = lesson_blocks(_text(row, "body", where))
    except MarkupError as exc:
        raise _fail(where, exc) from None
    spec = LessonSpec(
        title=_text(row, "title", where, limit=TITLE_MAX),
        title_en=_text(row, "title_en", where, required=False, limit=TITLE_MAX),
        minutes=_whole(row.get("minutes", 10), where, "minutes", 1, 600),
        body=blocks,
    )
    return spec, quiz


def _course(row: dict, n: int, bank: dict[str, int], plan: _Plan) -> _Course:
    code = _code(row.get("code"), f"course {n}")
    where = f"course {code}"
    categories = _list(row, "categories", where)
    if not categories:
        raise _fail(where, "categories is empty: its quizzes need questions to draw")
    for category in categories:
        if category not in bank:
            raise _fail(where, f"unknown category {category!r}")
    lessons, quiz_lessons = [], []
    for i, lesson_row in enumerate(_list(row, "lessons", where), start=1):
        lesson, quiz = _lesson(lesson_row, f"{where} lesson {i}")
        lessons.append(lesson)
        if quiz:
            quiz_lessons.append(i - 1)
    if not lessons:
        raise _fail(where, "a course needs at least one lesson")
    have = sum(bank[c] for c in set(categories))
    need = max([plan.final_questions] + [plan.lesson_questions] * bool(quiz_lessons))
    if have < need:
        raise _fail(where, f"its categories hold {have} questions; its quizzes draw {need}")
    spec = CourseSpec(
        code=code,
        title=_text(row, "title", where, limit=TITLE_MAX),
        title_en=_text(row, "title_en", where, required=False, limit=TITLE_MAX),
        summary=_text(row, "summary", where, required=False),
        summary_en=_text(row, "summary_en", where, required=False),
        hours=_hours(row.get("hours", 1), where),
        renewal_months=_whole(
            row.get("renewal_months", 12), where, "renewal_months", 0, MAX_RENEWAL_MONTHS
        ),
        lessons=lessons,
    )
    return _Course(spec, list(dict.fromkeys(categories)), quiz_lessons)


def _pack(row: dict, n: int, roles: dict[str, int], courses: set[str]) -> _Pack:
    code = _code(row.get("code"), f"pack {n}")
    where = f"pack {code}"
    role_codes = _list(row, "job_roles", where)
    for role in role_codes:
        if role not in roles:
            raise _fail(where, f"unknown job role {role!r}")
    course_codes = _list(row, "courses", where)
    if not course_codes:
        raise _fail(where, "courses is empty")
    for course in course_codes:
        if course not in courses:
            raise _fail(where, f"unknown course {course!r}")
    renewal = row.get("renewal_months")
    pack = CoursePack(
        code=code.upper(),
        name=_text(row, "name", where, limit=NAME_MAX),
        name_en=_text(row, "name_en", where, required=False, limit=NAME_MAX),
        due_days=_whole(row.get("due_days", 30), where, "due_days", 1, MAX_DUE_DAYS),
        renewal_months=None
        if renewal is None
        else _whole(renewal, where, "renewal_months", 0, MAX_RENEWAL_MONTHS),
    )
    return _Pack(
        pack,
        [roles[r] for r in dict.fromkeys(role_codes)],
        list(dict.fromkeys(course_codes)),
    )


def plan_learning(data: dict[str, Any]) -> _Plan:
    """Check the whole section against itself and the enterprise; write nothing."""
    if not isinstance(data, dict):
        raise _fail("section", "[learning] must be a table")
    plan = _Plan(
        lesson_questions=_whole(
            data.get("lesson_quiz_questions", 5), "settings", "lesson_quiz_questions", 1, 200
        ),
        final_questions=_whole(
            data.get("final_quiz_questions", 10), "settings", "final_quiz_questions", 1, 200
        ),
        pass_mark=_whole(data.get("pass_mark", 80), "settings", "pass_mark", 1, 100),
    )
    taken = {c.upper() for c in QuestionCategory.objects.values_list("code", flat=True)}
    plan.categories = _categories(_list(data, "categories", "section"), taken)
    bank = {c.category.code: len(c.questions) for c in plan.categories}
    existing = Question.objects.filter(active=True).values_list("category__code")
    bank |= {code: n for code, n in existing.annotate(n=Count("pk")) if code not in bank}
    plan.courses = [
        _course(row, n, bank, plan)
        for n, row in enumerate(_list(data, "courses", "section"), start=1)
    ]
    taken = {c.upper() for c in CoursePage.objects.values_list("code", flat=True)}
    _unique([c.spec.code for c in plan.courses], taken, "course")
    index = CourseIndexPage.objects.first()
    slugs = set(Page.objects.child_of(index).values_list("slug", flat=True)) if index else set()
    for course in plan.courses:
        if course_slug(course.spec.code) in slugs:
            raise _fail(f"course {course.spec.code}", "its URL slug is taken by another page")
    roles = dict(JobRole.objects.values_list("code", "pk"))
    courses = {c.spec.code for c in plan.courses}
    courses |= set(CoursePage.objects.values_list("code", flat=True))
    plan.packs = [
        _pack(row, n, roles, courses) for n, row in enumerate(_list(data, "packs", "section"), 1)
    ]
    taken = {c.upper() for c in CoursePack.objects.values_list("code", flat=True)}
    _unique([p.pack.code for p in plan.packs], taken, "pack")
    return plan


# --- writing -----------------------------------------------------------------------


def _write(plan: _Plan) -> None:
    categories = QuestionCategory.objects.bulk_create([c.category for c in plan.categories])
    by_code = {c.code: c for c in categories}
    by_code |= {
        c.code: c
        for c in QuestionCategory.objects.filter(
            code__in={code for course in plan.courses for code in course.categories}
        ).exclude(pk__in=[c.pk for c in categories])
    }
    questions = [
        (Question(category=c.category, kind=q.kind, text=q.text, explanation=q.explanation), q)
        for c in plan.categories
        for q in c.questions
    ]
    Question.objects.bulk_create([row for row, _q in questions])
    Choice.objects.bulk_create(
        Choice(question=row, text=choice.text, correct=choice.correct, order=i)
        for row, q in questions
        for i, choice in enumerate(q.choices)
    )

    tree = publish_courses([c.spec for c in plan.courses], index=course_index())
    quizzes = []
    for course_plan, (course, lessons) in zip(plan.courses, tree, strict=True):
        sources = [by_code[code] for code in course_plan.categories]
        for position in course_plan.quiz_lessons:
            quiz = Quiz(
                course=course,
                lesson=lessons[position],
                question_count=plan.lesson_questions,
                pass_mark=plan.pass_mark,
            )
            quizzes.append((quiz, sources))
        final = Quiz(course=course, question_count=plan.final_questions, pass_mark=plan.pass_mark)
        quizzes.append((final, sources))
    Quiz.objects.bulk_create([quiz for quiz, _sources in quizzes])
    QuizSource.objects.bulk_create(
        QuizSource(quiz=quiz, category=category)
        for quiz, sources in quizzes
        for category in sources
    )

    courses = {course.code: course for course, _lessons in tree}
    missing = {code for p in plan.packs for code in p.courses} - set(courses)
    courses |= {c.code: c for c in CoursePage.objects.filter(code__in=missing)}
    CoursePack.objects.bulk_create([p.pack for p in plan.packs])
    CoursePackCourse.objects.bulk_create(
        CoursePackCourse(pack=p.pack, course=courses[code], order=i)
        for p in plan.packs
        for i, code in enumerate(p.courses)
    )
    role_link = CoursePack.job_roles.through
    role_link.objects.bulk_create(
        role_link(coursepack=p.pack, jobrole_id=role) for p in plan.packs for role in p.roles
    )


@section("learning", order=60)
def apply_learning(enterprise: Any, data: dict[str, Any]) -> None:
    plan = plan_learning(data)
    with transaction.atomic():
        _write(plan)
        if plan.packs:
            # Nobody is on the roll at signup; an enterprise that has people (a
            # template applied later, a test) gives them their packs' courses now.
            sync_assignments()
