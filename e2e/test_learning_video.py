"""A lesson video on a phone, in a real Chromium (390 × 844, zh-hans).

Nothing may be downloaded and there is no ffmpeg here, so the video is made in
Chromium itself: a canvas drawn for about three seconds and recorded with
MediaRecorder (WebM). Such a file has no duration in its header, as many screen and
phone recordings don't; lesson.js makes the browser find it. The file is stored as a
Wagtail document through the storage API, put in a lesson's video block and the lesson
published.

Zhou Shipin (operator) signs in with the quick PIN, plays the whole video, seeks back
into it (the browser fetches it in byte ranges, answered with 206), reads to the end
marker, and the lesson is done with the video counted at ≥ 90 %. Watching only about a
third of it and reading to the end leaves the lesson not done.

Screenshots go to e2e-artifacts/.
"""

from __future__ import annotations

import base64
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.support.worker import committed

pytestmark = pytest.mark.django_db

PIN = "2468"
SECONDS = 3
VIDEO = "[data-testid=lesson-video]"

# Draws a moving clock on a canvas and records it; returns the WebM as base64.
RECORD_WEBM = """async (seconds) => {
  const canvas = document.createElement("canvas");
  canvas.width = 320;
  canvas.height = 180;
  document.body.appendChild(canvas);
  const g = canvas.getContext("2d");
  const recorder = new MediaRecorder(canvas.captureStream(25), {mimeType: "video/webm"});
  const parts = [];
  recorder.ondataavailable = (event) => { if (event.data.size) parts.push(event.data); };
  const stopped = new Promise((resolve) => { recorder.onstop = resolve; });
  const started = performance.now();
  let frame = 0;
  const draw = () => {
    frame += 1;
    g.fillStyle = `hsl(${(frame * 7) % 360}, 70%, 45%)`;
    g.fillRect(0, 0, 320, 180);
    g.fillStyle = "#fff";
    g.font = "48px sans-serif";
    g.fillText(((performance.now() - started) / 1000).toFixed(1) + " s", 90, 110);
  };
  draw();
  const timer = setInterval(draw, 40);
  recorder.start(250);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  recorder.stop();
  await stopped;
  clearInterval(timer);
  canvas.remove();
  const bytes = new Uint8Array(await new Blob(parts).arrayBuffer());
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}"""

# A byte range of the video fetched by the page itself: [status, Content-Range, base64].
FETCH_RANGE = """async ([path, range]) => {
  const response = await fetch(path, {headers: {Range: range}});
  const bytes = new Uint8Array(await response.arrayBuffer());
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return [response.status, response.headers.get("content-range"), btoa(text)];
}"""

_webm: dict[str, bytes] = {}


@pytest.fixture(params=["phone"])
def viewport_name(request):
    return request.param


def _recorded_webm(page: Page, tenant_url) -> bytes:
    """The test video, recorded once per run on a blank page of the served host."""
    if "bytes" not in _webm:
        page.goto(tenant_url("acme", "/auth/quick/"))
        page.set_content("<!doctype html><title>recorder</title>")
        _webm["bytes"] = base64.b64decode(page.evaluate(RECORD_WEBM, SECONDS))
    data = _webm["bytes"]
    assert data[:4] == b"\x1a\x45\xdf\xa3" and len(data) > 10_000  # EBML: a WebM file
    return data


def _video_lesson(webm: bytes) -> dict:
    """A course with one published lesson: a few paragraphs, the video, more paragraphs,
    so the end marker is below the fold; and an operator who signs in with a PIN."""
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from django_tenants.utils import schema_context
    from wagtail.documents import get_document_model

    from safeloop.learning.catalogue import add_course, add_lesson
    from safeloop.tenants.facilities.models import Area
    from safeloop.tenants.facilities.services import create_person

    tag = uuid.uuid4().hex[:6].upper()
    with schema_context("acme"):
        wang = get_user_model().objects.get(email="wang@acme.test")
        # Saved through the document's FileField: the tenant storage, key under "acme/".
        video = get_document_model().objects.create(
            title="叉车起步前检查", file=ContentFile(webm, name=f"check-{tag}.webm")
        )
        course = add_course(code=f"VID-{tag}", title="叉车安全操作", title_en="Forklift safety")
        lesson = add_lesson(
            course,
            title="起步前检查",
            title_en="Checks before driving off",
            minutes=3,
            body=[
                ("text", "<p>每班开车前，按下面的视频逐项检查叉车。</p>"),
                ("video", {"video": video, "caption": "起步前检查演示"}),
                *[
                    (
                        "text",
                        f"<p>第{n}项：检查制动、转向、喇叭、灯光和货叉，发现异常立即报修。</p>",
                    )
                    for n in range(1, 7)
                ],
            ],
        )
        lesson.save_revision(user=wang).publish(user=wang)
        person = create_person(
            by=wang,
            email=f"video-{tag.lower()}@acme.test",
            full_name="Zhou Shipin",
            employee_no=f"V{tag}",
            password="Safe-Loop-2026!",
            pin=PIN,
            roles=["operator"],
            area=Area.objects.get(code="W1"),
        )
        return {
            "path": f"/l/c/{course.pk}/{lesson.pk}/",
            "video": f"/l/media/doc/{video.pk}/",
            "lesson": lesson.pk,
            "person": person.pk,
            "employee_no": person.employee_no,
        }


def _progress(data: dict) -> dict:
    from django_tenants.utils import schema_context

    from safeloop.learning.models import LessonProgress

    with schema_context("acme"):
        row = LessonProgress.objects.get(person_id=data["person"], lesson_id=data["lesson"])
        return {
            "completed": row.completed_at is not None,
            "read_to_end": row.read_to_end_at is not None,
            "video_percent": row.video_percent,
        }


def _sign_in_and_open(page: Page, tenant_url, data: dict) -> list[dict]:
    """PIN sign-in straight onto the lesson; returns the video responses as they come."""
    media: list[dict] = []
    page.on(
        "response",
        lambda r: (
            media.append({"status": r.status, "range": r.headers.get("content-range")})
            if data["video"] in r.url
            else None
        ),
    )
    page.goto(tenant_url("acme", f"/auth/quick/?next={data['path']}"))
    page.fill("input[name=employee_no]", data["employee_no"])
    page.fill("input[name=pin]", PIN)
    page.locator("#quick-login-form button[type=submit]").click()
    page.wait_for_url(f"**{data['path']}")
    expect(page.get_by_test_id("page-title")).to_have_text("起步前检查")
    # The browser has found the recording's length (lesson.js), as before a person taps play.
    page.wait_for_function(
        "v => Number.isFinite(v.duration) && v.duration > 2 && v.readyState >= 1",
        arg=page.locator(VIDEO).element_handle(),
        timeout=10_000,
    )
    return media


def _shot(page: Page, screenshot, name: str) -> None:
    # A full-page shot taken scrolled down paints the sticky header over the middle.
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(name)


def _play(page: Page) -> None:
    page.locator(VIDEO).scroll_into_view_if_needed()
    page.locator(VIDEO).evaluate("v => { v.muted = true; return v.play(); }")


def test_a_video_watched_to_the_end_and_the_lesson_read_finish_the_lesson(
    page: Page, tenant_url, screenshot
):
    webm = _recorded_webm(page, tenant_url)
    data = committed(lambda: _video_lesson(webm))
    media = _sign_in_and_open(page, tenant_url, data)
    video = page.locator(VIDEO)
    _shot(page, screenshot, "1-lesson")

    _play(page)
    page.wait_for_function("v => v.ended", arg=video.element_handle(), timeout=15_000)
    expect(page.get_by_test_id("video-watched")).to_have_text("已观看：100 %")
    _shot(page, screenshot, "2-video-ended")

    # Seeking back into the video: it plays again from there.
    video.evaluate(
        """v => new Promise((resolve) => {
          v.addEventListener("seeked", resolve, {once: true});
          v.currentTime = 1.2;
        })"""
    )
    assert abs(video.evaluate("v => v.currentTime") - 1.2) < 0.3
    video.evaluate("v => v.play()")
    page.wait_for_function("v => v.currentTime > 1.5", arg=video.element_handle())
    video.evaluate("v => v.pause()")
    # The video came in byte ranges, and a range the page asks for is exactly those bytes.
    assert any(r["status"] == 206 and r["range"] for r in media), media
    status, content_range, body = page.evaluate(FETCH_RANGE, [data["video"], "bytes=1000-1999"])
    assert (status, content_range) == (206, f"bytes 1000-1999/{len(webm)}")
    assert base64.b64decode(body) == webm[1000:2000]

    page.get_by_test_id("lesson-end").scroll_into_view_if_needed()
    expect(page.get_by_test_id("lesson-end-status")).to_have_text("本课时已学完。")
    expect(page.locator("[data-lesson-status]")).to_have_text("已学完")
    _shot(page, screenshot, "3-lesson-done")

    progress = committed(lambda: _progress(data))
    assert progress["completed"] and progress["video_percent"] >= 90, progress


def test_a_video_watched_a_third_leaves_the_lesson_not_done(page: Page, tenant_url, screenshot):
    webm = _recorded_webm(page, tenant_url)
    data = committed(lambda: _video_lesson(webm))
    _sign_in_and_open(page, tenant_url, data)
    video = page.locator(VIDEO)

    _play(page)
    page.wait_for_function(
        "v => v.currentTime >= 0.3 * v.duration", arg=video.element_handle(), timeout=10_000
    )
    video.evaluate("v => v.pause()")
    page.wait_for_load_state("networkidle")  # the report made on pausing has landed
    expect(page.get_by_test_id("video-watched")).to_contain_text("已观看：")
    _shot(page, screenshot, "1-video-paused")

    page.get_by_test_id("lesson-end").scroll_into_view_if_needed()
    expect(page.get_by_test_id("lesson-end-status")).to_have_text(
        "已读到末尾。看完本课视频才算学完。"
    )
    expect(page.locator("[data-lesson-status]")).to_have_text("学习中")
    _shot(page, screenshot, "2-lesson-end")

    progress = committed(lambda: _progress(data))
    assert progress["read_to_end"] and not progress["completed"], progress
    assert 20 <= progress["video_percent"] < 60, progress
