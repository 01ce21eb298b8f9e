"""The tenant's course tree in Wagtail: the catalogue page and adding courses
and lessons to it. Used by the industry template, the demo and the tests; people
write courses in the Wagtail admin."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Page
from wagtail.search.backends import get_search_backends

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


# --- many courses at once (industry templates) -------------------------------------------


@dataclass
class LessonSpec:
    title: str
    title_en: str = ""
    minutes: int = 10
    body: list[tuple[str, object]] = field(default_factory=list)


@dataclass
class CourseSpec:
    code: str
    title: str
    title_en: str = ""
    summary: str = ""
    summary_en: str = ""
    hours: Decimal = Decimal(1)
    renewal_months: int = 12
    lessons: list[LessonSpec] = field(default_factory=list)


def course_slug(code: str) -> str:
    """The URL slug of the course with this code (unique codes give unique slugs)."""
    return _slug(code)


def _insert(model, objs: list, fields: list, *, returning: bool = False):
    # Django's bulk_create refuses multi-table models (a page is a Page row plus its
    # own row); this is the insert it would run, one statement per table.
    return model._base_manager._insert(
        objs, fields=fields, returning_fields=[model._meta.pk] if returning else None
    )


def publish_courses(
    specs: list[CourseSpec], *, index: CourseIndexPage | None = None
) -> list[tuple[CoursePage, list[LessonPage]]]:
    """Publish whole courses with their lessons under the catalogue in a fixed number
    of queries, whatever their count.

    ``add_child`` costs ~29 queries (~20 ms) a page: tree lookups, slug checks, a
    log entry, search and reference index tasks; a template's 30 pages would be
    most of a signup. Here the tree paths are computed (treebeard's materialised
    path), each table gets one insert, the search index one bulk add. No revisions
    or log entries are written: the pages are as if published without history, and
    the first edit in the Wagtail admin makes the first revision. Callers check
    that codes (and so slugs) are new.
    """
    if not specs:
        return []
    parent = index or course_index()
    parent.refresh_from_db(fields=["numchild", "path", "depth", "url_path"])
    last = parent.get_last_child()
    step = Page._str2int(last.path[-Page.steplen :]) if last is not None else 0
    now = timezone.now()
    tree: list[tuple[CoursePage, list[LessonPage]]] = []
    published = {"live": True, "has_unpublished_changes": False}
    published |= {"first_published_at": now, "last_published_at": now}
    published["locale_id"] = parent.locale_id
    for spec in specs:
        step += 1
        slug = _slug(spec.code)
        course = CoursePage(
            title=spec.title,
            draft_title=spec.title,
            title_en=spec.title_en,
            slug=slug,
            code=spec.code,
            summary=spec.summary,
            summary_en=spec.summary_en,
            hours=Decimal(str(spec.hours)),
            renewal_months=spec.renewal_months,
            path=Page._get_path(parent.path, parent.depth + 1, step),
            depth=parent.depth + 1,
            numchild=len(spec.lessons),
            url_path=f"{parent.url_path}{slug}/",
            **published,
        )
        lessons = [
            LessonPage(
                title=lesson.title,
                draft_title=lesson.title,
                title_en=lesson.title_en,
                slug=f"lesson-{n}",
                body=lesson.body,
                minutes=lesson.minutes,
                path=Page._get_path(course.path, course.depth + 1, n),
                depth=course.depth + 1,
                numchild=0,
                url_path=f"{course.url_path}lesson-{n}/",
                **published,
            )
            for n, lesson in enumerate(spec.lessons, start=1)
        ]
        tree.append((course, lessons))

    pages = [page for course, lessons in tree for page in (course, *lessons)]
    base_fields = [f for f in Page._meta.local_concrete_fields if not f.primary_key]
    for page, (pk,) in zip(pages, _insert(Page, pages, base_fields, returning=True), strict=True):
        page.id = page.page_ptr_id = pk
        page._state.adding, page._state.db = False, connection.alias
    courses = [course for course, _lessons in tree]
    lessons = [lesson for _course, lessons in tree for lesson in lessons]
    _insert(CoursePage, courses, list(CoursePage._meta.local_concrete_fields))
    if lessons:
        _insert(LessonPage, lessons, list(LessonPage._meta.local_concrete_fields))
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(courses))
    parent.numchild += len(courses)
    for backend in get_search_backends(with_auto_update=True):
        backend.add_bulk(CoursePage, courses)
        if lessons:
            backend.add_bulk(LessonPage, lessons)
    return tree
