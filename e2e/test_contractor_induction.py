"""The induction's set-up page, as the manager uses it on a desktop and a phone. The
worker's side of the induction (registering at the gate link, signing the briefing by
hand, the exam, the pass) is issue 14's acceptance story, test_contractor_acceptance."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.conftest import DESKTOP, PHONE
from e2e.contractor_data import induction_exam, random_credit_code, random_id_number
from tests.support.server import ARTIFACTS
from tests.support.worker import committed

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["phone"])
def viewport_name(request):
    return request.param


def _setup() -> dict:
    """A company with a running project whose workers must pass an exam (a course with
    a final quiz of five questions) and sign the project's safety briefing."""
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from safeloop.contractors import services
    from safeloop.tenants.facilities.models import Area, AreaKind

    tag = uuid.uuid4().hex[:6].upper()
    with schema_context("acme"):
        wang = get_user_model().objects.select_related("person").get(email="wang@acme.test")
        company = services.create_company(
            by=wang, name=f"恒达建设{tag}", credit_code=random_credit_code()
        )
        project = services.create_project(
            company,
            by=wang,
            name="W1 屋面翻新",
            starts_on=date.today(),
            ends_on=date.today() + timedelta(days=30),
            responsible=wang.person,
        )
        quiz = induction_exam(tag)
        course = quiz.course
        # Scoped to this project, so other tests' workers are not touched.
        services.add_requirement(by=wang, project=project, course=course)
        services.set_briefing(
            by=wang,
            project=project,
            title="屋面作业安全交底",
            body="1. 屋面作业必须系挂安全带。\n2. 动火作业前办理动火作业票，清理易燃物。",
        )
        site = Area.objects.filter(kind=AreaKind.SITE).order_by("code").first()
        token = services.gate_token(site)
    return {
        "company": company.pk,
        "token": token,
        "id": random_id_number(),
        "quiz": quiz.pk,
    }


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"induction-{name}.png"), full_page=True)


def _draw(page: Page) -> None:
    box = page.get_by_test_id("signature-pad").bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.1, y + h * 0.7)
    page.mouse.down()
    for fx, fy in [(0.25, 0.3), (0.4, 0.75), (0.55, 0.35), (0.7, 0.7), (0.9, 0.4)]:
        page.mouse.move(x + w * fx, y + h * fy, steps=6)
    page.mouse.up()


def _answer_all_right(page: Page) -> None:
    for number in range(1, 6):
        question = page.get_by_test_id(f"question-{number}")
        options = question.locator("label.quiz-choice")
        texts = options.locator(".quiz-choice-text").all_inner_texts()
        for i, text in enumerate(texts):
            if text.startswith("对"):
                with page.expect_response(lambda r: r.request.method == "POST"):
                    options.nth(i).click()


def _wang_number() -> str:
    from django_tenants.utils import schema_context

    from safeloop.tenants.facilities.models import Person

    with schema_context("acme"):
        return Person.objects.get(user__email="wang@acme.test").employee_no


def test_the_manager_sets_up_the_induction_on_a_desktop(browser: Browser, tenant_url, server):
    committed(_setup)
    page = browser.new_context(**DESKTOP, locale="zh-CN").new_page()
    page.goto(tenant_url("acme", "/auth/quick/?next=/k/induction/"))
    page.fill("input[name=employee_no]", committed(_wang_number))
    page.fill("input[name=pin]", "2468")
    page.locator("#quick-login-form button[type=submit]").click()
    page.wait_for_url("**/k/induction/")
    expect(page.get_by_test_id("page-title")).to_have_text("入场培训")
    expect(page.get_by_test_id("briefing").first).to_be_visible()
    _shot(page, "desktop-manager")
    phone = browser.new_context(**PHONE, locale="zh-CN")
    phone.add_cookies(page.context.cookies())
    small = phone.new_page()
    small.goto(tenant_url("acme", "/k/induction/"))
    expect(small.get_by_test_id("requirements")).to_be_visible()
    _shot(small, "phone-manager")
