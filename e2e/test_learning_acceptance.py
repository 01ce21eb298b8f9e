"""The learning issue's acceptance on a phone, in a real Chromium: a welder signs in with
the quick PIN, finds the welder's pack under 我的课程, opens the course and reads its
lessons to the end, takes the final exam answering wrong on purpose (below 80), is
sent back to study, lands on the course, takes the exam again answering right (the
test reads the answer key from the database) and passes, opens his certificate and
downloads its PDF; the PDF rasterised with pdftoppm has a QR code that zbarimg decodes
to the check page on the served host and port, which says 有效 (valid).

Screenshots go to e2e-artifacts/ (and /work/wt/shots/reading/ when that folder exists).
"""

from __future__ import annotations

import base64
import io
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from e2e.test_tap_targets import MEASURE, TAP
from tests.support.documents import rasterise, read_qr
from tests.support.worker import committed

pytestmark = pytest.mark.django_db

PIN = "2468"  # conftest.PIN
PASSWORD = "Safe-Loop-2026!"
SHOTS = Path("/work/wt/shots/reading")
FETCH_BYTES = """async (path) => {
  const response = await fetch(path);
  const bytes = new Uint8Array(await response.arrayBuffer());
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return [response.headers.get("content-type"), btoa(text)];
}"""


@pytest.fixture(params=["phone"])
def viewport_name(request):
    return request.param


def _shot(page: Page, screenshot, name: str) -> None:
    path = screenshot(name)
    if SHOTS.is_dir():
        (SHOTS / path.name).write_bytes(path.read_bytes())


def _welder_and_course() -> dict:
    """A welder of W1 (PIN sign-in), the welding course (two lessons, a picture, the final
    exam drawing 5 of the bank's questions) and the welder's pack requiring it."""
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from django_tenants.utils import schema_context
    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    from safeloop.learning.assignment_services import save_pack
    from safeloop.learning.catalogue import add_course, add_lesson
    from safeloop.learning.models import Quiz, QuizSource
    from safeloop.tenants.facilities.models import Area, JobRole
    from safeloop.tenants.facilities.services import create_person
    from tests.learning._quiz_data import make_category

    tag = uuid.uuid4().hex[:6].upper()
    with schema_context("acme"):
        wang = get_user_model().objects.get(email="wang@acme.test")
        welder_role = JobRole.objects.get(code="welder")
        buffer = io.BytesIO()
        # A colour of its own: Wagtail caches renditions by file hash in Redis, which
        # outlives the test database.
        colour = tuple(uuid.uuid4().bytes[:3])
        PILImage.new("RGB", (640, 360), colour).save(buffer, format="PNG")
        picture = get_image_model()(title="焊接面罩", file=ContentFile(buffer.getvalue(), "m.png"))
        picture._set_image_file_metadata()
        picture.save()
        course = add_course(
            code=f"WELD-{tag}",
            title="焊接与切割作业安全",
            title_en="Welding and cutting safety",
            summary="电焊工岗前必修：动火作业、个人防护、触电与火灾的预防。",
            hours=4,
        )
        rules = [
            ("text", f"<p>第{n}条：动火作业前必须办理动火证，清理 10 米内的易燃物。</p>")
            for n in range(1, 9)
        ]
        add_lesson(
            course,
            title="动火作业管理",
            title_en="Hot work permits",
            minutes=12,
            body=[
                ("heading", "为什么要办动火证"),
                ("callout", {"level": "danger", "text": "<p>严禁在未清理的油罐、管道上动火。</p>"}),
                *rules[:4],
                ("figure", {"image": picture, "caption": "焊接面罩必须完好"}),
                ("callout", {"level": "caution", "text": "<p>动火证当班有效，换班重新办理。</p>"}),
                *rules[4:],
            ],
        )
        add_lesson(
            course,
            title="个人防护与触电预防",
            title_en="Protection and electric shock",
            minutes=8,
            body=[
                ("text", "<p>焊工必须穿戴绝缘鞋、焊接手套和面罩。</p>"),
                ("callout", {"level": "note", "text": "<p>潮湿场所焊接要用安全电压照明。</p>"}),
            ],
        )
        bank = make_category(f"AC{tag}", "焊接", singles=4, multiples=2, tfs=2)
        quiz = Quiz.objects.create(course=course, question_count=5, title="焊接结业考试")
        QuizSource.objects.create(quiz=quiz, category=bank)
        welder = create_person(
            by=wang,
            email=f"welder-{tag.lower()}@acme.test",
            full_name="Zhou Hanjie",
            employee_no=f"H{tag}",
            password=PASSWORD,
            pin=PIN,
            roles=["operator"],
            area=Area.objects.get(code="W1"),
            job_role=welder_role,
        )
        save_pack(
            by=wang,
            code=f"WELD-{tag}",
            name="电焊工岗前培训",
            name_en="Welder induction",
            courses=[course],
            job_roles=[welder_role],
            due_days=14,
        )
        return {"course": course.pk, "code": course.code, "employee_no": welder.employee_no}


def _answer_key(attempt_id: int) -> list[tuple[int, list[int], list[int]]]:
    """Per question of the attempt's paper: (question id, right choice ids, a wrong one)."""
    from django_tenants.utils import schema_context

    from safeloop.learning.models import Attempt, Choice

    with schema_context("acme"):
        paper = Attempt.objects.get(pk=attempt_id).paper
        key = []
        for item in paper:
            choices = list(Choice.objects.filter(question_id=item["question"]))
            right = [c.pk for c in choices if c.correct]
            wrong = [next(c.pk for c in choices if not c.correct)]
            key.append((item["question"], right, wrong))
        return key


def _take_quiz(page: Page, *, right: bool) -> None:
    page.get_by_test_id("start-quiz").click()
    page.wait_for_url("**/l/attempt/*/")
    attempt_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    for question, good, bad in committed(lambda: _answer_key(attempt_id)):
        for choice in good if right else bad:
            with page.expect_response(lambda r: r.request.method == "POST"):
                page.locator(f"input[name=q{question}][value='{choice}']").check()
    page.get_by_test_id("submit-quiz").click()
    page.wait_for_url("**/result/")


def _small_targets(page: Page) -> list[str]:
    """Links and buttons under 44 × 44 px (e2e/test_tap_targets.py's measure)."""
    return page.evaluate(MEASURE, TAP)["misses"]


def _read_to_the_end(page: Page) -> None:
    page.get_by_test_id("lesson-end").scroll_into_view_if_needed()
    expect(page.get_by_test_id("lesson-end-status")).to_have_text("本课时已学完。")


def test_a_welder_studies_fails_studies_again_passes_and_his_certificate_verifies(
    page: Page, tenant_url, screenshot, tmp_path
):
    data = committed(_welder_and_course)
    course_path = f"/l/c/{data['course']}/"
    # Strict CSP: anything inline the pages tried to run or style would be reported here.
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    blocked: list[str] = []

    # The quick PIN sign-in lands on 我的课程, where the welder's pack waits.
    page.goto(tenant_url("acme", "/auth/quick/?next=/l/"))
    page.fill("input[name=employee_no]", data["employee_no"])
    page.fill("input[name=pin]", PIN)
    page.locator("#quick-login-form button[type=submit]").click()
    page.wait_for_url("**/l/")
    card = page.locator(f"[data-testid=course-card][data-course='{data['code']}']")
    expect(card).to_contain_text("焊接与切割作业安全")
    expect(card).to_contain_text("课时 0/2")
    _shot(page, screenshot, "1-my-courses")

    # The course: what to do next is the first thing on the screen.
    card.click()
    page.wait_for_url(f"**{course_path}")
    expect(page.get_by_test_id("continue")).to_be_in_viewport()
    expect(page.get_by_test_id("lesson-row")).to_have_count(2)
    assert _small_targets(page) == []
    _shot(page, screenshot, "2-course")

    # Lesson 1 (text, callouts, a picture), read to its end; then lesson 2.
    page.get_by_test_id("continue").click()
    expect(page.get_by_test_id("page-title")).to_have_text("动火作业管理")
    expect(page.get_by_test_id("callout-danger")).to_contain_text("危险")
    _shot(page, screenshot, "3-lesson-top")
    figure = page.get_by_test_id("lesson-figure")
    figure.scroll_into_view_if_needed()  # loading="lazy"
    expect(figure).to_have_js_property("naturalWidth", 640)
    _read_to_the_end(page)
    assert _small_targets(page) == []
    _shot(page, screenshot, "4-lesson-end")
    page.get_by_test_id("next-lesson").click()
    expect(page.get_by_test_id("page-title")).to_have_text("个人防护与触电预防")
    _read_to_the_end(page)

    # The exam, wrong on purpose: below 80, and "study again" leads back to the course.
    page.get_by_test_id("take-final-quiz").click()
    _take_quiz(page, right=False)
    expect(page.get_by_test_id("score")).to_have_text("0")
    _shot(page, screenshot, "5-failed")
    page.get_by_test_id("study-again").click()
    page.wait_for_url(f"**{course_path}")
    expect(page.get_by_test_id("lessons-done")).to_contain_text("2/2")
    expect(page.get_by_test_id("final-best")).to_contain_text("最高分：0")
    _shot(page, screenshot, "6-back-to-course")

    # Again, answering right: passed, with a certificate.
    page.get_by_test_id("take-final-quiz").click()
    _take_quiz(page, right=True)
    expect(page.get_by_test_id("score")).to_have_text("100")
    page.get_by_test_id("to-certificates").click()
    row = page.get_by_test_id("certificate-row").filter(has_text="焊接与切割作业安全")
    expect(row.get_by_test_id("certificate-status")).to_have_text("有效")
    _shot(page, screenshot, "7-certificates")

    # The PDF, downloaded by the browser (its session; it resolves *.localhost itself);
    # its QR code opens the public check.
    href = row.get_by_test_id("certificate-pdf").get_attribute("href")
    kind, body = page.evaluate(FETCH_BYTES, href)
    assert kind == "application/pdf"
    [png] = rasterise(base64.b64decode(body), tmp_path, dpi=150)
    if SHOTS.is_dir():
        (SHOTS / "certificate-pdf.png").write_bytes(png.read_bytes())
    [url] = read_qr(png)
    assert url.startswith(tenant_url("acme", "/v/"))
    page.goto(url)
    expect(page.get_by_test_id("verify-status")).to_have_text("有效")
    _shot(page, screenshot, "8-verified")
    assert blocked == []
