"""Reading a course on the phone: the course page, a lesson, its progress reports, and
the lesson's pictures, videos and documents.

Thin: the rules (what counts as opened, read to the end, watched, done) are in
``progress_services``. Courses are Wagtail pages but are not served by Wagtail's
page router: these views check the sign-in and the course-lesson relation, and the
media views serve only files of the request's enterprise (``serve_tenant_file``).
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from safeloop.learning import progress_services
from safeloop.learning.models import CoursePage, LessonPage, Quiz
from safeloop.learning.permissions import LearningPerm
from safeloop.platform.files import serve_tenant_file
from safeloop.web.guards import guarded


def _course(course_id: int) -> CoursePage:
    return get_object_or_404(progress_services.readable_courses(), pk=course_id)


def _lesson(course: CoursePage, lesson_id: int) -> LessonPage:
    lesson = progress_services.lesson_of_course(course, lesson_id)
    if lesson is None:
        raise Http404
    return lesson


@guarded(LearningPerm.LEARNING_TAKE)
def course(request: HttpRequest, course_id: int) -> HttpResponse:
    """The course: where to carry on, lessons with progress, quizzes with the best
    score, the assignment's due date and the certificate."""
    page = _course(course_id)
    outline = progress_services.course_outline(page, by=request.user)
    return render(request, "learning/reading/course.html", {"course": page, "outline": outline})


@guarded(LearningPerm.LEARNING_TAKE)
def lesson(request: HttpRequest, course_id: int, lesson_id: int) -> HttpResponse:
    """One lesson; showing it records that the person opened it."""
    page = _course(course_id)
    current = _lesson(page, lesson_id)
    progress = progress_services.record_opened(current, by=request.user)
    before, after, number, total = progress_services.lesson_neighbours(page, current)
    return render(
        request,
        "learning/reading/lesson.html",
        {
            "course": page,
            "lesson": current,
            "progress": progress,
            "status": progress_services.status_of_progress(progress),
            "previous": before,
            "next": after,
            "number": number,
            "total": total,
            "quiz": Quiz.objects.filter(lesson=current).first(),
            "final_quiz": None
            if after is not None
            else Quiz.objects.filter(course=page, lesson=None).first(),
            "video_ids": progress_services.video_ids(current),
        },
    )


def _progress_json(progress) -> dict:
    return {
        "ok": True,
        "status": str(progress_services.status_of_progress(progress)),
        "readToEnd": progress.read_to_end_at is not None,
        "videoPercent": progress.video_percent,
    }


@require_POST
@guarded(LearningPerm.LEARNING_TAKE)
def lesson_progress(request: HttpRequest, course_id: int, lesson_id: int) -> JsonResponse:
    """What lesson.js reports: ``{"readToEnd": true}`` or ``{"video": id, "percent": n}``."""
    current = _lesson(_course(course_id), lesson_id)
    try:
        data = json.loads(request.body or b"{}")
        if not isinstance(data, dict):
            raise ValueError
        percent = data.get("percent")
        percent = None if percent is None else int(percent)
        video = data.get("video")
        video = None if video is None else str(video)
    except (ValueError, TypeError):
        return JsonResponse({"ok": False, "error": _("The report could not be read.")}, status=400)
    try:
        progress = progress_services.record_progress(
            current,
            by=request.user,
            read_to_end=bool(data.get("readToEnd")),
            video=video,
            percent=percent,
        )
    except ValidationError as exc:
        return JsonResponse({"ok": False, "error": " ".join(exc.messages)}, status=400)
    return JsonResponse(_progress_json(progress))


@guarded(LearningPerm.LEARNING_TAKE)
def lesson_document(request: HttpRequest, document_id: int) -> HttpResponse:
    """A lesson's video or PDF, for people of this enterprise who take courses (once a
    published lesson uses it). Byte ranges are answered: phones play and seek videos
    with them."""
    document = get_object_or_404(get_document_model(), pk=document_id)
    if not progress_services.may_read_media(request.user, document):
        raise Http404
    return serve_tenant_file(
        document.file,
        request,
        content_type=document.content_type,
        disposition=document.content_disposition,
    )


@guarded(LearningPerm.LEARNING_TAKE)
def lesson_image(request: HttpRequest, rendition_id: int) -> HttpResponse:
    """A lesson picture at the size the page asked for (a Wagtail rendition)."""
    rendition_model = get_image_model().get_rendition_model()
    rendition = get_object_or_404(rendition_model.objects.select_related("image"), pk=rendition_id)
    if not progress_services.may_read_media(request.user, rendition.image):
        raise Http404
    return serve_tenant_file(rendition.file, request)
