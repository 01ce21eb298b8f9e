"""Lesson files as people read them: Wagtail documents (PDFs, videos) and images.

Only signed-in people of the enterprise whose host is asked get a file, and only
a file of that enterprise's schema (its row is looked up in the schema, its key
starts with the schema's name). Videos answer byte ranges (206), which phones need
to start playing and to seek (``serve_tenant_file``, shared with the lesson
pages). On S3 the answer is a short-lived presigned URL, and S3 answers the
ranges itself.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from safeloop.platform.files import serve_tenant_file
from safeloop.platform.storage import belongs_to_current_tenant
from safeloop.web.guards import guarded


@guarded()
def document(request: HttpRequest, document_id: int, document_filename: str) -> HttpResponse:
    """A Wagtail document (``Document.url`` points here: WAGTAILDOCS_SERVE_METHOD)."""
    doc = get_object_or_404(get_document_model(), pk=document_id)
    if doc.filename != document_filename:
        raise Http404
    return serve_tenant_file(
        doc.file, request, content_type=doc.content_type, disposition=doc.content_disposition
    )


@guarded()
def image_file(request: HttpRequest, name: str) -> HttpResponse:
    """An image original or rendition at its storage URL (MEDIA_URL + key), if a row of
    this schema names it; the key already starts with the schema's name."""
    Image = get_image_model()
    Rendition = Image.get_rendition_model()
    if not belongs_to_current_tenant(name):
        raise Http404
    row = Image.objects.filter(file=name).first() or Rendition.objects.filter(file=name).first()
    if row is None:
        raise Http404
    extension = name.rsplit(".", 1)[-1].lower()
    content_type = {
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "png": "image/png",
        "gif": "image/gif",
        "webp": "image/webp",
        "avif": "image/avif",
    }.get(extension, "application/octet-stream")
    return serve_tenant_file(row.file, request, content_type=content_type)
