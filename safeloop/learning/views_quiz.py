"""Taking a quiz on the phone: start or resume, answer (autosaved), submit, review.

Thin: every rule is in ``quiz_services``. The attempt page gets the paper without
its key (``paper_of``); the key reaches a page only through ``result_of``.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from safeloop.learning import quiz_services
from safeloop.learning.models import Attempt, Quiz
from safeloop.learning.permissions import LearningPerm
from safeloop.web.guards import guarded


def _person_pk(request: HttpRequest) -> int | None:
    person = getattr(request.user, "person", None)
    return person.pk if person is not None else None


def _quiz_title(quiz: Quiz) -> str:
    if quiz.title:
        return quiz.title
    target = quiz.lesson or quiz.course
    return target.display_title


@guarded(LearningPerm.LEARNING_TAKE)
@require_http_methods(["GET", "POST"])
def quiz(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """The quiz's cover (how many questions, time, pass mark); POST starts or resumes."""
    quiz = get_object_or_404(Quiz.objects.select_related("course", "lesson"), pk=quiz_id)
    person = getattr(request.user, "person", None)
    if person is None:
        raise PermissionDenied
    if request.method == "POST":
        try:
            attempt = quiz_services.start_or_resume(quiz, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("learning:quiz", quiz_id=quiz.pk)
        return redirect("learning:attempt", attempt_id=attempt.pk)
    attempts = list(quiz.attempts.filter(person=person).order_by("-number")[:10])
    open_attempt = next((a for a in attempts if a.submitted_at is None), None)
    used = quiz_services.attempts_counted(quiz, person) if quiz.attempt_limit else None
    return render(
        request,
        "learning/quiz/quiz.html",
        {
            "quiz": quiz,
            "title": _quiz_title(quiz),
            "attempts": [a for a in attempts if a.submitted_at is not None],
            "open_attempt": open_attempt,
            "left": None if used is None else max(quiz.attempt_limit - used, 0),
        },
    )


def _own_attempt(request: HttpRequest, attempt_id: int) -> Attempt:
    attempt = get_object_or_404(
        Attempt.objects.select_related("quiz__course", "quiz__lesson"), pk=attempt_id
    )
    if attempt.person_id != _person_pk(request):
        raise PermissionDenied
    return attempt


def _autosave(request: HttpRequest, attempt: Attempt) -> JsonResponse:
    try:
        data = json.loads(request.body or b"{}")
        question_id = int(data["question"])
        choices = [int(c) for c in data.get("choices", [])]
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"ok": False, "error": _("The answer could not be read.")}, status=400)
    try:
        attempt = quiz_services.save_answer(attempt, question_id, choices, by=request.user)
    except ValidationError as exc:
        closed = exc.code in ("already_submitted", "time_up")
        return JsonResponse(
            {"ok": False, "error": " ".join(exc.messages), "closed": closed},
            status=409 if closed else 400,
        )
    return JsonResponse({"ok": True, "answered": len([v for v in attempt.answers.values() if v])})


def _save_form(request: HttpRequest, attempt: Attempt) -> None:
    """Without JavaScript the whole form arrives with the submit: save it first."""
    for item in attempt.paper:
        pk = item["question"]
        values = request.POST.getlist(f"q{pk}")
        chosen = [int(v) for v in values if v.isdigit()]
        if chosen != attempt.answers.get(str(pk), []) and chosen:
            attempt = quiz_services.save_answer(attempt, pk, chosen, by=request.user)


@guarded(LearningPerm.LEARNING_TAKE)
@require_http_methods(["GET", "POST"])
def attempt(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """All questions on one page; each change is saved at once (autosave), so a
    phone that slept comes back with its answers."""
    attempt = _own_attempt(request, attempt_id)
    if request.method == "POST" and request.content_type == "application/json":
        return _autosave(request, attempt)
    if quiz_services.close_if_expired(attempt) and request.method == "GET":
        return redirect("learning:attempt_result", attempt_id=attempt.pk)
    if request.method == "POST":
        try:
            _save_form(request, attempt)
            quiz_services.submit(attempt, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            if attempt.submitted_at is None and exc.code not in ("already_submitted", "time_up"):
                return redirect("learning:attempt", attempt_id=attempt.pk)
        return redirect("learning:attempt_result", attempt_id=attempt.pk)
    paper = quiz_services.paper_of(attempt, by=request.user)
    return render(
        request,
        "learning/quiz/attempt.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "title": _quiz_title(attempt.quiz),
            "paper": paper,
            "answered": sum(1 for q in paper if q.chosen),
            "seconds_left": max(0, int((attempt.deadline - timezone.now()).total_seconds()))
            if attempt.deadline
            else None,
            "autosave_url": reverse("learning:attempt", kwargs={"attempt_id": attempt.pk}),
        },
    )


@guarded(LearningPerm.LEARNING_TAKE)
def attempt_result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Score and pass/fail; for each wrong answer the right one and why."""
    attempt = get_object_or_404(
        quiz_services.visible_attempts(request.user).select_related(
            "quiz__course", "quiz__lesson", "person__user"
        ),
        pk=attempt_id,
    )
    try:
        review = quiz_services.result_of(attempt, by=request.user)
    except ValidationError:
        if attempt.person_id == _person_pk(request):
            return redirect("learning:attempt", attempt_id=attempt.pk)
        raise Http404 from None
    return render(
        request,
        "learning/quiz/result.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "title": _quiz_title(attempt.quiz),
            "review": review,
            "wrong": [item for item in review if not item.is_right],
            "right_count": sum(1 for item in review if item.is_right),
            "own": attempt.person_id == _person_pk(request),
            "final": attempt.quiz.lesson_id is None,
        },
    )
