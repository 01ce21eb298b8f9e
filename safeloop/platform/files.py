"""Serving a tenant's stored file after the caller has decided who may see it.

Files never get a public URL. The view finds the row through its own
visibility rule; this checks the key's tenant prefix and streams the file, or
redirects to a short-lived presigned URL on S3.
"""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from storages.backends.s3 import S3Storage

from safeloop.platform.storage import belongs_to_current_tenant

# Keys never change (no overwrite), so the browser may keep a file a while; a
# presigned redirect must not outlive its signature (AWS_QUERYSTRING_EXPIRE).
FILE_CACHE = "private, max-age=3600"
REDIRECT_CACHE = "private, max-age=60"


def serve_tenant_file(file: FieldFile | None) -> HttpResponse:
    if not file or not file.name or not belongs_to_current_tenant(file.name):
        raise Http404
    storage = file.storage
    if isinstance(storage, S3Storage):
        response: HttpResponse = HttpResponseRedirect(storage.url(file.name))
        response["Cache-Control"] = REDIRECT_CACHE
        return response
    try:
        handle = storage.open(file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle)
    response["Cache-Control"] = FILE_CACHE
    response["X-Content-Type-Options"] = "nosniff"
    return response
