"""The course editor (课程编辑, the Wagtail admin) in a real Chromium on a desktop.

Gu Min, Acme's safety manager, opens 课程编辑 from the workspace navigation,
writes a course with a lesson holding a picture (uploaded in the image chooser),
publishes both and adds the course to the welders' pack; Wu Gang, a welder,
signs in with his quick PIN and finds the course in 我的课程. The browser
refuses nothing under our Content-Security-Policy on the way. Screenshots go to
e2e-artifacts/.
"""

from __future__ import annotations

import io
import re
import uuid

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.server import ARTIFACTS
from tests.support.worker import committed

pytestmark = pytest.mark.django_db

PASSWORD = "Safe-Loop-2026!"
PIN = "2468"
DESKTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "zh-CN"}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}
# Runs before any page script: violations are events too (some never reach the console).
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 200), (230, 120, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(params=["desktop"])
def viewport_name(request):
    return request.param


def _set_up() -> dict:
    """Gu Min (safety manager), Wu Gang (welder, PIN) and the welders' pack."""
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from safeloop.learning.assignment_services import save_pack
    from safeloop.learning.catalogue import add_course, course_index
    from safeloop.tenants.facilities.models import JobRole
    from safeloop.tenants.facilities.services import create_person

    tag = uuid.uuid4().hex[:5].upper()
    with schema_context("acme"):
        wang = get_user_model().objects.get(email="wang@acme.test")
        welder = JobRole.objects.get(code="welder")
        gu = create_person(
            by=wang,
            email=f"gu-{tag.lower()}@acme.test",
            full_name="Gu Min",
            employee_no=f"S{tag}",
            password=PASSWORD,
            roles=["safety_manager"],
        )
        wu = create_person(
            by=wang,
            email=f"wu-{tag.lower()}@acme.test",
            full_name="Wu Gang",
            employee_no=f"W{tag}",
            pin=PIN,
            roles=["operator"],
            job_role=welder,
        )
        first = add_course(code=f"HOT-{tag}", title="动火作业安全", title_en="Hot work")
        pack = save_pack(
            by=wang,
            code=f"WELD-{tag}",
            name="焊工必修",
            name_en="Welder basics",
            courses=[first],
            job_roles=[welder],
            due_days=30,
        )
        return {
            "tag": tag,
            "gu": gu.user.email,
            "wu": wu.employee_no,
            "pack": pack.pk,
            "index": course_index().pk,
        }


class Watcher:
    """What the browser refused under the CSP, page by page."""

    def __init__(self, page: Page):
        self.page = page
        self.refused: list[str] = []
        page.add_init_script(LISTEN)
        page.on(
            "console",
            lambda m: (
                self.refused.append(f"{page.url}: {m.text}")
                if "Content Security Policy" in m.text or m.text.startswith("Refused to")
                else None
            ),
        )

    def collect(self) -> None:
        events = self.page.evaluate("window.__cspViolations || []")
        self.refused += [f"{self.page.url}: {event}" for event in events]


def test_the_safety_manager_writes_a_course_and_the_welder_sees_it(
    browser: Browser, server, tenant_url, screenshot, page: Page
):
    data = committed(_set_up)
    tag = data["tag"]
    watch = Watcher(page)

    # Gu signs in with her e-mail and opens 课程编辑 from the navigation.
    page.goto(tenant_url("acme", "/accounts/login/?next=/w/"))
    page.fill("input[name=login]", data["gu"])
    page.fill("input[name=password]", PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/w/")
    editor = page.get_by_test_id("nav-course_editor")
    expect(editor).to_have_text("课程编辑")
    editor.click()
    page.wait_for_url("**/cms/")
    watch.collect()
    screenshot("dashboard")
    # The menu holds what a course editor uses; the dashboard leads to the rest of training.
    sidebar = page.locator("[data-wagtail-sidebar], aside.sidebar, #wagtail-sidebar").first
    expect(sidebar.get_by_text("页面", exact=True)).to_be_visible()
    for hidden in ("报告", "帮助"):
        expect(sidebar.get_by_text(hidden, exact=True)).to_have_count(0)
    links = page.get_by_test_id("cms-learning-links")
    expect(links.get_by_role("link", name="课程包")).to_be_visible()

    # A new course under the catalogue.
    page.goto(tenant_url("acme", f"/cms/pages/{data['index']}/"))
    watch.collect()
    screenshot("catalogue")
    page.goto(tenant_url("acme", f"/cms/pages/add/learning/coursepage/{data['index']}/"))
    page.fill("#id_title", "焊接作业安全")
    page.fill("#id_title_en", "Welding safety")
    page.fill("#id_code", f"WELD-C-{tag}")
    page.fill("#id_summary", "电焊、气割作业前的检查与个人防护。")
    screenshot("course-form")
    _publish(page)
    course = committed(lambda: _course_id(f"WELD-C-{tag}"))
    watch.collect()

    # A lesson with a picture, uploaded in the image chooser.
    page.goto(tenant_url("acme", f"/cms/pages/add/learning/lessonpage/{course}/"))
    page.fill("#id_title", "焊前检查")
    page.fill("#id_title_en", "Checks before welding")
    page.locator("button[title='插入块'], button.c-sf-add-button").first.click()
    page.get_by_role("option", name="图片").click()
    screenshot("picture-block")
    page.locator("[data-chooser-action-choose]").first.click()
    modal = page.locator(".modal-dialog")
    modal.get_by_role("tab", name="上传").click()
    modal.locator("input[type=file]").set_input_files(
        {"name": "mask.png", "mimeType": "image/png", "buffer": _png()}
    )
    # Wagtail fills the title from the file name, on its own time: once it has, ours
    # replaces it (filled earlier, the two ran together into "mask焊接面罩").
    expect(modal.locator("input[name$=title]")).to_have_value("mask")
    modal.locator("input[name$=title]").fill("焊接面罩")
    screenshot("image-chooser")
    modal.locator("form button[type=submit]").click()
    screenshot("image-uploaded")
    expect(page.locator("[data-chooser-title]").first).to_have_text("焊接面罩")
    expect(page.locator(".modal-dialog")).to_be_hidden()
    screenshot("lesson-form")
    _publish(page)
    watch.collect()
    screenshot("course-published")
    assert committed(lambda: _lesson_blocks(course)) == [("figure", "焊接面罩")]

    # "View live" opens the lesson where people read it, on Acme's host and port.
    live = page.get_by_role("link", name=re.compile("实时查看|在线查看")).first
    expect(live).to_have_attribute("href", re.compile(rf"/l/c/{course}/\d+/$"))
    live.click()
    page.wait_for_url(re.compile(rf"/l/c/{course}/\d+/$"))
    expect(page.locator("h1")).to_contain_text("焊前检查")
    screenshot("view-live")

    # A file the server would refuse is refused in the browser before it is sent.
    page.goto(tenant_url("acme", "/cms/documents/multiple/add/"))
    expect(
        page.get_by_text("PDF 文档不超过 20 MB；MP4 或 WebM 视频不超过 200 MB。")
    ).to_be_visible()
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.locator("input[type=file]").first.set_input_files(
        {"name": "notes.docx", "mimeType": "application/msword", "buffer": b"PK" * 50}
    )
    expect(page.locator("[data-upload-refused]")).to_contain_text("notes.docx")
    page.wait_for_timeout(500)
    assert posts == []
    screenshot("upload-refused")

    # The course joins the welders' pack.
    page.goto(tenant_url("acme", f"/l/packs/{data['pack']}/"))
    page.get_by_test_id("field-courses").get_by_text(f"WELD-C-{tag}").click()
    page.get_by_test_id("form-submit").click()
    page.wait_for_url("**/l/packs/")
    expect(page.get_by_test_id("packs")).to_contain_text("焊工必修")
    screenshot("pack")
    assert not watch.refused, "\n".join(watch.refused)

    # Wu Gang, a welder, signs in on his phone with his PIN and finds it in 我的课程.
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(tenant_url("acme", "/auth/quick/?next=/l/"))
    phone.fill("input[name=employee_no]", data["wu"])
    phone.fill("input[name=pin]", PIN)
    phone.locator("#quick-login-form button[type=submit]").click()
    phone.wait_for_url("**/l/")
    expect(phone.get_by_test_id("section-required")).to_contain_text("焊接作业安全")
    phone.screenshot(
        path=str(ARTIFACTS / "test_learning_cms-welder-my-courses.png"), full_page=True
    )


def _publish(page: Page) -> None:
    """Wagtail's footer: open the actions beside 保存草稿 and publish."""
    page.locator("footer .w-dropdown__toggle, [data-w-dropdown-target=toggle]").last.click()
    page.locator("button[name=action-publish]").click()
    expect(page.locator(".messages li.success").first).to_contain_text("发布")


def _course_id(code: str) -> int:
    from django_tenants.utils import schema_context

    from safeloop.learning.models import CoursePage

    with schema_context("acme"):
        course = CoursePage.objects.get(code=code)
        assert course.live
        return course.pk


def _lesson_blocks(course_id: int) -> list[tuple[str, str]]:
    from django_tenants.utils import schema_context

    from safeloop.learning.models import LessonPage

    with schema_context("acme"):
        lesson = LessonPage.objects.live().get(path__startswith=_path_of(course_id))
        return [(block.block_type, block.value["image"].title) for block in lesson.body]


def _path_of(page_id: int) -> str:
    from wagtail.models import Page

    return Page.objects.get(pk=page_id).path
