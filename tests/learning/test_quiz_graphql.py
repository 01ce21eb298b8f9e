# ruff: noqa: F811  (the quiz fixtures are imported from tests/learning/_quiz_data.py)
"""Quizzes through GraphQL: Zhang San starts, answers and submits; the key stays
out of every answer before he submits; errors come back in the payload."""

from __future__ import annotations

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext
from strawberry import relay

from safeloop.learning import quiz_services
from safeloop.learning.models import Attempt
from tests.graphql.conftest import post, run
from tests.graphql.test_query_counts import PER_REQUEST
from tests.learning._quiz_data import (  # noqa: F401  (fixtures)
    answer_all,
    final_quiz,
    right_choices,
    welding,
    wrong_choice,
)

START = """
mutation($quiz: ID!) {
  startQuiz(input: {quiz: $quiz}) {
    attempt { id number deadline submittedAt score
      questions { id number kind text choices { id letter text } chosen } }
    errors { field code message }
  }
}
"""
ANSWER = """
mutation($attempt: ID!, $question: Int!, $choices: [Int!]!) {
  answerQuestion(input: {attempt: $attempt, questionId: $question, choiceIds: $choices}) {
    attempt { id questions { id chosen } }
    errors { field code message }
  }
}
"""
SUBMIT = """
mutation($attempt: ID!) {
  submitAttempt(input: {attempt: $attempt}) {
    attempt { id score passed submittedAt
      review { question { id number } correct isRight explanation } }
    errors { field code message }
  }
}
"""
ATTEMPT = """
query($id: ID!) {
  attempt(id: $id) { id score passed review { isRight explanation } questions { id } }
}
"""
MY_ATTEMPTS = """
query { myAttempts { id number score passed startedAt submittedAt quiz { id passMark } } }
"""


def _gid(type_name: str, pk: int) -> str:
    return str(relay.GlobalID(type_name, f"{connection.schema_name}.{pk}"))


def test_start_answer_and_submit_through_the_api(as_zhang, final_quiz):
    started = run(as_zhang, START, {"quiz": _gid("Quiz", final_quiz.pk)})["startQuiz"]
    attempt = started["attempt"]
    assert started["errors"] == [] and len(attempt["questions"]) == 5
    for n, question in enumerate(attempt["questions"]):
        chosen = right_choices(question["id"]) if n < 4 else wrong_choice(question["id"])
        answered = run(
            as_zhang,
            ANSWER,
            {"attempt": attempt["id"], "question": question["id"], "choices": chosen},
        )["answerQuestion"]
        assert answered["errors"] == []

    submitted = run(as_zhang, SUBMIT, {"attempt": attempt["id"]})["submitAttempt"]

    assert submitted["errors"] == []
    assert (submitted["attempt"]["score"], submitted["attempt"]["passed"]) == (80, True)
    review = submitted["attempt"]["review"]
    assert [item["isRight"] for item in review] == [True, True, True, True, False]
    assert review[4]["explanation"].endswith("的解析")


def test_no_answer_key_reaches_the_api_before_submission(as_zhang, final_quiz, zhang):
    started = run(as_zhang, START, {"quiz": _gid("Quiz", final_quiz.pk)})["startQuiz"]
    read = run(as_zhang, ATTEMPT, {"id": started["attempt"]["id"]})["attempt"]

    body = json.dumps([started, read], ensure_ascii=False)
    assert read["review"] is None
    assert "的解析" not in body and "correct" not in body.lower()
    # The managers' bank query is closed to him.
    bank = run(as_zhang, "query { questions { id choices { correct } } }")
    assert bank["questions"] == []


def test_submitting_twice_comes_back_as_an_error_in_the_payload(as_zhang, final_quiz, zhang):
    attempt = quiz_services.start_or_resume(final_quiz, by=zhang)
    quiz_services.submit(attempt, by=zhang)

    again = run(as_zhang, SUBMIT, {"attempt": _gid("QuizAttempt", attempt.pk)})["submitAttempt"]

    assert again["attempt"] is None
    assert [e["code"] for e in again["errors"]] == ["already_submitted"]


def test_a_bad_answer_comes_back_as_an_error(as_zhang, final_quiz, zhang):
    attempt = quiz_services.start_or_resume(final_quiz, by=zhang)
    question = attempt.paper[0]["question"]
    bad = run(
        as_zhang,
        ANSWER,
        {"attempt": _gid("QuizAttempt", attempt.pk), "question": question, "choices": [0]},
    )["answerQuestion"]
    assert [e["code"] for e in bad["errors"]] == ["invalid"]
    assert Attempt.objects.get(pk=attempt.pk).answers == {}


def test_another_persons_attempt_is_not_found_and_cannot_be_submitted(as_ma, final_quiz, zhang):
    attempt = quiz_services.start_or_resume(final_quiz, by=zhang)
    gid = _gid("QuizAttempt", attempt.pk)

    assert run(as_ma, ATTEMPT, {"id": gid})["attempt"] is None
    refused = run(as_ma, SUBMIT, {"attempt": gid})["submitAttempt"]

    assert [e["code"] for e in refused["errors"]] == ["not_found"]
    assert Attempt.objects.get(pk=attempt.pk).submitted_at is None


def test_the_team_leader_reads_his_workshops_attempts(as_li, final_quiz, zhang):
    attempt = quiz_services.start_or_resume(final_quiz, by=zhang)
    quiz_services.submit(attempt, by=zhang)
    read = run(as_li, ATTEMPT, {"id": _gid("QuizAttempt", attempt.pk)})["attempt"]
    assert read["score"] == 0 and len(read["review"]) == 5


def test_another_enterprises_ids_do_not_resolve(as_chen, final_quiz, zhang, globex):
    attempt = quiz_services.start_or_resume(final_quiz, by=zhang)
    started = run(as_chen, START, {"quiz": _gid("Quiz", final_quiz.pk)})["startQuiz"]
    read = post(as_chen, ATTEMPT, {"id": _gid("QuizAttempt", attempt.pk)}).json()

    assert [e["code"] for e in started["errors"]] == ["not_found"]
    assert read["data"]["attempt"] is None


def test_my_attempts_loads_in_a_fixed_number_of_queries(as_zhang, final_quiz, zhang):
    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            rows = run(as_zhang, MY_ATTEMPTS)["myAttempts"]
        return len(rows), len(
            [q for q in queries.captured_queries if not q["sql"].startswith("SET ")]
        )

    run(as_zhang, MY_ATTEMPTS)  # the host is routed once per test: count the requests after
    quiz_services.submit(quiz_services.start_or_resume(final_quiz, by=zhang), by=zhang)
    one = count()
    for _n in range(4):
        quiz_services.submit(quiz_services.start_or_resume(final_quiz, by=zhang), by=zhang)
    five = count()

    # the user with the person (routing was cached), attempts (visibility through the
    # person), quizzes
    assert one == (1, PER_REQUEST - 1 + 2)
    assert five == (5, PER_REQUEST - 1 + 2)
