"""Taking quizzes through the API: start or resume, answer, submit, read attempts.

Thin over ``safeloop/learning/quiz_services.py``. The paper (``Attempt.questions``)
never carries the answer key; ``Attempt.review`` does, and only once the attempt
is submitted. Which attempts a viewer reads is ``quiz_services.visible_attempts``:
their own; everyone's with learning.view_all; their workshop's with
learning.view_workshop.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from strawberry import Info, auto, relay
from strawberry_django.optimizer import optimize

from safeloop.graphql.errors import MutationError, find, mutation
from safeloop.graphql.facilities.types import PersonType
from safeloop.graphql.nodes import TenantNode, lookup, visible
from safeloop.graphql.permissions import current_user, visible_if
from safeloop.learning import quiz_services
from safeloop.learning.models import Attempt, Quiz
from safeloop.learning.models import QuestionKind as QuestionKindChoices
from safeloop.learning.permissions import LearningPerm

QuestionKind = strawberry.enum(
    QuestionKindChoices,
    name="QuestionKind",
    description="SINGLE (单选, one option), MULTIPLE (多选, every correct option), "
    "TRUE_FALSE (判断, 对 or 错).",
)


@strawberry_django.type(
    Quiz,
    name="Quiz",
    description="A quiz (测验) after a lesson, or a course's final quiz (lesson empty), whose "
    "pass completes the course.",
)
class QuizType(TenantNode):
    title: auto
    question_count: auto = strawberry_django.field(description="Questions drawn per attempt.")
    pass_mark: auto = strawberry_django.field(description="Points (of 100) needed to pass.")
    time_limit_minutes: auto = strawberry_django.field(description="Null: no time limit.")
    attempt_limit: auto = strawberry_django.field(description="Null: unlimited attempts.")
    course_id: int = strawberry_django.field(description="The course's Wagtail page id.")
    lesson_id: int | None = strawberry_django.field(
        description="The lesson's page id; null for the course's final quiz."
    )

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return visible_if(queryset, info, LearningPerm.LEARNING_TAKE)


@strawberry.type(name="PaperChoice", description="An option as shown, without whether it is right.")
class PaperChoiceType:
    id: int
    letter: str = strawberry.field(description="A, B, C… in the order shown on this paper.")
    text: str


@strawberry.type(name="PaperQuestion", description="A question of an attempt's paper.")
class PaperQuestionType:
    id: int = strawberry.field(description="The question's id: answerQuestion's questionId.")
    number: int = strawberry.field(description="1, 2, 3… in the order drawn.")
    kind: QuestionKind
    text: str
    choices: list[PaperChoiceType] = strawberry.field(description="In the order shown.")
    chosen: list[int] = strawberry.field(description="The choice ids saved so far.")


@strawberry.type(name="ReviewItem", description="One question after submission.")
class ReviewItemType:
    question: PaperQuestionType
    correct: list[int] = strawberry.field(description="The correct choice ids.")
    is_right: bool
    explanation: str


def _paper(question) -> PaperQuestionType:
    return PaperQuestionType(
        id=question.id,
        number=question.number,
        kind=QuestionKind(question.kind),
        text=question.text,
        choices=[PaperChoiceType(id=c.id, letter=c.letter, text=c.text) for c in question.choices],
        chosen=list(question.chosen),
    )


@strawberry_django.type(
    Attempt,
    name="QuizAttempt",
    description="One sitting of a quiz by one person: the questions drawn are fixed when it "
    "starts, so a phone that slept resumes the same paper; a retake draws afresh.",
)
class AttemptType(TenantNode):
    number: auto = strawberry_django.field(description="1 for the first attempt, 2 for a retake…")
    started_at: auto
    deadline: datetime | None = strawberry_django.field(
        description="Answers after it (plus 30 s of grace) are refused; null: no time limit."
    )
    submitted_at: auto = strawberry_django.field(description="Null while the attempt is open.")
    score: auto = strawberry_django.field(description="0–100, once submitted.")
    passed: auto = strawberry_django.field(description="Once submitted.")
    quiz: QuizType
    person: PersonType | None = strawberry_django.field(
        description="Null when you may not see the person's record."
    )

    @strawberry_django.field(only=["paper", "answers", "person_id"])
    def questions(self, root: Attempt, info: Info) -> list[PaperQuestionType]:
        """The paper in the order drawn, with the choices saved so far; no answer key."""
        return [_paper(q) for q in quiz_services.paper_of(root, by=current_user(info))]

    @strawberry_django.field(only=["paper", "answers", "submitted_at", "deadline", "person_id"])
    def review(self, root: Attempt, info: Info) -> list[ReviewItemType] | None:
        """The right answers and explanations: null until the attempt is submitted."""
        try:
            items = quiz_services.result_of(root, by=current_user(info))
        except ValidationError:
            return None
        return [
            ReviewItemType(
                question=_paper(item.question),
                correct=list(item.correct),
                is_right=item.is_right,
                explanation=item.explanation,
            )
            for item in items
        ]

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset.filter(pk__in=quiz_services.visible_attempts(current_user(info)))


@strawberry.input
class StartQuizInput:
    quiz: relay.GlobalID


@strawberry.input
class AnswerQuestionInput:
    attempt: relay.GlobalID
    question_id: int = strawberry.field(description="PaperQuestion.id.")
    choice_ids: list[int] = strawberry.field(
        description="PaperChoice ids; exactly one for SINGLE and TRUE_FALSE; empty clears."
    )


@strawberry.input
class SubmitAttemptInput:
    attempt: relay.GlobalID


@strawberry.type(description="The attempt after the step, or why the step was not taken.")
class QuizAttemptPayload:
    attempt_pk: strawberry.Private[int | None] = None
    errors: list[MutationError] = strawberry.field(default_factory=list)

    @strawberry.field(description="Null on errors.")
    def attempt(self, info: Info) -> AttemptType | None:
        if self.attempt_pk is None:
            return None
        return optimize(visible(AttemptType, info).filter(pk=self.attempt_pk), info).first()


@strawberry.type
class QuizQuery:
    @strawberry.field(description="One quiz attempt you may read; null otherwise.")
    def attempt(self, info: Info, id: relay.GlobalID) -> AttemptType | None:
        return lookup(AttemptType, id, info)

    @strawberry.field(description="One quiz; null when it does not exist here.")
    def quiz(self, info: Info, id: relay.GlobalID) -> QuizType | None:
        return lookup(QuizType, id, info)

    @strawberry_django.field(description="Your own quiz attempts, newest first.")
    def my_attempts(self, info: Info) -> list[AttemptType]:
        user = current_user(info)
        person = getattr(user, "person", None)
        if person is None:
            return []
        queryset = visible(AttemptType, info).filter(person=person).order_by("-started_at")
        return optimize(queryset, info)


@strawberry.type
class QuizMutation:
    @mutation(
        description="Start a quiz, or resume your open attempt of it (same paper, answers kept)."
    )
    def start_quiz(self, info: Info, input: StartQuizInput) -> QuizAttemptPayload:
        quiz = find(QuizType, input.quiz, info, field="quiz")
        attempt = quiz_services.start_or_resume(quiz, by=current_user(info))
        return QuizAttemptPayload(attempt_pk=attempt.pk)

    @mutation(description="Save your answer to one question of your open attempt.")
    def answer_question(self, info: Info, input: AnswerQuestionInput) -> QuizAttemptPayload:
        attempt = find(AttemptType, input.attempt, info, field="attempt")
        attempt = quiz_services.save_answer(
            attempt, input.question_id, input.choice_ids, by=current_user(info)
        )
        return QuizAttemptPayload(attempt_pk=attempt.pk)

    @mutation(
        description="Hand in your attempt: it is graded on the server; `review` then shows the "
        "right answers. Refused when already submitted or after the time limit."
    )
    def submit_attempt(self, info: Info, input: SubmitAttemptInput) -> QuizAttemptPayload:
        attempt = find(AttemptType, input.attempt, info, field="attempt")
        attempt = quiz_services.submit(attempt, by=current_user(info))
        return QuizAttemptPayload(attempt_pk=attempt.pk)
