# ruff: noqa: F811  (the quiz fixtures are imported from tests/learning/_quiz_data.py)
"""The quiz engine: Zhang San (an operator of W1) takes the welding course's final
quiz; Li Na (his team leader) and Sun Hao (safety officer) may read his attempts."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safeloop.learning import quiz_services
from safeloop.learning.models import Attempt, Question, QuizSource
from safeloop.learning.quiz_services import allocate, percent
from safeloop.learning.signals import course_passed
from safeloop.tenants.audit.models import AuditEvent
from tests.learning._quiz_data import (  # noqa: F401  (fixtures)
    answer_all,
    final_quiz,
    right_choices,
    welding,
    wrong_choice,
)


@pytest.fixture
def passes():
    """The attempts course_passed was sent for."""
    seen = []

    def receiver(sender, attempt, **kwargs):
        seen.append(attempt.pk)

    course_passed.connect(receiver)
    yield seen
    course_passed.disconnect(receiver)


def test_the_paper_stays_the_same_when_the_attempt_is_resumed(final_quiz, zhang):
    attempt = quiz_services.start_or_resume(final_quiz, by=zhang)
    pk = attempt.paper[0]["question"]
    quiz_services.save_answer(attempt, pk, wrong_choice(pk), by=zhang)

    again = quiz_services.start_or_resume(final_quiz, by=zhang)

    assert again.pk == attempt.pk
    assert again.paper == attempt.paper
    assert again.answers == {str(pk): wrong_choice(pk)}
    assert len({item["question"] for item in attempt.paper}) == 5


def test_a_retake_draws_a_fresh_paper_with_the_next_number(final_quiz, zhang):
    papers = []
    for _n in range(4):
        attempt = quiz_services.start_or_resume(final_quiz, by=zhang)
        quiz_services.submit(attempt, by=zhang)
        papers.append(attempt.paper)

    assert list(Attempt.objects.filter(person=zhang.person).values_list("number", flat=True)) == [
        4,
        3,
        2,
        1,
    ]
    # 5 of 10 WELD/FIRE questions in a random order: four identical papers would be a broken draw.
    assert len({str(p) for p in papers}) > 1


def test_the_draw_follows_the_weights_and_only_draws_active_questions(final_quiz, zhang):
    retired = list(Question.objects.filter(category__code="QZ-WELD")[:5])
    Question.objects.filter(pk__in=[q.pk for q in retired]).update(active=False)

    attempt = quiz_services.start_or_resume(final_quiz, by=zhang)

    drawn = Question.objects.filter(pk__in=[i["question"] for i in attempt.paper])
    assert Counter(drawn.values_list("category__code", flat=True)) == {"QZ-WELD": 3, "QZ-FIRE": 2}
    assert not set(drawn) & set(retired)


def test_largest_remainder_splits_the_count_and_moves_a_shortfall_elsewhere():
    assert allocate(5, [1, 1, 1], [9, 9, 9]) == [2, 2, 1]
    assert allocate(10, [3, 1], [20, 20]) == [8, 2]  # 7.5 / 2.5: ties go to the first source
    assert allocate(5, [3, 2], [1, 10]) == [1, 4]
    assert sum(allocate(20, [1, 1], [3, 4])) == 7


def test_true_false_options_keep_their_order_and_others_are_shuffled(final_quiz, zhang):
    final_quiz.question_count = 16
    final_quiz.save()
    orders = set()
    for _n in range(3):
        attempt = quiz_services.start_or_resume(final_quiz, by=zhang)
        for item in attempt.paper:
            question = Question.objects.get(pk=item["question"])
            natural = list(question.choices.values_list("pk", flat=True))
            if question.kind == "true_false":
                assert item["choices"] == natural
            else:
                assert sorted(item["choices"]) == sorted(natural)
                orders.add(item["choices"] == natural)
        quiz_services.submit(attempt, by=zhang)
    assert False in orders


def test_a_bank_too_small_is_refused_with_a_clear_message(final_quiz, zhang):
    final_quiz.question_count = 17
    final_quiz.save()

    with pytest.raises(ValidationError) as refused:
        quiz_services.start_or_resume(final_quiz, by=zhang)

    assert refused.value.code == "bank_too_small"
    assert "17" in refused.value.messages[0] and "16" in refused.value.messages[0]
    assert not Attempt.objects.exists()


def test_the_attempt_limit_refuses_one_more(final_quiz, zhang):
    final_quiz.attempt_limit = 2
    final_quiz.save()
    for _n in range(2):
        quiz_services.submit(quiz_services.start_or_resume(final_quiz, by=zhang), by=zhang)

    with pytest.raises(ValidationError) as refused:
        quiz_services.start_or_resume(final_quiz, by=zhang)

    assert refused.value.code == "attempts_used"
    assert Attempt.objects.count() == 2


def test_grading_counts_a_question_right_only_when_the_chosen_set_is_the_correct_set(
    final_quiz, zhang
):
    final_quiz.question_count = 16
    final_quiz.save()
    attempt = quiz_services.start_or_resume(final_quiz, by=zhang)
    multiples = [
        i["question"]
        for i in attempt.paper
        if Question.objects.get(pk=i["question"]).kind == "multiple"
    ]
    answer_all(attempt, zhang, right=16)
    # One of two correct options of a multiple-choice question is not right.
    quiz_services.save_answer(attempt, multiples[0], right_choices(multiples[0])[:1], by=zhang)
    # A correct set plus a wrong option is not right either.
    quiz_services.save_answer(
        attempt, multiples[1], right_choices(multiples[1]) + wrong_choice(multiples[1]), by=zhang
    )

    attempt = quiz_services.submit(attempt, by=zhang)

    assert attempt.score == percent(14, 16) == 88  # 87.5 rounds up
    assert attempt.passed is True


def test_a_pass_of_the_final_quiz_tells_the_training_records_once(final_quiz, zhang, passes):
    attempt = quiz_services.start_or_resume(final_quiz, by=zhang)
    answer_all(attempt, zhang, right=4)

    attempt = quiz_services.submit(attempt, by=zhang)

    assert (attempt.score, attempt.passed) == (80, True)
    assert passes == [attempt.pk]
    assert AuditEvent.objects.filter(verb="quiz.submitted", object_id=str(attempt.pk)).exists()
    assert AuditEvent.objects.filter(verb="quiz.started", object_id=str(attempt.pk)).exists()


def test_a_fail_or_a_lesson_quiz_pass_does_not_complete_the_course(
    final_quiz, welding, zhang, passes
):
    attempt = quiz_services.start_or_resume(final_quiz, by=zhang)
    answer_all(attempt, zhang, right=3)
    assert quiz_services.submit(attempt, by=zhang).passed is False

    lesson_quiz = type(final_quiz).objects.create(
        course=welding[0], lesson=welding[1], question_count=2
    )
    QuizSource.objects.create(quiz=lesson_quiz, category=welding[2])
    attempt = quiz_services.start_or_resume(lesson_quiz, by=zhang)
    answer_all(attempt, zhang, right=2)
    assert quiz_services.submit(attempt, by=zhang).passed is True

    assert passes == []


def test_submitting_twice_is_refused_and_changes_nothing(final_quiz, zhang, passes):
    attempt = quiz_services.start_or_resume(final_quiz, by=zhang)
    answer_all(attempt, zhang, right=5)
    first = quiz_services.submit(attempt, by=zhang)

    with pytest.raises(ValidationError) as refused:
        quiz_services.submit(attempt, by=zhang)
    with pytest.raises(ValidationError):
        pk = attempt.paper[0]["question"]
        quiz_services.save_answer(attempt, pk, wrong_choice(pk), by=zhang)

    assert refused.value.code == "already_submitted"
    again = Attempt.objects.get(pk=attempt.pk)
    assert (again.score, again.submitted_at, again.answers) == (
        first.score,
        first.submitted_at,
        first.answers,
    )
    assert passes == [attempt.pk]
    assert AuditEvent.objects.filter(verb="quiz.submitted", object_id=str(attempt.pk)).count() == 1


def test_after_the_time_limit_answers_and_submit_are_refused_then_the_saved_answers_count(
    final_quiz, zhang
):
    final_quiz.time_limit_minutes = 10
    final_quiz.save()
    attempt = quiz_services.start_or_resume(final_quiz, by=zhang)
    answer_all(attempt, zhang, right=5)
    pk = attempt.paper[0]["question"]

    with time_machine.travel(attempt.deadline + timedelta(seconds=20)):
        quiz_services.save_answer(attempt, pk, right_choices(pk), by=zhang)  # within the grace
    with time_machine.travel(attempt.deadline + timedelta(minutes=1)):
        with pytest.raises(ValidationError) as late_answer:
            quiz_services.save_answer(attempt, pk, wrong_choice(pk), by=zhang)
        with pytest.raises(ValidationError) as late_submit:
            quiz_services.submit(attempt, by=zhang)
        untouched = Attempt.objects.get(pk=attempt.pk)
        assert (untouched.submitted_at, untouched.score) == (None, None)

        # Opening the quiz again closes the attempt with the answers it held, then retakes.
        fresh = quiz_services.start_or_resume(final_quiz, by=zhang)

    assert late_answer.value.code == late_submit.value.code == "time_up"
    closed = Attempt.objects.get(pk=attempt.pk)
    assert (closed.score, closed.passed, closed.submitted_at) == (100, True, attempt.deadline)
    assert fresh.pk != attempt.pk and fresh.number == 2


def test_another_persons_attempt_can_be_neither_answered_nor_submitted(final_quiz, zhang, li):
    attempt = quiz_services.start_or_resume(final_quiz, by=zhang)
    pk = attempt.paper[0]["question"]

    with pytest.raises(PermissionDenied):
        quiz_services.save_answer(attempt, pk, right_choices(pk), by=li)
    with pytest.raises(PermissionDenied):
        quiz_services.submit(attempt, by=li)

    again = Attempt.objects.get(pk=attempt.pk)
    assert (again.answers, again.submitted_at) == ({}, None)


def test_bad_answers_are_refused(final_quiz, welding, zhang):
    attempt = quiz_services.start_or_resume(final_quiz, by=zhang)
    items = {Question.objects.get(pk=i["question"]).kind: i for i in attempt.paper}
    single = next(i for k, i in items.items() if k != "multiple")
    off_paper = Question.objects.exclude(pk__in=[i["question"] for i in attempt.paper]).first()

    with pytest.raises(ValidationError, match="只能选一个"):
        quiz_services.save_answer(attempt, single["question"], single["choices"][:2], by=zhang)
    with pytest.raises(ValidationError, match="不在你的试卷上"):
        quiz_services.save_answer(attempt, off_paper.pk, [], by=zhang)
    with pytest.raises(ValidationError, match="不属于这道题"):
        quiz_services.save_answer(
            attempt, single["question"], [off_paper.choices.first().pk], by=zhang
        )
    assert Attempt.objects.get(pk=attempt.pk).answers == {}


def test_an_admin_account_without_a_person_cannot_start(final_quiz, in_acme):
    from django.contrib.auth import get_user_model

    robot = get_user_model().objects.create_superuser(
        "robot", email="robot@acme.test", password="x" * 12
    )
    with pytest.raises(PermissionDenied, match="在册员工"):
        quiz_services.start_or_resume(final_quiz, by=robot)


def test_the_review_shows_the_key_only_after_submission(final_quiz, zhang, li, sun, ma):
    attempt = quiz_services.start_or_resume(final_quiz, by=zhang)
    answer_all(attempt, zhang, right=3)
    with pytest.raises(ValidationError) as early:
        quiz_services.result_of(attempt, by=zhang)
    assert early.value.code == "not_submitted"

    quiz_services.submit(attempt, by=zhang)
    review = quiz_services.result_of(attempt, by=zhang)

    assert [item.is_right for item in review] == [True, True, True, False, False]
    wrong = review[3]
    assert wrong.explanation.endswith("的解析")
    assert set(wrong.correct) == set(right_choices(wrong.question.id))
    assert wrong.chosen_letters and wrong.chosen_letters != wrong.correct_letters
    # His team leader (workshop scope) and the safety officer may read it; a colleague may not.
    assert len(quiz_services.result_of(attempt, by=li)) == 5
    assert len(quiz_services.result_of(attempt, by=sun)) == 5
    with pytest.raises(PermissionDenied):
        quiz_services.result_of(attempt, by=ma)


def test_another_enterprise_does_not_see_the_attempt(final_quiz, zhang, globex):
    from django_tenants.utils import tenant_context

    attempt = quiz_services.start_or_resume(final_quiz, by=zhang)
    with tenant_context(globex):
        assert not Attempt.objects.filter(pk=attempt.pk).exists()


def test_started_at_is_now_and_the_deadline_follows_the_limit(final_quiz, zhang):
    final_quiz.time_limit_minutes = 15
    final_quiz.save()
    before = timezone.now()
    attempt = quiz_services.start_or_resume(final_quiz, by=zhang)
    assert attempt.started_at >= before
    assert attempt.deadline == attempt.started_at + timedelta(minutes=15)
