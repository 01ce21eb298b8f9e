"""Reading a course and how far each person got in it (学习进度): one place for the rules.

A lesson is *opened* the first time its page is shown to the person, *read to the
end* when its end marker scrolls into view, and *done* (``completed_at``) once it is
read to the end and every video in it was watched to at least ``VIDEO_DONE_PERCENT``.
"Watched" is what the browser played (its ``played`` ranges), not how far someone
dragged the slider, and the furthest share ever reported counts: a second viewing
never lowers it. Every step is recorded once (a reload, a second tab, a replayed
request change nothing) and each first step writes one audit event; a video's
progress reports are not audited one by one, only the moment it crosses 90 %.

The course page reads everything it shows through :func:`course_outline`: the
lessons with the person's status, the quizzes with their best score, the
assignment and the certificate, in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page, ReferenceIndex

from safeloop.access import can, ensure_can
from safeloop.learning.assignment_services import DUE_SOON_DAYS, local_today
from safeloop.learning.catalogue import lessons_of
from safeloop.learning.certificate_services import status_of
from safeloop.learning.models import (
    Assignment,
    Attempt,
    Certificate,
    CoursePage,
    LessonPage,
    LessonProgress,
    Quiz,
)
from safeloop.learning.permissions import LearningPerm
from safeloop.platform.errors import field_error
from safeloop.tenants.audit.services import record_event

# A video counts as watched from this share on (the issue: "video watched to ≥ 90 %").
VIDEO_DONE_PERCENT = 90


class ProgressErrorCode:
    NO_PERSON = "no_person"
    NOT_A_VIDEO = "not_a_video"
    INVALID = "invalid"


class LessonStatus(StrEnum):
    NOT_STARTED = "not_started"
    OPENED = "opened"
    DONE = "done"


def status_of_progress(progress: LessonProgress | None) -> LessonStatus:
    if progress is None:
        return LessonStatus.NOT_STARTED
    if progress.completed_at is not None:
        return LessonStatus.DONE
    return LessonStatus.OPENED


# --- who and what ----------------------------------------------------------------------


def _person(by):
    person = getattr(by, "person", None)
    if person is None:
        raise PermissionDenied(_("Only people on the enterprise's roll take courses."))
    return person


def readable_courses():
    """The courses people read: published ones (a draft is the editor's business)."""
    return CoursePage.objects.live()


def lesson_of_course(course: CoursePage, lesson_id: int) -> LessonPage | None:
    """The published lesson ``lesson_id`` if it is one of ``course``'s lessons."""
    return lessons_of(course).filter(pk=lesson_id).first()


def may_read_media(user, obj) -> bool:
    """A picture or document (video, PDF) is read by learners once a published lesson or
    course uses it; people who write courses (learning.manage) read them all. Other
    files of the enterprise's Wagtail library stay out of reach by guessing ids."""
    if can(user, LearningPerm.LEARNING_MANAGE):
        return True
    if not can(user, LearningPerm.LEARNING_TAKE):
        return False
    users = ReferenceIndex.get_references_to(obj).values_list("object_id", flat=True)
    page_ids = [int(pk) for pk in users if str(pk).isdigit()]
    return Page.objects.live().type(LessonPage, CoursePage).filter(pk__in=page_ids).exists()


def video_ids(lesson: LessonPage) -> list[str]:
    """The ids of the lesson's video blocks, in reading order."""
    return [block.id for block in lesson.body if block.block_type == "video" and block.id]


def _least_watched(videos: dict, ids: Iterable[str]) -> int:
    ids = list(ids)
    if not ids:
        return 100
    return min(int(videos.get(video, 0)) for video in ids)


# --- recording -------------------------------------------------------------------------


def record_opened(lesson: LessonPage, *, by) -> LessonProgress:
    """The person's progress in ``lesson``, created (and audited) the first time they open it."""
    ensure_can(by, LearningPerm.LEARNING_TAKE)
    person = _person(by)
    existing = LessonProgress.objects.filter(person=person, lesson=lesson).first()
    if existing is not None:
        return existing
    ids = video_ids(lesson)
    try:
        with transaction.atomic():
            progress = LessonProgress.objects.create(
                person=person,
                lesson=lesson,
                opened_at=timezone.now(),
                video_percent=_least_watched({}, ids),
            )
            record_event(
                progress, "learning.lesson_opened", by=by, lesson=lesson.pk, videos=len(ids)
            )
    except IntegrityError:
        # Two tabs opened the lesson at once: the other request's row is the one.
        return LessonProgress.objects.get(person=person, lesson=lesson)
    return progress


def _clean_video(lesson: LessonPage, video: str | None, percent: int | None) -> list[str]:
    ids = video_ids(lesson)
    if video is None:
        return ids
    if video not in ids:
        raise field_error(
            "video", _("This lesson has no such video."), ProgressErrorCode.NOT_A_VIDEO
        )
    if percent is None or isinstance(percent, bool) or not 0 <= int(percent) <= 100:
        raise field_error(
            "percent", _("Give how much was watched, from 0 to 100."), ProgressErrorCode.INVALID
        )
    return ids


@transaction.atomic
def record_progress(
    lesson: LessonPage,
    *,
    by,
    read_to_end: bool = False,
    video: str | None = None,
    percent: int | None = None,
) -> LessonProgress:
    """Record that the person read ``lesson`` to its end and/or watched ``percent`` of one
    of its videos; completes the lesson when both rules hold. Idempotent: what was
    recorded stays, a lower percentage changes nothing."""
    ensure_can(by, LearningPerm.LEARNING_TAKE)
    _person(by)
    ids = _clean_video(lesson, video, percent)
    if not read_to_end and video is None:
        raise ValidationError(
            _(
                "Nothing to record: say the lesson was read to the end or how much of a video "
                "was watched."
            ),
            code=ProgressErrorCode.INVALID,
        )
    opened = record_opened(lesson, by=by)
    # Row lock: two reports at once (end marker and a video) must not undo each other.
    progress = LessonProgress.objects.select_for_update().get(pk=opened.pk)
    now = timezone.now()
    changed: set[str] = set()
    if read_to_end and progress.read_to_end_at is None:
        progress.read_to_end_at = now
        changed.add("read_to_end_at")
        record_event(progress, "learning.lesson_read_to_end", by=by, lesson=lesson.pk)
    if video is not None:
        before = int(progress.videos.get(video, 0))
        if int(percent) > before:
            progress.videos = {**progress.videos, video: int(percent)}
            changed.add("videos")
            if before < VIDEO_DONE_PERCENT <= int(percent):
                record_event(
                    progress, "learning.video_watched", by=by, lesson=lesson.pk, video=video
                )
    least = _least_watched(progress.videos, ids)
    if least != progress.video_percent:
        progress.video_percent = least
        changed.add("video_percent")
    if (
        progress.completed_at is None
        and progress.read_to_end_at is not None
        and progress.video_percent >= VIDEO_DONE_PERCENT
    ):
        progress.completed_at = now
        changed.add("completed_at")
        record_event(progress, "learning.lesson_completed", by=by, lesson=lesson.pk)
    if changed:
        progress.save(update_fields=sorted(changed))
    return progress


# --- what the course page shows --------------------------------------------------------


@dataclass(frozen=True)
class QuizBest:
    """A quiz with the person's best submitted score (None: not taken yet)."""

    quiz: Quiz
    best: int | None = None
    passed: bool = False
    attempts: int = 0


@dataclass(frozen=True)
class LessonRow:
    number: int
    lesson: LessonPage
    progress: LessonProgress | None
    quiz: QuizBest | None

    @property
    def status(self) -> LessonStatus:
        return status_of_progress(self.progress)


@dataclass
class CourseOutline:
    course: CoursePage
    lessons: list[LessonRow] = field(default_factory=list)
    final_quiz: QuizBest | None = None
    assignment: Assignment | None = None
    certificate: Certificate | None = None
    certificate_status: str | None = None

    @property
    def done_count(self) -> int:
        return sum(1 for row in self.lessons if row.status == LessonStatus.DONE)

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / len(self.lessons)) if self.lessons else 0

    @property
    def assignment_status(self) -> str | None:
        """done, overdue, due_soon or required, as on "my courses"; None: not assigned."""
        a = self.assignment
        if a is None:
            return None
        if a.completed_at is not None:
            return "done"
        today = local_today()
        if a.due_on < today:
            return "overdue"
        if a.due_on <= today + timedelta(days=DUE_SOON_DAYS):
            return "due_soon"
        return "required"

    @property
    def days_overdue(self) -> int:
        return (local_today() - self.assignment.due_on).days if self.assignment else 0

    @property
    def next_lesson(self) -> LessonRow | None:
        """Where to carry on: the first lesson not done."""
        return next((row for row in self.lessons if row.status != LessonStatus.DONE), None)


def quiz_bests(quizzes: Iterable[Quiz], person) -> dict[int, QuizBest]:
    quizzes = list(quizzes)
    stats = {
        row["quiz_id"]: row
        for row in Attempt.objects.filter(
            person=person, quiz__in=quizzes, submitted_at__isnull=False
        )
        .order_by()
        .values("quiz_id")
        .annotate(best=Max("score"), n=Count("pk"), passes=Count("pk", filter=Q(passed=True)))
    }
    out = {}
    for quiz in quizzes:
        row = stats.get(quiz.pk)
        out[quiz.pk] = QuizBest(
            quiz=quiz,
            best=row["best"] if row else None,
            passed=bool(row and row["passes"]),
            attempts=row["n"] if row else 0,
        )
    return out


def course_outline(course: CoursePage, *, by) -> CourseOutline:
    """The course as the person sees it: lessons with their progress, quizzes with the
    best score, the assignment (open one first) and the latest certificate."""
    ensure_can(by, LearningPerm.LEARNING_TAKE)
    person = _person(by)
    lessons = list(lessons_of(course))
    progress = {
        p.lesson_id: p
        for p in LessonProgress.objects.filter(person=person, lesson__in=[x.pk for x in lessons])
    }
    bests = quiz_bests(Quiz.objects.filter(course=course).order_by("pk"), person)
    by_lesson = {b.quiz.lesson_id: b for b in bests.values()}
    outline = CourseOutline(
        course=course,
        lessons=[
            LessonRow(
                number=n,
                lesson=lesson,
                progress=progress.get(lesson.pk),
                quiz=by_lesson.get(lesson.pk),
            )
            for n, lesson in enumerate(lessons, start=1)
        ],
        final_quiz=by_lesson.get(None),
    )
    outline.assignment = (
        Assignment.objects.filter(person=person, course=course, cancelled_at__isnull=True)
        # The open assignment first, then the latest finished one.
        .order_by(F("completed_at").desc(nulls_first=True), "-assigned_at")
        .first()
    )
    outline.certificate = (
        Certificate.objects.filter(person=person, course=course, revoked_at__isnull=True)
        .order_by("-issued_on", "-pk")
        .first()
    )
    if outline.certificate is not None:
        outline.certificate_status = status_of(outline.certificate)
    return outline


def lesson_neighbours(course: CoursePage, lesson: LessonPage):
    """The lessons before and after ``lesson`` in the course (None at either end)."""
    ids = list(lessons_of(course).values_list("pk", flat=True))
    at = ids.index(lesson.pk)
    before = ids[at - 1] if at > 0 else None
    after = ids[at + 1] if at + 1 < len(ids) else None
    pages = LessonPage.objects.in_bulk([pk for pk in (before, after) if pk])
    return pages.get(before), pages.get(after), at + 1, len(ids)
