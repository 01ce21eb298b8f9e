"""The tenant's course tree: one catalogue, courses under it, lessons in order."""

from __future__ import annotations

from safeloop.learning.catalogue import add_course, add_lesson, course_index, lessons_of
from safeloop.learning.models import CourseIndexPage, CoursePage


def test_courses_and_lessons_are_published_in_order_under_one_catalogue(in_acme):
    course = add_course(code="WELD-01", title="焊接作业安全", title_en="Welding safety", hours=2)
    add_lesson(course, title="动火作业审批", title_en="Hot work permits")
    add_lesson(course, title="焊接烟尘防护", title_en="Welding fume protection")

    assert CourseIndexPage.objects.count() == 1
    assert course_index().pk == course.get_parent().pk
    assert [lesson.title for lesson in lessons_of(course)] == ["动火作业审批", "焊接烟尘防护"]
    assert CoursePage.objects.get(code="WELD-01").live


def test_another_enterprise_sees_none_of_the_courses(in_acme, globex):
    from django_tenants.utils import tenant_context

    add_course(code="ACME-ONLY", title="仅限本厂")
    with tenant_context(globex):
        assert not CoursePage.objects.filter(code="ACME-ONLY").exists()
