# ruff: noqa: F811  (the quiz fixtures are imported from tests/learning/_quiz_data.py)
"""The question bank and quiz set-up: pages and API (learning.manage). Wang Wei is
the admin; Zhang San, an operator, may not keep the bank."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tenants.utils import schema_context
from openpyxl import load_workbook
from strawberry import relay

from safeloop.learning.models import Question, Quiz
from safeloop.tenants.audit.models import AuditEvent
from tests.graphql.conftest import run
from tests.graphql.test_query_counts import PER_REQUEST
from tests.learning._quiz_data import make_category, welding  # noqa: F401  (a fixture)
from tests.learning.test_bank_xlsx import GOOD_ROWS, xlsx


def _gid(type_name: str, pk: int) -> str:
    return str(relay.GlobalID(type_name, f"{connection.schema_name}.{pk}"))


def test_the_bank_lists_and_filters_questions(as_wang, welding):
    page = as_wang.get(reverse("learning:bank"), {"category": welding[3].pk, "kind": "single"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "消防单选题1" in html and "消防判断题1" not in html and "焊接单选题1" not in html


def test_an_operator_may_not_open_the_bank_or_the_quizzes(as_zhang, welding):
    for name in ("bank", "quizzes", "bank_export", "bank_template", "bank_question_add"):
        assert as_zhang.get(reverse(f"learning:{name}")).status_code == 403


def test_adding_a_question_on_the_page(as_wang, welding):
    response = as_wang.post(
        reverse("learning:bank_question_add"),
        {
            "category": welding[2].pk,
            "kind": "multiple",
            "text": "动火作业前应当：",
            "option_A": "办理动火证",
            "correct_A": "on",
            "option_B": "清理易燃物",
            "correct_B": "on",
            "option_C": "直接开焊",
            "explanation": "先审批、后清理、再动火。",
        },
    )
    question = Question.objects.get(text="动火作业前应当：")
    assert response.status_code == 302
    assert [(c.text, c.correct) for c in question.choices.all()] == [
        ("办理动火证", True),
        ("清理易燃物", True),
        ("直接开焊", False),
    ]
    assert AuditEvent.objects.filter(verb="learning.question_created").exists()


def test_a_single_choice_question_with_two_right_options_is_refused(as_wang, welding):
    response = as_wang.post(
        reverse("learning:bank_question_add"),
        {
            "category": welding[2].pk,
            "kind": "single",
            "text": "错误的单选",
            "option_A": "甲",
            "correct_A": "on",
            "option_B": "乙",
            "correct_B": "on",
        },
    )
    assert response.status_code == 200 and "必须且只能有一个正确选项" in response.content.decode()
    assert not Question.objects.filter(text="错误的单选").exists()


def test_retiring_a_question_stops_it_being_listed_as_in_use(as_wang, welding):
    question = Question.objects.filter(category=welding[2]).first()
    as_wang.post(reverse("learning:bank_question_retire", args=[question.pk]))
    question.refresh_from_db()
    assert question.active is False
    assert question.text not in as_wang.get(reverse("learning:bank")).content.decode()


def test_an_import_with_a_bad_row_names_it_on_the_page_and_imports_nothing(as_wang):
    rows = [*GOOD_ROWS, ["QZ-ELEC", "单选", "没有答案", "甲", "乙", "", "", "", ""]]
    response = as_wang.post(reverse("learning:bank_import"), {"file": xlsx(rows)})
    html = response.content.decode()
    assert response.status_code == 400
    assert "第 5 行" in html and "答案为空" in html
    assert not Question.objects.filter(text__in=[row[2] for row in rows]).exists()


def test_import_and_export_on_the_page(as_wang):
    imported = as_wang.post(reverse("learning:bank_import"), {"file": xlsx(GOOD_ROWS)})
    exported = as_wang.get(reverse("learning:bank_export"))

    texts = [row[2] for row in GOOD_ROWS]
    assert imported.status_code == 302
    assert Question.objects.filter(text__in=texts).count() == 3
    sheet = load_workbook(io.BytesIO(exported.content)).worksheets[0]
    exported_texts = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert set(texts) <= set(exported_texts)
    assert len(exported_texts) == Question.objects.filter(active=True).count()
    assert exported["Content-Disposition"].startswith("attachment")


def test_a_file_that_is_not_a_workbook_is_refused_on_the_page(as_wang):
    response = as_wang.post(
        reverse("learning:bank_import"), {"file": SimpleUploadedFile("bank.xlsx", b"not a zip")}
    )
    assert response.status_code == 400 and "xlsx" in response.content.decode()


def test_setting_up_a_courses_final_quiz_on_the_page(as_wang, welding):
    course, _lesson, weld, fire = welding
    listing = as_wang.get(reverse("learning:quizzes"))
    response = as_wang.post(
        reverse("learning:quiz_edit", args=[course.pk]),
        {
            "question_count": 10,
            "pass_mark": 80,
            "time_limit_minutes": 20,
            "shuffle_choices": "on",
            f"weight_{weld.pk}": 3,
            f"weight_{fire.pk}": 1,
        },
    )
    quiz = Quiz.objects.get(course=course, lesson=None)
    assert listing.status_code == 200 and course.title in listing.content.decode()
    assert response.status_code == 302
    assert (quiz.question_count, quiz.time_limit_minutes, quiz.attempt_limit) == (10, 20, None)
    assert {s.category.code: s.weight for s in quiz.sources.all()} == {"QZ-WELD": 3, "QZ-FIRE": 1}


def test_a_quiz_without_categories_is_refused(as_wang, welding):
    response = as_wang.post(
        reverse("learning:quiz_edit", args=[welding[0].pk]),
        {"question_count": 5, "pass_mark": 80},
    )
    assert response.status_code == 200 and "请至少选择一个题目分类" in response.content.decode()
    assert not Quiz.objects.filter(course=welding[0]).exists()


CREATE_QUESTION = """
mutation($input: QuestionInput!) {
  createQuestion(input: $input) {
    question { id kind text choices { text correct } category { code } }
    errors { field code message }
  }
}
"""
CONFIGURE = """
mutation($input: ConfigureQuizInput!) {
  configureQuiz(input: $input) { quiz { id questionCount passMark } errors { field code } }
}
"""
QUESTIONS = """
query($category: ID) {
  questions(category: $category) { id text category { code } choices { text correct } }
}
"""


def test_the_bank_through_the_api(as_wang, welding):
    course, _lesson, weld, _fire = welding
    created = run(
        as_wang,
        CREATE_QUESTION,
        {
            "input": {
                "category": _gid("QuestionCategory", weld.pk),
                "kind": "TRUE_FALSE",
                "text": "焊机外壳必须接地。",
                "choices": [{"text": "对", "correct": True}, {"text": "错"}],
            }
        },
    )["createQuestion"]
    configured = run(
        as_wang,
        CONFIGURE,
        {
            "input": {
                "courseId": course.pk,
                "sources": [{"category": _gid("QuestionCategory", weld.pk), "weight": 1}],
                "questionCount": 8,
            }
        },
    )["configureQuiz"]

    assert created["errors"] == [] and created["question"]["category"]["code"] == "QZ-WELD"
    assert configured["errors"] == [] and configured["quiz"]["questionCount"] == 8


def test_an_operator_cannot_change_the_bank_through_the_api(as_zhang, welding):
    refused = run(
        as_zhang,
        CREATE_QUESTION,
        {
            "input": {
                "category": _gid("QuestionCategory", welding[2].pk),
                "kind": "SINGLE",
                "text": "偷偷加的题",
                "choices": [{"text": "甲", "correct": True}, {"text": "乙"}],
            }
        },
    )["createQuestion"]
    assert [e["code"] for e in refused["errors"]] == ["not_found"]  # the category is hidden
    assert not Question.objects.filter(text="偷偷加的题").exists()


def test_the_question_list_loads_in_a_fixed_number_of_queries(as_wang, in_acme):
    def count(category) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            rows = run(as_wang, QUESTIONS, {"category": _gid("QuestionCategory", category.pk)})
        return len(rows["questions"]), len(
            [q for q in queries.captured_queries if not q["sql"].startswith("SET ")]
        )

    small = make_category("QZ-SMALL", "少", singles=1)
    large = make_category("QZ-LARGE", "多", singles=10, multiples=5)
    run(as_wang, QUESTIONS)  # the host is routed once per test: count the requests after

    # the user with the person, questions, their categories, their choices
    assert count(small) == (1, PER_REQUEST - 1 + 3)
    assert count(large) == (15, PER_REQUEST - 1 + 3)


def test_another_enterprises_question_and_course_ids_do_not_resolve(as_chen, welding, globex):
    question = Question.objects.filter(category=welding[2]).first()
    course = welding[0]

    edit = as_chen.get(reverse("learning:bank_question_edit", args=[question.pk]))
    retire = as_chen.post(reverse("learning:bank_question_retire", args=[question.pk]))
    quiz = as_chen.get(reverse("learning:quiz_edit", args=[course.pk]))
    listed = run(as_chen, QUESTIONS, {"category": _gid("QuestionCategory", welding[2].pk)})

    # Globex may hold rows with the same numbers (its own template's): never Acme's.
    assert question.text not in edit.content.decode()
    assert course.title not in quiz.content.decode()
    assert retire.status_code in (302, 404)
    assert listed["questions"] == []
    with schema_context("acme"):  # the requests left the connection in Globex's schema
        question.refresh_from_db()
    assert question.active is True
