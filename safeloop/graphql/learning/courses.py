"""Courses (课程) and lessons (课时) in the API (read), and recording how far you got.

Thin over ``safeloop/learning/progress_services.py``, where the rules of progress
live (opened, read to the end, videos watched to ≥ 90 %, done). Courses are the
enterprise's published Wagtail course pages; people who take courses see them all.
A lesson's ``myProgress`` is the viewer's own progress.

Lessons are the course pages' children in Wagtail's tree, not a foreign key, so the
optimizer cannot prefetch them: the first course of a request that asks for its
lessons loads the lessons of every published course in one query (and the viewer's
progress in one more); the others read from that. A course list costs the same
number of queries whatever its length.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import strawberry
import strawberry_django
from django.db.models import QuerySet
from django.urls import reverse
from strawberry import Info, auto, relay
from strawberry_django.relay import DjangoListConnection
from wagtail.models import Page

from safeloop.graphql.errors import MutationError, find, mutation
from safeloop.graphql.nodes import TenantNode, lookup, visible
from safeloop.graphql.permissions import current_user, visible_if
from safeloop.learning import progress_services
from safeloop.learning.models import CoursePage, LessonPage, LessonProgress
from safeloop.learning.permissions import LearningPerm
from safeloop.platform.urls_util import tenant_absolute_url

LessonStatus = strawberry.enum(
    progress_services.LessonStatus,
    name="LessonStatus",
    description="NOT_STARTED; OPENED (学习中: opened, not yet done); DONE (read to the end "
    "and every video watched to at least 90 %).",
)


@strawberry.type(name="LessonProgress", description="How far you got in a lesson.")
class LessonProgressInfo:
    status: LessonStatus
    opened_at: datetime | None
    read_to_end_at: datetime | None = strawberry.field(
        description="When the end of the lesson first scrolled into view."
    )
    video_percent: int = strawberry.field(
        description="Share watched of the lesson's least-watched video, 0-100 (100 without videos)."
    )
    completed_at: datetime | None


def _progress(progress: LessonProgress | None) -> LessonProgressInfo:
    return LessonProgressInfo(
        status=LessonStatus(progress_services.status_of_progress(progress)),
        opened_at=progress.opened_at if progress else None,
        read_to_end_at=progress.read_to_end_at if progress else None,
        video_percent=progress.video_percent if progress else 0,
        completed_at=progress.completed_at if progress else None,
    )


def _per_request(info: Info) -> dict:
    return info.context.request.__dict__.setdefault("_safeloop_reading", {})


def _my_progress(info: Info) -> dict[int, LessonProgress]:
    """The viewer's progress in every lesson, loaded once per request."""
    cache = _per_request(info)
    if "progress" not in cache:
        person = getattr(current_user(info), "person", None)
        cache["progress"] = (
            {p.lesson_id: p for p in LessonProgress.objects.filter(person=person)}
            if person is not None
            else {}
        )
    return cache["progress"]


def _lessons_by_course_path(info: Info) -> dict[str, list[LessonPage]]:
    """Published lessons grouped by their course's tree path, loaded once per request."""
    cache = _per_request(info)
    if "lessons" not in cache:
        grouped: dict[str, list[LessonPage]] = defaultdict(list)
        lessons = visible(LessonType, info).order_by("path").defer("body")
        for lesson in lessons:
            grouped[lesson.path[: -Page.steplen]].append(lesson)
        cache["lessons"] = grouped
    return cache["lessons"]


@strawberry_django.type(
    LessonPage, name="Lesson", description="A lesson (课时) of a course: text, pictures, videos."
)
class LessonType(TenantNode):
    title: auto = strawberry_django.field(description="The title (Chinese).")
    title_en: auto = strawberry_django.field(description="The English title; may be empty.")
    minutes: auto = strawberry_django.field(description="About how long the lesson takes.")

    @strawberry_django.field(description="The lesson page on the phone.")
    def url(self, root: LessonPage) -> str:
        # Set when listed under a course; a lesson looked up alone asks the tree.
        course_id = getattr(root, "_course_id", None) or root.get_parent().pk
        return tenant_absolute_url(reverse("learning:lesson", args=[course_id, root.pk]))

    @strawberry_django.field(description="Your progress in this lesson.")
    def my_progress(self, root: LessonPage, info: Info) -> LessonProgressInfo:
        return _progress(_my_progress(info).get(root.pk))

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return visible_if(queryset.live(), info, LearningPerm.LEARNING_TAKE)


@strawberry_django.type(
    CoursePage,
    name="Course",
    description="A published course (课程), e.g. 机械设备安全操作; passing its final quiz issues "
    "a certificate.",
)
class CourseType(TenantNode):
    code: auto = strawberry_django.field(description="A short code, e.g. MECH-01.")
    title: auto = strawberry_django.field(description="The title (Chinese).")
    title_en: auto = strawberry_django.field(description="The English title; may be empty.")
    summary: auto
    summary_en: auto
    hours: auto = strawberry_django.field(description="Credit hours (学时).")
    renewal_months: auto = strawberry_django.field(
        description="How long a certificate stays valid; 0: never expires."
    )

    @strawberry_django.field(only=["path"], description="The course page on the phone.")
    def url(self, root: CoursePage) -> str:
        return tenant_absolute_url(reverse("learning:course", args=[root.pk]))

    @strawberry_django.field(only=["path"], description="Its published lessons, in order.")
    def lessons(self, root: CoursePage, info: Info) -> list[LessonType]:
        lessons = _lessons_by_course_path(info).get(root.path, [])
        for lesson in lessons:
            lesson._course_id = root.pk
        return lessons

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return visible_if(queryset.live(), info, LearningPerm.LEARNING_TAKE)


@strawberry.type
class CoursesQuery:
    @strawberry_django.connection(
        DjangoListConnection[CourseType],
        description="The enterprise's published courses, in catalogue order. Needs learning.take.",
    )
    def courses(self) -> QuerySet[CoursePage]:
        return CoursePage.objects.order_by("path")

    @strawberry.field(description="One course; null when it is not published here.")
    def course(self, info: Info, id: relay.GlobalID) -> CourseType | None:
        return lookup(CourseType, id, info)


@strawberry.input(description="What you did in a lesson: read it to its end, or watched a video.")
class RecordLessonProgressInput:
    lesson: relay.GlobalID
    read_to_end: bool = strawberry.field(
        default=False, description="The end of the lesson came into view."
    )
    video: str | None = strawberry.field(
        default=None, description="A video block's id (data-video-id on the lesson page)."
    )
    percent: int | None = strawberry.field(
        default=None, description="How much of that video was played, 0-100."
    )


@strawberry.type
class RecordLessonProgressPayload:
    lesson_pk: strawberry.Private[int | None] = None
    progress: LessonProgressInfo | None = strawberry.field(
        default=None, description="Null on errors."
    )
    errors: list[MutationError] = strawberry.field(default_factory=list)

    @strawberry.field(description="Null on errors.")
    def lesson(self, info: Info) -> LessonType | None:
        if self.lesson_pk is None:
            return None
        return visible(LessonType, info).filter(pk=self.lesson_pk).first()


@strawberry.type
class CoursesMutation:
    @mutation(
        description="Record that you read a lesson to its end and/or how much of one of its "
        "videos you watched; the lesson is done when both rules hold. Repeating it is harmless."
    )
    def record_lesson_progress(
        self, info: Info, input: RecordLessonProgressInput
    ) -> RecordLessonProgressPayload:
        lesson = find(LessonType, input.lesson, info, field="lesson")
        progress = progress_services.record_progress(
            lesson,
            by=current_user(info),
            read_to_end=input.read_to_end,
            video=input.video,
            percent=input.percent,
        )
        return RecordLessonProgressPayload(lesson_pk=lesson.pk, progress=_progress(progress))
