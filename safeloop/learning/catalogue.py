"""The tenant's course tree in Wagtail: the catalogue page and adding courses
and lessons to it. Used by the industry template, the demo and the tests; people
write courses in the Wagtail admin."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify
from wagtail.models import Page

from safeloop.learning.models import CourseIndexPage, CoursePage, LessonPage

INDEX_SLUG = "courses"


def course_index() -> CourseIndexPage:
    """The tenant's course catalogue (培训课程), made under the Wagtail root on first use."""
    index = CourseIndexPage.objects.first()
    if index is not None:
        return index
    with transaction.atomic():
        root = Page.get_first_root_node()
        index = CourseIndexPage(title="培训课程", title_en="Courses", slug=INDEX_SLUG)
        root.add_child(instance=index)
    return index


def _slug(code: str) -> str:
    return slugify(code) or code.lower()


def add_course(
    *,
    code: str,
    title: str,
    title_en: str = "",
    summary: str = "",
    summary_en: str = "",
    hours: Decimal | int | str = 1,
    renewal_months: int = 12,
    index: CourseIndexPage | None = None,
) -> CoursePage:
    """Publish a new course under the catalogue."""
    parent = index or course_index()
    course = CoursePage(
        title=title,
        title_en=title_en,
        slug=_slug(code),
        code=code,
        summary=summary,
        summary_en=summary_en,
        hours=Decimal(str(hours)),
        renewal_months=renewal_months,
    )
    parent.add_child(instance=course)
    return course


def add_lesson(
    course: CoursePage,
    *,
    title: str,
    title_en: str = "",
    body: list[tuple[str, object]] | None = None,
    minutes: int = 10,
    slug: str = "",
) -> LessonPage:
    """Publish a lesson at the end of ``course``; ``body`` is StreamField data,
    e.g. ``[("heading", "…"), ("text", "<p>…</p>")]``."""
    position = course.get_children_count() + 1
    lesson = LessonPage(
        title=title,
        title_en=title_en,
        slug=slug or f"lesson-{position}",
        body=body or [],
        minutes=minutes,
    )
    course.add_child(instance=lesson)
    return lesson


def lessons_of(course: CoursePage):
    """The course's published lessons, in tree order."""
    return LessonPage.objects.child_of(course).live().order_by("path")
