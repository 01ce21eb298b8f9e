"""The question bank (题库) and quiz set-up through the API (learning.manage).

Thin over ``safeloop/learning/bank_services.py``. Questions with their answer key
are visible to learning managers only; people taking a quiz read their paper
through ``QuizAttempt.questions``, which carries no key.
"""

from __future__ import annotations

import strawberry
import strawberry_django
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from strawberry import UNSET, Info, auto, relay
from strawberry_django.optimizer import optimize

from safeloop.graphql.errors import NOT_FOUND, MutationError, find, mutation
from safeloop.graphql.learning.quiz import QuestionKind, QuizType
from safeloop.graphql.nodes import TenantNode, node_pk, visible
from safeloop.graphql.permissions import current_user, visible_if
from safeloop.learning import bank_services
from safeloop.learning.bank_services import ChoiceData
from safeloop.learning.models import Choice, CoursePage, LessonPage, Question, QuestionCategory
from safeloop.learning.permissions import LearningPerm
from safeloop.platform.errors import field_error

MAX_QUESTIONS = 500


class BankNode(TenantNode):
    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return visible_if(queryset, info, LearningPerm.LEARNING_MANAGE)


@strawberry_django.type(
    QuestionCategory, name="QuestionCategory", description="A group of questions a quiz draws from."
)
class QuestionCategoryType(BankNode):
    code: auto
    name: auto
    name_en: auto
    display_name: str = strawberry_django.field(only=["name", "name_en"])


@strawberry_django.type(Choice, name="Choice", description="An option of a bank question.")
class ChoiceType(BankNode):
    text: auto
    correct: auto = strawberry_django.field(description="Part of the answer key.")
    order: auto


@strawberry_django.type(Question, name="Question", description="A question of the bank.")
class QuestionType(BankNode):
    category: QuestionCategoryType
    kind: QuestionKind
    text: auto
    explanation: auto = strawberry_django.field(description="Shown after submission.")
    active: auto = strawberry_django.field(description="False: retired, no longer drawn.")
    choices: list[ChoiceType] = strawberry_django.field(description="In their natural order.")
    updated_at: auto


@strawberry.input
class ChoiceInput:
    text: str
    correct: bool = False


@strawberry.input
class CreateQuestionCategoryInput:
    code: str
    name: str
    name_en: str = ""


@strawberry.input
class UpdateQuestionCategoryInput:
    id: relay.GlobalID
    name: str
    name_en: str = ""


@strawberry.input
class QuestionInput:
    category: relay.GlobalID
    kind: QuestionKind
    text: str
    choices: list[ChoiceInput] = strawberry.field(
        description="2–6 options in order; single and true/false: exactly one correct."
    )
    explanation: str = ""


@strawberry.input
class UpdateQuestionInput(QuestionInput):
    id: relay.GlobalID


@strawberry.input
class RetireQuestionInput:
    id: relay.GlobalID
    active: bool = strawberry.field(default=False, description="True brings it back.")


@strawberry.input
class QuizSourceInput:
    category: relay.GlobalID
    weight: int = 1


@strawberry.input
class ConfigureQuizInput:
    course_id: int = strawberry.field(description="The course's Wagtail page id.")
    lesson_id: int | None = strawberry.field(
        default=UNSET, description="A lesson of the course; leave out for the final quiz."
    )
    sources: list[QuizSourceInput]
    question_count: int = 5
    pass_mark: int = 80
    time_limit_minutes: int | None = None
    attempt_limit: int | None = None
    shuffle_choices: bool = True
    title: str = ""


@strawberry.type
class QuestionCategoryPayload:
    category_pk: strawberry.Private[int | None] = None
    errors: list[MutationError] = strawberry.field(default_factory=list)

    @strawberry.field
    def category(self, info: Info) -> QuestionCategoryType | None:
        if self.category_pk is None:
            return None
        return visible(QuestionCategoryType, info).filter(pk=self.category_pk).first()


@strawberry.type
class QuestionPayload:
    question_pk: strawberry.Private[int | None] = None
    errors: list[MutationError] = strawberry.field(default_factory=list)

    @strawberry.field
    def question(self, info: Info) -> QuestionType | None:
        if self.question_pk is None:
            return None
        return optimize(visible(QuestionType, info).filter(pk=self.question_pk), info).first()


@strawberry.type
class QuizPayload:
    quiz_pk: strawberry.Private[int | None] = None
    errors: list[MutationError] = strawberry.field(default_factory=list)

    @strawberry.field
    def quiz(self, info: Info) -> QuizType | None:
        if self.quiz_pk is None:
            return None
        return optimize(visible(QuizType, info).filter(pk=self.quiz_pk), info).first()


@strawberry.type
class BankQuery:
    question_categories: list[QuestionCategoryType] = strawberry_django.field(
        description="The bank's categories, by code (learning managers)."
    )

    @strawberry_django.field(
        description="The bank's questions with their answer key (learning managers), by "
        "category and id; `category` and `active` narrow the list; `limit` is at most 500.",
    )
    def questions(
        self,
        info: Info,
        category: relay.GlobalID | None = None,
        active: bool | None = None,
        offset: int = 0,
        limit: int = 100,
    ) -> list[QuestionType]:
        queryset = visible(QuestionType, info).order_by("category__code", "id")
        if category is not None:
            queryset = queryset.filter(category_id=node_pk(category, QuestionCategoryType) or 0)
        if active is not None:
            queryset = queryset.filter(active=active)
        offset, limit = max(offset, 0), min(max(limit, 0), MAX_QUESTIONS)
        return optimize(queryset, info)[offset : offset + limit]


def _question_values(info: Info, data: QuestionInput) -> dict:
    return {
        "category": find(QuestionCategoryType, data.category, info, field="category"),
        "kind": data.kind.value,
        "text": data.text,
        "explanation": data.explanation,
        "choices": [ChoiceData(c.text, c.correct) for c in data.choices],
    }


@strawberry.type
class BankMutation:
    @mutation(description="Add a question category (learning.manage).")
    def create_question_category(
        self, info: Info, input: CreateQuestionCategoryInput
    ) -> QuestionCategoryPayload:
        category = bank_services.create_category(
            by=current_user(info), code=input.code, name=input.name, name_en=input.name_en
        )
        return QuestionCategoryPayload(category_pk=category.pk)

    @mutation(description="Rename a question category (learning.manage).")
    def update_question_category(
        self, info: Info, input: UpdateQuestionCategoryInput
    ) -> QuestionCategoryPayload:
        category = find(QuestionCategoryType, input.id, info, field="id")
        bank_services.update_category(
            category, by=current_user(info), name=input.name, name_en=input.name_en
        )
        return QuestionCategoryPayload(category_pk=category.pk)

    @mutation(description="Add a question with its options (learning.manage).")
    def create_question(self, info: Info, input: QuestionInput) -> QuestionPayload:
        question = bank_services.create_question(
            by=current_user(info), **_question_values(info, input)
        )
        return QuestionPayload(question_pk=question.pk)

    @mutation(
        description="Change a question; options are matched by position, so open attempts "
        "keep theirs (learning.manage)."
    )
    def update_question(self, info: Info, input: UpdateQuestionInput) -> QuestionPayload:
        question = find(QuestionType, input.id, info, field="id")
        question = bank_services.update_question(
            question,
            by=current_user(info),
            picture=question.picture,
            **_question_values(info, input),
        )
        return QuestionPayload(question_pk=question.pk)

    @mutation(description="Retire a question (no longer drawn) or bring it back.")
    def retire_question(self, info: Info, input: RetireQuestionInput) -> QuestionPayload:
        question = find(QuestionType, input.id, info, field="id")
        bank_services.retire_question(question, by=current_user(info), active=input.active)
        return QuestionPayload(question_pk=question.pk)

    @mutation(
        description="Create or change the final quiz of a course (no lessonId) or a lesson's "
        "quiz: how many questions from which categories, pass mark, time and attempt limits."
    )
    def configure_quiz(self, info: Info, input: ConfigureQuizInput) -> QuizPayload:
        course = CoursePage.objects.filter(pk=input.course_id).first()
        if course is None:
            raise field_error("courseId", _("Nothing with this ID exists here."), NOT_FOUND)
        lesson = None
        if input.lesson_id not in (None, UNSET):
            lesson = LessonPage.objects.filter(pk=input.lesson_id).first()
            if lesson is None:
                raise field_error("lessonId", _("Nothing with this ID exists here."), NOT_FOUND)
        sources = [
            (find(QuestionCategoryType, s.category, info, field="sources"), s.weight)
            for s in input.sources
        ]
        quiz = bank_services.configure_quiz(
            by=current_user(info),
            course=course,
            lesson=lesson,
            sources=sources,
            question_count=input.question_count,
            pass_mark=input.pass_mark,
            time_limit_minutes=input.time_limit_minutes,
            attempt_limit=input.attempt_limit,
            shuffle_choices=input.shuffle_choices,
            title=input.title,
        )
        return QuizPayload(quiz_pk=quiz.pk)
