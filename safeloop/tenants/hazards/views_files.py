"""Evidence files (hazard photos, fixers' signatures), served only to who may see the hazard.

Files never get a public URL: each request is checked against the hazard's
visibility (selectors.visible_hazards) and the tenant prefix of the key. A
third-party verifier, who sees no hazard list, gets the files of one hazard
through its verifier page, which adds ``?v=<verifier_token>`` to the links.
On S3 the response is a redirect to a short-lived presigned URL.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_GET
from storages.backends.s3 import S3Storage

from safeloop.platform.storage import belongs_to_current_tenant
from safeloop.tenants.hazards.models import HazardPhoto, Rectification
from safeloop.tenants.hazards.selectors import hazards_open_to

# Keys never change (no overwrite), so the browser may keep a file a while; a
# presigned redirect must not outlive its signature (AWS_QUERYSTRING_EXPIRE).
FILE_CACHE = "private, max-age=3600"
REDIRECT_CACHE = "private, max-age=60"


def _hazard_rule(request: HttpRequest) -> Q:
    """Which hazards' files this request may read: the visible ones, or the verifier's one."""
    return Q(hazard__in=hazards_open_to(request.user, request.GET.get("v", "")))


def _serve(queryset: QuerySet, request: HttpRequest, pk: int, field: str) -> HttpResponse:
    obj = queryset.filter(_hazard_rule(request), pk=pk).first()
    if obj is None:
        raise Http404
    file: FieldFile = getattr(obj, field)
    if not file.name or not belongs_to_current_tenant(file.name):
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


@require_GET
@login_required
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    return _serve(HazardPhoto.objects.all(), request, pk, "image")


@require_GET
@login_required
def signature(request: HttpRequest, pk: int) -> HttpResponse:
    return _serve(Rectification.objects.all(), request, pk, "signature")
