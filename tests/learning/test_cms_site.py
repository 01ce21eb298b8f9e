"""What the course editor (课程编辑) shows that leads out of it, and what it leaves out.

Gu Min, Acme's safety manager, writes courses in the Wagtail admin; Wagtail does not
serve pages here, so every "View live" (在线查看) and page URL must open SafeLoop's
own reading pages on Acme's host, Wagtail's preview (which would need Wagtail's page
router) is not offered, and menu items that lead nowhere useful (reports, help) are
not shown. Enterprises made before each had its own Wagtail site get it on deploy.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from safeloop.learning.catalogue import add_course, add_lesson, course_index
from safeloop.tenants.facilities.services import create_person

pytestmark = pytest.mark.django_db

PASSWORD = "Safe-Loop-2026!"


@pytest.fixture
def gu(wang):
    """Gu Min, Acme's safety manager."""
    return create_person(
        by=wang,
        email="gu@acme.test",
        full_name="Gu Min",
        employee_no="S5001",
        password=PASSWORD,
        roles=["safety_manager"],
    ).user


@pytest.fixture
def as_gu(acme_client, gu):
    acme_client.force_login(gu)
    return acme_client


@pytest.fixture
def press_course(in_acme):
    course = add_course(code="PRESS-01", title="冲压安全", title_en="Press safety")
    lesson = add_lesson(course, title="防护罩", body=[("text", "<p>防护罩不得拆除。</p>")])
    return course, lesson


def _hrefs(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


# --- links that leave the admin ----------------------------------------------------


def test_course_and_lesson_urls_are_our_reading_pages_on_acmes_host(press_course):
    course, lesson = press_course
    host = f"acme.{settings.SAFELOOP_BASE_DOMAIN}"

    assert course.url == f"/l/c/{course.pk}/"
    assert lesson.url == f"/l/c/{course.pk}/{lesson.pk}/"
    assert course_index().url == "/l/"
    assert lesson.full_url.startswith(f"{settings.SAFELOOP_SCHEME}://{host}")
    assert lesson.full_url.endswith(f"/l/c/{course.pk}/{lesson.pk}/")


def test_view_live_in_the_editor_opens_the_lesson_for_reading(as_gu, press_course):
    course, lesson = press_course

    edit = as_gu.get(f"/cms/pages/{lesson.pk}/edit/").content.decode()
    listing = as_gu.get(f"/cms/pages/{course.pk}/").content.decode()

    lesson_url = f"/l/c/{course.pk}/{lesson.pk}/"
    assert lesson_url in _hrefs(edit)
    assert lesson_url in _hrefs(listing)
    assert f"/l/c/{course.pk}/" in _hrefs(
        as_gu.get(f"/cms/pages/{course_index().pk}/").content.decode()
    )
    reading = as_gu.get(lesson_url)
    assert reading.status_code == 200
    assert "防护罩不得拆除" in reading.content.decode()


def test_the_editor_offers_no_wagtail_preview_of_courses_or_lessons(as_gu, press_course):
    course, lesson = press_course

    for page in (course, lesson, course_index()):
        edit = as_gu.get(f"/cms/pages/{page.pk}/edit/")
        assert edit.status_code == 200
        html = edit.content.decode()
        assert f"/cms/pages/{page.pk}/edit/preview/" not in html
        assert "w-preview" not in html
    add = as_gu.get(f"/cms/pages/add/learning/lessonpage/{course.pk}/")
    assert add.status_code == 200
    assert "/preview/" not in add.content.decode()
