"""Serving a tenant's stored file after the caller has decided who may see it.

Files never get a public URL. The view finds the row through its own
visibility rule; this checks the key's tenant prefix and streams the file, or
redirects to a short-lived presigned URL on S3 (S3 answers ranges itself).

Given the request, the answer honours one byte range (206, or 416 past the
end) and the validators (ETag, Last-Modified: 304): phones, iOS Safari above
all, ask for ranges before they play a video and again at each seek.
"""

from __future__ import annotations

import mimetypes
import posixpath
import re

from django.db.models.fields.files import FieldFile
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.utils.cache import get_conditional_response
from django.utils.http import (
    content_disposition_header,
    http_date,
    parse_http_date_safe,
    quote_etag,
)
from storages.backends.s3 import S3Storage

from safeloop.platform.storage import belongs_to_current_tenant

# Keys never change (no overwrite), so the browser may keep a file a while; a
# presigned redirect must not outlive its signature (AWS_QUERYSTRING_EXPIRE).
FILE_CACHE = "private, max-age=3600"
REDIRECT_CACHE = "private, max-age=60"
# A stored file is shown, never run: no script in a PDF or an uploaded page may act on
# our origin.
FILE_CSP = "default-src 'none'; media-src 'self'"

CHUNK = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The first range of a ``Range: bytes=a-b`` header as (start, end) inclusive;
    ``None`` to send the whole file (no header, or one we do not understand, which
    RFC 9110 says to ignore); ValueError when it cannot be satisfied."""
    match = _RANGE.match(header.split(",")[0].strip()) if header else None
    if match is None:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            raise ValueError
        return max(size - length, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        raise ValueError
    return start, end


def _range_still_valid(request: HttpRequest, etag: str, last_modified: int) -> bool:
    """``If-Range``: the range holds only for the version the browser already has;
    otherwise the whole (new) file goes out."""
    if_range = request.headers.get("If-Range")
    if not if_range:
        return True
    if if_range.startswith(('"', "W/")):
        return if_range == etag
    return parse_http_date_safe(if_range) == last_modified


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


def serve_tenant_file(
    file: FieldFile | None,
    request: HttpRequest | None = None,
    *,
    content_type: str | None = None,
    disposition: str = "",
) -> HttpResponse:
    """The stored ``file`` of this tenant, whole or the byte range ``request`` asks for.

    ``content_type`` defaults to the one the file's name suggests; ``disposition``
    to ``inline`` with the file's name.
    """
    if not file or not file.name or not belongs_to_current_tenant(file.name):
        raise Http404
    storage = file.storage
    if isinstance(storage, S3Storage):
        response: HttpResponse = HttpResponseRedirect(storage.url(file.name))
        response["Cache-Control"] = REDIRECT_CACHE
        return response
    try:
        size = storage.size(file.name)
        last_modified = int(storage.get_modified_time(file.name).timestamp())
    except FileNotFoundError:
        raise Http404 from None
    etag = quote_etag(f"{size:x}-{last_modified:x}")
    headers = request.headers if request is not None else {}

    if request is not None:
        response = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if response is not None:  # 304 Not Modified (or 412)
            response["ETag"] = etag
            return response

    wanted = None
    if headers.get("Range") and _range_still_valid(request, etag, last_modified):
        try:
            wanted = byte_range(headers["Range"], size)
        except ValueError:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            response["Accept-Ranges"] = "bytes"
            return response

    try:
        handle = storage.open(file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    name = posixpath.basename(file.name)
    content_type = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    if wanted is None:
        response = FileResponse(handle, content_type=content_type)
    else:
        start, end = wanted
        response = StreamingHttpResponse(
            _stream(handle, start, end - start + 1), content_type=content_type, status=206
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Content-Disposition"] = disposition or content_disposition_header(False, name)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = FILE_CACHE
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    return response


def private_download(
    content: bytes, content_type: str, filename: str, *, attachment: bool = True
) -> HttpResponse:
    """A file made for this request (a PDF, a spreadsheet): inline or as an attachment,
    and kept by no shared or browser cache (it holds an enterprise's data)."""
    response = HttpResponse(content, content_type=content_type)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
