"""Lesson files as people read them: Wagtail documents (PDFs, videos) and images.

Only signed-in people of the enterprise whose host is asked get a file, and only
a file of that enterprise's schema (its row is looked up in the schema, its key
starts with the schema's name). Videos answer byte ranges (206), which phones need
to start playing and to seek. On S3 the answer is a short-lived presigned URL,
and S3 answers the ranges itself.
"""

from __future__ import annotations

import re

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404
from storages.backends.s3 import S3Storage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from safeloop.platform.files import FILE_CACHE, REDIRECT_CACHE
from safeloop.platform.storage import belongs_to_current_tenant
from safeloop.web.guards import guarded

CHUNK = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The first range of a ``Range: bytes=a-b`` header as (start, end) inclusive;
    ``None`` to send the whole file; ValueError when it cannot be satisfied."""
    match = _RANGE.match(header.split(",")[0].strip()) if header else None
    if match is None:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0:
            raise ValueError
        return max(size - length, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        raise ValueError
    return start, end


def _stream(handle, start: int, length: int):
    try:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            chunk = handle.read(min(CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        handle.close()


def stored_file_response(
    request: HttpRequest, file, *, content_type: str, disposition: str = ""
) -> HttpResponse:
    """Stream a stored file of this tenant, honouring one byte range."""
    if not file or not file.name or not belongs_to_current_tenant(file.name):
        raise Http404
    storage = file.storage
    if isinstance(storage, S3Storage):
        response: HttpResponse = HttpResponseRedirect(storage.url(file.name))
        response["Cache-Control"] = REDIRECT_CACHE
        return response
    try:
        size = storage.size(file.name)
        handle = storage.open(file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    try:
        wanted = _byte_range(request.headers.get("Range", ""), size)
    except ValueError:
        handle.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    start, end = wanted if wanted else (0, size - 1)
    length = max(end - start + 1, 0)
    response = StreamingHttpResponse(
        _stream(handle, start, length), content_type=content_type, status=206 if wanted else 200
    )
    if wanted:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = FILE_CACHE
    response["X-Content-Type-Options"] = "nosniff"
    # A document is shown, never run: no script in a PDF or page may act on our origin.
    response["Content-Security-Policy"] = "default-src 'none'; media-src 'self'"
    if disposition:
        response["Content-Disposition"] = disposition
    return response


@guarded()
def document(request: HttpRequest, document_id: int, document_filename: str) -> HttpResponse:
    """A Wagtail document (``Document.url`` points here: WAGTAILDOCS_SERVE_METHOD)."""
    doc = get_object_or_404(get_document_model(), pk=document_id)
    if doc.filename != document_filename:
        raise Http404
    return stored_file_response(
        request, doc.file, content_type=doc.content_type, disposition=doc.content_disposition
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
    return stored_file_response(request, row.file, content_type=content_type)
