"""The quiz engine (测验): drawing a paper, answering, grading, the review.

Every rule of taking a quiz is here; pages, GraphQL resolvers and the benchmark
call these functions. The answer key (``Choice.correct``, explanations) leaves
this module only through :func:`result_of`, after submission.

Time limits: answers and the submit are accepted until the deadline plus
``GRACE`` (a phone on a slow network). Later, ``submit`` is refused and changes
nothing; the attempt is then closed with the answers saved before the deadline
the next time it is opened (:func:`close_if_expired`, called by
``start_or_resume``, the attempt page and the review), so a person who let the
time run out gets the score of what they had answered, never a second chance at
the same paper.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.access import can, ensure_can
from safeloop.learning.models import (
    Assignment,
    Attempt,
    Choice,
    Question,
    QuestionKind,
    Quiz,
)
from safeloop.learning.permissions import LearningPerm
from safeloop.learning.signals import course_passed
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.facilities.selectors import areas_of_workshop, workshop_of

# Accepted after the deadline: the time a tap takes to reach the server.
GRACE = timedelta(seconds=30)
_random = random.SystemRandom()


class QuizErrorCode:
    NO_PERSON = "no_person"
    NOT_YOURS = "not_yours"
    ALREADY_SUBMITTED = "already_submitted"
    NOT_SUBMITTED = "not_submitted"
    TIME_UP = "time_up"
    ATTEMPTS_USED = "attempts_used"
    BANK_TOO_SMALL = "bank_too_small"
    INVALID = "invalid"


# --- who -------------------------------------------------------------------------------


def _person(by):
    person = getattr(by, "person", None)
    if person is None:
        raise PermissionDenied(_("Only people on the enterprise's roll take quizzes."))
    return person


def _own(attempt: Attempt, by) -> None:
    if attempt.person_id != _person(by).pk:
        raise PermissionDenied(_("This is another person's quiz attempt."))


def visible_attempts(user) -> QuerySet[Attempt]:
    """The attempts ``user`` may read: their own; everyone's with learning.view_all;
    their workshop's people's with learning.view_workshop."""
    person = getattr(user, "person", None)
    if not can(user, LearningPerm.LEARNING_TAKE) and not can(user, LearningPerm.LEARNING_VIEW_ALL):
        return Attempt.objects.none()
    if can(user, LearningPerm.LEARNING_VIEW_ALL):
        return Attempt.objects.all()
    rule = Q(person=person) if person is not None else Q(pk__in=[])
    if person is not None and can(user, LearningPerm.LEARNING_VIEW_WORKSHOP):
        workshop = workshop_of(person.area)
        if workshop is not None:
            rule |= Q(person__area_id__in=areas_of_workshop(workshop))
    return Attempt.objects.filter(rule)


def _lock(attempt: Attempt) -> Attempt:
    """Re-read under a row lock: two tabs submitting at once can't both grade."""
    return Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)


def _time_up(attempt: Attempt, now=None) -> bool:
    return attempt.deadline is not None and (now or timezone.now()) > attempt.deadline + GRACE


# --- the draw --------------------------------------------------------------------------


def allocate(count: int, weights: Sequence[int], available: Sequence[int]) -> list[int]:
    """How many questions each source gives: ``count`` split by weight with the
    largest-remainder method; a source with too few questions gives all it has and
    its shortfall goes to the others (largest remainder first). Sum < ``count``
    only when the bank as a whole is too small."""
    total = sum(weights)
    exact = [count * w / total for w in weights]
    shares = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in by_remainder[: count - sum(shares)]:
        shares[i] += 1
    shares = [min(s, a) for s, a in zip(shares, available, strict=True)]
    while (short := count - sum(shares)) > 0:
        spare = [i for i in by_remainder if shares[i] < available[i]]
        if not spare:
            break
        for i in spare[:short]:
            shares[i] += 1
    return shares


def _draw(quiz: Quiz) -> list[dict]:
    sources = list(quiz.sources.select_related("category").order_by("id"))
    if not sources:
        raise ValidationError(
            _("This quiz has no question categories yet. Ask the safety manager to set it up."),
            code=QuizErrorCode.BANK_TOO_SMALL,
        )
    pools: list[list[int]] = [[] for _s in sources]
    index = {s.category_id: i for i, s in enumerate(sources)}
    for pk, category_id in Question.objects.filter(category_id__in=index, active=True).values_list(
        "pk", "category_id"
    ):
        pools[index[category_id]].append(pk)
    shares = allocate(quiz.question_count, [s.weight for s in sources], [len(p) for p in pools])
    if sum(shares) < quiz.question_count:
        raise ValidationError(
            _(
                "The question bank is too small for this quiz: it needs %(need)d questions and "
                "its categories hold %(have)d. Ask the safety manager to add questions."
            )
            % {"need": quiz.question_count, "have": sum(len(p) for p in pools)},
            code=QuizErrorCode.BANK_TOO_SMALL,
        )
    drawn = [pk for pool, n in zip(pools, shares, strict=True) for pk in _random.sample(pool, n)]
    _random.shuffle(drawn)
    choices: dict[int, list[int]] = {pk: [] for pk in drawn}
    kinds = dict(Question.objects.filter(pk__in=drawn).values_list("pk", "kind"))
    for pk, question_id in Choice.objects.filter(question_id__in=drawn).values_list(
        "pk", "question_id"
    ):  # Choice's ordering: question, order, id
        choices[question_id].append(pk)
    paper = []
    for pk in drawn:
        order = choices[pk]
        # 对/错 stay in that order: a shuffled true/false question only confuses.
        if quiz.shuffle_choices and kinds[pk] != QuestionKind.TRUE_FALSE:
            _random.shuffle(order)
        paper.append({"question": pk, "choices": order})
    return paper


def attempts_counted(quiz: Quiz, person) -> int:
    """Attempts that count against the limit: those since the person's open
    assignment of the course was given (a renewal starts afresh), else all."""
    attempts = Attempt.objects.filter(quiz=quiz, person=person)
    assignment = (
        Assignment.objects.filter(
            person=person, course_id=quiz.course_id, completed_at=None, cancelled_at=None
        )
        .order_by("-assigned_at")
        .first()
    )
    if assignment is not None:
        attempts = attempts.filter(started_at__gte=assignment.assigned_at)
    return attempts.count()


def start_or_resume(quiz: Quiz, *, by) -> Attempt:
    """The person's open attempt of ``quiz`` (same paper, answers kept), else a fresh draw."""
    ensure_can(by, LearningPerm.LEARNING_TAKE)
    person = _person(by)
    open_attempt = Attempt.objects.filter(quiz=quiz, person=person, submitted_at=None).first()
    if open_attempt is not None:
        if not close_if_expired(open_attempt):
            return open_attempt
    if quiz.attempt_limit and attempts_counted(quiz, person) >= quiz.attempt_limit:
        raise ValidationError(
            _("You have used all %(n)d attempts at this quiz. Ask the safety manager for more.")
            % {"n": quiz.attempt_limit},
            code=QuizErrorCode.ATTEMPTS_USED,
        )
    paper = _draw(quiz)
    now = timezone.now()
    last = Attempt.objects.filter(quiz=quiz, person=person).aggregate(n=Max("number"))["n"]
    attempt = Attempt(
        quiz=quiz,
        person=person,
        number=(last or 0) + 1,
        started_at=now,
        deadline=now + timedelta(minutes=quiz.time_limit_minutes)
        if quiz.time_limit_minutes
        else None,
        paper=paper,
    )
    try:
        with transaction.atomic():
            attempt.save()
            record_event(
                attempt,
                "quiz.started",
                by=by,
                quiz=quiz.pk,
                number=attempt.number,
                questions=[item["question"] for item in paper],
            )
    except IntegrityError:
        # Two taps on "start" at once: the other request's attempt is the one to resume.
        existing = Attempt.objects.filter(quiz=quiz, person=person, submitted_at=None).first()
        if existing is not None:
            return existing
        raise
    return attempt


# --- answering -------------------------------------------------------------------------


def _refuse_if_closed(attempt: Attempt) -> None:
    if attempt.submitted_at is not None:
        raise ValidationError(
            _("This attempt was already submitted; its answers can no longer change."),
            code=QuizErrorCode.ALREADY_SUBMITTED,
        )
    if _time_up(attempt):
        raise ValidationError(
            _("The time for this quiz is up; answers given after it are not accepted."),
            code=QuizErrorCode.TIME_UP,
        )


@transaction.atomic
def save_answer(attempt: Attempt, question_id: int, choice_ids: Sequence[int], *, by) -> Attempt:
    """Keep the person's choice for one question of their open attempt (autosave).
    An empty ``choice_ids`` clears the answer."""
    ensure_can(by, LearningPerm.LEARNING_TAKE)
    attempt = _lock(attempt)
    _own(attempt, by)
    _refuse_if_closed(attempt)
    item = next((i for i in attempt.paper if i["question"] == question_id), None)
    if item is None:
        raise ValidationError(_("This question is not on your paper."), code=QuizErrorCode.INVALID)
    chosen = sorted({int(c) for c in choice_ids})
    if any(c not in item["choices"] for c in chosen):
        raise ValidationError(
            _("That option does not belong to this question."), code=QuizErrorCode.INVALID
        )
    kind = Question.objects.filter(pk=question_id).values_list("kind", flat=True).first()
    if kind != QuestionKind.MULTIPLE and len(chosen) > 1:
        raise ValidationError(
            _("Pick exactly one option for this question."), code=QuizErrorCode.INVALID
        )
    attempt.answers = {**attempt.answers, str(question_id): chosen}
    attempt.save(update_fields=["answers"])
    return attempt


# --- grading ---------------------------------------------------------------------------


def _correct_sets(question_ids: Sequence[int]) -> dict[int, set[int]]:
    key: dict[int, set[int]] = {pk: set() for pk in question_ids}
    for pk, question_id in Choice.objects.filter(
        question_id__in=question_ids, correct=True
    ).values_list("pk", "question_id"):
        key[question_id].add(pk)
    return key


def percent(right: int, total: int) -> int:
    """round(100 × right / total), halves up (Python's round() would go to even)."""
    return (200 * right + total) // (2 * total) if total else 0


def _grade(attempt: Attempt, *, by, submitted_at, verb: str) -> Attempt:
    question_ids = [item["question"] for item in attempt.paper]
    key = _correct_sets(question_ids)
    right = sum(
        1 for pk in question_ids if set(attempt.answers.get(str(pk), [])) == key[pk] and key[pk]
    )
    attempt.score = percent(right, len(question_ids))
    attempt.passed = attempt.score >= attempt.quiz.pass_mark
    attempt.submitted_at = submitted_at
    attempt.save(update_fields=["score", "passed", "submitted_at"])
    record_event(
        attempt,
        verb,
        by=by,
        quiz=attempt.quiz_id,
        number=attempt.number,
        right=right,
        questions=len(question_ids),
        score=attempt.score,
        passed=attempt.passed,
    )
    if attempt.passed and attempt.quiz.lesson_id is None:
        course_passed.send(sender=Attempt, attempt=attempt)
    return attempt


@transaction.atomic
def submit(attempt: Attempt, *, by) -> Attempt:
    """Grade the person's open attempt on the server: a question scores when the
    chosen set equals the correct set; passed when the score reaches the pass mark."""
    ensure_can(by, LearningPerm.LEARNING_TAKE)
    attempt = _lock(attempt)
    _own(attempt, by)
    _refuse_if_closed(attempt)
    return _grade(attempt, by=by, submitted_at=timezone.now(), verb="quiz.submitted")


def close_if_expired(attempt: Attempt) -> bool:
    """Grade an open attempt whose time ran out with the answers it holds; True if
    it is (now) closed. Safe to call from any page that shows the attempt."""
    if attempt.submitted_at is not None:
        return True
    if not _time_up(attempt):
        return False
    with transaction.atomic():
        locked = _lock(attempt)
        if locked.submitted_at is None:
            _grade(locked, by=None, submitted_at=locked.deadline, verb="quiz.expired")
        for name in ("score", "passed", "submitted_at"):
            setattr(attempt, name, getattr(locked, name))
    return True


# --- what the person sees --------------------------------------------------------------


@dataclass(frozen=True)
class PaperChoice:
    id: int
    text: str
    letter: str


@dataclass(frozen=True)
class PaperQuestion:
    """A question as the attempt page shows it: no answer key in here."""

    id: int
    number: int
    kind: str
    text: str
    picture: object | None
    choices: list[PaperChoice]
    chosen: list[int]


LETTERS = "ABCDEFGHIJ"


def paper_of(attempt: Attempt, *, by) -> list[PaperQuestion]:
    """The attempt's questions in the order drawn, with options in the order shown
    and the person's saved answers: what the attempt page and the API show."""
    if not visible_attempts(by).filter(pk=attempt.pk).exists():
        raise PermissionDenied(_("This is another person's quiz attempt."))
    question_ids = [item["question"] for item in attempt.paper]
    questions = Question.objects.select_related("picture").in_bulk(question_ids)
    texts = dict(Choice.objects.filter(question_id__in=question_ids).values_list("pk", "text"))
    return [
        PaperQuestion(
            id=item["question"],
            number=n,
            kind=questions[item["question"]].kind,
            text=questions[item["question"]].text,
            picture=questions[item["question"]].picture,
            choices=[
                PaperChoice(id=c, text=texts.get(c, ""), letter=LETTERS[i])
                for i, c in enumerate(item["choices"])
            ],
            chosen=list(attempt.answers.get(str(item["question"]), [])),
        )
        for n, item in enumerate(attempt.paper, start=1)
        if item["question"] in questions
    ]


@dataclass(frozen=True)
class ReviewItem:
    """One question after submission: what was chosen, what was right, and why."""

    question: PaperQuestion
    correct: list[int]
    is_right: bool
    explanation: str

    def letters(self, ids: Sequence[int]) -> str:
        return "".join(c.letter for c in self.question.choices if c.id in ids)

    @property
    def chosen_letters(self) -> str:
        return self.letters(self.question.chosen)

    @property
    def correct_letters(self) -> str:
        return self.letters(self.correct)


def result_of(attempt: Attempt, *, by) -> list[ReviewItem]:
    """Per question: the person's choice, the right one and the explanation --
    only once the attempt is submitted (or closed when its time ran out)."""
    if attempt.submitted_at is None:
        attempt.refresh_from_db(fields=["submitted_at", "score", "passed", "answers"])
    close_if_expired(attempt)
    if attempt.submitted_at is None:
        raise ValidationError(
            _("The answers are shown once the quiz is submitted."),
            code=QuizErrorCode.NOT_SUBMITTED,
        )
    paper = paper_of(attempt, by=by)
    key = _correct_sets([q.id for q in paper])
    explanations = dict(Question.objects.filter(pk__in=key).values_list("pk", "explanation"))
    return [
        ReviewItem(
            question=q,
            correct=sorted(key[q.id], key=lambda c: [x.id for x in q.choices].index(c)),
            is_right=bool(key[q.id]) and set(q.chosen) == key[q.id],
            explanation=explanations.get(q.id, ""),
        )
        for q in paper
    ]
