"""Reading a course on the phone: Zhang San (operator) opens the welding course his pack
requires, reads its lessons (text, a 危险 callout, a picture, a video, a PDF), scrolls
to the end and watches the video; the lesson is done only when both hold. Zhao Min
(verifier) takes no courses; nobody reaches a lesson through another course's address
or another enterprise's host; a visitor who is not signed in is sent to sign in."""

from __future__ import annotations

import io
import json
import secrets

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django_tenants.utils import tenant_context
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from safeloop.learning import progress_services
from safeloop.learning.catalogue import add_course, add_lesson
from safeloop.learning.models import LessonProgress, Quiz
from safeloop.tenants.audit.models import AuditEvent
from tests.learning._train_data import operator_pack, pass_course

pytestmark = pytest.mark.django_db

VIDEO_ID = "5b1e2c1e-0000-4000-8000-0000000000d1"


def _png() -> ContentFile:
    buffer = io.BytesIO()
    # A colour of its own: Wagtail caches renditions by the file's hash, and the cache
    # outlives the test database.
    PILImage.new("RGB", (40, 30), tuple(secrets.token_bytes(3))).save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="mask.png")


@pytest.fixture
def welding(in_acme):
    """焊接作业安全: lesson 1 is text with a 危险 callout and a picture, lesson 2 a video and a
    PDF, lesson 3 has its own quiz; the course has a final quiz."""
    image = get_image_model()(title="焊接面罩", file=_png())
    image._set_image_file_metadata()  # size and hash, as the admin's upload form sets them
    image.save()
    video = get_document_model().objects.create(
        title="焊接演示", file=ContentFile(b"\x00\x00\x00\x18ftypmp42", name="weld.mp4")
    )
    manual = get_document_model().objects.create(
        title="焊接作业规程", file=ContentFile(b"%PDF-1.4 test", name="rules.pdf")
    )
    course = add_course(
        code="RD-WELD",
        title="焊接作业安全",
        title_en="Welding safety",
        summary="电焊工岗前必修。",
        hours=2,
    )
    first = add_lesson(
        course,
        title="动火作业",
        title_en="Hot work",
        minutes=8,
        body=[
            ("heading", "动火前"),
            ("text", "<p>清理周围 10 米内的易燃物。</p>"),
            ("callout", {"level": "danger", "text": "<p>严禁在油罐附近动火。</p>"}),
            ("callout", {"level": "note", "text": "<p>动火证当班有效。</p>"}),
            ("figure", {"image": image, "caption": "焊接面罩"}),
        ],
    )
    second = add_lesson(
        course,
        title="焊接演示",
        title_en="Welding demo",
        body=[
            # Raw data, so the video block gets an id the tests can name.
            {
                "type": "video",
                "value": {"video": video.pk, "caption": "正确的焊接姿势"},
                "id": VIDEO_ID,
            },
            {"type": "document", "value": {"document": manual.pk, "caption": "焊接作业规程"}},
        ],
    )
    third = add_lesson(course, title="个人防护", body=[("text", "<p>戴好面罩。</p>")])
    final = Quiz.objects.create(course=course, title="焊接结业考试")
    lesson_quiz = Quiz.objects.create(course=course, lesson=third, question_count=3)
    return {
        "course": course,
        "lessons": [first, second, third],
        "final": final,
        "lesson_quiz": lesson_quiz,
        "video": video,
        "manual": manual,
    }


def _lesson_url(welding, n: int) -> str:
    return f"/l/c/{welding['course'].pk}/{welding['lessons'][n].pk}/"


def _report(client, welding, n: int, **data):
    return client.post(
        _lesson_url(welding, n) + "progress/",
        data=json.dumps(data),
        content_type="application/json",
    )


# --- the course page ---------------------------------------------------------------------


def test_the_course_page_shows_due_date_lessons_and_where_to_carry_on(
    as_zhang, wang, zhang, welding
):
    operator_pack(wang, [welding["course"]])
    LessonProgress.objects.create(
        person=zhang.person, lesson=welding["lessons"][0], opened_at="2026-01-05T08:00Z"
    )

    response = as_zhang.get(f"/l/c/{welding['course'].pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "焊接作业安全" in html and "电焊工岗前必修。" in html
    assert 'data-testid="assignment-status"' in html and "截止" in html
    assert html.count('data-testid="lesson-row"') == 3
    assert 'data-status="opened"' in html and html.count('data-status="not_started"') == 2
    # Carry on where he left off: the first lesson not done.
    assert f'href="{_lesson_url(welding, 0)}" data-testid="continue"' in html
    assert f'href="/l/quiz/{welding["final"].pk}/"' in html
    assert "未参加" in html  # neither quiz taken yet


def test_the_course_page_shows_the_best_score_and_the_certificate(as_zhang, zhang, welding):
    pass_course(zhang.person, welding["course"], score=60)
    cert = pass_course(zhang.person, welding["course"], score=90).certificate

    html = as_zhang.get(f"/l/c/{welding['course'].pk}/").content.decode()

    assert "最高分：90" in html
    assert cert.number in html and f"/l/certificates/{cert.pk}.pdf" in html


def test_a_draft_course_is_not_found(as_zhang, welding):
    welding["course"].unpublish()

    assert as_zhang.get(f"/l/c/{welding['course'].pk}/").status_code == 404


# --- a lesson ----------------------------------------------------------------------------


def test_a_lesson_renders_its_blocks(as_zhang, welding):
    first = as_zhang.get(_lesson_url(welding, 0)).content.decode()
    second = as_zhang.get(_lesson_url(welding, 1)).content.decode()

    assert "<h2>动火前</h2>" in first and "清理周围 10 米内的易燃物。" in first
    assert 'class="callout callout-danger"' in first and "危险" in first
    assert 'class="callout callout-note"' in first and "提示" in first
    assert 'src="/l/media/img/' in first and "<figcaption>焊接面罩</figcaption>" in first
    video_src = f"/l/media/doc/{welding['video'].pk}/"
    assert (
        f'<video controls preload="metadata" playsinline src="{video_src}" '
        f'data-video-id="{VIDEO_ID}"' in second
    )
    assert f'href="/l/media/doc/{welding["manual"].pk}/" download="' in second
    assert "焊接作业规程" in second
    assert 'src="/static/safeloop/learning/lesson.js' in second and "<script>" not in second


def test_a_lesson_links_its_neighbours_and_its_quiz(as_zhang, welding):
    middle = as_zhang.get(_lesson_url(welding, 1)).content.decode()
    last = as_zhang.get(_lesson_url(welding, 2)).content.decode()

    assert f'href="{_lesson_url(welding, 0)}" rel="prev"' in middle
    assert f'href="{_lesson_url(welding, 2)}" rel="next"' in middle
    assert 'data-testid="take-lesson-quiz"' not in middle
    assert f'href="/l/quiz/{welding["lesson_quiz"].pk}/" data-testid="take-lesson-quiz"' in last
    assert 'data-testid="back-to-course"' in last


def test_the_lesson_media_are_served_to_people_signed_in(as_zhang, welding):
    page = as_zhang.get(_lesson_url(welding, 0)).content.decode()
    image_url = page.split('src="/l/media/img/')[1].split('"')[0]

    picture = as_zhang.get(f"/l/media/img/{image_url}")
    manual = as_zhang.get(f"/l/media/doc/{welding['manual'].pk}/")
    anonymous = Client(HTTP_HOST="acme.localhost").get(f"/l/media/doc/{welding['manual'].pk}/")

    assert picture.status_code == 200 and picture["Content-Type"].startswith("image/")
    assert manual.status_code == 200
    assert b"".join(manual.streaming_content).startswith(b"%PDF")
    assert anonymous.status_code == 302


def test_a_file_no_published_lesson_uses_is_for_course_writers_only(as_zhang, wang, welding):
    draft = get_document_model().objects.create(
        title="未发布的资料", file=ContentFile(b"%PDF-1.4 draft", name="draft.pdf")
    )
    path = f"/l/media/doc/{draft.pk}/"

    assert as_zhang.get(path).status_code == 404
    as_zhang.force_login(wang)
    assert as_zhang.get(path).status_code == 200


# --- videos on phones: byte ranges ---------------------------------------------------------
# Phones (iOS Safari above all) fetch a video in ranges before they play it and at each
# seek; the lesson page serves it through the same code as the Wagtail admin.

VIDEO_BYTES = b"\x00\x00\x00\x18ftypmp42"


def _video_path(welding) -> str:
    return f"/l/media/doc/{welding['video'].pk}/"


def test_a_lesson_video_answers_a_byte_range_for_a_learner(as_zhang, welding):
    path = _video_path(welding)

    whole = as_zhang.get(path)
    part = as_zhang.get(path, HTTP_RANGE="bytes=4-11")
    tail = as_zhang.get(path, HTTP_RANGE="bytes=-4")
    beyond = as_zhang.get(path, HTTP_RANGE="bytes=100-")

    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    assert b"".join(whole.streaming_content) == VIDEO_BYTES
    assert whole["Content-Type"] == "video/mp4"
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 4-11/{len(VIDEO_BYTES)}"
    assert part["Content-Length"] == "8"
    assert b"".join(part.streaming_content) == b"ftypmp42"
    assert tail.status_code == 206 and b"".join(tail.streaming_content) == b"mp42"
    assert beyond.status_code == 416
    assert beyond["Content-Range"] == f"bytes */{len(VIDEO_BYTES)}"


def test_a_phone_that_has_the_video_is_not_sent_it_again(as_zhang, welding):
    path = _video_path(welding)
    first = as_zhang.get(path)

    again = as_zhang.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    changed = as_zhang.get(path, HTTP_RANGE="bytes=4-11", HTTP_IF_RANGE='"another-version"')
    same = as_zhang.get(path, HTTP_RANGE="bytes=4-11", HTTP_IF_RANGE=first["ETag"])

    assert first["Last-Modified"]
    assert again.status_code == 304
    # A range of another version would splice two files: the whole file comes instead.
    assert changed.status_code == 200
    assert b"".join(changed.streaming_content) == VIDEO_BYTES
    assert same.status_code == 206


def test_another_enterprises_person_gets_no_lesson_video(as_chen, globex, welding):
    path = _video_path(welding)

    with tenant_context(globex):
        on_own_host = as_chen.get(path, HTTP_RANGE="bytes=4-11")
    # Chen's session cookie sent to Acme's host names nobody there.
    as_chen.defaults["HTTP_HOST"] = "acme.localhost"
    on_acme_host = as_chen.get(path, HTTP_RANGE="bytes=4-11")

    assert on_own_host.status_code == 404
    assert on_acme_host.status_code == 302 and "/auth/login/" in on_acme_host["Location"]


def test_the_video_of_an_unpublished_lesson_is_not_served(as_zhang, welding):
    welding["lessons"][1].unpublish()

    response = as_zhang.get(_video_path(welding), HTTP_RANGE="bytes=4-11")

    assert response.status_code == 404


# --- progress ----------------------------------------------------------------------------


def test_opening_a_lesson_is_recorded_once(as_zhang, zhang, welding):
    as_zhang.get(_lesson_url(welding, 0))
    as_zhang.get(_lesson_url(welding, 0))

    progress = LessonProgress.objects.get(person=zhang.person, lesson=welding["lessons"][0])
    assert progress.opened_at is not None and progress.completed_at is None
    assert AuditEvent.objects.filter(verb="learning.lesson_opened").count() == 1


def test_reading_to_the_end_finishes_a_lesson_without_video(as_zhang, zhang, welding):
    as_zhang.get(_lesson_url(welding, 0))

    first = _report(as_zhang, welding, 0, readToEnd=True)
    again = _report(as_zhang, welding, 0, readToEnd=True)

    assert (
        first.json()
        == again.json()
        == {
            "ok": True,
            "status": "done",
            "readToEnd": True,
            "videoPercent": 100,
        }
    )
    assert AuditEvent.objects.filter(verb="learning.lesson_completed").count() == 1
    html = as_zhang.get(f"/l/c/{welding['course'].pk}/").content.decode()
    assert 'data-status="done"' in html


def test_a_lesson_with_a_video_is_done_when_read_to_the_end_and_the_video_watched_to_90(
    as_zhang, zhang, welding
):
    # given: read to the end, but the video only half watched
    assert _report(as_zhang, welding, 1, readToEnd=True).json()["status"] == "opened"
    assert _report(as_zhang, welding, 1, video=VIDEO_ID, percent=50).json()["status"] == "opened"

    # when: watched to 92 %, then a later, shorter viewing reports 30 %
    done = _report(as_zhang, welding, 1, video=VIDEO_ID, percent=92).json()
    later = _report(as_zhang, welding, 1, video=VIDEO_ID, percent=30).json()

    # then
    assert done["status"] == later["status"] == "done"
    progress = LessonProgress.objects.get(person=zhang.person, lesson=welding["lessons"][1])
    assert progress.video_percent == 92 and progress.videos == {VIDEO_ID: 92}
    assert AuditEvent.objects.filter(verb="learning.video_watched").count() == 1


def test_a_watched_video_is_not_enough_without_reading_to_the_end(as_zhang, zhang, welding):
    state = _report(as_zhang, welding, 1, video=VIDEO_ID, percent=100).json()

    assert state == {"ok": True, "status": "opened", "readToEnd": False, "videoPercent": 100}


def test_bad_progress_reports_are_refused_and_change_nothing(as_zhang, zhang, welding):
    as_zhang.get(_lesson_url(welding, 1))

    unknown = _report(as_zhang, welding, 1, video="not-a-video", percent=95)
    too_much = _report(as_zhang, welding, 1, video=VIDEO_ID, percent=250)
    empty = _report(as_zhang, welding, 1)
    garbage = as_zhang.post(
        _lesson_url(welding, 1) + "progress/", data="[1", content_type="application/json"
    )

    assert [r.status_code for r in (unknown, too_much, empty, garbage)] == [400] * 4
    assert unknown.json()["error"] == "本课没有这个视频。"
    progress = LessonProgress.objects.get(person=zhang.person, lesson=welding["lessons"][1])
    assert progress.videos == {} and progress.read_to_end_at is None


def test_a_progress_report_needs_the_csrf_token(zhang, welding):
    client = Client(HTTP_HOST="acme.localhost", enforce_csrf_checks=True)
    client.force_login(zhang)

    response = _report(client, welding, 0, readToEnd=True)

    assert response.status_code == 403
    assert not LessonProgress.objects.filter(person=zhang.person).exists()


def test_progress_is_kept_by_the_service_for_the_api_too(zhang, welding):
    lesson = welding["lessons"][1]

    progress_services.record_progress(lesson, by=zhang, video=VIDEO_ID, percent=95)
    progress = progress_services.record_progress(lesson, by=zhang, read_to_end=True)

    assert progress.completed_at is not None


# --- who may read ------------------------------------------------------------------------


def test_a_lesson_through_another_courses_address_is_not_found(as_zhang, welding):
    other = add_course(code="RD-OTHER", title="其他课程")
    add_lesson(other, title="其他课时")

    response = as_zhang.get(f"/l/c/{other.pk}/{welding['lessons'][0].pk}/")

    assert response.status_code == 404
    assert _report(as_zhang, {"course": other, "lessons": welding["lessons"]}, 0).status_code == 404


def test_another_enterprises_lesson_is_not_found(as_chen, globex, welding):
    course_pk, lesson_pk = welding["course"].pk, welding["lessons"][0].pk

    with tenant_context(globex):
        response = as_chen.get(f"/l/c/{course_pk}/{lesson_pk}/")
        course = as_chen.get(f"/l/c/{course_pk}/")

    assert response.status_code == 404
    assert "焊接作业安全" not in course.content.decode()


def test_a_visitor_not_signed_in_is_sent_to_sign_in(acme_client, welding):
    response = acme_client.get(_lesson_url(welding, 0))

    assert response.status_code == 302 and "/auth/login/" in response["Location"]
    assert not LessonProgress.objects.exists()


def test_a_verifier_takes_no_courses(as_zhao, welding):
    assert as_zhao.get(f"/l/c/{welding['course'].pk}/").status_code == 403
    assert as_zhao.get(_lesson_url(welding, 0)).status_code == 403


# --- study again -------------------------------------------------------------------------


def test_a_failed_lesson_quiz_sends_back_to_the_lesson(as_zhang, zhang, welding):
    from safeloop.learning.models import Attempt

    attempt = Attempt.objects.create(
        quiz=welding["lesson_quiz"],
        person=zhang.person,
        started_at="2026-01-05T08:00Z",
        submitted_at="2026-01-05T08:10Z",
        score=40,
        passed=False,
    )

    html = as_zhang.get(f"/l/attempt/{attempt.pk}/result/").content.decode()

    assert f'href="{_lesson_url(welding, 2)}" data-testid="study-again"' in html
