"""Training records in a real Chromium: Zhang San opens "my courses" on his phone and
his certificate, whose PDF's QR code (rasterised with pdftoppm, read with zbarimg)
opens the public check saying valid; on a desktop Wang Wei sees the course packs
and Sun Hao the training archive. Screenshots go to /work/wt/shots/train/ when that
folder exists (and to e2e-artifacts/ always)."""

from __future__ import annotations

import base64
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support.documents import rasterise, read_qr
from tests.support.worker import committed

pytestmark = pytest.mark.django_db

PASSWORD = "Safe-Loop-2026!"  # every seeded person's (conftest.PASSWORD)
SHOTS = Path("/work/wt/shots/train")
FETCH_BYTES = """async (path) => {
  const response = await fetch(path);
  const bytes = new Uint8Array(await response.arrayBuffer());
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return [response.headers.get("content-type"), btoa(text)];
}"""


def _shot(page: Page, screenshot, name: str) -> None:
    path = screenshot(name)
    if SHOTS.is_dir():
        (SHOTS / path.name).write_bytes(path.read_bytes())


def _training() -> dict:
    """Zhang's operator pack: one course overdue, one due soon, one to do, one passed."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from safeloop.learning.assignment_services import local_today, save_pack
    from safeloop.learning.catalogue import add_course, add_lesson
    from safeloop.learning.models import Assignment, Attempt, Quiz
    from safeloop.learning.signals import course_passed
    from safeloop.tenants.facilities.models import JobRole, Person

    tag = uuid.uuid4().hex[:4].upper()
    titles = [
        ("机械设备安全操作", "Machine safety"),
        ("消防安全与疏散", "Fire safety and evacuation"),
        ("用电安全", "Electrical safety"),
        ("个体防护装备", "Personal protective equipment"),
    ]
    with schema_context("acme"):
        wang = get_user_model().objects.get(email="wang@acme.test")
        zhang = Person.objects.get(user__email="zhang@acme.test")
        courses = []
        for n, (title, title_en) in enumerate(titles):
            course = add_course(code=f"E2E-{tag}-{n}", title=title, title_en=title_en, hours=2)
            for k in range(3):
                add_lesson(course, title=f"第{k + 1}课", slug=f"l{k + 1}")
            courses.append(course)
        save_pack(
            by=wang,
            code=f"E2E-{tag}",
            name="操作工岗前培训",
            name_en="Operator induction",
            courses=courses,
            job_roles=[JobRole.objects.get(code="operator")],
            due_days=20,
            renewal_months=12,
        )
        today = local_today()
        Assignment.objects.filter(person=zhang, course=courses[0]).update(
            due_on=today - timedelta(days=2)
        )
        Assignment.objects.filter(person=zhang, course=courses[1]).update(
            due_on=today + timedelta(days=2)
        )
        quiz = Quiz.objects.create(course=courses[3])
        now = timezone.now()
        attempt = Attempt.objects.create(
            quiz=quiz,
            person=zhang,
            started_at=now - timedelta(minutes=8),
            submitted_at=now,
            score=95,
            passed=True,
        )
        course_passed.send(sender=Attempt, attempt=attempt)
        return {"certificate": attempt.certificate.pk, "number": attempt.certificate.number}


def _sign_in(page: Page, tenant_url, email: str, target: str) -> None:
    page.goto(tenant_url("acme", f"/accounts/login/?next={target}"))
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(f"**{target}")


@pytest.fixture(params=["phone"])
def viewport_name(request):
    return request.param


def test_zhang_sees_his_courses_and_his_certificate_verifies_as_valid(
    page: Page, tenant_url, screenshot, tmp_path
):
    data = committed(_training)

    _sign_in(page, tenant_url, "zhang@acme.test", "/l/")
    expect(page.get_by_test_id("section-overdue")).to_contain_text("机械设备安全操作")
    expect(page.get_by_test_id("section-due_soon")).to_contain_text("消防安全与疏散")
    expect(page.get_by_test_id("section-done")).to_contain_text("个体防护装备")
    _shot(page, screenshot, "my-courses")

    page.get_by_test_id("my-certificates").click()
    expect(page.get_by_test_id("certificates")).to_contain_text(data["number"])
    # Fetched by the browser (its session, and it resolves *.localhost itself).
    kind, body = page.evaluate(FETCH_BYTES, f"/l/certificates/{data['certificate']}.pdf")
    assert kind == "application/pdf"
    [png] = rasterise(base64.b64decode(body), tmp_path, dpi=110)
    if SHOTS.is_dir():
        (SHOTS / "certificate-pdf.png").write_bytes(png.read_bytes())
    [url] = read_qr(png)
    assert url.startswith(tenant_url("acme", "/v/"))

    page.goto(url)
    expect(page.get_by_test_id("verify-status")).to_have_text("有效")
    expect(page.get_by_test_id("verify-name")).to_have_text("Zhang San")
    _shot(page, screenshot, "verify")


@pytest.mark.parametrize("viewport_name", ["desktop"], indirect=True)
def test_managers_see_the_packs_and_the_archive_on_a_desktop(
    page: Page, tenant_url, screenshot, viewport_name
):
    committed(_training)

    _sign_in(page, tenant_url, "wang@acme.test", "/l/packs/")
    expect(page.get_by_test_id("packs")).to_contain_text("操作工岗前培训")
    _shot(page, screenshot, "packs")
    page.get_by_test_id("pack-edit").first.click()
    expect(page.get_by_test_id("field-courses")).to_be_visible()
    _shot(page, screenshot, "pack-form")

    page.goto(tenant_url("acme", "/l/archive/"))
    expect(page.get_by_test_id("overdue-people")).to_contain_text("Zhang San")
    _shot(page, screenshot, "archive")
