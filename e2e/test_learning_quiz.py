"""A quiz on a phone, in a real Chromium: Zhang San (operator) signs in with the
quick PIN, starts the welding course's final quiz, answers some questions (each
tap saved at once), the phone "sleeps" (the page is opened afresh) and comes
back with his answers, he submits with questions unanswered (a confirmation
asks), fails, reads the right answers and is sent back to study; the retake
draws a fresh paper and passes. Wang Wei's question bank on a desktop.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.worker import committed

pytestmark = pytest.mark.django_db

PIN = "2468"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}
DESKTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "zh-CN"}
SHOTS = "/work/wt/shots/quiz"


@pytest.fixture(params=["phone"])
def viewport_name(request):
    return request.param


def _make_quiz() -> dict:
    """A committed course, bank (every right option's text starts with 对) and quiz."""

    def work() -> dict:
        from django_tenants.utils import schema_context

        from safeloop.learning.catalogue import add_course
        from safeloop.learning.models import Quiz, QuizSource
        from tests.learning._quiz_data import make_category

        tag = uuid.uuid4().hex[:6].upper()
        with schema_context("acme"):
            course = add_course(code=f"E2E-{tag}", title="焊接作业安全", title_en="Welding")
            weld = make_category(f"W{tag}", "焊接", singles=4, multiples=2, tfs=2)
            quiz = Quiz.objects.create(course=course, question_count=5, time_limit_minutes=30)
            QuizSource.objects.create(quiz=quiz, category=weld)
            return {"quiz": quiz.pk, "course": course.pk}

    return committed(work)


def _quick_login(page: Page, tenant_url, employee_no: str, next_path: str) -> None:
    page.goto(tenant_url("acme", f"/auth/quick/?next={next_path}"))
    page.fill("input[name=employee_no]", employee_no)
    page.fill("input[name=pin]", PIN)
    page.locator("#quick-login-form button[type=submit]").click()
    page.wait_for_url(f"**{next_path}")


def _answer(page: Page, number: int, *, right: bool) -> None:
    """Tap the right option (its text starts with 对) or a wrong one, and wait for the save."""
    question = page.get_by_test_id(f"question-{number}")
    options = question.locator("label.quiz-choice")
    texts = options.locator(".quiz-choice-text").all_inner_texts()
    picks = [i for i, t in enumerate(texts) if t.startswith("对") == right]
    if not right:
        picks = picks[:1]
    for i in picks:
        with page.expect_response(lambda r: r.request.method == "POST"):
            options.nth(i).click()


def test_a_failed_quiz_sends_back_to_study_and_a_retake_passes(
    browser: Browser, tenant_url, server
):
    ids = _make_quiz()
    page = browser.new_context(**PHONE).new_page()
    quiz_path = f"/l/quiz/{ids['quiz']}/"
    _quick_login(page, tenant_url, "E1002", quiz_path)

    page.get_by_test_id("start-quiz").click()
    page.wait_for_url("**/l/attempt/*/")
    expect(page.get_by_test_id("timer")).to_contain_text(":")
    _answer(page, 1, right=True)
    _answer(page, 2, right=False)
    _answer(page, 3, right=False)
    expect(page.get_by_test_id("save-status")).to_have_text("已保存")
    attempt_url = page.url

    # The phone slept: the page comes back from the server with the three answers.
    page.goto(tenant_url("acme", quiz_path))
    page.get_by_test_id("start-quiz").click()
    page.wait_for_url(attempt_url)
    expect(page.get_by_test_id("answered-count")).to_contain_text("已答 3 / 5")
    assert page.locator("input:checked").count() >= 3
    page.screenshot(path=f"{SHOTS}/phone-attempt.png", full_page=True)

    # Two unanswered: the confirmation asks; accepting it submits.
    dialogs = []
    page.once("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    page.get_by_test_id("submit-quiz").click()
    page.wait_for_url("**/result/")
    assert "2" in dialogs[0]
    expect(page.get_by_test_id("score")).to_have_text("20")
    expect(page.get_by_test_id("study-again")).to_have_attribute("href", f"/l/c/{ids['course']}/")
    expect(page.get_by_test_id("explanation").first).to_contain_text("的解析")
    page.screenshot(path=f"{SHOTS}/phone-result-fail.png", full_page=True)

    # The retake draws a fresh paper; all right passes and offers the certificate.
    page.goto(tenant_url("acme", quiz_path))
    page.get_by_test_id("start-quiz").click()
    page.wait_for_url("**/l/attempt/*/")
    assert page.url != attempt_url
    for number in range(1, 6):
        _answer(page, number, right=True)
    page.get_by_test_id("submit-quiz").click()
    page.wait_for_url("**/result/")
    expect(page.get_by_test_id("score")).to_have_text("100")
    expect(page.get_by_test_id("to-certificates")).to_be_visible()
    page.screenshot(path=f"{SHOTS}/phone-result-pass.png", full_page=True)


def test_the_question_bank_on_a_desktop(browser: Browser, tenant_url, server):
    _make_quiz()

    def wang_number() -> str:
        from django_tenants.utils import schema_context

        from safeloop.tenants.facilities.models import Person

        with schema_context("acme"):
            return Person.objects.get(user__email="wang@acme.test").employee_no

    page = browser.new_context(**DESKTOP).new_page()
    _quick_login(page, tenant_url, committed(wang_number), "/l/bank/")
    expect(page.get_by_test_id("page-title")).to_have_text("题库")
    expect(page.get_by_test_id("download-template")).to_be_visible()
    page.screenshot(path=f"{SHOTS}/desktop-bank.png", full_page=False)
    page.get_by_test_id("add-question").click()
    expect(page.get_by_test_id("question-form")).to_be_visible()
    page.screenshot(path=f"{SHOTS}/desktop-question-form.png", full_page=False)
