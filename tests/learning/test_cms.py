"""The Wagtail admin (课程编辑) of each enterprise at /cms/.

Gu Min is Acme's safety manager (not a superuser: Wagtail lets her in through the
course editors' group SafeLoop keeps); Zhang San is an operator and may not write
courses. Chen Jie, Globex's admin, must find nothing of Acme's in Globex's admin:
no page, picture, document or search hit, and Acme's file URLs answer 404 on
Globex's host. The public host has no Wagtail and keeps working.
"""

from __future__ import annotations

import io
import uuid

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, Site

from safeloop.learning.catalogue import add_course, add_lesson, course_index
from safeloop.learning.cms import EDITOR_GROUP, sync_course_editor
from safeloop.learning.models import CourseIndexPage
from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.facilities.services import update_person

pytestmark = pytest.mark.django_db

MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
PDF_HEAD = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


def png_bytes(colour="red") -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (40, 30), colour).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def _fresh_renditions(settings):
    """Wagtail caches renditions (in Redis, under the tenant's keys); a rendition a
    rolled-back test made must not be found by the next one."""
    settings.CACHES = {
        **settings.CACHES,
        "renditions": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"renditions-{uuid.uuid4().hex}",
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        },
    }


def acme_lesson_files() -> dict:
    """A course with a lesson, a picture and a video in Acme's schema."""
    Image, Document = get_image_model(), get_document_model()
    image = Image(title="冲床防护罩 ACME", file=ContentFile(png_bytes(), name="guard.png"))
    image.save()
    video = Document(title="冲压演示 ACME", file=ContentFile(MP4_HEAD + b"x" * 5000, "press.mp4"))
    video.save()
    course = add_course(code="ACME-CMS", title="冲压安全 ACME", title_en="Press safety ACME")
    lesson = add_lesson(
        course, title="防护罩 ACME", body=[("figure", {"image": image, "caption": ""})]
    )
    return {"image": image, "video": video, "course": course, "lesson": lesson}


# --- who may open it ---------------------------------------------------------------


def test_the_safety_manager_opens_the_course_editor_in_chinese(as_gu, gu):
    response = as_gu.get("/cms/")

    assert response.status_code == 200
    assert gu.groups.filter(name=EDITOR_GROUP).exists()
    pages = as_gu.get(f"/cms/pages/{course_index().pk}/")
    assert pages.status_code == 200
    assert "培训课程" in pages.content.decode()
    assert 'lang="zh-hans"' in pages.content.decode()


def test_the_course_editor_follows_the_language_of_the_person(as_gu, gu):
    update_person(gu.person, by=_wang(), language="en")

    html = as_gu.get("/cms/").content.decode()

    assert 'lang="en"' in html and "Dashboard" in html


def _wang():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(email="wang@acme.test")


def test_a_worker_is_refused_with_our_page_not_wagtails_login(as_zhang):
    response = as_zhang.get("/cms/")

    assert response.status_code == 403
    assert 'data-testid="forbidden"' in response.content.decode()
    assert as_zhang.get("/cms/pages/").status_code == 403


def test_someone_signed_out_is_sent_to_our_sign_in(acme_client, in_acme):
    response = acme_client.get("/cms/pages/")

    assert response.status_code == 302
    assert response["Location"].startswith("/auth/") and "next=/cms/pages/" in response["Location"]


def test_people_groups_and_sites_stay_closed_even_to_the_superuser_admin(as_wang):
    assert as_wang.get("/cms/").status_code == 200
    for path in ("/cms/users/", "/cms/groups/", "/cms/sites/"):
        assert as_wang.get(path).status_code == 403, path
    # Wagtail's account page (name, language, password) leads to SafeLoop's workspace.
    for path in ("/cms/account/", "/cms/account/change_password/"):
        response = as_wang.get(path)
        assert (response.status_code, response["Location"]) == (302, "/w/"), path


def test_a_role_change_moves_the_person_in_and_out_of_the_editors_group(wang, zhang):
    update_person(zhang.person, by=wang, roles=["operator", "safety_manager"])
    assert zhang.groups.filter(name=EDITOR_GROUP).exists()

    update_person(zhang.person, by=wang, roles=["operator"])
    assert not zhang.groups.filter(name=EDITOR_GROUP).exists()
    verbs = list(
        AuditEvent.objects.filter(object_type="auth.user", object_id=str(zhang.pk))
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs[-2:] == ["learning.course_editor_granted", "learning.course_editor_revoked"]


def test_a_stale_group_membership_opens_nothing(acme_client, zhang):
    zhang.groups.add(Group.objects.get_or_create(name=EDITOR_GROUP)[0])
    acme_client.force_login(zhang)

    assert acme_client.get("/cms/").status_code == 403
    assert sync_course_editor(zhang) is False
    assert not zhang.groups.filter(name=EDITOR_GROUP).exists()


def test_the_workspace_shows_course_editor_to_managers_only(as_gu, gu, zhang):
    assert 'data-testid="nav-course_editor"' in as_gu.get("/w/").content.decode()
    as_gu.force_login(zhang)
    assert 'data-testid="nav-course_editor"' not in as_gu.get("/w/").content.decode()


# --- each enterprise its own tree ----------------------------------------------------


def test_each_enterprise_has_its_own_root_site_and_collection(acme, globex):
    for enterprise in (acme, globex):
        with tenant_context(enterprise):
            site = Site.objects.get(is_default_site=True)
            index = CourseIndexPage.objects.get()
            assert site.hostname == enterprise.host
            assert site.root_page_id == index.pk
            assert index.get_parent().pk == Page.get_first_root_node().pk
            assert Collection.get_first_root_node() is not None
            assert not Page.objects.filter(depth=2).exclude(pk=index.pk).exists()


def test_globex_admin_shows_nothing_of_acmes(in_acme, globex, as_chen, as_gu):
    acme_lesson_files()
    acme_index = course_index().pk
    with tenant_context(globex):
        globex_index = course_index().pk

    for path, title in [
        ("/cms/pages/search/?q=冲压", "冲压安全 ACME"),
        ("/cms/images/?q=冲床", "冲床防护罩 ACME"),
        ("/cms/documents/?q=冲压", "冲压演示 ACME"),
        ("/cms/images/", "冲床防护罩 ACME"),
        ("/cms/documents/", "冲压演示 ACME"),
        ("/cms/pages/{index}/", "冲压安全 ACME"),
    ]:
        # Acme's own admin lists it; Globex's does not.
        assert title in as_gu.get(path.format(index=acme_index)).content.decode(), path
        response = as_chen.get(path.format(index=globex_index))
        assert response.status_code == 200, path
        assert title not in response.content.decode(), path


def test_acmes_file_urls_are_404_on_globex_host(in_acme, as_chen, as_gu):
    files = acme_lesson_files()
    image_url = files["image"].file.url
    rendition_url = files["image"].get_rendition("max-165x165").url
    video_url = files["video"].url

    assert as_gu.get(image_url).status_code == 200
    assert as_gu.get(rendition_url).status_code == 200
    assert as_gu.get(video_url).status_code == 200
    for url in (image_url, rendition_url, video_url):
        assert as_chen.get(url).status_code == 404, url


def test_lesson_files_need_a_sign_in(in_acme, acme_client):
    files = acme_lesson_files()

    response = acme_client.get(files["video"].url)

    assert response.status_code == 302 and response["Location"].startswith("/auth/")


# --- the public host ------------------------------------------------------------------


def test_the_public_host_has_no_admin_and_still_answers(public_client):
    assert public_client.get("/").status_code == 200
    assert public_client.get("/cms/").status_code == 404
    assert public_client.get("/no-such-page/").status_code == 404


# --- uploads ---------------------------------------------------------------------------


def _upload_document(client, name: str, content: bytes):
    return client.post(
        "/cms/documents/multiple/add/",
        {
            "title": name,
            "files[]": SimpleUploadedFile(name, content),
            "collection": Collection.get_first_root_node().pk,
        },
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )


def test_a_video_within_the_limit_is_stored_under_the_schema(as_gu, settings):
    response = _upload_document(as_gu, "drill.mp4", MP4_HEAD + b"x" * 1000)

    assert response.status_code == 200 and response.json()["success"], response.content
    doc = get_document_model().objects.get(title="drill.mp4")
    assert doc.file.name.startswith("acme/documents/")


def test_a_video_over_the_limit_is_refused(as_gu, settings):
    settings.SAFELOOP_VIDEO_MAX_MB = 1

    response = _upload_document(as_gu, "big.mp4", MP4_HEAD + b"x" * (1024 * 1024 + 1))

    assert not response.json()["success"]
    assert "big" in response.json()["error_message"] or "大" in response.json()["error_message"]
    assert not get_document_model().objects.filter(title="big.mp4").exists()


def test_a_renamed_file_is_refused_by_its_bytes(as_gu):
    fake_video = _upload_document(as_gu, "clip.mp4", b"MZ\x90\x00 this is an exe" * 10)
    fake_pdf = _upload_document(as_gu, "manual.pdf", MP4_HEAD + b"x" * 100)
    wrong_type = _upload_document(as_gu, "notes.docx", b"PK\x03\x04" + b"x" * 100)

    for response in (fake_video, fake_pdf, wrong_type):
        assert not response.json()["success"], response.content
    assert not get_document_model().objects.exists()


def test_a_pdf_over_its_own_limit_is_refused(as_gu, settings):
    settings.SAFELOOP_DOCUMENT_MAX_MB = 1

    response = _upload_document(as_gu, "rules.pdf", PDF_HEAD + b"x" * (1024 * 1024 + 1))

    assert not response.json()["success"]


def test_an_image_that_is_not_one_is_refused(as_gu):
    response = as_gu.post(
        "/cms/images/multiple/add/",
        {
            "title": "guard.png",
            "files[]": SimpleUploadedFile("guard.png", PDF_HEAD + b"x" * 100),
            "collection": Collection.get_first_root_node().pk,
        },
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )

    assert not response.json()["success"]
    assert not get_image_model().objects.filter(title="guard.png").exists()


def test_an_image_over_ten_megabytes_is_refused(as_gu, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 1000

    response = as_gu.post(
        "/cms/images/multiple/add/",
        {
            "files[]": SimpleUploadedFile("big.png", png_bytes() + b"\x00" * 2000),
            "collection": Collection.get_first_root_node().pk,
        },
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )

    assert not response.json()["success"]


# --- serving videos -------------------------------------------------------------------


def test_a_video_answers_a_byte_range_with_206(in_acme, as_gu):
    video = acme_lesson_files()["video"]
    size = video.file.size

    whole = as_gu.get(video.url)
    part = as_gu.get(video.url, HTTP_RANGE="bytes=4-11")
    tail = as_gu.get(video.url, HTTP_RANGE="bytes=-10")
    beyond = as_gu.get(video.url, HTTP_RANGE=f"bytes={size + 5}-")

    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    assert whole["Content-Type"] == "video/mp4"
    assert part.status_code == 206
    assert b"".join(part.streaming_content) == b"ftypmp42"
    assert part["Content-Range"] == f"bytes 4-11/{size}"
    assert tail.status_code == 206 and tail["Content-Length"] == "10"
    assert beyond.status_code == 416
