# ruff: noqa: F811  (the quiz fixtures are imported from tests/learning/_quiz_data.py)
"""The phone pages of a quiz: Zhang San starts, answers (autosaved), submits and
reads his result; the answer key is nowhere in the page before he submits."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from safeloop.learning import quiz_services
from safeloop.learning.models import Attempt, Choice, Question
from tests.learning._quiz_data import (  # noqa: F401  (fixtures)
    answer_all,
    final_quiz,
    right_choices,
    welding,
    wrong_choice,
)


def _url(name: str, pk: int) -> str:
    return reverse(f"learning:{name}", args=[pk])


def test_starting_redirects_to_the_attempt_and_starting_again_resumes_it(as_zhang, final_quiz):
    cover = as_zhang.get(_url("quiz", final_quiz.pk))
    first = as_zhang.post(_url("quiz", final_quiz.pk))
    second = as_zhang.post(_url("quiz", final_quiz.pk))

    attempt = Attempt.objects.get()
    assert cover.status_code == 200 and "start-quiz" in cover.content.decode()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == _url("attempt", attempt.pk)


def test_the_attempt_page_holds_no_answer_key(as_zhang, final_quiz, zhang):
    attempt = quiz_services.start_or_resume(final_quiz, by=zhang)

    html = as_zhang.get(_url("attempt", attempt.pk)).content.decode()

    drawn = Question.objects.filter(pk__in=[i["question"] for i in attempt.paper])
    for question in drawn:
        assert question.text in html
        assert question.explanation not in html  # every explanation ends in 的解析
    assert "的解析" not in html and "is-correct" not in html and "✓" not in html
    assert (
        html.count('type="radio"') + html.count('type="checkbox"')
        == Choice.objects.filter(question__in=drawn).count()
    )


def test_an_autosaved_answer_is_there_when_the_page_is_opened_again(as_zhang, final_quiz, zhang):
    attempt = quiz_services.start_or_resume(final_quiz, by=zhang)
    pk = attempt.paper[0]["question"]
    chosen = wrong_choice(pk)

    saved = as_zhang.post(
        _url("attempt", attempt.pk),
        data=json.dumps({"question": pk, "choices": chosen}),
        content_type="application/json",
    )
    html = as_zhang.get(_url("attempt", attempt.pk)).content.decode()

    assert saved.json() == {"ok": True, "answered": 1}
    assert f'value="{chosen[0]}" checked' in html


def test_a_bad_autosave_is_refused_with_a_message(as_zhang, final_quiz, zhang):
    attempt = quiz_services.start_or_resume(final_quiz, by=zhang)
    response = as_zhang.post(
        _url("attempt", attempt.pk),
        data=json.dumps({"question": attempt.paper[0]["question"], "choices": [999999]}),
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["error"]
    assert Attempt.objects.get(pk=attempt.pk).answers == {}


def test_a_failed_submit_shows_the_right_answers_and_sends_back_to_study(
    as_zhang, final_quiz, zhang
):
    attempt = quiz_services.start_or_resume(final_quiz, by=zhang)
    answer_all(attempt, zhang, right=2)

    response = as_zhang.post(_url("attempt", attempt.pk), follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == _url("attempt_result", attempt.pk)
    assert 'data-testid="score">40<' in html
    assert reverse("learning:course", args=[final_quiz.course_id]) in html
    assert 'data-testid="study-again"' in html and "to-certificates" not in html
    assert html.count('data-testid="explanation"') == 3


def test_a_passed_final_quiz_links_to_the_certificates(as_zhang, final_quiz, zhang):
    attempt = quiz_services.start_or_resume(final_quiz, by=zhang)
    answer_all(attempt, zhang, right=5)
    quiz_services.submit(attempt, by=zhang)

    html = as_zhang.get(_url("attempt_result", attempt.pk)).content.decode()

    assert reverse("learning:certificates") in html and "study-again" not in html


def test_the_form_submits_unsaved_answers_without_javascript(as_zhang, final_quiz, zhang):
    attempt = quiz_services.start_or_resume(final_quiz, by=zhang)
    form = {f"q{i['question']}": right_choices(i["question"]) for i in attempt.paper}

    as_zhang.post(_url("attempt", attempt.pk), data=form)

    assert Attempt.objects.get(pk=attempt.pk).score == 100


def test_the_result_before_submission_sends_back_to_the_attempt(as_zhang, final_quiz, zhang):
    attempt = quiz_services.start_or_resume(final_quiz, by=zhang)
    response = as_zhang.get(_url("attempt_result", attempt.pk))
    assert response.status_code == 302 and response["Location"] == _url("attempt", attempt.pk)


def test_another_person_cannot_open_or_answer_the_attempt(as_ma, final_quiz, zhang):
    attempt = quiz_services.start_or_resume(final_quiz, by=zhang)
    pk = attempt.paper[0]["question"]

    page = as_ma.get(_url("attempt", attempt.pk))
    save = as_ma.post(
        _url("attempt", attempt.pk),
        data=json.dumps({"question": pk, "choices": right_choices(pk)}),
        content_type="application/json",
    )
    submit = as_ma.post(_url("attempt", attempt.pk))

    assert (page.status_code, save.status_code, submit.status_code) == (403, 403, 403)
    again = Attempt.objects.get(pk=attempt.pk)
    assert (again.answers, again.submitted_at) == ({}, None)


def test_the_team_leader_reads_the_result_but_a_colleague_does_not(
    as_li, final_quiz, zhang, acme_client, ma
):
    attempt = quiz_services.start_or_resume(final_quiz, by=zhang)
    quiz_services.submit(attempt, by=zhang)

    assert as_li.get(_url("attempt_result", attempt.pk)).status_code == 200
    acme_client.force_login(ma)
    assert acme_client.get(_url("attempt_result", attempt.pk)).status_code == 404


def test_another_enterprises_quiz_and_attempt_ids_do_not_resolve(
    final_quiz, zhang, globex, as_chen
):
    attempt = quiz_services.start_or_resume(final_quiz, by=zhang)

    quiz_page = as_chen.get(_url("quiz", final_quiz.pk))
    attempt_page = as_chen.get(_url("attempt", attempt.pk))
    result_page = as_chen.get(_url("attempt_result", attempt.pk))

    # Globex may hold a quiz with the same number (its template's): never Acme's.
    assert final_quiz.title not in quiz_page.content.decode()
    assert attempt_page.status_code in (403, 404) and result_page.status_code == 404


@pytest.mark.parametrize("name", ["quiz", "attempt", "attempt_result"])
def test_signed_out_visitors_are_sent_to_sign_in(acme_client, final_quiz, name):
    assert acme_client.get(_url(name, final_quiz.pk)).status_code == 302
