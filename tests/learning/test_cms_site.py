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

pytestmark = pytest.mark.django_db


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


def test_the_preview_address_is_not_a_server_error(as_gu, press_course):
    _course, lesson = press_course

    response = as_gu.get(f"/cms/pages/{lesson.pk}/edit/preview/")

    assert response.status_code in (200, 404)


# --- the menu and the dashboard ----------------------------------------------------


def test_the_menu_has_no_reports_or_help(as_gu):
    html = as_gu.get("/cms/").content.decode()
    props = re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S).group(1)

    assert '"name": "explorer"' in props and '"name": "images"' in props
    assert '"name": "reports"' not in props
    assert '"name": "help"' not in props


def test_the_dashboard_leads_to_training_pages_and_every_link_on_it_works(as_gu):
    html = as_gu.get("/cms/").content.decode()

    assert 'data-testid="cms-learning-links"' in html
    links = {
        href for href in _hrefs(html) if href.startswith("/") and not href.startswith("/static/")
    }
    for path in ("/l/packs/", "/l/quizzes/", "/l/bank/", "/l/archive/", "/l/"):
        assert path in links
    # Wagtail's account page (also behind the keyboard-shortcuts note) leads to /w/.
    for href in links:
        if href.startswith("/cms/logout"):
            continue
        assert as_gu.get(href, follow=True).status_code == 200, href


def test_the_dashboard_speaks_chinese_and_names_the_enterprise(as_gu, acme):
    html = as_gu.get("/cms/").content.decode()

    assert re.search(rf'<h1 class="w-h1[^"]*">\s*{re.escape(acme.name)}\s*</h1>', html)
    assert "培训管理" in html and "搜索课程和课时" in html
    assert "个页面" in html and "Pages" not in html


# --- uploads -----------------------------------------------------------------------


def test_the_upload_page_names_the_limit_of_each_kind_of_file(as_gu, gu, wang):
    from safeloop.tenants.facilities.services import update_person

    chinese = as_gu.get("/cms/documents/multiple/add/").content.decode()
    assert "PDF 文档不超过 20 MB；MP4 或 WebM 视频不超过 200 MB。" in chinese
    assert "200.0" not in chinese

    update_person(gu.person, by=wang, language="en")
    english = as_gu.get("/cms/documents/add/").content.decode()
    assert "PDF documents up to 20 MB; MP4 or WebM videos up to 200 MB." in english
    assert "Maximum filesize" not in english
